//! The STREAM construction over AES-256-GCM: sealing chunks as they come, opening them in order.
//!
//! Chunk `i` is AES-256-GCM under the file's sub-key with the nonce `prefix ‖ i (32-bit
//! big-endian) ‖ last`, where `last` is 1 for the final chunk only, and the header as associated
//! data. Every chunk but the last holds exactly `chunk_size` plaintext bytes; the last holds
//! `0..=chunk_size` (0 only for an empty input). So a reader knows a chunk is not the last when
//! at least one byte follows a full-size chunk, and can tell each way of damaging the stream
//! apart: see [`open`].

use std::io::{Read, Write};

use aead::generic_array::GenericArray;
use aead::stream::{NewStream, StreamBE32, StreamPrimitive};
use aes_gcm::{Aes256Gcm, KeyInit};
use rand::TryRngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::format::{Header, NONCE_PREFIX_LEN, SALT_LEN};
use super::{BackupError, BackupOptions, BackupSummary};
use crate::crypto::{Keyring, MasterKey, Purpose};

/// Length of the GCM tag after each chunk.
pub(super) const TAG_LEN: usize = 16;

/// The cipher of one file: the sub-key for `purpose` with the header's salt, and its nonce prefix.
fn stream_cipher(master: &MasterKey, purpose: Purpose, header: &Header) -> StreamBE32<Aes256Gcm> {
    let sub = master.subkey(purpose, header.salt());
    let aead = Aes256Gcm::new(sub.expose_secret().into());
    StreamBE32::from_aead(aead, GenericArray::from_slice(header.nonce_prefix()))
}

/// The STREAM position of chunk `index`; `None` past the 32-bit counter.
fn position(index: u64) -> Option<u32> {
    u32::try_from(index).ok()
}

/// Fills `buf` (cleared first) with up to `want` bytes, starting with the look-ahead byte kept by
/// the previous call. When `want` bytes arrived, reads one byte more to learn whether the stream
/// goes on, and keeps it in `carry`. Returns whether more bytes follow what is in `buf`.
pub(super) fn fill(
    input: &mut impl Read,
    buf: &mut Vec<u8>,
    want: usize,
    carry: &mut Option<u8>,
) -> std::io::Result<bool> {
    buf.clear();
    buf.extend(carry.take());
    // `take` + `read_to_end` retries short reads and interruptions and reads into the spare
    // capacity without zeroing it; the capacity, reserved once, is never exceeded.
    let missing = want.saturating_sub(buf.len());
    input.take(missing as u64).read_to_end(buf)?;
    if buf.len() < want {
        return Ok(false);
    }
    let mut byte = [0u8; 1];
    if super::format::read_full(input, &mut byte)? == 1 {
        *carry = Some(byte[0]);
    }
    Ok(carry.is_some())
}

/// Encrypts a plaintext stream chunk by chunk and writes the backup to `out`.
pub(super) struct Sealer<W: Write> {
    out: W,
    header: Header,
    cipher: StreamBE32<Aes256Gcm>,
    chunk_size: usize,
    /// Plaintext of the chunk being filled, then its ciphertext and tag (wiped on drop).
    buf: Zeroizing<Vec<u8>>,
    /// Chunks written so far.
    chunks: u64,
    plaintext_bytes: u64,
    sha256: Sha256,
}

