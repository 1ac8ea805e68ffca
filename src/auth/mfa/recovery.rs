//! Single-use recovery codes, stored only as keyed hashes.

use std::fmt;

use hmac::{Hmac, Mac};
use rand::TryRngCore as _;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::{Choice, ConditionallySelectable as _, ConstantTimeEq as _};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::error::{MfaSetupError, Unavailable, VerifyError};
use super::factor::{Factor, FactorId, FactorKind};
use super::input::normalize_code;
use crate::clock::Clock;
use crate::crypto::{KeyId, Keyring, MasterKey, Purpose, SubKey};

/// Codes in a new set by default.
pub const DEFAULT_RECOVERY_CODES: usize = 10;
/// Most codes in one set.
pub const MAX_RECOVERY_CODES: usize = 100;
/// Characters per code, without separators: 12 × 5 bits = 60 bits of entropy.
pub const RECOVERY_CODE_CHARS: usize = 12;
/// Characters per group in the printed form (`ABCD-EFGH-JKLM`).
const GROUP_CHARS: usize = 4;
/// 32 characters, so one random byte's low 5 bits pick one uniformly. No 0/O, 1/I: a code
/// copied from paper is typed right.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// HKDF salt of the MAC sub-key: a key of its own, apart from the sealing key of the purpose.
const SUBKEY_SALT: &[u8] = b"twsec mfa recovery-codes v1";
const MAC_LABEL: &[u8] = b"twsec mfa recovery code v1\0";

type Digest = [u8; 32];

/// A set of single-use recovery codes for one account, as the application stores it: only
/// HMAC-SHA-256 values of the codes, never the codes. The codes are shown once, at
/// [`generate`](Self::generate).
///
/// A recovery code stands in for the possession factor (the printed list; TWSE-7.1.d,
/// A10-IA-1H) when the authenticator is lost; it is used once ([`redeem`](Self::redeem) marks it used). Store the
/// record back with a compare-and-set on [`remaining`](Self::remaining) so that two concurrent
/// redemptions of one code cannot both win.
///
/// # Hashing
/// HMAC-SHA-256 under a sub-key of the keyring (HKDF salt `twsec mfa recovery-codes v1`), over
/// the account name, a per-set 128-bit salt and the code. Codes are random with 60 bits of
/// entropy, so a fast hash suffices; the key means that a database dump alone allows no
/// guessing at all, and that whoever can write the database but not read the key cannot plant
/// codes they know. The account in the MAC stops a set from being copied to another account.
/// Keep a retired key in the keyring until the sets made under it are replaced.
///
/// ```
/// use secrecy::ExposeSecret;
/// use time::macros::datetime;
/// use twsec::auth::mfa::{RecoveryCodes, VerifyError};
/// use twsec::clock::ManualClock;
/// use twsec::crypto::{Keyring, MasterKey};
///
/// let ring = Keyring::new(MasterKey::generate());
/// let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
/// let (mut set, codes) = RecoveryCodes::generate(&ring, "alice", 10, &clock)?;
/// assert_eq!(codes.len(), 10);
/// let first = codes[0].expose_secret();
/// assert_eq!(first.len(), 14); // ABCD-EFGH-JKLM
///
/// // Case and separators do not matter; each code works once.
/// let typed = first.to_lowercase().replace('-', " ");
/// assert_eq!(set.redeem(&ring, "alice", &typed, &clock), Ok(9));
/// assert_eq!(set.redeem(&ring, "alice", first, &clock), Err(VerifyError::Invalid));
/// # Ok::<(), twsec::auth::mfa::MfaSetupError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    #[serde(with = "hex")]
    key: [u8; 8],
    #[serde(with = "hex")]
    salt: [u8; 16],
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    codes: Vec<StoredCode>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredCode {
    #[serde(with = "hex")]
    mac: Digest,
    #[serde(with = "time::serde::rfc3339::option")]
    used_at: Option<OffsetDateTime>,
}

impl RecoveryCodes {
    /// A new set of `count` codes (1..=[`MAX_RECOVERY_CODES`]; [`DEFAULT_RECOVERY_CODES`] is the
    /// usual number) for `account`, from the OS random source, keyed with the keyring's active
    /// key. Returns the record to store and the codes to show the user once, formatted in groups
    /// of four (`ABCD-EFGH-JKLM`).
    pub fn generate(
        keyring: &Keyring,
        account: &str,
        count: usize,
        clock: &dyn Clock,
    ) -> Result<(Self, Vec<SecretString>), MfaSetupError> {
        if !(1..=MAX_RECOVERY_CODES).contains(&count) {
            return Err(MfaSetupError::RecoveryCount);
        }
        let key = keyring.active();
        let sub = subkey(key);
        let mut set = Self {
            key: *key.id().as_bytes(),
            salt: random()?,
            created_at: clock.now(),
            codes: Vec::with_capacity(count),
        };
        let mut shown = Vec::with_capacity(count);
        for _ in 0..count {
            let bytes = Zeroizing::new(random::<RECOVERY_CODE_CHARS>()?);
            let mut code = Zeroizing::new(String::with_capacity(RECOVERY_CODE_CHARS));
            let mut printed = String::with_capacity(RECOVERY_CODE_CHARS + 2);
            for (i, b) in bytes.iter().enumerate() {
                let c = char::from(ALPHABET[usize::from(b & 31)]);
                if i > 0 && i % GROUP_CHARS == 0 {
                    printed.push('-');
                }
                code.push(c);
                printed.push(c);
            }
            set.codes.push(StoredCode {
                mac: set.mac(&sub, account, &code),
                used_at: None,
            });
            shown.push(SecretString::from(printed));
        }
        Ok((set, shown))
    }

