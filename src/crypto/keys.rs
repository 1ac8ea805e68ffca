//! Master keys, key files, passphrase-derived keys, per-purpose sub-keys and the keyring.
//!
//! # Key file format (version 1)
//! A text file with one key line; lines starting with `#` and blank lines are ignored:
//!
//! ```text
//! # twsec key file: keep it secret (mode 0600)
//! twsec-key:v1:<key-id>:<base64 of the 32-byte key>
//! ```
//!
//! A passphrase-derived key keeps no key at all, only what derives it again:
//!
//! ```text
//! twsec-passphrase-key:v1:<key-id>:argon2id:m=65536,t=3,p=1:<base64 of the 16-byte salt>
//! ```
//!
//! The key ID is the first 8 bytes of SHA-256(`"twsec key id v1"` ‖ key), in hex: it names the
//! key in sealed values and backup headers without revealing anything about it, and a wrong
//! passphrase is told apart from a right one because it derives a key with another ID.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::Path;

use base64ct::{Base64, Encoding};
use hkdf::Hkdf;
use rand::TryRngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Key length in bytes (AES-256).
pub const KEY_LEN: usize = 32;

const KEY_PREFIX: &str = "twsec-key:v1:";
const PASSPHRASE_PREFIX: &str = "twsec-passphrase-key:v1:";
/// Largest key file read: a key file is a few lines.
const MAX_KEY_FILE: u64 = 64 * 1024;

/// Failures with keys and key files. Messages name files and key IDs, never key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The key file may be read by other users.
    #[error(
        "key file {path} is accessible by group or others (mode {mode:o}); run: chmod 600 {path}"
    )]
    Permissions {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The key file already exists (keys are never overwritten).
    #[error("key file {0} already exists; refusing to overwrite a key")]
    Exists(String),
    /// The text is not a key file of a supported version.
    #[error(
        "not a twsec key file (expected a line 'twsec-key:v1:…' or 'twsec-passphrase-key:v1:…'): {0}"
    )]
    Malformed(&'static str),
    /// The file is not a key file of a supported version.
    #[error("key file {path}: not a twsec key file: {reason}")]
    MalformedFile {
        /// The file.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The stored key ID does not match the key (corrupted file).
    #[error("key file is corrupt: key ID {stored} does not match its key")]
    IdMismatch {
        /// The ID written in the file.
        stored: KeyId,
    },
    /// The passphrase derives another key than the one the file names.
    #[error("wrong passphrase for key {0}")]
    WrongPassphrase(KeyId),
    /// The file holds a passphrase-derived key and no passphrase was given (or the reverse).
    #[error("key file {0} needs a passphrase")]
    NeedsPassphrase(String),
    /// The passphrase is shorter than [`MIN_PASSPHRASE_CHARS`].
    #[error("passphrase shorter than {MIN_PASSPHRASE_CHARS} characters")]
    WeakPassphrase,
    /// A keyring was asked for a key it does not hold.
    #[error("unknown key {0}")]
    UnknownKey(KeyId),
}

/// The public name of a key: 8 bytes derived from the key, shown as 16 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 8]);

impl KeyId {
    fn of(key: &[u8; KEY_LEN]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"twsec key id v1")
            .chain_update(key)
            .finalize();
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    /// The raw 8 bytes.
    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }

    /// From raw bytes (as found in a backup header).
    pub fn from_bytes(bytes: [u8; 8]) -> Self {
        KeyId(bytes)
    }

    /// Parses 16 lower-case hex digits.
    pub fn parse(s: &str) -> Option<Self> {
        if s.len() != 16 {
            return None;
        }
        let mut id = [0u8; 8];
        base16ct::lower::decode(s, &mut id).ok()?;
        Some(KeyId(id))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 16];
        let hex = base16ct::lower::encode_str(&self.0, &mut buf).map_err(|_| fmt::Error)?;
        f.write_str(hex)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// What a sub-key is for. One master key serves every purpose without key reuse: each purpose
/// gets its own HKDF-SHA-256 sub-key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Purpose {
    /// Sealed configuration secrets.
    ConfigSeal,
    /// Encrypted backups (with a per-file salt).
    Backup,
    /// The audit trail's HMAC chain.
    AuditChain,
    /// The Ed25519 key that signs audit checkpoints.
    AuditCheckpoint,
    /// Encryption of personal data.
    Pii,
}

