//! Errors of the MFA module, kept in two kinds: [`MfaSetupError`] for the application's own
//! configuration and calls (parameters, labels, imported URIs), [`VerifyError`] for what a user
//! typed. Neither ever contains a secret, a code or the text the user entered.

use crate::crypto::{KeyId, SealError};
use crate::password::Lang;

/// Setting up MFA failed: invalid parameters, labels or imported secrets, or sealing failed.
///
/// These are errors of the application (or of the data it imports), not of a user logging in.
/// Messages name the rule, never the value.
///
/// ```
/// use twsec::auth::mfa::MfaSetupError;
/// use twsec::auth::totp::TotpParams;
///
/// let err = TotpParams::builder().digits(9).build().unwrap_err();
/// assert_eq!(err, MfaSetupError::Digits);
/// assert_eq!(err.code(), "MFA-SETUP-DIGITS");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MfaSetupError {
    /// The number of digits is outside
    /// [`MIN_DIGITS`](crate::auth::totp::MIN_DIGITS)..=[`MAX_DIGITS`](crate::auth::totp::MAX_DIGITS).
    #[error("TOTP codes must have 6 to 8 digits")]
    Digits,
    /// The period is outside
    /// [`MIN_PERIOD_SECS`](crate::auth::totp::MIN_PERIOD_SECS)..=[`MAX_PERIOD_SECS`](crate::auth::totp::MAX_PERIOD_SECS).
    #[error("TOTP period out of range")]
    Period,
    /// The skew is above [`MAX_SKEW`](crate::auth::totp::MAX_SKEW).
    #[error("TOTP skew out of range")]
    Skew,
    /// T0 cannot be represented, or is not 0 where an authenticator app must be provisioned.
    #[error("TOTP T0 out of range (authenticator apps assume T0 = 0)")]
    Epoch,
    /// The secret is shorter than [`MIN_SECRET_BYTES`](crate::auth::totp::MIN_SECRET_BYTES)
    /// (160 bits) or longer than [`MAX_SECRET_BYTES`](crate::auth::totp::MAX_SECRET_BYTES).
    #[error("TOTP secret must be 20 to 128 bytes")]
    SecretLength,
    /// The secret is not unpadded base32 (RFC 4648).
    #[error("TOTP secret is not base32 (RFC 4648)")]
    SecretEncoding,
    /// An issuer or account name is empty, too long, or contains `:` or control characters.
    #[error(
        "issuer and account name must be 1 to 256 characters without ':' or control characters"
    )]
    Label,
    /// Not an `otpauth://totp/` URI of the Key URI format; the reason names the part.
    #[error("not a valid otpauth://totp/ URI: {0}")]
    Uri(&'static str),
    /// The number of recovery codes is outside
    /// 1..=[`MAX_RECOVERY_CODES`](crate::auth::mfa::MAX_RECOVERY_CODES).
    #[error("recovery code count out of range")]
    RecoveryCount,
    /// A factor ID is empty, longer than 64 bytes, or has characters outside `a-z 0-9 . _ : -`.
    #[error("factor ID must be 1 to 64 characters of a-z, 0-9, '.', '_', ':' or '-'")]
    FactorId,
    /// The operating system's random source failed; nothing was created.
    #[error("random source unavailable")]
    Random,
    /// Sealing or opening the secret failed.
    #[error("sealed TOTP secret: {0}")]
    Seal(#[source] SealError),
}

impl MfaSetupError {
    /// A stable code for logs and audit records.
    pub fn code(&self) -> &'static str {
        match self {
            MfaSetupError::Digits => "MFA-SETUP-DIGITS",
            MfaSetupError::Period => "MFA-SETUP-PERIOD",
            MfaSetupError::Skew => "MFA-SETUP-SKEW",
            MfaSetupError::Epoch => "MFA-SETUP-EPOCH",
            MfaSetupError::SecretLength => "MFA-SETUP-SECRET-LENGTH",
            MfaSetupError::SecretEncoding => "MFA-SETUP-SECRET-ENCODING",
            MfaSetupError::Label => "MFA-SETUP-LABEL",
            MfaSetupError::Uri(_) => "MFA-SETUP-URI",
            MfaSetupError::RecoveryCount => "MFA-SETUP-RECOVERY-COUNT",
            MfaSetupError::FactorId => "MFA-SETUP-FACTOR-ID",
            MfaSetupError::Random => "MFA-SETUP-RANDOM",
            MfaSetupError::Seal(_) => "MFA-SETUP-SEAL",
        }
    }
}

