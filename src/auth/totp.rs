//! Time-based one-time passwords: TOTP (RFC 6238) over HOTP's dynamic truncation (RFC 4226),
//! with HMAC-SHA-1, HMAC-SHA-256 or HMAC-SHA-512 — the "something held" factor of
//! TWSE-7.1.d, used for the MFA of TWSE-7.1.c.c, TWSE-7.2.b.e and A10-IA-1H.
//!
//! This module is pure: [`TotpParams::verify`] takes the secret, the code, the time and the last
//! accepted time step, and returns the step it accepts. Keeping the secret sealed and the last
//! step up to date is [`TotpEnrolment`](crate::auth::mfa::TotpEnrolment)'s job.
//!
//! ```
//! use secrecy::ExposeSecret;
//! use time::macros::datetime;
//! use twsec::auth::totp::{TotpAlgorithm, TotpParams, TotpSecret};
//!
//! // RFC 6238 Appendix B, SHA-1, T = 59 s.
//! let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec())?;
//! let params = TotpParams::builder().algorithm(TotpAlgorithm::Sha1).digits(8).build()?;
//! let at = datetime!(1970-01-01 00:00:59 UTC);
//! assert_eq!(params.code_at(&secret, at).unwrap().expose_secret(), "94287082");
//! let step = params.verify(&secret, "94287082", at, None)?;
//! assert_eq!(step.value(), 1);
//! // The same step is refused once accepted.
//! assert!(params.verify(&secret, "94287082", at, Some(step)).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::TryRngCore as _;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};
use subtle::{Choice, ConditionallySelectable as _, ConstantTimeEq as _};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::mfa::input::normalize_code;
use super::mfa::{MfaSetupError, Unavailable, VerifyError};

/// Fewest digits in a code (RFC 4226 §5.3: at least 6).
pub const MIN_DIGITS: u8 = 6;
/// Most digits in a code (the 31-bit truncated value has 10 digits, RFC 6238 stops at 8).
pub const MAX_DIGITS: u8 = 8;
/// Default number of digits: 6, what every authenticator app shows.
pub const DEFAULT_DIGITS: u8 = 6;
/// Shortest time step accepted, in seconds.
pub const MIN_PERIOD_SECS: u32 = 15;
/// Longest time step accepted, in seconds.
pub const MAX_PERIOD_SECS: u32 = 300;
/// Default time step: 30 s (RFC 6238 §5.2).
pub const DEFAULT_PERIOD_SECS: u32 = 30;
/// Default skew: one step before or after the current one (RFC 6238 §5.2 recommends at most
/// one step of network delay).
pub const DEFAULT_SKEW: u8 = 1;
/// Largest skew: every extra step widens the window an attacker guesses in.
pub const MAX_SKEW: u8 = 5;
/// Shortest secret: 160 bits (RFC 4226 §4 R6).
pub const MIN_SECRET_BYTES: usize = 20;
/// Longest secret: 128 bytes (twice SHA-512's block; longer keys are hashed by HMAC anyway).
pub const MAX_SECRET_BYTES: usize = 128;
/// Longest base32 text decoded, in bytes, before any work.
const MAX_BASE32_INPUT: usize = 1024;

/// The HMAC hash of a TOTP (RFC 6238 §1.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TotpAlgorithm {
    /// HMAC-SHA-1: the default, and the only one some authenticator apps support.
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA-256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA-512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl TotpAlgorithm {
    /// The name in an `otpauth://` URI: `SHA1`, `SHA256` or `SHA512`.
    pub const fn uri_name(self) -> &'static str {
        match self {
            TotpAlgorithm::Sha1 => "SHA1",
            TotpAlgorithm::Sha256 => "SHA256",
            TotpAlgorithm::Sha512 => "SHA512",
        }
    }

    /// Parses a URI name (case-insensitive).
    pub fn from_uri_name(name: &str) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Sha512]
            .into_iter()
            .find(|a| a.uri_name().eq_ignore_ascii_case(name))
    }

    /// The HMAC output length in bytes, which is also the length of a generated secret
    /// (RFC 6238 §5.1 recommends a key as long as the output).
    pub const fn output_len(self) -> usize {
        match self {
            TotpAlgorithm::Sha1 => 20,
            TotpAlgorithm::Sha256 => 32,
            TotpAlgorithm::Sha512 => 64,
        }
    }
}