impl Purpose {
    /// The label used in HKDF `info` and in associated data.
    pub const fn label(self) -> &'static str {
        match self {
            Purpose::ConfigSeal => "config-seal",
            Purpose::Backup => "backup",
            Purpose::AuditChain => "audit-chain",
            Purpose::AuditCheckpoint => "audit-checkpoint",
            Purpose::Pii => "pii",
        }
    }
}

/// A 256-bit sub-key for one purpose. Zeroized on drop; `Debug` prints `[REDACTED]`.
pub struct SubKey(SecretBox<[u8; KEY_LEN]>);

impl SubKey {
    /// The key bytes, for the cipher or MAC that uses them.
    pub fn expose_secret(&self) -> &[u8; KEY_LEN] {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SubKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubKey([REDACTED])")
    }
}

/// A 256-bit master key with its ID. Zeroized on drop; `Debug` shows only the ID.
pub struct MasterKey {
    id: KeyId,
    key: SecretBox<[u8; KEY_LEN]>,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

fn os_random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut out)
        .expect("the operating system's random source is available");
    out
}

fn path_str(path: &Path) -> String {
    path.display().to_string()
}

/// Reads a key file, refusing one that group or others may access (Unix).
fn read_private(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    use std::io::Read as _;
    let io = |source| KeyError::Io {
        path: path_str(path),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::Permissions {
                path: path_str(path),
                mode,
            });
        }
    }
    if !meta.is_file() {
        return Err(KeyError::MalformedFile {
            path: path_str(path),
            reason: "not a regular file",
        });
    }
    let mut text = Zeroizing::new(String::new());
    file.take(MAX_KEY_FILE + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_KEY_FILE {
        return Err(KeyError::MalformedFile {
            path: path_str(path),
            reason: "file too large",
        });
    }
    Ok(text)
}

/// Creates `path` with mode 0600 (on Unix) and writes `text`; never overwrites.
fn write_private(path: &Path, text: &str) -> Result<(), KeyError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists(path_str(path))
        } else {
            KeyError::Io {
                path: path_str(path),
                source,
            }
        }
    })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| KeyError::Io {
            path: path_str(path),
            source,
        })
}

/// The one key line of a key file.
fn key_line(text: &str) -> Result<&str, KeyError> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let line = lines.next().ok_or(KeyError::Malformed("no key line"))?;
    if lines.next().is_some() {
        return Err(KeyError::Malformed("more than one key line"));
    }
    Ok(line)
}

impl MasterKey {
    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self::from_bytes(SecretBox::new(Box::new(os_random::<KEY_LEN>())))
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(key: SecretBox<[u8; KEY_LEN]>) -> Self {
        Self {
            id: KeyId::of(key.expose_secret()),
            key,
        }
    }

    /// The key's public ID.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The sub-key for `purpose`: HKDF-SHA-256 with `salt` (empty for purposes without one) and
    /// info `"twsec v1 <purpose>"`.
    pub fn subkey(&self, purpose: Purpose, salt: &[u8]) -> SubKey {
        let hk = Hkdf::<Sha256>::new(Some(salt), self.key.expose_secret());
        let mut okm = Box::new([0u8; KEY_LEN]);
        let info = [b"twsec v1 ".as_slice(), purpose.label().as_bytes()].concat();
        hk.expand(&info, okm.as_mut_slice())
            .expect("32 bytes is a valid HKDF-SHA-256 output length");
        SubKey(SecretBox::new(okm))
    }

    /// The text of a key file holding this key.
    pub fn to_key_file(&self) -> SecretString {
        let mut b64 = Zeroizing::new(Base64::encode_string(self.key.expose_secret()));
        let text = format!(
            "# twsec key file: keep it secret (mode 0600); key ID {id}\n{KEY_PREFIX}{id}:{b64}\n",
            id = self.id,
            b64 = b64.as_str()
        );
        zeroize::Zeroize::zeroize(&mut *b64);
        SecretString::from(text)
    }

