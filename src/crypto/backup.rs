//! Encrypted backups (controls CRY-BACKUP and CRY-RESTORE-TEST; clauses TPE-10.3 and
//! TWSE-7.2.c.e): backup files of any size encrypted as a stream with AES-256-GCM, and the
//! restore test that decrypts one and reports its size and SHA-256.
//!
//! A backup is a 61-byte header followed by chunks. The header names the format version, the
//! algorithm, the chunk size, the [`KeyId`] of the master key and a random per-file salt; the
//! chunks use the STREAM construction (Hoang, Reyhanitabar, Rogaway and Vizár, "Online
//! Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015) over AES-256-GCM,
//! with the key derived by HKDF-SHA-256 from the master key and the salt
//! ([`MasterKey::subkey`](crate::crypto::MasterKey::subkey) with [`Purpose::Backup`]) and the
//! whole header as associated data of every chunk. Hence:
//!
//! * altering any byte of the header or of a chunk is detected;
//! * reordering, dropping or duplicating chunks is detected (the chunk counter is in the nonce);
//! * truncating the file, even exactly at a chunk boundary, is detected (the final chunk carries
//!   a flag in its nonce), and so are bytes appended after the final chunk;
//! * chunks spliced in from another backup, even one made with the same key, do not authenticate
//!   (every file has its own sub-key);
//! * memory stays bounded whatever the size of the backup (at most 6 MiB of chunk buffers per
//!   stream, or one chunk and its tag when chunks are larger than 3 MiB; twice that for
//!   [`rewrap`]), and input may come from a pipe.
//!
//! Chunks are encrypted and decrypted in parallel: the calling thread reads and writes, in order,
//! and works on chunks whenever it would otherwise wait, while up to three worker threads (one
//! fewer than the available parallelism) work on the chunks in between. The workers are started
//! and joined within each call. With a single CPU, or chunks larger than 3 MiB, each chunk is
//! handled on the calling thread, one at a time.
//!
//! An attacker with the file but not the key learns the key ID, the chunk size and the length
//! of the plaintext (to the byte), nothing more.
//!
//! [`decrypt`] writes each chunk only after it has authenticated, but a later failure cannot take
//! back chunks already written to a stream: the `*_file` functions ([`decrypt_file`] and the
//! others) write a temporary file in the target directory and rename it onto the target only
//! once the final chunk has verified, so a damaged backup leaves nothing behind.
//!
//! # Example
//! ```
//! use sha2::Digest as _;
//! use twsec::crypto::backup::{self, BackupOptions};
//! use twsec::crypto::{Keyring, MasterKey};
//!
//! let ring = Keyring::new(MasterKey::generate());
//! let dump = b"-- PostgreSQL database dump\nCREATE TABLE customer (...);\n".repeat(1000);
//!
//! let mut encrypted = Vec::new();
//! let made = backup::encrypt(&ring, &dump[..], &mut encrypted, &BackupOptions::default())?;
//! assert_eq!(made.plaintext_bytes, dump.len() as u64);
//!
//! // The restore test (TWSE-7.2.c.e): decrypt, check, discard; only it computes the SHA-256.
//! let checked = backup::verify(&ring, &encrypted[..])?;
//! assert_eq!(checked.plaintext_bytes, made.plaintext_bytes);
//! assert_eq!(checked.key_id, ring.active().id());
//! assert_eq!(made.sha256, None);
//! let sha256: [u8; 32] = sha2::Sha256::digest(&dump).into();
//! assert_eq!(checked.sha256, Some(sha256));
//!
//! let mut restored = Vec::new();
//! backup::decrypt(&ring, &encrypted[..], &mut restored)?;
//! assert_eq!(restored, dump);
//!
//! // One flipped bit anywhere, and nothing opens.
//! encrypted[100] ^= 1;
//! assert!(matches!(
//!     backup::verify(&ring, &encrypted[..]),
//!     Err(backup::BackupError::Authentication { chunk: 0 })
//! ));
//! # Ok::<(), backup::BackupError>(())
//! ```

use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::keys::{KeyId, Keyring, Purpose};

mod file;
mod format;
mod pipeline;
mod stream;
#[cfg(test)]
mod tests;

/// Plaintext bytes per chunk unless [`BackupOptions`] say otherwise: 256 KiB.
pub const DEFAULT_CHUNK_SIZE: usize = 256 * 1024;
/// Smallest chunk size accepted, when writing and when reading a header: 64 bytes.
pub const MIN_CHUNK_SIZE: usize = 64;
/// Largest chunk size accepted, when writing and when reading a header: 4 MiB. With the cap on
/// the chunk buffers in flight, it bounds the memory a backup stream needs, whatever a header
/// says (see the [module documentation](self)).
pub const MAX_CHUNK_SIZE: usize = 4 * 1024 * 1024;

/// How a backup is written.
///
/// # Defaults
/// `chunk_size` = [`DEFAULT_CHUNK_SIZE`] (256 KiB): large enough that the per-chunk cost (a
/// 16-byte tag, a nonce, a write) is negligible, small enough to keep memory low.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackupOptions {
    /// Plaintext bytes per chunk, within [`MIN_CHUNK_SIZE`]`..=`[`MAX_CHUNK_SIZE`].
    pub chunk_size: usize,
}

