//! Sealed values: small secrets (database passwords, API keys) kept encrypted in configuration
//! files (TPE-6.7, TWSE-7.2.b.g, A10-SC-2).
//!
//! Format: `twsec:v1:<key-id>:<base64 of nonce ‖ ciphertext ‖ tag>`, AES-256-GCM with a random
//! 96-bit nonce under the purpose's HKDF sub-key. The associated data binds the version, the key
//! ID, the purpose and a caller-chosen context (such as the configuration field's name), so a
//! sealed value moved to another field, purpose or key does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64ct::{Base64, Encoding};
use rand::TryRngCore;
use secrecy::{SecretSlice, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

use super::keys::{KeyId, Keyring, Purpose};

const PREFIX: &str = "twsec:v1:";
/// Largest plaintext sealed: configuration secrets are small.
pub const MAX_SEALED_PLAINTEXT: usize = 64 * 1024;
/// Largest sealed string decoded; longer input is refused before any work.
const MAX_SEALED_TEXT: usize = PREFIX.len() + 17 + (MAX_SEALED_PLAINTEXT + 28).div_ceil(3) * 4;

/// Why a sealed value did not open. Never contains the value or the plaintext.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// Not of the form `twsec:v1:<key-id>:<base64>` (or too long).
    #[error("not a twsec sealed value (expected twsec:v1:<key-id>:<base64>)")]
    Malformed,
    /// Sealed under a key the keyring does not hold.
    #[error("sealed with key {0}, which is not in the keyring")]
    UnknownKey(KeyId),
    /// Wrong key, wrong purpose or context, or the value was altered.
    #[error("sealed value does not authenticate (altered, or sealed for another purpose or field)")]
    Authentication,
    /// The plaintext is too large to seal, or not UTF-8 where a string was expected.
    #[error("plaintext too large or not UTF-8")]
    Plaintext,
    /// The operating system's random source failed; nothing was sealed.
    #[error("random source unavailable")]
    Random,
}

fn aad(key: KeyId, purpose: Purpose, context: &str) -> Vec<u8> {
    format!("{PREFIX}{key}:{}:{context}", purpose.label()).into_bytes()
}

impl Keyring {
    /// Seals `plaintext` for `purpose` under the active key. `context` (a field name, a table
    /// column) must be given again to open it.
    ///
    /// ```
    /// use twsec::crypto::{Keyring, MasterKey, Purpose};
    ///
    /// let ring = Keyring::new(MasterKey::generate());
    /// let sealed = ring.seal(Purpose::ConfigSeal, "database.password", b"s3cret")?;
    /// assert!(sealed.starts_with("twsec:v1:"));
    /// let opened = ring.open(Purpose::ConfigSeal, "database.password", &sealed)?;
    /// assert_eq!(secrecy::ExposeSecret::expose_secret(&opened), b"s3cret");
    /// // Another field does not open it.
    /// assert!(ring.open(Purpose::ConfigSeal, "smtp.password", &sealed).is_err());
    /// # Ok::<(), twsec::crypto::SealError>(())
    /// ```
    pub fn seal(
        &self,
        purpose: Purpose,
        context: &str,
        plaintext: &[u8],
    ) -> Result<String, SealError> {
        if plaintext.len() > MAX_SEALED_PLAINTEXT {
            return Err(SealError::Plaintext);
        }
        let key = self.active();
        let sub = key.subkey(purpose, &[]);
        let cipher = Aes256Gcm::new(sub.expose_secret().into());
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|_| SealError::Random)?;
        let aad = aad(key.id(), purpose, context);
        let ct = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| SealError::Plaintext)?;
        let mut body = nonce.to_vec();
        body.extend_from_slice(&ct);
        Ok(format!(
            "{PREFIX}{}:{}",
            key.id(),
            Base64::encode_string(&body)
        ))
    }

    /// Opens a sealed value; the plaintext is wiped when dropped.
    pub fn open(
        &self,
        purpose: Purpose,
        context: &str,
        sealed: &str,
    ) -> Result<SecretSlice<u8>, SealError> {
        if sealed.len() > MAX_SEALED_TEXT {
            return Err(SealError::Malformed);
        }
        let rest = sealed
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(SealError::Malformed)?;
        let (id, b64) = rest.split_once(':').ok_or(SealError::Malformed)?;
        let id = KeyId::parse(id).ok_or(SealError::Malformed)?;
        let body = Base64::decode_vec(b64).map_err(|_| SealError::Malformed)?;
        if body.len() < 12 + 16 {
            return Err(SealError::Malformed);
        }
        let key = self.get(id).map_err(|_| SealError::UnknownKey(id))?;
        let sub = key.subkey(purpose, &[]);
        let cipher = Aes256Gcm::new(sub.expose_secret().into());
        let (nonce, ct) = body.split_first_chunk::<12>().ok_or(SealError::Malformed)?;
        let aad = aad(id, purpose, context);
        let pt = cipher
            .decrypt(&Nonce::from(*nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| SealError::Authentication)?;
        Ok(SecretSlice::from(pt))
    }

    /// Seals a UTF-8 secret for configuration ([`Purpose::ConfigSeal`]).
    pub fn seal_str(&self, context: &str, plaintext: &str) -> Result<String, SealError> {
        self.seal(Purpose::ConfigSeal, context, plaintext.as_bytes())
    }

    /// Opens a configuration secret sealed with [`seal_str`](Self::seal_str).
    pub fn open_str(&self, context: &str, sealed: &str) -> Result<SecretString, SealError> {
        let bytes = self.open(Purpose::ConfigSeal, context, sealed)?;
        let text = std::str::from_utf8(secrecy::ExposeSecret::expose_secret(&bytes))
            .map_err(|_| SealError::Plaintext)?;
        Ok(SecretString::from(text.to_owned()))
    }
}