/// A TOTP time step: `floor((unix_time - T0) / period)`, the moving factor of HOTP.
///
/// ```
/// use twsec::auth::totp::{TotpParams, TotpStep};
/// use time::macros::datetime;
///
/// let step = TotpParams::default().step_at(datetime!(1970-01-01 00:01:00 UTC)).unwrap();
/// assert_eq!(step, TotpStep::new(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TotpStep(u64);

impl TotpStep {
    /// The step with this number (also an HOTP counter).
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// The step's number.
    pub const fn value(self) -> u64 {
        self.0
    }
}

/// A shared TOTP secret: raw key bytes, zeroized on drop; `Debug` prints `[REDACTED]`.
///
/// ```
/// use twsec::auth::totp::{TotpAlgorithm, TotpSecret};
///
/// let secret = TotpSecret::generate(TotpAlgorithm::Sha1)?;
/// assert_eq!(secret.len(), 20);
/// assert_eq!(format!("{secret:?}"), "TotpSecret([REDACTED])");
/// // Too short to be a secret (80 bits):
/// assert!(TotpSecret::from_base32("JBSWY3DPEHPK3PXP").is_err());
/// # Ok::<(), twsec::auth::mfa::MfaSetupError>(())
/// ```
pub struct TotpSecret(SecretSlice<u8>);

impl TotpSecret {
    /// A new secret from the operating system's CSPRNG, as long as `algorithm`'s output (160,
    /// 256 or 512 bits).
    pub fn generate(algorithm: TotpAlgorithm) -> Result<Self, MfaSetupError> {
        let mut bytes = vec![0u8; algorithm.output_len()];
        let filled = rand::rngs::OsRng.try_fill_bytes(&mut bytes);
        let secret = SecretSlice::from(bytes);
        filled.map_err(|_| MfaSetupError::Random)?;
        Ok(Self(secret))
    }

    /// A secret from its bytes, which must be
    /// [`MIN_SECRET_BYTES`]..=[`MAX_SECRET_BYTES`] long.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, MfaSetupError> {
        Self::from_secret_slice(SecretSlice::from(bytes))
    }

    /// A secret from bytes already wrapped (an opened sealed value).
    pub(crate) fn from_secret_slice(secret: SecretSlice<u8>) -> Result<Self, MfaSetupError> {
        if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&secret.expose_secret().len()) {
            return Err(MfaSetupError::SecretLength);
        }
        Ok(Self(secret))
    }

    /// A secret from base32 (RFC 4648) as found in an `otpauth://` URI or typed by hand: case,
    /// white space and trailing `=` padding are ignored.
    pub fn from_base32(text: &str) -> Result<Self, MfaSetupError> {
        if text.len() > MAX_BASE32_INPUT {
            return Err(MfaSetupError::SecretEncoding);
        }
        let mut clean = Zeroizing::new(String::with_capacity(text.len()));
        clean.extend(
            text.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| c.to_ascii_uppercase()),
        );
        let unpadded = clean.trim_end_matches('=');
        let bytes = BASE32_NOPAD
            .decode(unpadded.as_bytes())
            .map_err(|_| MfaSetupError::SecretEncoding)?;
        Self::from_bytes(bytes)
    }

    /// The secret in unpadded base32, for manual entry into an authenticator app.
    pub fn expose_base32(&self) -> SecretString {
        SecretString::from(BASE32_NOPAD.encode(self.0.expose_secret()))
    }

    /// The key bytes.
    pub fn expose_secret(&self) -> &[u8] {
        self.0.expose_secret()
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.expose_secret().len()
    }

    /// Always `false`: a secret has at least [`MIN_SECRET_BYTES`].
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret([REDACTED])")
    }
}