    /// Parses the text of a key file (not a passphrase key file).
    pub fn parse_key_file(text: &str) -> Result<Self, KeyError> {
        let line = key_line(text)?;
        if line.starts_with(PASSPHRASE_PREFIX) {
            return Err(KeyError::NeedsPassphrase("(text)".into()));
        }
        let rest = line
            .strip_prefix(KEY_PREFIX)
            .ok_or(KeyError::Malformed("unknown header or version"))?;
        let (id, b64) = rest
            .split_once(':')
            .ok_or(KeyError::Malformed("missing key ID"))?;
        let stored = KeyId::parse(id).ok_or(KeyError::Malformed("key ID is not 16 hex digits"))?;
        let mut key = Box::new([0u8; KEY_LEN]);
        let decoded = Base64::decode(b64, key.as_mut_slice())
            .map_err(|_| KeyError::Malformed("key is not base64"))?;
        if decoded.len() != KEY_LEN {
            return Err(KeyError::Malformed("key is not 32 bytes"));
        }
        let key = Self::from_bytes(SecretBox::new(key));
        if key.id != stored {
            return Err(KeyError::IdMismatch { stored });
        }
        Ok(key)
    }

    /// Loads a key file, refusing one that group or others may access.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        Self::load_any(path, None)
    }

    /// Loads a passphrase key file and derives its key.
    pub fn load_with_passphrase(path: &Path, passphrase: &SecretString) -> Result<Self, KeyError> {
        Self::load_any(path, Some(passphrase))
    }

    /// Loads either kind of key file: a passphrase key file needs `passphrase`, a plain key
    /// file ignores it. Group- or world-accessible files are refused; errors name the file.
    pub fn load_any(path: &Path, passphrase: Option<&SecretString>) -> Result<Self, KeyError> {
        let text = read_private(path)?;
        let in_file = |e| match e {
            KeyError::Malformed(reason) => KeyError::MalformedFile {
                path: path_str(path),
                reason,
            },
            KeyError::NeedsPassphrase(_) => KeyError::NeedsPassphrase(path_str(path)),
            other => other,
        };
        let is_passphrase_file = key_line(&text)
            .map_err(in_file)?
            .starts_with(PASSPHRASE_PREFIX);
        match (is_passphrase_file, passphrase) {
            (false, _) => Self::parse_key_file(&text).map_err(in_file),
            (true, Some(p)) => PassphraseKeyFile::parse(&text).map_err(in_file)?.derive(p),
            (true, None) => Err(KeyError::NeedsPassphrase(path_str(path))),
        }
    }

    /// Writes this key to a new file with mode 0600; an existing file is never overwritten.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyError> {
        write_private(path, self.to_key_file().expose_secret())
    }
}

/// Smallest passphrase accepted for a passphrase-derived key, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// A passphrase-derived key: argon2id parameters and salt, and the ID of the key they derive.
///
/// # Defaults
/// m = 64 MiB, t = 3, p = 1: deriving happens once at start-up, so it can cost more than a
/// login hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassphraseKeyFile {
    id: KeyId,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: [u8; 16],
}

impl PassphraseKeyFile {
    const DEFAULT_M: u32 = 64 * 1024;
    const DEFAULT_T: u32 = 3;

