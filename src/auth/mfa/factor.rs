//! Authentication factors and their categories (TWSE-7.1.d: something known, something held,
//! something the person is).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::MfaSetupError;

/// The category of a factor (TWSE-7.1.d). Closed on purpose: there are three.
///
/// ```
/// use twsec::auth::mfa::{Factor, FactorKind, StandardFactor};
///
/// assert_eq!(StandardFactor::Password.kind(), FactorKind::Knowledge);
/// assert_eq!(StandardFactor::Totp.kind(), FactorKind::Possession);
/// assert_eq!(StandardFactor::Biometric.kind(), FactorKind::Inherence);
/// assert_eq!(FactorKind::Possession.as_str(), "possession");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// Something the person knows: a password, a pattern (知識).
    Knowledge,
    /// Something the person holds: an authenticator app or token, a card, a bound device, a
    /// phone receiving SMS, printed recovery codes (持有).
    Possession,
    /// Something the person is: a fingerprint, a face (生物特徵).
    Inherence,
}

impl FactorKind {
    /// Every category.
    pub const ALL: [FactorKind; 3] = [
        FactorKind::Knowledge,
        FactorKind::Possession,
        FactorKind::Inherence,
    ];

    /// A stable name: `knowledge`, `possession` or `inherence`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FactorKind::Knowledge => "knowledge",
            FactorKind::Possession => "possession",
            FactorKind::Inherence => "inherence",
        }
    }
}

impl fmt::Display for FactorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a factor: which method authenticated the person (`password`, `totp`, …). Two
/// factors are the same factor when their IDs are equal; an application that registers, say,
/// two authenticator devices as distinct factors gives them distinct IDs (`totp:phone`,
/// `totp:token`).
///
/// 1 to 64 characters of `a-z 0-9 . _ : -`.
///
/// ```
/// use twsec::auth::mfa::FactorId;
///
/// assert_eq!(FactorId::TOTP.as_str(), "totp");
/// let card = FactorId::new("ic-card")?;
/// assert_eq!(card.to_string(), "ic-card");
/// assert!(FactorId::new("IC Card").is_err());
/// # Ok::<(), twsec::auth::mfa::MfaSetupError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FactorId(Cow<'static, str>);

impl FactorId {
    /// A password ([`FactorKind::Knowledge`]).
    pub const PASSWORD: FactorId = FactorId(Cow::Borrowed("password"));
    /// A graphical pattern ([`FactorKind::Knowledge`]).
    pub const PATTERN: FactorId = FactorId(Cow::Borrowed("pattern"));
    /// A TOTP authenticator ([`FactorKind::Possession`]).
    pub const TOTP: FactorId = FactorId(Cow::Borrowed("totp"));
    /// A recovery code ([`FactorKind::Possession`]).
    pub const RECOVERY_CODE: FactorId = FactorId(Cow::Borrowed("recovery-code"));
    /// A one-time code sent by SMS ([`FactorKind::Possession`]).
    pub const SMS_OTP: FactorId = FactorId(Cow::Borrowed("sms-otp"));
    /// A device bound to the account ([`FactorKind::Possession`]).
    pub const DEVICE_BINDING: FactorId = FactorId(Cow::Borrowed("device-binding"));
    /// A biometric check ([`FactorKind::Inherence`]).
    pub const BIOMETRIC: FactorId = FactorId(Cow::Borrowed("biometric"));

    /// An application-defined factor ID.
    pub fn new(id: impl Into<String>) -> Result<Self, MfaSetupError> {
        let id = id.into();
        let ok = (1..=64).contains(&id.len())
            && id.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'.' | b'_' | b':' | b'-')
            });
        if ok {
            Ok(Self(Cow::Owned(id)))
        } else {
            Err(MfaSetupError::FactorId)
        }
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FactorId {
    type Error = MfaSetupError;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::new(id)
    }
}

impl From<FactorId> for String {
    fn from(id: FactorId) -> Self {
        id.0.into_owned()
    }
}

impl fmt::Display for FactorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for FactorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FactorId({})", self.0)
    }
}

/// A factor an authentication used. Verifying it is the application's job (twsec verifies
/// passwords, TOTP codes and recovery codes; SMS codes, device bindings and biometrics are
/// verified by the application or its provider); the MFA rules only need what it is.
///
/// ```
/// use twsec::auth::mfa::{Factor, FactorId, FactorKind};
///
/// /// The brokerage's own IC card reader.
/// struct IcCard;
///
/// impl Factor for IcCard {
///     fn id(&self) -> FactorId { FactorId::new("ic-card").expect("a valid ID") }
///     fn kind(&self) -> FactorKind { FactorKind::Possession }
/// }
/// assert_eq!(IcCard.kind(), FactorKind::Possession);
/// ```
pub trait Factor {
    /// Which factor this is.
    fn id(&self) -> FactorId;
    /// Its category.
    fn kind(&self) -> FactorKind;
}

impl<F: Factor + ?Sized> Factor for &F {
    fn id(&self) -> FactorId {
        (**self).id()
    }

    fn kind(&self) -> FactorKind {
        (**self).kind()
    }
}

/// The factors twsec knows by name, with their categories.
///
/// ```
/// use twsec::auth::mfa::{Factor, FactorId, StandardFactor};
///
/// assert_eq!(StandardFactor::SmsOtp.id(), FactorId::SMS_OTP);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StandardFactor {
    /// A password (knowledge).
    Password,
    /// A graphical pattern (knowledge).
    Pattern,
    /// A TOTP authenticator (possession).
    Totp,
    /// A recovery code (possession: the printed list).
    RecoveryCode,
    /// A one-time code sent by SMS (possession: the phone).
    SmsOtp,
    /// A device bound to the account (possession).
    DeviceBinding,
    /// A biometric check (inherence).
    Biometric,
}

impl Factor for StandardFactor {
    fn id(&self) -> FactorId {
        match self {
            StandardFactor::Password => FactorId::PASSWORD,
            StandardFactor::Pattern => FactorId::PATTERN,
            StandardFactor::Totp => FactorId::TOTP,
            StandardFactor::RecoveryCode => FactorId::RECOVERY_CODE,
            StandardFactor::SmsOtp => FactorId::SMS_OTP,
            StandardFactor::DeviceBinding => FactorId::DEVICE_BINDING,
            StandardFactor::Biometric => FactorId::BIOMETRIC,
        }
    }

    fn kind(&self) -> FactorKind {
        match self {
            StandardFactor::Password | StandardFactor::Pattern => FactorKind::Knowledge,
            StandardFactor::Totp
            | StandardFactor::RecoveryCode
            | StandardFactor::SmsOtp
            | StandardFactor::DeviceBinding => FactorKind::Possession,
            StandardFactor::Biometric => FactorKind::Inherence,
        }
    }
}

/// An application-defined factor: an ID and a category (a hardware token, an IC card, an
/// e-certificate, …).
///
/// ```
/// use twsec::auth::mfa::{CustomFactor, Factor, FactorId, FactorKind};
///
/// let token = CustomFactor::new(FactorId::new("hardware-token")?, FactorKind::Possession);
/// assert_eq!(token.id().as_str(), "hardware-token");
/// # Ok::<(), twsec::auth::mfa::MfaSetupError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomFactor {
    id: FactorId,
    kind: FactorKind,
}

impl CustomFactor {
    /// The factor `id` of category `kind`.
    pub fn new(id: FactorId, kind: FactorKind) -> Self {
        Self { id, kind }
    }
}

impl Factor for CustomFactor {
    fn id(&self) -> FactorId {
        self.id.clone()
    }

    fn kind(&self) -> FactorKind {
        self.kind
    }
}