impl<W: Write> std::fmt::Debug for Sealer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.header.key_id())
            .field("chunks", &self.chunks)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Sealer<W> {
    /// Starts a backup under `master`'s sub-key for `purpose` with a fresh random salt and nonce
    /// prefix, and writes its header.
    pub(super) fn start(
        master: &MasterKey,
        purpose: Purpose,
        options: &BackupOptions,
        mut out: W,
    ) -> Result<Self, BackupError> {
        let chunk_size = options.checked_chunk_size()?;
        let mut random = [0u8; SALT_LEN + NONCE_PREFIX_LEN];
        rand::rngs::OsRng
            .try_fill_bytes(&mut random)
            .map_err(|e| BackupError::Io(std::io::Error::other(e)))?;
        let (salt, prefix) = random.split_at(SALT_LEN);
        let header = Header::new(
            u32::try_from(chunk_size).map_err(|_| BackupError::InvalidOptions("chunk size"))?,
            master.id(),
            salt.try_into().expect("split at SALT_LEN"),
            prefix.try_into().expect("the rest is the nonce prefix"),
        );
        out.write_all(header.as_bytes())?;
        Ok(Self {
            cipher: stream_cipher(master, purpose, &header),
            out,
            header,
            chunk_size,
            buf: Zeroizing::new(Vec::with_capacity(chunk_size + TAG_LEN)),
            chunks: 0,
            plaintext_bytes: 0,
            sha256: Sha256::new(),
        })
    }

    /// Encrypts the plaintext in `buf` as the next chunk and writes it.
    fn seal(&mut self, last: bool) -> Result<(), BackupError> {
        let pos = position(self.chunks).ok_or(BackupError::InvalidOptions(
            "input longer than 2^32 chunks; use a larger chunk size",
        ))?;
        self.sha256.update(&self.buf[..]);
        self.plaintext_bytes += self.buf.len() as u64;
        self.cipher
            .encrypt_in_place(pos, last, self.header.as_bytes(), &mut *self.buf)
            .map_err(|_| BackupError::InvalidOptions("chunk too large for AES-GCM"))?;
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.chunks += 1;
        Ok(())
    }

    /// Encrypts everything `input` yields, reading straight into the chunk buffer, and finishes.
    pub(super) fn seal_reader(
        mut self,
        mut input: impl Read,
    ) -> Result<BackupSummary, BackupError> {
        let mut carry = None;
        loop {
            let more = fill(&mut input, &mut self.buf, self.chunk_size, &mut carry)?;
            if !more {
                return self.finish();
            }
            self.seal(false)?;
        }
    }

    /// Appends plaintext; writes each chunk once it is full and more plaintext arrives (only then
    /// is it known not to be the last).
    pub(super) fn push(&mut self, mut data: &[u8]) -> Result<(), BackupError> {
        while !data.is_empty() {
            if self.buf.len() == self.chunk_size {
                self.seal(false)?;
            }
            let n = data.len().min(self.chunk_size - self.buf.len());
            self.buf.extend_from_slice(&data[..n]);
            data = &data[n..];
        }
        Ok(())
    }

    /// Writes what is buffered as the final chunk (empty for an empty input) and flushes.
    pub(super) fn finish(mut self) -> Result<BackupSummary, BackupError> {
        self.seal(true)?;
        self.out.flush()?;
        Ok(BackupSummary {
            key_id: self.header.key_id(),
            plaintext_bytes: self.plaintext_bytes,
            chunks: self.chunks,
            sha256: self.sha256.finalize().into(),
        })
    }
}

/// Reads a backup from `input` and hands each chunk's plaintext to `sink` once the chunk has
/// authenticated, in order.
///
/// # Errors
/// In the order they are checked: the header ([`Header::read`]), the key
/// ([`BackupError::UnknownKey`]), then for each chunk:
/// * a full-size chunk followed by more bytes that authenticates only as the final chunk:
///   [`BackupError::TrailingData`] (bytes appended after a full final chunk);
/// * a chunk at the end of the stream that authenticates only as a non-final chunk:
///   [`BackupError::Truncated`] (the stream was cut at a chunk boundary);
/// * fewer bytes left than a tag: [`BackupError::Truncated`];
/// * anything else that does not authenticate (altered, reordered, spliced from another file,
///   wrong purpose, cut inside a chunk, bytes appended after a short final chunk):
///   [`BackupError::Authentication`] with the chunk's index.
pub(super) fn open(
    keyring: &Keyring,
    purpose: Purpose,
    mut input: impl Read,
    mut sink: impl FnMut(&[u8]) -> Result<(), BackupError>,
) -> Result<BackupSummary, BackupError> {
    let header = Header::read(&mut input)?;
    let key_id = header.key_id();
    let master = keyring
        .get(key_id)
        .map_err(|_| BackupError::UnknownKey(key_id))?;
    let cipher = stream_cipher(master, purpose, &header);
    let aad = header.as_bytes();
    let frame = header.chunk_size() + TAG_LEN;
    let mut buf = Zeroizing::new(Vec::with_capacity(frame));
    let mut carry = None;
    let mut sha256 = Sha256::new();
    let mut plaintext_bytes = 0u64;
    let mut chunk = 0u64;
    loop {
        let more = fill(&mut input, &mut buf, frame, &mut carry)?;
        // Past the 32-bit counter no chunk can authenticate: the writer never gets there.
        let Some(pos) = position(chunk) else {
            return Err(BackupError::TrailingData);
        };
        // `decrypt_in_place` leaves `buf` untouched when the tag does not match, so a second
        // attempt with the other flag sees the same ciphertext.
        if more {
            if cipher.decrypt_in_place(pos, false, aad, &mut *buf).is_err() {
                return Err(
                    if cipher.decrypt_in_place(pos, true, aad, &mut *buf).is_ok() {
                        BackupError::TrailingData
                    } else {
                        BackupError::Authentication { chunk }
                    },
                );
            }
        } else {
            if buf.len() < TAG_LEN {
                return Err(BackupError::Truncated);
            }
            if cipher.decrypt_in_place(pos, true, aad, &mut *buf).is_err() {
                return Err(
                    if buf.len() == frame
                        && cipher.decrypt_in_place(pos, false, aad, &mut *buf).is_ok()
                    {
                        BackupError::Truncated
                    } else {
                        BackupError::Authentication { chunk }
                    },
                );
            }
        }
        sha256.update(&buf[..]);
        plaintext_bytes += buf.len() as u64;
        sink(&buf)?;
        if !more {
            return Ok(BackupSummary {
                key_id,
                plaintext_bytes,
                chunks: chunk + 1,
                sha256: sha256.finalize().into(),
            });
        }
        chunk += 1;
    }
}
