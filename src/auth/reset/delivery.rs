//! What leaves twsec in a reset: the opaque public response, the token message for the holder's
//! registered channel, and the audit records.

use std::fmt;

use secrecy::SecretString;
use time::OffsetDateTime;

use super::record::ResetRecord;
use super::token::TokenId;
use crate::password::Lang;

/// The one answer [`PasswordReset::request`](super::PasswordReset::request) gives, whether the
/// account exists or not, whether identity was confirmed, whether the request was rate-limited.
/// It holds nothing else, so showing it cannot leak anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "show the user this response (and only this)"]
pub struct ResetResponse {
    validity_minutes: i64,
}

impl ResetResponse {
    /// The public code of every response.
    pub const CODE: &'static str = "AUTH-RESET-REQUESTED";

    pub(crate) const fn new(validity_minutes: i64) -> Self {
        Self { validity_minutes }
    }

    /// [`CODE`](Self::CODE).
    pub fn code(self) -> &'static str {
        Self::CODE
    }

    /// The message to show the user (it names the policy's validity, the same for everyone).
    pub fn message(self, lang: Lang) -> String {
        let m = self.validity_minutes;
        match lang {
            Lang::ZhTw => format!(
                "若資料與我們的紀錄相符，重設密碼的連結已寄至您登記的聯絡方式，請於 {m} 分鐘內使用。"
            ),
            _ => format!(
                "If the details match our records, a password reset link has been sent to your \
                 registered contact. Please use it within {m} minutes."
            ),
        }
    }
}

/// A token to send to the holder through a channel registered before the reset (the e-mail
/// address or phone on file, never one typed in the request).
#[non_exhaustive]
pub struct TokenMessage {
    /// The account.
    pub account: String,
    /// The token's text form: put it in the link, never in a log.
    pub token: SecretString,
    /// Its ID (for correlation with the audit records).
    pub token_id: TokenId,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

impl fmt::Debug for TokenMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenMessage")
            .field("account", &self.account)
            .field("token", &"[REDACTED]")
            .field("token_id", &self.token_id)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The application could not deliver a [`TokenMessage`]; twsec revokes the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("reset token could not be delivered")]
pub struct DeliveryFailed;

/// The application's side of [`PasswordReset::request`](super::PasswordReset::request): the
/// only place that learns whether anything is sent.
///
/// `deliver` is called only when the account exists, identity was confirmed and the request
/// was admitted; `record` receives every audit record of the request, including those of
/// requests that sent nothing. Neither is for the user. To keep the response time the same
/// whether or not a token is sent, `deliver` should queue the message rather than send it
/// while the user waits.
pub trait Delivery {
    /// Sends `message` to the holder's registered channel (or queues it).
    fn deliver(&self, message: TokenMessage) -> Result<(), DeliveryFailed>;

    /// Takes one audit record (see [`ResetRecord::to_audit_event`]).
    fn record(&self, record: ResetRecord);
}

/// A token issued by [`PasswordReset::issue`](super::PasswordReset::issue): the message to send
/// and the records to audit.
#[derive(Debug)]
#[non_exhaustive]
pub struct IssuedToken {
    /// What to send, and to whom.
    pub message: TokenMessage,
    /// `authn_token_revoked` for the token it replaced (if any), then `authn_token_created`.
    pub records: Vec<ResetRecord>,
}