    fn mac(&self, sub: &SubKey, account: &str, code: &str) -> Digest {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(sub.expose_secret())
            .expect("HMAC accepts keys of any length");
        let account_len = u64::try_from(account.len()).unwrap_or(u64::MAX);
        mac.update(MAC_LABEL);
        mac.update(&account_len.to_be_bytes());
        mac.update(account.as_bytes());
        mac.update(&self.salt);
        mac.update(code.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Uses one code of `account`'s set: on success it is marked used (at the clock's time) and
    /// the number of unused codes left is returned.
    ///
    /// Input is normalised (case, spaces, dashes, full-width characters) and every unused code
    /// is compared in constant time. A used code is [`VerifyError::Invalid`], like a wrong one.
    pub fn redeem(
        &mut self,
        keyring: &Keyring,
        account: &str,
        input: &str,
        clock: &dyn Clock,
    ) -> Result<usize, VerifyError> {
        let code = normalize_code(input)?;
        if !code.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(VerifyError::Malformed);
        }
        if code.len() != RECOVERY_CODE_CHARS {
            return Err(VerifyError::WrongLength {
                expected: RECOVERY_CODE_CHARS,
            });
        }
        if self.remaining() == 0 {
            return Err(VerifyError::Exhausted);
        }
        let key_id = self.key_id();
        let key = keyring
            .get(key_id)
            .map_err(|_| VerifyError::Unavailable(Unavailable::UnknownKey(key_id)))?;
        let mac = self.mac(&subkey(key), account, &code);
        let mut found = Choice::from(0);
        let mut index = 0u64;
        for (i, stored) in (0u64..).zip(&self.codes) {
            let hit = stored.mac.ct_eq(&mac) & Choice::from(u8::from(stored.used_at.is_none()));
            index.conditional_assign(&i, hit & !found);
            found |= hit;
        }
        if !bool::from(found) {
            return Err(VerifyError::Invalid);
        }
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| self.codes.get_mut(i))
            .expect("the index is that of a code of the set");
        slot.used_at = Some(clock.now());
        Ok(self.remaining())
    }

    /// Unused codes left.
    pub fn remaining(&self) -> usize {
        self.codes.iter().filter(|c| c.used_at.is_none()).count()
    }

    /// Codes in the set, used or not.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` for a set without codes (only a tampered record).
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// When the set was made.
    pub fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }

    /// When each used code was used, in the order the codes were made.
    pub fn used_at(&self) -> impl Iterator<Item = Option<OffsetDateTime>> + '_ {
        self.codes.iter().map(|c| c.used_at)
    }

    /// The key the codes are hashed under.
    pub fn key_id(&self) -> KeyId {
        KeyId::from_bytes(self.key)
    }
}

fn subkey(key: &MasterKey) -> SubKey {
    key.subkey(Purpose::ConfigSeal, SUBKEY_SALT)
}

fn random<const N: usize>() -> Result<[u8; N], MfaSetupError> {
    let mut out = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut out)
        .map_err(|_| MfaSetupError::Random)?;
    Ok(out)
}

impl Factor for RecoveryCodes {
    fn id(&self) -> FactorId {
        FactorId::RECOVERY_CODE
    }

    fn kind(&self) -> FactorKind {
        FactorKind::Possession
    }
}

impl fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCodes")
            .field("key", &self.key_id())
            .field("created_at", &self.created_at)
            .field("codes", &self.codes.len())
            .field("remaining", &self.remaining())
            .finish_non_exhaustive()
    }
}

/// Fixed-size byte arrays as lower-case hex in serialised records.
mod hex {
    use serde::{Deserialize as _, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer, const N: usize>(
        bytes: &[u8; N],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base16ct::lower::encode_string(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        deserializer: D,
    ) -> Result<[u8; N], D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut out = [0u8; N];
        match base16ct::lower::decode(&text, &mut out) {
            Ok(decoded) if decoded.len() == N => Ok(out),
            _ => Err(D::Error::custom(format_args!(
                "expected {N} bytes in lower-case hex"
            ))),
        }
    }
}