impl Default for BackupOptions {
    fn default() -> Self {
        Self {
            chunk_size: DEFAULT_CHUNK_SIZE,
        }
    }
}

impl BackupOptions {
    /// Options with another chunk size.
    ///
    /// # Errors
    /// [`BackupError::InvalidOptions`] when `chunk_size` is outside
    /// [`MIN_CHUNK_SIZE`]`..=`[`MAX_CHUNK_SIZE`].
    pub fn with_chunk_size(chunk_size: usize) -> Result<Self, BackupError> {
        let options = Self { chunk_size };
        options.checked_chunk_size()?;
        Ok(options)
    }

    /// The chunk size, checked again: the field is public and may have been changed.
    fn checked_chunk_size(&self) -> Result<usize, BackupError> {
        if (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) {
            Ok(self.chunk_size)
        } else {
            Err(BackupError::InvalidOptions(
                "chunk size must be between 64 bytes and 4 MiB",
            ))
        }
    }
}

/// What a backup holds, as reported when it was written, verified, decrypted or rewrapped.
///
/// Sizes and the digest are of the plaintext. Only [`verify`], the restore test of
/// TWSE-7.2.c.e, computes the digest, to compare with `sha256sum` of the original file: the
/// other operations leave [`sha256`](Self::sha256) at `None`, as hashing would halve their
/// throughput.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackupSummary {
    /// The master key the backup is (or, after [`rewrap`], now is) encrypted under.
    pub key_id: KeyId,
    /// Length of the plaintext in bytes.
    pub plaintext_bytes: u64,
    /// Number of chunks (at least 1: an empty input is one empty final chunk).
    pub chunks: u64,
    /// SHA-256 of the plaintext: `Some` from [`verify`], `None` from every other operation.
    pub sha256: Option<[u8; 32]>,
}

impl BackupSummary {
    /// The SHA-256 of the plaintext as 64 lower-case hex digits, as `sha256sum` prints it; `None`
    /// unless the summary comes from [`verify`].
    pub fn sha256_hex(&self) -> Option<String> {
        self.sha256
            .map(|digest| base16ct::lower::encode_string(&digest))
    }
}

/// Why a backup could not be written, read or checked. Messages name key IDs, chunk numbers and
/// output paths, never key material or plaintext.
///
/// Failures of the backup itself ([`NotABackup`](Self::NotABackup) to
/// [`TrailingData`](Self::TrailingData)) are kept apart from the caller's own mistakes
/// ([`OutputExists`](Self::OutputExists), [`InvalidOptions`](Self::InvalidOptions)) and from
/// the operating system's ([`Io`](Self::Io)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Reading the input or writing the output failed.
    #[error("backup I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The input does not start with the backup magic `TWSECBAK` (or is empty).
    #[error("not a twsec backup")]
    NotABackup,
    /// The header names a format version this release does not read.
    #[error("unsupported backup format version {0}")]
    UnsupportedVersion(u8),
    /// The header names an unknown algorithm or a chunk size out of range.
    #[error("malformed backup header: {0}")]
    BadHeader(&'static str),
    /// The backup was encrypted under a key the keyring does not hold.
    #[error("backup is encrypted with key {0}, which is not in the keyring")]
    UnknownKey(KeyId),
    /// A chunk (numbered from 0) did not authenticate: altered, reordered, spliced from another
    /// backup, encrypted for another purpose, or cut short; the header is checked with every
    /// chunk, so an altered header fails at chunk 0.
    #[error(
        "backup chunk {chunk} does not authenticate (altered, reordered, cut or from another file)"
    )]
    Authentication {
        /// Index of the first chunk that failed.
        chunk: u64,
    },
    /// The backup ends early: inside the header, or at a chunk boundary before its final chunk.
    #[error("backup is truncated")]
    Truncated,
    /// Bytes follow the backup's final chunk.
    #[error("unexpected data after the backup's final chunk")]
    TrailingData,
    /// The output file exists; backups and restores never overwrite a file.
    #[error("output {0} already exists; refusing to overwrite it")]
    OutputExists(String),
    /// The options are out of range, or the input is too long for the chunk size.
    #[error("invalid backup options: {0}")]
    InvalidOptions(&'static str),
}

/// Encrypts `input` as a backup under the keyring's active key and writes it to `output`,
/// streaming: memory stays bounded, whatever the input's size.
///
/// # Errors
/// [`BackupError::InvalidOptions`] for a chunk size out of range; [`BackupError::Io`] when
/// reading or writing fails (what was written so far is not a complete backup and does not
/// verify).
pub fn encrypt(
    keyring: &Keyring,
    input: impl Read,
    output: impl Write,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    encrypt_for(keyring, Purpose::Backup, input, output, options)
}

