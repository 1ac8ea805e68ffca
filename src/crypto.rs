//! Encryption at rest (area CRY): key files, sealed configuration secrets, encrypted backups.
//!
//! * [`MasterKey`], [`Keyring`]: 256-bit keys in key files (mode 0600, refused when others may
//!   read them) or derived from a passphrase with argon2id; rotation by key ID; one HKDF
//!   sub-key per [`Purpose`].
//! * [`Keyring::seal`] / [`SealedString`]: AES-256-GCM sealed strings for configuration files.
//! * [`backup`]: streaming AES-256-GCM (STREAM) for backup files of any size.

pub mod backup;
mod keys;
mod seal;

pub use keys::{
    KEY_LEN, KeyError, KeyId, Keyring, MIN_PASSPHRASE_CHARS, MasterKey, PassphraseKeyFile, Purpose,
    SubKey,
};
pub use seal::{MAX_SEALED_PLAINTEXT, SealError, SealedFieldError, SealedString};