/// TOTP parameters: algorithm, digits, period, T0 and the verifier's skew.
///
/// Build them with [`TotpParams::builder`]; invalid values are an error, never a panic.
/// Deserialising checks the same bounds.
///
/// # Defaults
/// HMAC-SHA-1, [`DEFAULT_DIGITS`] (6) digits, [`DEFAULT_PERIOD_SECS`] (30 s) period, T0 = 0
/// (the Unix epoch), [`DEFAULT_SKEW`] (±1 step). These are what authenticator apps assume.
///
/// ```
/// use twsec::auth::totp::{TotpAlgorithm, TotpParams};
///
/// let params = TotpParams::builder().algorithm(TotpAlgorithm::Sha256).skew(2).build()?;
/// assert_eq!(params.digits(), 6);
/// assert_eq!(params.skew(), 2);
/// assert!(TotpParams::builder().digits(5).build().is_err());
/// # Ok::<(), twsec::auth::mfa::MfaSetupError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ParamsRepr", into = "ParamsRepr")]
pub struct TotpParams {
    algorithm: TotpAlgorithm,
    digits: u8,
    period: u32,
    t0: i64,
    skew: u8,
}

#[derive(Serialize, Deserialize)]
struct ParamsRepr {
    algorithm: TotpAlgorithm,
    digits: u8,
    period: u32,
    #[serde(default)]
    t0: i64,
    skew: u8,
}

impl From<TotpParams> for ParamsRepr {
    fn from(p: TotpParams) -> Self {
        Self {
            algorithm: p.algorithm,
            digits: p.digits,
            period: p.period,
            t0: p.t0,
            skew: p.skew,
        }
    }
}

impl TryFrom<ParamsRepr> for TotpParams {
    type Error = MfaSetupError;

    fn try_from(r: ParamsRepr) -> Result<Self, Self::Error> {
        TotpParamsBuilder {
            params: TotpParams {
                algorithm: r.algorithm,
                digits: r.digits,
                period: r.period,
                t0: r.t0,
                skew: r.skew,
            },
        }
        .build()
    }
}

impl Default for TotpParams {
    fn default() -> Self {
        Self {
            algorithm: TotpAlgorithm::Sha1,
            digits: DEFAULT_DIGITS,
            period: DEFAULT_PERIOD_SECS,
            t0: 0,
            skew: DEFAULT_SKEW,
        }
    }
}

/// Builds [`TotpParams`], starting from the defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct TotpParamsBuilder {
    params: TotpParams,
}

impl TotpParamsBuilder {
    /// The HMAC hash.
    #[must_use]
    pub fn algorithm(mut self, algorithm: TotpAlgorithm) -> Self {
        self.params.algorithm = algorithm;
        self
    }

    /// Digits per code, [`MIN_DIGITS`]..=[`MAX_DIGITS`].
    #[must_use]
    pub fn digits(mut self, digits: u8) -> Self {
        self.params.digits = digits;
        self
    }

    /// The time step in seconds, [`MIN_PERIOD_SECS`]..=[`MAX_PERIOD_SECS`].
    #[must_use]
    pub fn period_secs(mut self, secs: u32) -> Self {
        self.params.period = secs;
        self
    }

    /// T0, the time steps are counted from (whole seconds; the fraction is dropped).
    #[must_use]
    pub fn t0(mut self, t0: OffsetDateTime) -> Self {
        self.params.t0 = t0.unix_timestamp();
        self
    }

    /// How many steps before and after the current one are accepted, 0..=[`MAX_SKEW`].
    #[must_use]
    pub fn skew(mut self, steps: u8) -> Self {
        self.params.skew = steps;
        self
    }

    /// The parameters, or which one is out of range.
    pub fn build(self) -> Result<TotpParams, MfaSetupError> {
        let p = self.params;
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&p.digits) {
            return Err(MfaSetupError::Digits);
        }
        if !(MIN_PERIOD_SECS..=MAX_PERIOD_SECS).contains(&p.period) {
            return Err(MfaSetupError::Period);
        }
        if p.skew > MAX_SKEW {
            return Err(MfaSetupError::Skew);
        }
        if OffsetDateTime::from_unix_timestamp(p.t0).is_err() {
            return Err(MfaSetupError::Epoch);
        }
        Ok(p)
    }
}