    /// A new random salt, the key it derives from `passphrase`, and the file naming it.
    pub fn create(passphrase: &SecretString) -> Result<(Self, MasterKey), KeyError> {
        if passphrase.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(KeyError::WeakPassphrase);
        }
        let mut file = Self {
            id: KeyId([0; 8]),
            m_cost_kib: Self::DEFAULT_M,
            t_cost: Self::DEFAULT_T,
            p_cost: 1,
            salt: os_random::<16>(),
        };
        let key = file.derive_unchecked(passphrase)?;
        file.id = key.id;
        Ok((file, key))
    }

    fn derive_unchecked(&self, passphrase: &SecretString) -> Result<MasterKey, KeyError> {
        let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(KEY_LEN))
            .map_err(|_| KeyError::Malformed("argon2 parameters out of range"))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let pw = crate::password::nfkc_secret(passphrase.expose_secret());
        let mut key = Box::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(pw.as_bytes(), &self.salt, key.as_mut_slice())
            .map_err(|_| KeyError::Malformed("argon2 rejected the inputs"))?;
        Ok(MasterKey::from_bytes(SecretBox::new(key)))
    }

    /// Derives the key; a wrong passphrase is an error (the derived key's ID differs).
    pub fn derive(&self, passphrase: &SecretString) -> Result<MasterKey, KeyError> {
        let key = self.derive_unchecked(passphrase)?;
        if key.id != self.id {
            return Err(KeyError::WrongPassphrase(self.id));
        }
        Ok(key)
    }

    /// The ID of the key this file derives.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        format!(
            "# twsec passphrase key file (mode 0600); key ID {id}\n{PASSPHRASE_PREFIX}{id}:argon2id:m={m},t={t},p={p}:{salt}\n",
            id = self.id,
            m = self.m_cost_kib,
            t = self.t_cost,
            p = self.p_cost,
            salt = Base64::encode_string(&self.salt),
        )
    }

    /// Parses a passphrase key file. Parameters are bounded (m ≤ 1 GiB, t ≤ 64, p ≤ 16) so that a
    /// tampered file cannot make start-up hang or exhaust memory.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let line = key_line(text)?;
        let rest = line
            .strip_prefix(PASSPHRASE_PREFIX)
            .ok_or(KeyError::Malformed("unknown header or version"))?;
        let mut parts = rest.split(':');
        let (Some(id), Some("argon2id"), Some(params), Some(salt), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(KeyError::Malformed(
                "expected <id>:argon2id:<params>:<salt>",
            ));
        };
        let id = KeyId::parse(id).ok_or(KeyError::Malformed("key ID is not 16 hex digits"))?;
        let mut mtp = [None; 3];
        for kv in params.split(',') {
            let (k, v) = kv
                .split_once('=')
                .ok_or(KeyError::Malformed("parameters"))?;
            let slot = match k {
                "m" => 0,
                "t" => 1,
                "p" => 2,
                _ => return Err(KeyError::Malformed("unknown parameter")),
            };
            let v: u32 = v
                .parse()
                .map_err(|_| KeyError::Malformed("parameter value"))?;
            if mtp[slot].replace(v).is_some() {
                return Err(KeyError::Malformed("repeated parameter"));
            }
        }
        let [Some(m), Some(t), Some(p)] = mtp else {
            return Err(KeyError::Malformed("missing parameter"));
        };
        if !(19 * 1024..=1024 * 1024).contains(&m)
            || !(1..=64).contains(&t)
            || !(1..=16).contains(&p)
        {
            return Err(KeyError::Malformed("parameters out of bounds"));
        }
        let mut salt_bytes = [0u8; 16];
        let decoded = Base64::decode(salt, &mut salt_bytes)
            .map_err(|_| KeyError::Malformed("salt is not base64"))?;
        if decoded.len() != 16 {
            return Err(KeyError::Malformed("salt is not 16 bytes"));
        }
        Ok(Self {
            id,
            m_cost_kib: m,
            t_cost: t,
            p_cost: p,
            salt: salt_bytes,
        })
    }

    /// Writes the file with mode 0600; never overwrites.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyError> {
        write_private(path, &self.to_text())
    }
}

/// Keys by ID: one active key for new data, older ones kept to decrypt what they encrypted.
#[derive(Debug)]
pub struct Keyring {
    active: KeyId,
    keys: BTreeMap<KeyId, MasterKey>,
}

impl Keyring {
    /// A keyring whose active key is `active`.
    pub fn new(active: MasterKey) -> Self {
        let id = active.id;
        Self {
            active: id,
            keys: BTreeMap::from([(id, active)]),
        }
    }

    /// Adds a retired key, kept for decryption only.
    #[must_use]
    pub fn with_retired(mut self, key: MasterKey) -> Self {
        self.keys.entry(key.id).or_insert(key);
        self
    }

    /// Loads the active key file and retired key files (plain key files; see
    /// [`MasterKey::load_any`] for passphrase key files).
    pub fn load(active: &Path, retired: &[&Path]) -> Result<Self, KeyError> {
        let mut ring = Self::new(MasterKey::load(active)?);
        for path in retired {
            ring = ring.with_retired(MasterKey::load(path)?);
        }
        Ok(ring)
    }

    /// The key for new data.
    pub fn active(&self) -> &MasterKey {
        self.keys
            .get(&self.active)
            .expect("the active key is always in the keyring")
    }

    /// The key with this ID.
    pub fn get(&self, id: KeyId) -> Result<&MasterKey, KeyError> {
        self.keys.get(&id).ok_or(KeyError::UnknownKey(id))
    }

    /// The IDs of every key, active first.
    pub fn ids(&self) -> Vec<KeyId> {
        std::iter::once(self.active)
            .chain(self.keys.keys().copied().filter(|id| *id != self.active))
            .collect()
    }
}
