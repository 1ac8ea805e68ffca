//! A TOTP enrolment as the application stores it: the sealed secret, the parameters and the
//! last accepted time step.

use std::fmt;

use rand::TryRngCore as _;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{MfaSetupError, Unavailable, VerifyError};
use super::factor::{Factor, FactorId, FactorKind};
use super::replay::TotpReplayStore;
use super::uri::ProvisioningUri;
use crate::auth::totp::{TotpParams, TotpSecret, TotpStep};
use crate::clock::Clock;
use crate::crypto::{KeyId, Keyring, Purpose, SealError, SealedString};

/// The keyring purpose the TOTP secret is sealed for. The crypto module has no MFA purpose
/// (yet); configuration secrets are the closest kind, and the context string keeps a sealed TOTP
/// secret apart from any configuration field.
const SEAL_PURPOSE: Purpose = Purpose::ConfigSeal;

/// The seal context of an account's TOTP secret: a sealed secret copied into another account's
/// record does not open there.
fn seal_context(account: &str) -> String {
    format!("twsec.mfa.totp:{account}")
}

/// One account's TOTP authenticator (TWSE-7.1.c.c, TWSE-7.1.d, TWSE-7.2.b.e, A10-IA-1H): a
/// serde-able record the application keeps with the account.
///
/// * The secret is sealed with the keyring (AES-256-GCM, purpose
///   [`Purpose::ConfigSeal`], context `twsec.mfa.totp:<account>`): a database dump does not
///   reveal it, and a record moved to another account does not open.
/// * Replay protection: a code's time step is accepted once. Either the record keeps the last
///   accepted step ([`verify`](Self::verify), which updates it: store the record back with a
///   compare-and-set on [`last_step`](Self::last_step), so that two concurrent logins cannot
///   both win), or a shared [`TotpReplayStore`] keeps it
///   ([`verify_with`](Self::verify_with), race-free in [`MemoryReplayStore`](super::MemoryReplayStore)).
///
/// ```
/// use secrecy::ExposeSecret;
/// use time::macros::datetime;
/// use twsec::auth::mfa::{TotpEnrolment, VerifyError};
/// use twsec::auth::totp::TotpParams;
/// use twsec::clock::ManualClock;
/// use twsec::crypto::{Keyring, MasterKey};
///
/// let ring = Keyring::new(MasterKey::generate());
/// let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
///
/// // Enrol: show `uri.to_uri()` as a QR code, store `enrolment` once the user has entered a
/// // first code.
/// let (mut enrolment, uri) =
///     TotpEnrolment::begin(&ring, "Example Securities", "alice", TotpParams::default(), &clock)?;
///
/// // What the user's authenticator app shows now:
/// let code = uri.params().code_at(uri.secret(), datetime!(2026-03-02 09:00 UTC)).unwrap();
///
/// let step = enrolment.verify(&ring, "alice", code.expose_secret(), &clock)?;
/// assert_eq!(enrolment.last_step(), Some(step));
/// // The same code again is a replay.
/// assert_eq!(
///     enrolment.verify(&ring, "alice", code.expose_secret(), &clock),
///     Err(VerifyError::Replayed)
/// );
/// // The record is serde-able; the secret in it is sealed.
/// let json = serde_json::to_string(&enrolment).unwrap();
/// assert!(json.contains("twsec:v1:"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    id: String,
    params: TotpParams,
    secret: SealedString,
    #[serde(with = "time::serde::rfc3339")]
    enrolled_at: OffsetDateTime,
    last_step: Option<TotpStep>,
}

impl TotpEnrolment {
    /// Starts an enrolment: a new secret from the OS random source (as long as the algorithm's
    /// output, at least 160 bits), sealed for `account`, and the provisioning URI to show the
    /// user. Labels are checked as in [`ProvisioningUri::new`].
    pub fn begin(
        keyring: &Keyring,
        issuer: &str,
        account: &str,
        params: TotpParams,
        clock: &dyn Clock,
    ) -> Result<(Self, ProvisioningUri), MfaSetupError> {
        let secret = TotpSecret::generate(params.algorithm())?;
        let uri = ProvisioningUri::new(issuer, account, secret, params)?;
        let enrolment = Self::from_secret(keyring, account, uri.secret(), params, clock)?;
        Ok((enrolment, uri))
    }