/// A sealed configuration secret, as it stands in a config file.
///
/// Deserialising checks only the shape (the message never repeats the value); opening needs the
/// keyring and the field name the value was sealed for.
///
/// ```
/// use serde::Deserialize;
/// use twsec::crypto::{Keyring, MasterKey, SealedString};
///
/// #[derive(Deserialize)]
/// struct Config { db_password: SealedString }
///
/// let ring = Keyring::new(MasterKey::generate());
/// let json = format!(r#"{{"db_password": "{}"}}"#, ring.seal_str("db_password", "s3cret")?);
/// let config: Config = serde_json::from_str(&json).unwrap();
/// let password = config.db_password.open(&ring, "db_password")?;
/// assert_eq!(secrecy::ExposeSecret::expose_secret(&password), "s3cret");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SealedString(String);

/// A sealed configuration field that did not open: names the field, never the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("config field `{field}`: {reason}")]
pub struct SealedFieldError {
    /// The field.
    pub field: String,
    /// Why.
    pub reason: SealError,
}

impl SealedString {
    /// Wraps sealed text, checking its shape.
    pub fn new(sealed: impl Into<String>) -> Result<Self, SealError> {
        let s = sealed.into();
        let ok = s.len() <= MAX_SEALED_TEXT
            && s.strip_prefix(PREFIX)
                .and_then(|r| r.split_once(':'))
                .is_some_and(|(id, b64)| KeyId::parse(id).is_some() && !b64.is_empty());
        if ok {
            Ok(Self(s))
        } else {
            Err(SealError::Malformed)
        }
    }

    /// The sealed text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key it was sealed with.
    pub fn key_id(&self) -> Option<KeyId> {
        self.0
            .strip_prefix(PREFIX)?
            .split_once(':')
            .and_then(|(id, _)| KeyId::parse(id))
    }

    /// Opens it as the configuration secret of `field`.
    pub fn open(&self, keyring: &Keyring, field: &str) -> Result<SecretString, SealedFieldError> {
        keyring
            .open_str(field, &self.0)
            .map_err(|reason| SealedFieldError {
                field: field.to_owned(),
                reason,
            })
    }
}

impl std::fmt::Debug for SealedString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedString(key {:?})", self.key_id())
    }
}

impl<'de> Deserialize<'de> for SealedString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        // A custom message: serde's own would quote the (possibly plaintext) value.
        SealedString::new(s).map_err(|_| {
            serde::de::Error::custom(
                "not a twsec sealed value (expected twsec:v1:<key-id>:<base64>)",
            )
        })
    }
}
