//! The STREAM construction over AES-256-GCM: sealing chunks as they come, opening them in order.
//!
//! Chunk `i` is AES-256-GCM under the file's sub-key with the nonce `prefix ‖ i (32-bit
//! big-endian) ‖ last`, where `last` is 1 for the final chunk only, and the header as associated
//! data: the STREAM-BE32 nonce of Hoang et al., byte for byte the one `aead` 0.5's `StreamBE32`
//! built, which wrote the first backups. Every chunk but the last holds exactly `chunk_size`
//! plaintext bytes; the last holds `0..=chunk_size` (0 only for an empty input). So a reader
//! knows a chunk is not the last when at least one byte follows a full-size chunk, and can tell
//! each way of damaging the stream apart: see [`open`].

use std::io::{Read, Write};
use std::sync::Arc;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::TryRngCore;

use super::format::{HEADER_LEN, Header, NONCE_PREFIX_LEN, SALT_LEN};
use super::pipeline::{Buffer, Pipeline};
use super::{BackupError, BackupOptions, BackupSummary};
use crate::crypto::{Keyring, MasterKey, Purpose};

/// Length of the GCM tag after each chunk.
pub(super) const TAG_LEN: usize = 16;

/// AES-256-GCM under one file's sub-key, with the file's STREAM-BE32 nonces and its header as
/// the associated data of every chunk.
pub(super) struct ChunkCipher {
    aead: Aes256Gcm,
    header: Header,
}

impl ChunkCipher {
    /// The cipher of one file: the sub-key for `purpose` with the header's salt.
    pub(super) fn new(master: &MasterKey, purpose: Purpose, header: &Header) -> Self {
        let sub = master.subkey(purpose, header.salt());
        Self {
            aead: Aes256Gcm::new(sub.expose_secret().into()),
            header: *header,
        }
    }

    /// The nonce of chunk `index`: the 7-byte prefix, `index` as 32-bit big-endian, and 1 for
    /// the final chunk or 0 for any other.
    pub(super) fn nonce(&self, index: u32, last: bool) -> [u8; 12] {
        let mut nonce = [0u8; 12];
        nonce[..NONCE_PREFIX_LEN].copy_from_slice(self.header.nonce_prefix());
        nonce[NONCE_PREFIX_LEN..11].copy_from_slice(&index.to_be_bytes());
        nonce[11] = u8::from(last);
        nonce
    }

    fn aad(&self) -> &[u8; HEADER_LEN] {
        self.header.as_bytes()
    }

    /// Encrypts the plaintext in `buf` in place as chunk `index` and appends its tag.
    pub(super) fn seal(
        &self,
        index: u32,
        last: bool,
        buf: &mut Vec<u8>,
    ) -> Result<(), BackupError> {
        let nonce = Nonce::from(self.nonce(index, last));
        self.aead
            .encrypt_in_place(&nonce, self.aad(), buf)
            .map_err(|_| BackupError::InvalidOptions("chunk too large for AES-GCM"))
    }

    /// Decrypts chunk `index` (ciphertext and tag) in place, leaving the plaintext in `buf`.
    /// When the tag does not match, `buf` is left untouched, so it can be tried again with the
    /// other flag.
    pub(super) fn open(
        &self,
        index: u32,
        last: bool,
        buf: &mut Vec<u8>,
    ) -> Result<(), aes_gcm::Error> {
        let nonce = Nonce::from(self.nonce(index, last));
        self.aead.decrypt_in_place(&nonce, self.aad(), buf)
    }
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

/// Encrypts a plaintext stream chunk by chunk and writes the backup to `out`; the chunks are
/// encrypted in parallel and written in order (see [`Pipeline`]).
pub(super) struct Sealer<W: Write> {
    out: W,
    header: Header,
    cipher: Arc<ChunkCipher>,
    chunk_size: usize,
    pipeline: Pipeline<Result<(), BackupError>>,
    /// For [`push`](Self::push): plaintext of the chunk being filled (allocated on first use).
    current: Buffer,
    /// Chunks handed to the pipeline.
    submitted: u64,
    /// Chunks written.
    chunks: u64,
    plaintext_bytes: u64,
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
            cipher: Arc::new(ChunkCipher::new(master, purpose, &header)),
            out,
            header,
            chunk_size,
            pipeline: Pipeline::new(chunk_size + TAG_LEN),
            current: Buffer::default(),
            submitted: 0,
            chunks: 0,
            plaintext_bytes: 0,
        })
    }

    /// Hands the plaintext in `buf` to the pipeline as the next chunk (the final one when
    /// `last`), then writes the chunks that are done, in order: all of them when `last`.
    fn submit(&mut self, buf: Buffer, last: bool) -> Result<(), BackupError> {
        let index = self.submitted;
        self.submitted += 1;
        self.plaintext_bytes += buf.len() as u64;
        let cipher = Arc::clone(&self.cipher);
        self.pipeline.push(buf, move |buf| {
            let pos = position(index).ok_or(BackupError::InvalidOptions(
                "input longer than 2^32 chunks; use a larger chunk size",
            ))?;
            cipher.seal(pos, last, buf)
        });
        while let Some((buf, sealed)) = self.pipeline.next(last) {
            sealed?;
            self.out.write_all(&buf)?;
            self.chunks += 1;
            self.pipeline.recycle(buf);
        }
        Ok(())
    }

    /// Encrypts everything `input` yields, reading straight into the chunk buffers, and finishes.
    pub(super) fn seal_reader(
        mut self,
        mut input: impl Read,
    ) -> Result<BackupSummary, BackupError> {
        let mut carry = None;
        loop {
            let mut buf = self.pipeline.buffer();
            let more = fill(&mut input, &mut buf, self.chunk_size, &mut carry)?;
            self.submit(buf, !more)?;
            if !more {
                return self.summary();
            }
        }
    }

    /// Appends plaintext; hands each chunk on once it is full and more plaintext arrives (only
    /// then is it known not to be the last).
    pub(super) fn push(&mut self, mut data: &[u8]) -> Result<(), BackupError> {
        while !data.is_empty() {
            if self.current.len() == self.chunk_size {
                let next = self.pipeline.buffer();
                let full = std::mem::replace(&mut self.current, next);
                self.submit(full, false)?;
            } else if self.current.capacity() == 0 {
                self.current = self.pipeline.buffer();
            }
            let n = data.len().min(self.chunk_size - self.current.len());
            self.current.extend_from_slice(&data[..n]);
            data = &data[n..];
        }
        Ok(())
    }

    /// Writes what [`push`](Self::push) buffered as the final chunk (empty for an empty input),
    /// and the chunks before it.
    pub(super) fn finish(mut self) -> Result<BackupSummary, BackupError> {
        let last = std::mem::take(&mut self.current);
        self.submit(last, true)?;
        self.summary()
    }

    /// Flushes the output, all chunks written.
    fn summary(mut self) -> Result<BackupSummary, BackupError> {
        self.out.flush()?;
        Ok(BackupSummary {
            key_id: self.header.key_id(),
            plaintext_bytes: self.plaintext_bytes,
            chunks: self.chunks,
            sha256: None,
        })
    }
}

