//! Multi-factor authentication (area MFA): TOTP enrolments with replay protection, single-use
//! recovery codes, factor categories and the MFA rules.
//!
//! | clause | rule | API |
//! |---|---|---|
//! | TWSE-7.1.c.c | internet order login uses MFA | [`AuthFactors::check_multi_factor`] |
//! | TWSE-7.1.d | MFA = two of three categories | [`FactorKind`], [`AuthFactors::check_multi_factor`] |
//! | TWSE-7.1.e.a | certificate apply/renew with a factor other than the login's | [`AuthFactors::authorize_sensitive`] |
//! | TWSE-7.2.b.e | MFA for account logins over the internet | [`AuthFactors::check_multi_factor`] |
//! | A10-IA-1H | MFA for system access (Annex 10, High) | [`TotpEnrolment`], [`RecoveryCodes`], [`AuthFactors`] |
//!
//! The pieces:
//! * [`TotpEnrolment`]: a serde-able record holding the TOTP secret sealed with the
//!   [`Keyring`](crate::crypto::Keyring) and the last accepted time step; verification accepts
//!   a time step once, with the state in the record or in a shared [`TotpReplayStore`]
//!   ([`MemoryReplayStore`] in one process). The TOTP algorithm itself is in
//!   [`totp`](crate::auth::totp).
//! * [`ProvisioningUri`]: the `otpauth://totp/` URI shown as a QR code, and its parser.
//! * [`RecoveryCodes`]: single-use codes stored as keyed hashes.
//! * [`Factor`], [`FactorKind`], [`StandardFactor`], [`CustomFactor`], [`AuthFactors`]: what
//!   an authentication used, and the decisions [`MfaDecision`] / [`MfaRefusal`].
//! * Errors: [`MfaSetupError`] (the application's configuration and calls) and
//!   [`VerifyError`] (what the user typed), each with a stable code.
//!
//! ```
//! use secrecy::ExposeSecret;
//! use time::macros::datetime;
//! use twsec::auth::mfa::{AuthFactors, StandardFactor, TotpEnrolment};
//! use twsec::auth::totp::TotpParams;
//! use twsec::clock::ManualClock;
//! use twsec::crypto::{Keyring, MasterKey};
//!
//! let ring = Keyring::new(MasterKey::generate());
//! let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
//! let (mut totp, uri) =
//!     TotpEnrolment::begin(&ring, "Example Securities", "alice", TotpParams::default(), &clock)?;
//! let code = uri.params().code_at(uri.secret(), datetime!(2026-03-02 09:00 UTC)).unwrap();
//!
//! // Login: the application verified the password; twsec verifies the TOTP code.
//! let mut login = AuthFactors::new();
//! login.record(&StandardFactor::Password);
//! totp.verify(&ring, "alice", code.expose_secret(), &clock)?;
//! login.record(&totp);
//! assert!(login.check_multi_factor().is_allowed());
//!
//! // Certificate renewal: TOTP again is refused, a code sent by SMS is allowed.
//! assert!(!login.authorize_sensitive(&StandardFactor::Totp).is_allowed());
//! assert!(login.authorize_sensitive(&StandardFactor::SmsOtp).is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod enrolment;
mod error;
mod factor;
pub(crate) mod input;
mod policy;
mod recovery;
mod replay;
mod uri;

pub use enrolment::TotpEnrolment;
pub use error::{MfaSetupError, ReplayStoreError, Unavailable, VerifyError};
pub use factor::{CustomFactor, Factor, FactorId, FactorKind, StandardFactor};
pub use policy::{AuthFactors, MfaDecision, MfaRefusal};
pub use recovery::{
    DEFAULT_RECOVERY_CODES, MAX_RECOVERY_CODES, RECOVERY_CODE_CHARS, RecoveryCodes,
};
pub use replay::{MemoryReplayStore, TotpReplayStore};
pub use uri::ProvisioningUri;
