//! The errors of a reset. None carries a token, a digest or a user-supplied value.

use time::OffsetDateTime;

use super::identity::IdentityRefused;
use super::record::ResetRecord;
use super::store::ResetStoreError;
use super::token::TokenError;
use crate::password::Lang;

/// Identity was not confirmed: no token may be issued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The application's check refused (untrusted input: wrong code, unknown account).
    #[error("identity not confirmed: {}", .reason.as_str())]
    Refused {
        /// Why.
        reason: IdentityRefused,
        /// The `authn_password_change_fail` record to audit.
        record: Box<ResetRecord>,
    },
    /// Caller misuse: the check confirmed by customer service or in person without naming the
    /// operator (TWSE-8.3.c: the audit trail must say who confirmed).
    #[error("identity confirmed by a person, but no operator was named")]
    MissingOperator,
}

/// No token was issued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// Too many requests for this account (TXG-24.7.2).
    #[error("too many reset requests for this account")]
    RateLimited {
        /// When another would be admitted.
        retry_at: OffsetDateTime,
        /// The `excess_rate_limit_exceeded` record to audit.
        record: Box<ResetRecord>,
    },
    /// The identity confirmation is older than the token validity; confirm again.
    #[error("identity confirmation is too old")]
    StaleIdentity,
    /// The OS random source failed.
    #[error("random source unavailable")]
    Random,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] ResetStoreError),
}

/// A token was not redeemed. Whatever the variant, tell the user only
/// [`public_code`](Self::public_code) and [`message`](Self::message), which do not say whether
/// the token was malformed, unknown, expired or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedeemError {
    /// Not a token at all.
    #[error("reset token malformed: {0}")]
    Malformed(TokenError),
    /// No such token (or not this token's secret).
    #[error("reset token unknown")]
    Unknown,
    /// The token expired.
    #[error("reset token expired")]
    Expired {
        /// The record to audit.
        record: Box<ResetRecord>,
    },
    /// The token was already used or revoked: it may have leaked (`authn_token_reuse`).
    #[error("reset token already used or revoked")]
    Reused {
        /// The record to audit.
        record: Box<ResetRecord>,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] ResetStoreError),
}

impl RedeemError {
    /// The code to show the user: `AUTH-RESET-INVALID` for every token problem,
    /// `AUTH-RESET-UNAVAILABLE` when the store failed.
    pub fn public_code(&self) -> &'static str {
        match self {
            RedeemError::Store(_) => "AUTH-RESET-UNAVAILABLE",
            _ => "AUTH-RESET-INVALID",
        }
    }

    /// The message to show the user.
    pub fn message(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RedeemError::Store(_), Lang::ZhTw) => "系統暫時無法處理重設密碼，請稍後再試。",
            (RedeemError::Store(_), _) => {
                "Password reset is temporarily unavailable. Please try again later."
            }
            (_, Lang::ZhTw) => "重設密碼連結無效或已過期，請重新申請。",
            _ => "This password reset link is invalid or has expired. Please request a new one.",
        }
    }

    /// The record to audit, if the token was found.
    pub fn record(&self) -> Option<&ResetRecord> {
        match self {
            RedeemError::Expired { record } | RedeemError::Reused { record } => Some(record),
            _ => None,
        }
    }
}

/// A redeemed token could not force a change on this account record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrantError {
    /// Caller misuse: the record is not the account the token was issued for.
    #[error("the account record is not the one the token was issued for")]
    WrongAccount,
    /// The password changed after the token was issued: the token was stale.
    #[error("the password changed after the reset token was issued")]
    PasswordChanged {
        /// The record to audit.
        record: Box<ResetRecord>,
    },
    /// The account is disabled: a reset does not re-enable it (TPE-7.6: an operator does).
    #[error("account is disabled")]
    Disabled {
        /// The record to audit.
        record: Box<ResetRecord>,
    },
}

impl GrantError {
    /// The record to audit, if any.
    pub fn record(&self) -> Option<&ResetRecord> {
        match self {
            GrantError::PasswordChanged { record } | GrantError::Disabled { record } => {
                Some(record)
            }
            _ => None,
        }
    }
}