/// Reads a backup from `input` and hands each chunk's plaintext to `sink` once the chunk has
/// authenticated, in order. The chunks are decrypted in parallel (see [`Pipeline`]) while the
/// next are read; the outcome is that of one chunk at a time: the chunks before the first that
/// fails reach `sink`, and none after.
///
/// # Errors
/// In the order they are checked: the header ([`Header::read`]), the key
/// ([`BackupError::UnknownKey`]), then for each chunk as [`open_chunk`] checks it; an error
/// reading the input after the chunks before it.
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
    let cipher = Arc::new(ChunkCipher::new(master, purpose, &header));
    let frame = header.chunk_size() + TAG_LEN;
    let mut pipeline = Pipeline::new(frame);
    let mut carry = None;
    let mut plaintext_bytes = 0u64;
    let mut chunks = 0u64;
    loop {
        let mut buf = pipeline.buffer();
        let (more, read_error) = match fill(&mut input, &mut buf, frame, &mut carry) {
            Ok(more) => (more, None),
            Err(e) => (false, Some(e)),
        };
        if read_error.is_none() {
            let cipher = Arc::clone(&cipher);
            let index = chunks;
            chunks += 1;
            pipeline.push(buf, move |buf| open_chunk(&cipher, index, more, frame, buf));
        }
        // At the end, or before reporting a read error, all chunks before it.
        while let Some((plain, opened)) = pipeline.next(!more) {
            opened?;
            plaintext_bytes += plain.len() as u64;
            sink(&plain)?;
            pipeline.recycle(plain);
        }
        if let Some(e) = read_error {
            return Err(e.into());
        }
        if !more {
            return Ok(BackupSummary {
                key_id,
                plaintext_bytes,
                chunks,
                sha256: None,
            });
        }
    }
}

/// Decrypts chunk `index` (as read: ciphertext and tag, `frame` bytes unless it is the last) in
/// place; `followed` tells whether more bytes follow it in the stream.
///
/// # Errors
/// * a full-size chunk followed by more bytes that authenticates only as the final chunk:
///   [`BackupError::TrailingData`] (bytes appended after a full final chunk);
/// * a chunk at the end of the stream that authenticates only as a non-final chunk:
///   [`BackupError::Truncated`] (the stream was cut at a chunk boundary);
/// * fewer bytes left than a tag: [`BackupError::Truncated`];
/// * anything else that does not authenticate (altered, reordered, spliced from another file,
///   wrong purpose, cut inside a chunk, bytes appended after a short final chunk):
///   [`BackupError::Authentication`] with the chunk's index.
fn open_chunk(
    cipher: &ChunkCipher,
    index: u64,
    followed: bool,
    frame: usize,
    buf: &mut Vec<u8>,
) -> Result<(), BackupError> {
    // Past the 32-bit counter no chunk can authenticate: the writer never gets there.
    let Some(pos) = position(index) else {
        return Err(BackupError::TrailingData);
    };
    // `open` leaves `buf` untouched when the tag does not match, so a second attempt with the
    // other flag sees the same ciphertext.
    if followed {
        if cipher.open(pos, false, buf).is_err() {
            return Err(if cipher.open(pos, true, buf).is_ok() {
                BackupError::TrailingData
            } else {
                BackupError::Authentication { chunk: index }
            });
        }
    } else {
        if buf.len() < TAG_LEN {
            return Err(BackupError::Truncated);
        }
        if cipher.open(pos, true, buf).is_err() {
            return Err(
                if buf.len() == frame && cipher.open(pos, false, buf).is_ok() {
                    BackupError::Truncated
                } else {
                    BackupError::Authentication { chunk: index }
                },
            );
        }
    }
    Ok(())
}
