//! The backup header: its layout, writing and bounded parsing.
//!
//! | offset | length | field |
//! |---:|---:|---|
//! | 0 | 8 | magic `TWSECBAK` |
//! | 8 | 1 | format version (1) |
//! | 9 | 1 | algorithm (1: AES-256-GCM, STREAM with a 32-bit big-endian counter, HKDF-SHA-256 sub-key) |
//! | 10 | 4 | chunk size in plaintext bytes, big-endian |
//! | 14 | 8 | key ID |
//! | 22 | 32 | random per-file salt of the HKDF sub-key |
//! | 54 | 7 | random STREAM nonce prefix |
//!
//! The 61 bytes are the associated data of every chunk.

use std::io::Read;

use super::{BackupError, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};
use crate::crypto::KeyId;

/// The first eight bytes of every backup.
pub(super) const MAGIC: &[u8; 8] = b"TWSECBAK";
/// The format version written.
pub(super) const VERSION: u8 = 1;
/// AES-256-GCM under STREAM-BE32, with the key from HKDF-SHA-256 of the master key and the salt.
pub(super) const ALG_AES256GCM_STREAM_BE32: u8 = 1;
/// Length of the per-file salt.
pub(super) const SALT_LEN: usize = 32;
/// Length of the STREAM nonce prefix: a 96-bit GCM nonce less the 32-bit counter and the flag byte.
pub(super) const NONCE_PREFIX_LEN: usize = 7;
/// Length of the whole header.
pub(super) const HEADER_LEN: usize = 8 + 1 + 1 + 4 + 8 + SALT_LEN + NONCE_PREFIX_LEN;

const VERSION_AT: usize = 8;
const ALG_AT: usize = 9;
const CHUNK_SIZE_AT: usize = 10;
const KEY_ID_AT: usize = 14;
const SALT_AT: usize = 22;
const NONCE_PREFIX_AT: usize = 54;

/// A backup header, as written and authenticated.
#[derive(Clone, Copy)]
pub(super) struct Header([u8; HEADER_LEN]);

impl Header {
    /// A version-1 header. `chunk_size` must already be within the allowed range.
    pub(super) fn new(
        chunk_size: u32,
        key_id: KeyId,
        salt: &[u8; SALT_LEN],
        nonce_prefix: &[u8; NONCE_PREFIX_LEN],
    ) -> Self {
        let mut h = [0u8; HEADER_LEN];
        h[..VERSION_AT].copy_from_slice(MAGIC);
        h[VERSION_AT] = VERSION;
        h[ALG_AT] = ALG_AES256GCM_STREAM_BE32;
        h[CHUNK_SIZE_AT..KEY_ID_AT].copy_from_slice(&chunk_size.to_be_bytes());
        h[KEY_ID_AT..SALT_AT].copy_from_slice(key_id.as_bytes());
        h[SALT_AT..NONCE_PREFIX_AT].copy_from_slice(salt);
        h[NONCE_PREFIX_AT..].copy_from_slice(nonce_prefix);
        Self(h)
    }

    /// Reads and checks a header: at most [`HEADER_LEN`] bytes are read and nothing is allocated,
    /// so a garbage or hostile stream costs nothing before it is refused.
    ///
    /// An empty stream or one that does not start with the magic is [`BackupError::NotABackup`];
    /// a stream that ends inside the header is [`BackupError::Truncated`], unless a field that
    /// did arrive is already wrong (version, algorithm, chunk size).
    pub(super) fn read(input: &mut impl Read) -> Result<Self, BackupError> {
        let mut h = [0u8; HEADER_LEN];
        let n = read_full(input, &mut h)?;
        let got = &h[..n];
        if n == 0 || !MAGIC.starts_with(&got[..n.min(MAGIC.len())]) {
            return Err(BackupError::NotABackup);
        }
        if let Some(&version) = got.get(VERSION_AT)
            && version != VERSION
        {
            return Err(BackupError::UnsupportedVersion(version));
        }
        if let Some(&alg) = got.get(ALG_AT)
            && alg != ALG_AES256GCM_STREAM_BE32
        {
            return Err(BackupError::BadHeader("unknown algorithm"));
        }
        if let Some(size) = got.get(CHUNK_SIZE_AT..KEY_ID_AT) {
            let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
            if !usize::try_from(size).is_ok_and(|s| (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&s))
            {
                return Err(BackupError::BadHeader("chunk size out of range"));
            }
        }
        if n < HEADER_LEN {
            return Err(BackupError::Truncated);
        }
        Ok(Self(h))
    }

    /// The header bytes: written first, and the associated data of every chunk.
    pub(super) fn as_bytes(&self) -> &[u8; HEADER_LEN] {
        &self.0
    }

    /// Plaintext bytes per chunk (checked to be within range when read).
    pub(super) fn chunk_size(&self) -> usize {
        let b = &self.0[CHUNK_SIZE_AT..KEY_ID_AT];
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
    }

    /// The ID of the master key.
    pub(super) fn key_id(&self) -> KeyId {
        let mut id = [0u8; 8];
        id.copy_from_slice(&self.0[KEY_ID_AT..SALT_AT]);
        KeyId::from_bytes(id)
    }

    /// The salt of the HKDF sub-key.
    pub(super) fn salt(&self) -> &[u8] {
        &self.0[SALT_AT..NONCE_PREFIX_AT]
    }

    /// The STREAM nonce prefix.
    pub(super) fn nonce_prefix(&self) -> &[u8] {
        &self.0[NONCE_PREFIX_AT..]
    }
}

/// Reads until `buf` is full or the stream ends; returns how many bytes were read. Short reads
/// (pipes, sockets) and interruptions are retried.
pub(super) fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