/// A code's ASCII digits (only the first `digits` are used); wiped when dropped.
type CodeDigits = Zeroizing<[u8; MAX_DIGITS as usize]>;

impl TotpParams {
    /// A builder starting from the defaults.
    pub fn builder() -> TotpParamsBuilder {
        TotpParamsBuilder::default()
    }

    /// The HMAC hash.
    pub fn algorithm(&self) -> TotpAlgorithm {
        self.algorithm
    }

    /// Digits per code.
    pub fn digits(&self) -> u8 {
        self.digits
    }

    /// The time step in seconds.
    pub fn period_secs(&self) -> u32 {
        self.period
    }

    /// T0.
    pub fn t0(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.t0)
            .expect("T0 was checked to be a representable instant when built")
    }

    /// Steps accepted before and after the current one.
    pub fn skew(&self) -> u8 {
        self.skew
    }

    /// The time step that `at` falls in; `None` before T0.
    pub fn step_at(&self, at: OffsetDateTime) -> Option<TotpStep> {
        let since = at.unix_timestamp().checked_sub(self.t0)?;
        let since = u64::try_from(since).ok()?;
        Some(TotpStep(since / u64::from(self.period)))
    }

    /// When `step` begins; `None` past the year 9999.
    pub fn step_start(&self, step: TotpStep) -> Option<OffsetDateTime> {
        let offset = i64::try_from(step.0)
            .ok()?
            .checked_mul(i64::from(self.period))?;
        OffsetDateTime::from_unix_timestamp(self.t0.checked_add(offset)?).ok()
    }

    /// The HOTP value (RFC 4226 §5.3) of `secret` at counter `step`, as `digits` ASCII digits.
    fn code_digits(&self, secret: &TotpSecret, step: u64) -> CodeDigits {
        let msg = step.to_be_bytes();
        let key = secret.expose_secret();
        macro_rules! hmac {
            ($hash:ty) => {{
                let mut mac = <Hmac<$hash> as Mac>::new_from_slice(key)
                    .expect("HMAC accepts keys of any length");
                mac.update(&msg);
                Zeroizing::new(mac.finalize().into_bytes().to_vec())
            }};
        }
        let hs = match self.algorithm {
            TotpAlgorithm::Sha1 => hmac!(sha1::Sha1),
            TotpAlgorithm::Sha256 => hmac!(sha2::Sha256),
            TotpAlgorithm::Sha512 => hmac!(sha2::Sha512),
        };
        // Dynamic truncation: the low 4 bits of the last byte pick 4 bytes, whose top bit is
        // dropped (RFC 4226 §5.4). Every output is at least 20 bytes, so offset + 3 < len.
        let offset = usize::from(hs[hs.len() - 1] & 0x0f);
        let bin = u32::from_be_bytes([
            hs[offset] & 0x7f,
            hs[offset + 1],
            hs[offset + 2],
            hs[offset + 3],
        ]);
        let mut value = Zeroizing::new(bin % 10u32.pow(u32::from(self.digits)));
        let mut out = Zeroizing::new([b'0'; MAX_DIGITS as usize]);
        for slot in out[..usize::from(self.digits)].iter_mut().rev() {
            *slot = b'0' + (*value % 10) as u8;
            *value /= 10;
        }
        out
    }

    /// The code of `secret` for time step `step` (also the RFC 4226 HOTP value for counter
    /// `step.value()`), `digits` digits long with leading zeros.
    pub fn code_for_step(&self, secret: &TotpSecret, step: TotpStep) -> SecretString {
        let digits = self.code_digits(secret, step.0);
        let text: String = digits[..usize::from(self.digits)]
            .iter()
            .map(|&b| char::from(b))
            .collect();
        SecretString::from(text)
    }

    /// The code an authenticator app shows at `at`; `None` before T0.
    pub fn code_at(&self, secret: &TotpSecret, at: OffsetDateTime) -> Option<SecretString> {
        Some(self.code_for_step(secret, self.step_at(at)?))
    }

    /// Verifies `code` at `at` within ±[`skew`](Self::skew) steps and returns the time step it
    /// matches. Steps at or before `last_accepted` are refused with
    /// [`VerifyError::Replayed`], so a code is accepted once (store the returned step as the new
    /// `last_accepted`).
    ///
    /// The input is normalised first (white space, dashes and full-width digits are accepted);
    /// every candidate step is computed and compared in constant time.
    pub fn verify(
        &self,
        secret: &TotpSecret,
        code: &str,
        at: OffsetDateTime,
        last_accepted: Option<TotpStep>,
    ) -> Result<TotpStep, VerifyError> {
        let given = normalize_code(code)?;
        if !given.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VerifyError::Malformed);
        }
        let digits = usize::from(self.digits);
        if given.len() != digits {
            return Err(VerifyError::WrongLength { expected: digits });
        }
        let current = self
            .step_at(at)
            .ok_or(VerifyError::Unavailable(Unavailable::ClockBeforeEpoch))?;
        let skew = u64::from(self.skew);
        let mut chosen = 0u64;
        let mut fresh = Choice::from(0);
        let mut used = Choice::from(0);
        // Oldest first, so that the earliest unused matching step is taken.
        for step in current.0.saturating_sub(skew)..=current.0.saturating_add(skew) {
            let expected = self.code_digits(secret, step);
            let equal = expected[..digits].ct_eq(given.as_bytes());
            let unused = Choice::from(u8::from(last_accepted.is_none_or(|last| step > last.0)));
            chosen.conditional_assign(&step, equal & unused & !fresh);
            fresh |= equal & unused;
            used |= equal & !unused;
        }
        if bool::from(fresh) {
            Ok(TotpStep(chosen))
        } else if bool::from(used) {
            Err(VerifyError::Replayed)
        } else {
            Err(VerifyError::Invalid)
        }
    }

    /// The first instant at which `step` can no longer be accepted (it has left the skew
    /// window): the start of step `step + skew + 1`. A replay store may forget the step then.
    pub fn accepted_until(&self, step: TotpStep) -> OffsetDateTime {
        step.0
            .checked_add(u64::from(self.skew) + 1)
            .and_then(|s| self.step_start(TotpStep(s)))
            .unwrap_or_else(|| time::PrimitiveDateTime::MAX.assume_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn steps_and_windows() {
        let params = TotpParams::default();
        assert_eq!(params.step_at(datetime!(1969-12-31 23:59:59 UTC)), None);
        assert_eq!(
            params.step_at(datetime!(1970-01-01 00:00:29 UTC)),
            Some(TotpStep(0))
        );
        assert_eq!(
            params.step_start(TotpStep(2)),
            Some(datetime!(1970-01-01 00:01:00 UTC))
        );
        assert_eq!(
            params.accepted_until(TotpStep(2)),
            datetime!(1970-01-01 00:02:00 UTC)
        );
        assert_eq!(
            params.accepted_until(TotpStep(u64::MAX)),
            time::PrimitiveDateTime::MAX.assume_utc()
        );
    }

    #[test]
    fn bad_params_are_errors() {
        let b = TotpParams::builder;
        assert_eq!(b().digits(5).build(), Err(MfaSetupError::Digits));
        assert_eq!(b().digits(9).build(), Err(MfaSetupError::Digits));
        assert_eq!(b().period_secs(0).build(), Err(MfaSetupError::Period));
        assert_eq!(b().skew(MAX_SKEW + 1).build(), Err(MfaSetupError::Skew));
        let json = r#"{"algorithm":"SHA1","digits":10,"period":30,"skew":1}"#;
        assert!(serde_json::from_str::<TotpParams>(json).is_err());
        let json = r#"{"algorithm":"SHA512","digits":8,"period":60,"skew":0}"#;
        let p: TotpParams = serde_json::from_str(json).unwrap();
        assert_eq!(p.algorithm(), TotpAlgorithm::Sha512);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"algorithm":"SHA512","digits":8,"period":60,"t0":0,"skew":0}"#
        );
    }
}