    /// An enrolment of an existing secret (for instance one imported with
    /// [`ProvisioningUri::parse`]).
    pub fn from_secret(
        keyring: &Keyring,
        account: &str,
        secret: &TotpSecret,
        params: TotpParams,
        clock: &dyn Clock,
    ) -> Result<Self, MfaSetupError> {
        let mut id = [0u8; 16];
        rand::rngs::OsRng
            .try_fill_bytes(&mut id)
            .map_err(|_| MfaSetupError::Random)?;
        Ok(Self {
            id: base16ct::lower::encode_string(&id),
            params,
            secret: seal(keyring, account, secret)?,
            enrolled_at: clock.now(),
            last_step: None,
        })
    }

    /// Verifies `code` for `account` now, refusing a time step at or before
    /// [`last_step`](Self::last_step), and records the accepted step in this record.
    ///
    /// `account` is the account being authenticated (not read from the record): a record
    /// moved to another account fails with [`VerifyError::Unavailable`].
    pub fn verify(
        &mut self,
        keyring: &Keyring,
        account: &str,
        code: &str,
        clock: &dyn Clock,
    ) -> Result<TotpStep, VerifyError> {
        let step = self.check(keyring, account, code, clock)?;
        self.last_step = Some(step);
        Ok(step)
    }

    /// The time step `code` matches after the record's last step, without recording it.
    fn check(
        &self,
        keyring: &Keyring,
        account: &str,
        code: &str,
        clock: &dyn Clock,
    ) -> Result<TotpStep, VerifyError> {
        let secret = self
            .open(keyring, account)
            .map_err(|e| VerifyError::Unavailable(Unavailable::Seal(e)))?;
        self.params
            .verify(&secret, code, clock.now(), self.last_step)
    }

    /// Verifies `code` for `account` now with the last accepted step kept in `store` (keyed by
    /// [`id`](Self::id)); this record is not changed. Of concurrent verifications of one code,
    /// exactly one is accepted; the others get [`VerifyError::Replayed`].
    pub fn verify_with(
        &self,
        keyring: &Keyring,
        account: &str,
        code: &str,
        clock: &dyn Clock,
        store: &dyn TotpReplayStore,
    ) -> Result<TotpStep, VerifyError> {
        let step = self.check(keyring, account, code, clock)?;
        let accepted = store
            .advance(&self.id, step, self.params.accepted_until(step))
            .map_err(|e| VerifyError::Unavailable(e.into()))?;
        if accepted {
            Ok(step)
        } else {
            Err(VerifyError::Replayed)
        }
    }

    /// Seals the secret again under the keyring's active key (key rotation, CRY-KEY-ROTATION).
    pub fn rekey(&mut self, keyring: &Keyring, account: &str) -> Result<(), MfaSetupError> {
        let secret = self.open(keyring, account).map_err(MfaSetupError::Seal)?;
        self.secret = seal(keyring, account, &secret)?;
        Ok(())
    }

    fn open(&self, keyring: &Keyring, account: &str) -> Result<TotpSecret, SealError> {
        let bytes = keyring.open(SEAL_PURPOSE, &seal_context(account), self.secret.as_str())?;
        // Only a record sealed by someone holding the key could hold a bad length.
        TotpSecret::from_secret_slice(bytes).map_err(|_| SealError::Plaintext)
    }

    /// A random ID (32 hex digits) naming this enrolment in a [`TotpReplayStore`] and in audit
    /// records. A new enrolment of the same account gets a new ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The parameters.
    pub fn params(&self) -> &TotpParams {
        &self.params
    }

    /// When it was created.
    pub fn enrolled_at(&self) -> OffsetDateTime {
        self.enrolled_at
    }

    /// The last time step accepted by [`verify`](Self::verify).
    pub fn last_step(&self) -> Option<TotpStep> {
        self.last_step
    }

    /// The key the secret is sealed with.
    pub fn key_id(&self) -> Option<KeyId> {
        self.secret.key_id()
    }
}

fn seal(
    keyring: &Keyring,
    account: &str,
    secret: &TotpSecret,
) -> Result<SealedString, MfaSetupError> {
    let sealed = keyring
        .seal(SEAL_PURPOSE, &seal_context(account), secret.expose_secret())
        .map_err(MfaSetupError::Seal)?;
    SealedString::new(sealed).map_err(MfaSetupError::Seal)
}

impl Factor for TotpEnrolment {
    fn id(&self) -> FactorId {
        FactorId::TOTP
    }

    fn kind(&self) -> FactorKind {
        FactorKind::Possession
    }
}

impl fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpEnrolment")
            .field("id", &self.id)
            .field("params", &self.params)
            .field("secret", &self.secret)
            .field("enrolled_at", &self.enrolled_at)
            .field("last_step", &self.last_step)
            .finish()
    }
}