/// A replay store failed (backend unreachable or answering nonsense); verification fails closed.
///
/// ```
/// use twsec::auth::mfa::ReplayStoreError;
///
/// let err = ReplayStoreError("connection refused".into());
/// assert_eq!(err.to_string(), "TOTP replay store: connection refused");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("TOTP replay store: {0}")]
pub struct ReplayStoreError(pub String);

/// Why a verification could not be carried out at all (not the user's fault). The user is told
/// only [`VerifyError::Unavailable`]'s short message; this cause is for the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unavailable {
    /// The sealed secret did not open: wrong keyring, a record moved to another account, or
    /// altered.
    #[error("sealed secret does not open: {0}")]
    Seal(#[source] SealError),
    /// The recovery codes were hashed under a key the keyring no longer holds.
    #[error("recovery codes keyed with key {0}, which is not in the keyring")]
    UnknownKey(KeyId),
    /// The replay store failed.
    #[error(transparent)]
    Store(#[from] ReplayStoreError),
    /// The clock reads a time before the enrolment's T0.
    #[error("clock is before the TOTP epoch T0")]
    ClockBeforeEpoch,
}

/// A one-time code (TOTP or recovery code) was refused.
///
/// Malformed input is told apart from a wrong code so that the user can correct a typo; a
/// wrong code never says how close it was. Nothing the user typed is kept.
///
/// ```
/// use twsec::auth::mfa::VerifyError;
/// use twsec::password::Lang;
///
/// let err = VerifyError::Replayed;
/// assert_eq!(err.code(), "MFA-CODE-REPLAYED");
/// assert_eq!(err.message(Lang::ZhTw), "此驗證碼已使用過，請等待下一組驗證碼。");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Characters other than the code's alphabet (digits for TOTP), or far too long.
    #[error("MFA-CODE-MALFORMED: the code has characters outside its alphabet")]
    Malformed,
    /// The code has the wrong number of characters.
    #[error("MFA-CODE-LENGTH: the code must be {expected} characters long")]
    WrongLength {
        /// The expected number of characters.
        expected: usize,
    },
    /// The code is wrong (or, for a recovery code, was already used).
    #[error("MFA-CODE-INVALID: the code is incorrect")]
    Invalid,
    /// The TOTP code is right but its time step was already accepted (replay protection).
    #[error("MFA-CODE-REPLAYED: the code was already used")]
    Replayed,
    /// Every recovery code of the set has been used.
    #[error("MFA-RECOVERY-EXHAUSTED: no unused recovery code left")]
    Exhausted,
    /// Verification could not be carried out; fail closed.
    #[error("MFA-UNAVAILABLE: {0}")]
    Unavailable(#[source] Unavailable),
}

impl VerifyError {
    /// A stable public code.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed => "MFA-CODE-MALFORMED",
            VerifyError::WrongLength { .. } => "MFA-CODE-LENGTH",
            VerifyError::Invalid => "MFA-CODE-INVALID",
            VerifyError::Replayed => "MFA-CODE-REPLAYED",
            VerifyError::Exhausted => "MFA-RECOVERY-EXHAUSTED",
            VerifyError::Unavailable(_) => "MFA-UNAVAILABLE",
        }
    }

    /// The message for the user, in `lang`. It never names the cause of
    /// [`VerifyError::Unavailable`].
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhTw;
        let (zh_text, en_text) = match self {
            VerifyError::Malformed => (
                "驗證碼格式不正確。",
                "The code is not in the expected format.",
            ),
            VerifyError::WrongLength { expected } => {
                return if zh {
                    format!("驗證碼應為 {expected} 碼。")
                } else {
                    format!("The code must be {expected} characters long.")
                };
            }
            VerifyError::Invalid => ("驗證碼錯誤。", "The code is incorrect."),
            VerifyError::Replayed => (
                "此驗證碼已使用過，請等待下一組驗證碼。",
                "This code has already been used; wait for the next one.",
            ),
            VerifyError::Exhausted => (
                "復原碼已全部用完，請聯絡管理者。",
                "All recovery codes have been used; contact an administrator.",
            ),
            VerifyError::Unavailable(_) => (
                "目前無法驗證，請稍後再試。",
                "Verification is unavailable; try again later.",
            ),
        };
        if zh { zh_text } else { en_text }.to_owned()
    }
}