/// [`encrypt`] with the sub-key of another purpose: only for the test that a backup sealed for
/// another purpose does not open.
fn encrypt_for(
    keyring: &Keyring,
    purpose: Purpose,
    input: impl Read,
    output: impl Write,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    stream::Sealer::start(keyring.active(), purpose, options, output)?.seal_reader(input)
}

/// Decrypts a backup from `input` with whichever keyring key its header names, writing the
/// plaintext to `output` chunk by chunk, each only after it has authenticated.
///
/// A failure after the first chunk leaves the chunks before it in `output`: decrypt to a file
/// with [`decrypt_file`], which keeps nothing unless the whole backup verified.
///
/// # Errors
/// [`BackupError::NotABackup`], [`UnsupportedVersion`](BackupError::UnsupportedVersion),
/// [`BadHeader`](BackupError::BadHeader) or [`Truncated`](BackupError::Truncated) for a bad
/// header; [`UnknownKey`](BackupError::UnknownKey) when the key is not in the keyring;
/// [`Authentication`](BackupError::Authentication), [`Truncated`](BackupError::Truncated) or
/// [`TrailingData`](BackupError::TrailingData) when the chunks were altered, cut or extended;
/// [`Io`](BackupError::Io) when reading or writing fails.
pub fn decrypt(
    keyring: &Keyring,
    input: impl Read,
    mut output: impl Write,
) -> Result<BackupSummary, BackupError> {
    let summary = stream::open(keyring, Purpose::Backup, input, |plain| {
        output.write_all(plain).map_err(BackupError::from)
    })?;
    output.flush()?;
    Ok(summary)
}

/// The restore test (TWSE-7.2.c.e): decrypts and authenticates the whole backup, discarding the
/// plaintext, and reports its size and SHA-256 ([`BackupSummary::sha256`] is `Some`) to compare
/// with the original.
///
/// # Errors
/// As [`decrypt`].
pub fn verify(keyring: &Keyring, input: impl Read) -> Result<BackupSummary, BackupError> {
    let mut sha256 = Sha256::new();
    let mut summary = stream::open(keyring, Purpose::Backup, input, |plain| {
        sha256.update(plain);
        Ok(())
    })?;
    summary.sha256 = Some(sha256.finalize().into());
    Ok(summary)
}

/// Re-encrypts a backup under the keyring's active key (key rotation), streaming: decrypts with
/// whichever key the header names and encrypts each authenticated chunk at once. The new backup
/// gets a new salt and nonce prefix, and the chunk size of `options`.
///
/// The new final chunk is written only after the old one has verified, so an output cut short
/// by a failure does not verify either. The summary names the new key.
///
/// # Errors
/// As [`decrypt`] and [`encrypt`].
pub fn rewrap(
    keyring: &Keyring,
    input: impl Read,
    output: impl Write,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    let mut sealer = stream::Sealer::start(keyring.active(), Purpose::Backup, options, output)?;
    stream::open(keyring, Purpose::Backup, input, |plain| sealer.push(plain))?;
    sealer.finish()
}

/// [`encrypt`] from the file `input` to a new file `output`, written atomically: a temporary
/// file in `output`'s directory, synced and renamed onto `output` at the end. On any error
/// nothing is left at `output`.
///
/// # Errors
/// As [`encrypt`]; [`BackupError::OutputExists`] when something is already at `output`.
pub fn encrypt_file(
    keyring: &Keyring,
    input: &Path,
    output: &Path,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    file::encrypt_file(keyring, input, output, options)
}

/// [`decrypt`] from the file `input` to a new file `output` (mode 0600 on Unix), written to a
/// temporary file in `output`'s directory and renamed onto `output` only once the final chunk
/// has verified. On any error — a damaged, truncated or extended backup included — no plaintext
/// is left behind.
///
/// # Errors
/// As [`decrypt`]; [`BackupError::OutputExists`] when something is already at `output`.
pub fn decrypt_file(
    keyring: &Keyring,
    input: &Path,
    output: &Path,
) -> Result<BackupSummary, BackupError> {
    file::decrypt_file(keyring, input, output)
}

/// Creates the new file `target` (mode 0600 on Unix) from what `write` writes — for example
/// [`decrypt`] of a backup arriving on standard input — the way the `*_file` functions do: into a
/// temporary file in `target`'s directory, synced, and renamed onto `target` only when `write`
/// succeeded. On any error nothing is left at `target`.
///
/// # Errors
/// What `write` returns; [`BackupError::OutputExists`] when something is already at `target`;
/// [`BackupError::Io`] when the temporary file cannot be made or renamed.
pub fn write_new_file(
    target: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<BackupSummary, BackupError>,
) -> Result<BackupSummary, BackupError> {
    file::write_new_file(target, write)
}

/// [`rewrap`] from the file `input` to the file `output`, atomically. `output` may be `input`
/// itself (or a path leading to the same file): it is then replaced by the rewrapped backup only
/// once the old one has fully verified, and left untouched on any error.
///
/// # Errors
/// As [`rewrap`]; [`BackupError::OutputExists`] when another file is already at `output`.
pub fn rewrap_file(
    keyring: &Keyring,
    input: &Path,
    output: &Path,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    file::rewrap_file(keyring, input, output, options)
}
