//! The token itself: generation from the OS random source, the URL-safe text form, parsing, and
//! the digest that is the only thing stored.

use std::fmt;

use base64ct::{Base64UrlUnpadded, Encoding};
use rand::TryRngCore;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// Bytes of the public lookup part of a token (128 bits).
pub const TOKEN_ID_BYTES: usize = 16;
/// Bytes of the secret part of a token (256 bits, from the OS random source).
pub const TOKEN_SECRET_BYTES: usize = 32;
/// Length of a token's text form: base64url without padding of
/// [`TOKEN_ID_BYTES`] + [`TOKEN_SECRET_BYTES`] bytes.
pub const TOKEN_TEXT_LEN: usize = 64;

const TOKEN_BYTES: usize = TOKEN_ID_BYTES + TOKEN_SECRET_BYTES;
/// Domain separation: a digest of a reset token is never the digest of anything else.
const DIGEST_DOMAIN: &[u8] = b"twsec/auth/reset-token/v1\0";

/// Why a presented token could not even be parsed. Carries nothing of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not exactly [`TOKEN_TEXT_LEN`] bytes (refused before any decoding, so a huge input costs
    /// nothing).
    #[error("reset token has the wrong length")]
    Length,
    /// Not canonical base64url without padding.
    #[error("reset token is not base64url")]
    Encoding,
}

/// The public lookup part of a token: lets a store find the token without a hash lookup, while
/// the secret part is only ever compared as a digest in constant time.
///
/// Knowing an ID does not help to redeem a token: that takes the 256-bit secret. It appears in
/// audit records (as hex) so that the issue, revocation and use of one token can be correlated.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId([u8; TOKEN_ID_BYTES]);

impl TokenId {
    /// An ID from its bytes (for store backends reading what they wrote).
    pub const fn from_bytes(bytes: [u8; TOKEN_ID_BYTES]) -> Self {
        Self(bytes)
    }

    /// The bytes.
    pub const fn as_bytes(&self) -> &[u8; TOKEN_ID_BYTES] {
        &self.0
    }

    /// Lower-case hex, as in audit records.
    pub fn to_hex(&self) -> String {
        base16ct::lower::encode_string(&self.0)
    }
}

impl fmt::Debug for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenId({})", self.to_hex())
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for TokenId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for TokenId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut out = [0u8; TOKEN_ID_BYTES];
        match base16ct::lower::decode(&text, &mut out) {
            Ok(b) if b.len() == TOKEN_ID_BYTES => Ok(Self(out)),
            _ => Err(serde::de::Error::custom(
                "token ID is not 32 lower-case hex digits",
            )),
        }
    }
}

/// SHA-256 of a whole token (ID and secret, domain-separated): the only form in which a token
/// is stored.
///
/// A fast hash is enough here, unlike for passwords: the secret part has 256 bits from the OS
/// random source, so a stolen digest cannot be reversed by guessing, and a slow hash would only
/// give an attacker a way to burn server CPU. Digests are compared with [`ct_eq`](Self::ct_eq),
/// whose time does not depend on where two digests differ.
#[derive(Clone, Copy)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    /// A digest from its bytes (for store backends reading what they wrote).
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Constant-time equality: every byte is compared whatever the first difference.
    pub fn ct_eq(&self, other: &TokenDigest) -> bool {
        let diff = self
            .0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        // Keep the optimiser from turning the fold into an early-exit comparison.
        std::hint::black_box(diff) == 0
    }
}

impl PartialEq for TokenDigest {
    /// [`ct_eq`](Self::ct_eq).
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other)
    }
}

impl Eq for TokenDigest {}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not a secret, but nothing gains from printing it.
        f.write_str("TokenDigest(..)")
    }
}

impl Serialize for TokenDigest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base16ct::lower::encode_string(&self.0))
    }
}

impl<'de> Deserialize<'de> for TokenDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut out = [0u8; 32];
        match base16ct::lower::decode(&text, &mut out) {
            Ok(b) if b.len() == 32 => Ok(Self(out)),
            _ => Err(serde::de::Error::custom(
                "token digest is not 64 lower-case hex digits",
            )),
        }
    }
}

/// A reset token: a [`TokenId`] and a 256-bit secret, zeroized on drop.
///
/// Its text form (what the holder receives, e.g. in a link) is [`TOKEN_TEXT_LEN`] characters of
/// base64url without padding, safe in a URL path or query without escaping. `Debug` shows only
/// the ID.
pub struct ResetToken {
    id: TokenId,
    secret: Zeroizing<[u8; TOKEN_SECRET_BYTES]>,
}

/// The OS random source failed; nothing was issued.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RandomUnavailable;

impl ResetToken {
    /// Parses the text form. Any input, of any length, gives a token or a [`TokenError`]:
    /// never a panic. Whether the token exists is decided by
    /// [`PasswordReset::redeem`](super::PasswordReset::redeem).
    ///
    /// ```
    /// use twsec::auth::reset::{ResetToken, TokenError};
    ///
    /// assert_eq!(ResetToken::parse("").unwrap_err(), TokenError::Length);
    /// assert_eq!(ResetToken::parse(&"!".repeat(64)).unwrap_err(), TokenError::Encoding);
    /// assert!(ResetToken::parse(&"A".repeat(64)).is_ok()); // well formed; surely unknown
    /// ```
    pub fn parse(text: &str) -> Result<Self, TokenError> {
        if text.len() != TOKEN_TEXT_LEN {
            return Err(TokenError::Length);
        }
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        let decoded_len = Base64UrlUnpadded::decode(text, &mut bytes[..])
            .map_err(|_| TokenError::Encoding)?
            .len();
        if decoded_len != TOKEN_BYTES {
            return Err(TokenError::Encoding);
        }
        Ok(Self::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> Self {
        let mut id = [0u8; TOKEN_ID_BYTES];
        id.copy_from_slice(&bytes[..TOKEN_ID_BYTES]);
        let mut secret = Zeroizing::new([0u8; TOKEN_SECRET_BYTES]);
        secret.copy_from_slice(&bytes[TOKEN_ID_BYTES..]);
        Self {
            id: TokenId(id),
            secret,
        }
    }

    /// A fresh token from the OS random source.
    pub(crate) fn generate() -> Result<Self, RandomUnavailable> {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes[..])
            .map_err(|_| RandomUnavailable)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The lookup ID.
    pub fn id(&self) -> TokenId {
        self.id
    }

    /// The digest a store keeps.
    pub fn digest(&self) -> TokenDigest {
        let mut h = Sha256::new();
        h.update(DIGEST_DOMAIN);
        h.update(self.id.0);
        h.update(&self.secret[..]);
        TokenDigest(h.finalize().into())
    }

    /// The text form, for the holder only.
    pub(crate) fn to_secret_string(&self) -> SecretString {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        bytes[..TOKEN_ID_BYTES].copy_from_slice(&self.id.0);
        bytes[TOKEN_ID_BYTES..].copy_from_slice(&self.secret[..]);
        let mut text = [0u8; TOKEN_TEXT_LEN];
        let secret = match Base64UrlUnpadded::encode(&bytes[..], &mut text) {
            Ok(s) => SecretString::from(s),
            // The buffer is exactly the encoded length of TOKEN_BYTES (a unit test checks it).
            Err(_) => SecretString::from(""),
        };
        text.zeroize();
        secret
    }
}

impl fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetToken")
            .field("id", &self.id)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn text_form_round_trips_and_is_url_safe() {
        let t = ResetToken::generate().unwrap();
        let text = t.to_secret_string();
        let text = text.expose_secret();
        assert_eq!(text.len(), TOKEN_TEXT_LEN);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let back = ResetToken::parse(text).unwrap();
        assert_eq!(back.id(), t.id());
        assert!(back.digest().ct_eq(&t.digest()));
    }

    #[test]
    fn digests_differ_per_token_and_compare_exactly() {
        let a = ResetToken::generate().unwrap();
        let b = ResetToken::generate().unwrap();
        assert_ne!(a.id(), b.id());
        assert!(!a.digest().ct_eq(&b.digest()));
        let mut flipped = *a.digest().as_bytes();
        flipped[31] ^= 1;
        assert!(!a.digest().ct_eq(&TokenDigest::from_bytes(flipped)));
    }

    #[test]
    fn debug_hides_the_secret() {
        let t = ResetToken::generate().unwrap();
        let text = t.to_secret_string();
        let dbg = format!("{t:?} {:?}", t.digest());
        assert!(dbg.contains("[REDACTED]"));
        assert!(!dbg.contains(&text.expose_secret()[TOKEN_ID_BYTES..]));
    }

    #[test]
    fn ids_and_digests_serialize_as_hex() {
        let t = ResetToken::generate().unwrap();
        let id = serde_json::to_string(&t.id()).unwrap();
        assert_eq!(serde_json::from_str::<TokenId>(&id).unwrap(), t.id());
        let d = serde_json::to_string(&t.digest()).unwrap();
        assert!(
            serde_json::from_str::<TokenDigest>(&d)
                .unwrap()
                .ct_eq(&t.digest())
        );
        assert!(serde_json::from_str::<TokenId>("\"zz\"").is_err());
    }
}
