//! Encrypted backups through the public API (controls CRY-BACKUP and CRY-RESTORE-TEST): round
//! trips, a table of every way to damage a backup (each bit of a small one flipped, cut at every
//! length, extended, reordered, spliced), wrong keys, rewrapping, short reads and pipes, and the
//! files left behind (none) when a restore fails.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use secrecy::SecretBox;
use sha2::{Digest, Sha256};
use twsec::crypto::backup::{
    self, BackupError, BackupOptions, BackupSummary, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE,
    MIN_CHUNK_SIZE,
};
use twsec::crypto::{KeyId, Keyring, MasterKey};

/// Bytes before the first chunk.
const HEADER_LEN: usize = 61;
/// GCM tag after each chunk.
const TAG_LEN: usize = 16;

fn fixed_key(byte: u8) -> MasterKey {
    MasterKey::from_bytes(SecretBox::new(Box::new([byte; 32])))
}

fn ring(byte: u8) -> Keyring {
    Keyring::new(fixed_key(byte))
}

fn options(chunk_size: usize) -> BackupOptions {
    BackupOptions::with_chunk_size(chunk_size).expect("chunk size in range")
}

/// Deterministic, incompressible-looking plaintext.
fn plaintext(len: usize, seed: u8) -> Vec<u8> {
    let mut state = u32::from(seed) | 0x9e37_0000;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn encrypt(ring: &Keyring, plain: &[u8], chunk_size: usize) -> (Vec<u8>, BackupSummary) {
    let mut out = Vec::new();
    let summary = backup::encrypt(ring, plain, &mut out, &options(chunk_size)).expect("encrypt");
    (out, summary)
}

fn chunks_for(len: usize, chunk_size: usize) -> usize {
    len.div_ceil(chunk_size).max(1)
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Encrypts, checks the summary and the size, verifies and decrypts, and checks the plaintext.
fn round_trip(ring: &Keyring, plain: &[u8], chunk_size: usize) {
    let (enc, made) = encrypt(ring, plain, chunk_size);
    let chunks = chunks_for(plain.len(), chunk_size);
    assert_eq!(enc.len(), HEADER_LEN + plain.len() + chunks * TAG_LEN);
    let expected = (ring.active().id(), plain.len() as u64, chunks as u64);
    let got = |s: &BackupSummary| (s.key_id, s.plaintext_bytes, s.chunks);
    assert_eq!(got(&made), expected);
    assert_eq!(made.sha256, None, "only verify hashes the plaintext");
    let verified = backup::verify(ring, &enc[..]).expect("verify");
    assert_eq!(got(&verified), expected);
    assert_eq!(verified.sha256, Some(sha256(plain)));
    let mut dec = Vec::new();
    let opened = backup::decrypt(ring, &enc[..], &mut dec).expect("decrypt");
    assert_eq!(got(&opened), expected);
    assert_eq!(opened.sha256, None, "only verify hashes the plaintext");
    assert!(dec == plain, "plaintext differs (len {})", plain.len());
}

#[test]
fn round_trips_at_every_edge_size() {
    let ring = ring(1);
    for chunk_size in [MIN_CHUNK_SIZE, 100, 4096, DEFAULT_CHUNK_SIZE] {
        for len in [
            0,
            1,
            chunk_size - 1,
            chunk_size,
            chunk_size + 1,
            2 * chunk_size,
            2 * chunk_size + 1,
            5 * chunk_size + 3,
        ] {
            round_trip(&ring, &plaintext(len, 9), chunk_size);
        }
    }
}

#[test]
fn round_trip_with_the_largest_chunk_size() {
    round_trip(&ring(1), &plaintext(MAX_CHUNK_SIZE + 5, 2), MAX_CHUNK_SIZE);
}

#[test]
fn verify_reports_the_size_and_sha256_of_the_plaintext() {
    let ring = ring(1);
    let plain = plaintext(1_000_003, 4);
    let (enc, _) = encrypt(&ring, &plain, DEFAULT_CHUNK_SIZE);
    let report = backup::verify(&ring, &enc[..]).expect("verify");
    assert_eq!(report.plaintext_bytes, 1_000_003);
    assert_eq!(report.chunks, 4);
    assert_eq!(report.sha256, Some(sha256(&plain)));
    let hex: String = sha256(&plain).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(report.sha256_hex(), Some(hex));
    assert_eq!(report.key_id, ring.active().id());
}

/// A backup written by the first release (aead 0.5's `StreamBE32` over aes-gcm 0.10) under the
/// key of 32 bytes of 7 (the fuzz seeds' key): 150 bytes of text in chunks of 64 (64 + 64 + 22).
/// Every later release must read it: the format, nonces included, is fixed.
const KNOWN_ANSWER: &[u8] =
    include_bytes!("../src/crypto/backup/kat/v1-key7-150-bytes-chunk-64.twsec");

fn known_answer_plaintext() -> Vec<u8> {
    b"twsec known-answer backup\n"
        .iter()
        .copied()
        .cycle()
        .take(150)
        .collect()
}

#[test]
fn a_backup_from_the_first_release_still_opens() {
    let ring = ring(7);
    let plain = known_answer_plaintext();
    assert_eq!(KNOWN_ANSWER.len(), HEADER_LEN + 150 + 3 * TAG_LEN);
    let mut dec = Vec::new();
    let opened = backup::decrypt(&ring, KNOWN_ANSWER, &mut dec).expect("decrypt");
    assert_eq!(dec, plain);
    assert_eq!(
        (
            opened.key_id.to_string().as_str(),
            opened.plaintext_bytes,
            opened.chunks
        ),
        ("9d8d335cd197e120", 150, 3)
    );
    let verified = backup::verify(&ring, KNOWN_ANSWER).expect("verify");
    assert_eq!(
        verified.sha256_hex().as_deref(),
        Some("1f12ea877614a6a07f3f19dd0c9aa2f1824684874f4270ac30eb64c42aabd08f")
    );
    assert_eq!(verified.sha256, Some(sha256(&plain)));
    // Its final chunk is flagged as such: without it the rest is a truncated backup.
    assert!(matches!(
        backup::verify(&ring, &KNOWN_ANSWER[..chunk_at(2)]),
        Err(BackupError::Truncated)
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trips_any_size_and_chunk_size(
        len in 0usize..3000,
        chunk_size in MIN_CHUNK_SIZE..600,
        seed in any::<u8>(),
    ) {
        round_trip(&ring(1), &plaintext(len, seed), chunk_size);
    }

    #[test]
    fn round_trips_through_short_reads(
        len in 0usize..2000,
        chunk_size in MIN_CHUNK_SIZE..300,
        seed in any::<u8>(),
    ) {
        let ring = ring(1);
        let plain = plaintext(len, seed);
        let mut enc = Vec::new();
        backup::encrypt(&ring, Trickle::new(&plain, seed), &mut enc, &options(chunk_size))
            .expect("encrypt");
        let mut dec = Vec::new();
        backup::decrypt(&ring, Trickle::new(&enc, seed.wrapping_add(1)), &mut dec).expect("decrypt");
        prop_assert_eq!(dec, plain);
    }
}

/// A reader like a pipe under load: 1 to 7 bytes per `read`, and now and then `Interrupted`.
struct Trickle<'a> {
    data: &'a [u8],
    state: u32,
}

impl<'a> Trickle<'a> {
    fn new(data: &'a [u8], seed: u8) -> Self {
        Self {
            data,
            state: u32::from(seed).wrapping_mul(2_654_435_761) | 1,
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        if self.state.is_multiple_of(11) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = (1 + self.state as usize % 7)
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn short_reads_at_every_chunk_size_edge() {
    let ring = ring(1);
    for len in [0, 1, 63, 64, 65, 128, 129, 1000] {
        let plain = plaintext(len, 3);
        let mut enc = Vec::new();
        backup::encrypt(&ring, Trickle::new(&plain, 1), &mut enc, &options(64)).expect("encrypt");
        let (direct, _) = encrypt(&ring, &plain, 64);
        assert_eq!(enc.len(), direct.len());
        let mut dec = Vec::new();
        let s = backup::decrypt(&ring, Trickle::new(&enc, 2), &mut dec).expect("decrypt");
        assert_eq!(dec, plain);
        assert_eq!(s.chunks as usize, chunks_for(len, 64));
    }
}

#[test]
fn streams_through_an_os_pipe() {
    let ring = ring(1);
    let plain = plaintext(3 * DEFAULT_CHUNK_SIZE + 17, 5);
    let (enc, made) = encrypt(&ring, &plain, DEFAULT_CHUNK_SIZE);
    let (reader, mut writer) = io::pipe().expect("pipe");
    let feeder = std::thread::spawn(move || {
        for piece in enc.chunks(1000) {
            io::Write::write_all(&mut writer, piece).expect("write to pipe");
        }
    });
    let mut dec = Vec::new();
    let opened = backup::decrypt(&ring, reader, &mut dec).expect("decrypt from a pipe");
    feeder.join().expect("feeder");
    assert_eq!(opened, made);
    assert!(dec == plain);
}

// ---- The negative table -------------------------------------------------------------------

/// A scratch directory for `decrypt_file` with one input file in it.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Restores `backup` with `decrypt_file`, expecting an error: returns it after checking that
    /// nothing at all was left in the directory besides the input.
    fn restore_fails(&self, ring: &Keyring, backup: &[u8]) -> BackupError {
        let input = self.path("in.twsec");
        let output = self.path("restored.sql");
        std::fs::write(&input, backup).expect("write input");
        let err = backup::decrypt_file(ring, &input, &output).expect_err("restore must fail");
        assert!(
            !output.exists(),
            "plaintext left at the output after {err:?}"
        );
        assert_eq!(self.entries(), ["in.twsec"], "leftover files after {err:?}");
        err
    }
}

/// Asserts that `backup` is rejected, by `verify`, by `decrypt` (which then wrote only the
/// chunks before the failing one) and by `decrypt_file` (nothing left), all with the same error;
/// returns that error.
fn rejected(
    ring: &Keyring,
    scratch: &Scratch,
    backup: &[u8],
    plain: &[u8],
    chunk_size: usize,
) -> BackupError {
    let by_verify = backup::verify(ring, backup).expect_err("verify must fail");
    let mut written = Vec::new();
    let by_decrypt = backup::decrypt(ring, backup, &mut written).expect_err("decrypt must fail");
    let by_file = scratch.restore_fails(ring, backup);
    let same = |a: &BackupError, b: &BackupError| format!("{a:?}") == format!("{b:?}");
    assert!(
        same(&by_verify, &by_decrypt) && same(&by_verify, &by_file),
        "{by_verify:?} {by_decrypt:?} {by_file:?}"
    );
    // Only authenticated chunks were written, and only those before the failure.
    assert!(
        plain.starts_with(&written),
        "decrypt wrote bytes that are not the plaintext"
    );
    if let BackupError::Authentication { chunk } = by_verify {
        assert_eq!(written.len(), chunk as usize * chunk_size, "{by_verify:?}");
    }
    by_verify
}

/// A small multi-chunk backup: 200 bytes in chunks of 64 (64 + 64 + 64 + 8 bytes).
fn small_backup(ring: &Keyring) -> (Vec<u8>, Vec<u8>) {
    let plain = plaintext(200, 7);
    let (enc, _) = encrypt(ring, &plain, 64);
    assert_eq!(enc.len(), HEADER_LEN + 3 * (64 + TAG_LEN) + 8 + TAG_LEN);
    (enc, plain)
}

/// The first byte of chunk `i` in a backup with 64-byte chunks.
fn chunk_at(i: usize) -> usize {
    HEADER_LEN + i * (64 + TAG_LEN)
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let (good, plain) = small_backup(&ring);
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for byte in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[byte] ^= 1 << bit;
            let err = rejected(&ring, &scratch, &bad, &plain, 64);
            let ok = match byte {
                0..=7 => matches!(err, BackupError::NotABackup),
                8 => matches!(err, BackupError::UnsupportedVersion(v) if v == 1 ^ (1 << bit)),
                9 => matches!(err, BackupError::BadHeader("unknown algorithm")),
                // 64 with one bit flipped: 0 or too large, or in range and then the header no
                // longer authenticates.
                10..=13 => matches!(
                    err,
                    BackupError::BadHeader("chunk size out of range")
                        | BackupError::Authentication { chunk: 0 }
                ),
                14..=21 => matches!(err, BackupError::UnknownKey(id) if id != ring.active().id()),
                22..=60 => matches!(err, BackupError::Authentication { chunk: 0 }),
                _ => matches!(
                    err,
                    BackupError::Authentication { chunk } if chunk as usize == (byte - HEADER_LEN) / (64 + TAG_LEN)
                ),
            };
            assert!(ok, "byte {byte} bit {bit}: {err:?}");
            *counts.entry(variant(&err)).or_default() += 1;
        }
    }
    assert_eq!(counts.values().sum::<usize>(), good.len() * 8);
    assert_eq!(counts["NotABackup"], 64);
    assert_eq!(counts["UnknownKey"], 64);
}

fn variant(err: &BackupError) -> &'static str {
    match err {
        BackupError::Io(_) => "Io",
        BackupError::NotABackup => "NotABackup",
        BackupError::UnsupportedVersion(_) => "UnsupportedVersion",
        BackupError::BadHeader(_) => "BadHeader",
        BackupError::UnknownKey(_) => "UnknownKey",
        BackupError::Authentication { .. } => "Authentication",
        BackupError::Truncated => "Truncated",
        BackupError::TrailingData => "TrailingData",
        BackupError::OutputExists(_) => "OutputExists",
        BackupError::InvalidOptions(_) => "InvalidOptions",
        _ => "other",
    }
}

#[test]
fn truncation_at_every_length_is_rejected() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let (good, plain) = small_backup(&ring);
    let boundaries = [chunk_at(1), chunk_at(2), chunk_at(3)];
    for len in 0..good.len() {
        let err = rejected(&ring, &scratch, &good[..len], &plain, 64);
        let ok = if len == 0 {
            matches!(err, BackupError::NotABackup)
        } else if len <= HEADER_LEN || boundaries.contains(&len) {
            // Inside the header, a header without chunks, or exactly at a chunk boundary.
            matches!(err, BackupError::Truncated)
        } else {
            // Inside a chunk: too short for a tag, or a final chunk that does not authenticate.
            let chunk = (len - HEADER_LEN) / (64 + TAG_LEN);
            let into = (len - HEADER_LEN) % (64 + TAG_LEN);
            if into < TAG_LEN {
                matches!(err, BackupError::Truncated)
            } else {
                matches!(err, BackupError::Authentication { chunk: c } if c as usize == chunk)
            }
        };
        assert!(ok, "cut at {len}: {err:?}");
    }
}

#[test]
fn appended_bytes_are_rejected() {
    let ring = ring(1);
    let scratch = Scratch::new();
    // A final chunk of full size (192 = 3 × 64): anything after it is trailing data.
    let plain = plaintext(192, 1);
    let (good, _) = encrypt(&ring, &plain, 64);
    let (other, _) = encrypt(&ring, &plaintext(500, 2), 64);
    let whole_chunk = &other[chunk_at(1)..chunk_at(2)];
    let last_chunk = &good[chunk_at(2)..];
    for extra in [
        &[0u8][..],
        &[0; 15],
        &[0; 16],
        &[0; 81],
        whole_chunk,
        last_chunk,
        &good[..],
    ] {
        let bad = [&good[..], extra].concat();
        let err = rejected(&ring, &scratch, &bad, &plain, 64);
        assert!(
            matches!(err, BackupError::TrailingData),
            "+{}: {err:?}",
            extra.len()
        );
    }
    // A short final chunk (8 bytes): the appended bytes cannot be told apart from an altered
    // final chunk, and either way it does not authenticate.
    let (good, plain) = small_backup(&ring);
    for extra in [
        &[0u8][..],
        &[0; 56],
        &[0; 57],
        whole_chunk,
        &good[chunk_at(3)..],
    ] {
        let bad = [&good[..], extra].concat();
        let err = rejected(&ring, &scratch, &bad, &plain, 64);
        assert!(
            matches!(err, BackupError::Authentication { chunk: 3 }),
            "+{}: {err:?}",
            extra.len()
        );
    }
    // An empty input's single empty chunk, then more.
    let (empty, _) = encrypt(&ring, b"", 64);
    let err = rejected(&ring, &scratch, &[&empty[..], b"x"].concat(), b"", 64);
    assert!(
        matches!(err, BackupError::Authentication { chunk: 0 }),
        "{err:?}"
    );
}

/// The backup with its chunks in the order given by `order` (indices into the original).
fn reorder(backup: &[u8], order: &[usize]) -> Vec<u8> {
    let mut out = backup[..HEADER_LEN].to_vec();
    for &i in order {
        let end = chunk_at(i + 1).min(backup.len());
        out.extend_from_slice(&backup[chunk_at(i)..end]);
    }
    out
}

#[test]
fn reordered_dropped_and_duplicated_chunks_are_rejected() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let (good, plain) = small_backup(&ring);
    assert_eq!(reorder(&good, &[0, 1, 2, 3]), good);
    let cases: [(&[usize], BackupError); 8] = [
        (&[1, 0, 2, 3], BackupError::Authentication { chunk: 0 }),
        (&[0, 2, 1, 3], BackupError::Authentication { chunk: 1 }),
        (&[0, 1, 3, 2], BackupError::Authentication { chunk: 2 }),
        (&[0, 0, 1, 2, 3], BackupError::Authentication { chunk: 1 }),
        (&[0, 2, 3], BackupError::Authentication { chunk: 1 }),
        (&[0, 1, 3], BackupError::Authentication { chunk: 2 }),
        // The full chunks alone: cut at a chunk boundary.
        (&[0, 1, 2], BackupError::Truncated),
        (&[3], BackupError::Authentication { chunk: 0 }),
    ];
    for (order, expected) in cases {
        let err = rejected(&ring, &scratch, &reorder(&good, order), &plain, 64);
        assert_eq!(format!("{err:?}"), format!("{expected:?}"), "{order:?}");
    }
}

#[test]
fn chunks_spliced_from_another_backup_with_the_same_key_are_rejected() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let (a, plain) = small_backup(&ring);
    let (b, _) = small_backup(&ring);
    assert_eq!(a[..22], b[..22], "same version, chunk size and key");
    assert_ne!(a, b);
    for i in 0..4 {
        let mut spliced = a.clone();
        let end = chunk_at(i + 1).min(a.len());
        spliced[chunk_at(i)..end].copy_from_slice(&b[chunk_at(i)..end]);
        let err = rejected(&ring, &scratch, &spliced, &plain, 64);
        assert!(
            matches!(err, BackupError::Authentication { chunk } if chunk as usize == i),
            "chunk {i}: {err:?}"
        );
    }
    // B's header on A's chunks (and the reverse: only the salt and nonce prefix differ).
    let swapped_header = [&b[..HEADER_LEN], &a[HEADER_LEN..]].concat();
    let err = rejected(&ring, &scratch, &swapped_header, &plain, 64);
    assert!(
        matches!(err, BackupError::Authentication { chunk: 0 }),
        "{err:?}"
    );
}

#[test]
fn a_keyring_without_the_key_names_the_missing_key() {
    let (enc, made) = encrypt(&ring(1), &plaintext(300, 1), 64);
    let other = ring(2);
    let scratch = Scratch::new();
    let err = rejected(&other, &scratch, &enc, &[], 64);
    assert!(
        matches!(err, BackupError::UnknownKey(id) if id == made.key_id),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "backup is encrypted with key {}, which is not in the keyring",
            made.key_id
        )
    );
    // The same key kept as a retired key still restores it.
    let rotated = Keyring::new(fixed_key(2)).with_retired(fixed_key(1));
    assert_eq!(
        backup::verify(&rotated, &enc[..])
            .expect("retired key")
            .key_id,
        made.key_id
    );
}

// ---- Rewrap -------------------------------------------------------------------------------

#[test]
fn rewrap_moves_a_backup_to_the_active_key() {
    let old = fixed_key(1);
    let old_id = old.id();
    let plain = plaintext(1000, 3);
    let (enc, _) = encrypt(&Keyring::new(old), &plain, 64);

    let rotated = Keyring::new(fixed_key(2)).with_retired(fixed_key(1));
    let new_id = rotated.active().id();
    let mut rewrapped = Vec::new();
    let s = backup::rewrap(&rotated, &enc[..], &mut rewrapped, &options(100)).expect("rewrap");
    assert_eq!((s.key_id, s.plaintext_bytes, s.chunks), (new_id, 1000, 10));
    assert_eq!(s.sha256, None, "only verify hashes the plaintext");
    assert_eq!(
        backup::verify(&rotated, &rewrapped[..])
            .expect("verify")
            .sha256,
        Some(sha256(&plain))
    );
    assert_eq!(
        rewrapped[14..22],
        *new_id.as_bytes(),
        "the header names the new key"
    );
    assert_eq!(
        rewrapped[10..14],
        100u32.to_be_bytes(),
        "the new chunk size"
    );

    // Only the new key is needed now; the old one alone no longer opens it.
    let new_only = Keyring::new(fixed_key(2));
    let mut dec = Vec::new();
    backup::decrypt(&new_only, &rewrapped[..], &mut dec).expect("decrypt with the new key");
    assert_eq!(dec, plain);
    let err = backup::verify(&Keyring::new(fixed_key(1)), &rewrapped[..]).expect_err("old key");
    assert!(matches!(err, BackupError::UnknownKey(id) if id == new_id));
    assert_ne!(old_id, new_id);
}

#[test]
fn rewrap_of_a_damaged_backup_produces_nothing_that_verifies() {
    let rotated = Keyring::new(fixed_key(2)).with_retired(fixed_key(1));
    let (good, _) = small_backup(&ring(1));
    for bad in [good[..chunk_at(3)].to_vec(), [&good[..], b"x"].concat(), {
        let mut b = good.clone();
        b[chunk_at(2) + 5] ^= 4;
        b
    }] {
        let mut out = Vec::new();
        backup::rewrap(&rotated, &bad[..], &mut out, &options(64)).expect_err("damaged input");
        // Whatever was written has no final chunk.
        assert!(backup::verify(&rotated, &out[..]).is_err());
    }
}

#[test]
fn rewrap_file_in_place_and_to_a_new_file() {
    let scratch = Scratch::new();
    let path = scratch.path("db.twsec");
    let plain = plaintext(5000, 8);
    let (enc, _) = encrypt(&ring(1), &plain, 64);
    std::fs::write(&path, &enc).expect("write");
    let rotated = Keyring::new(fixed_key(2)).with_retired(fixed_key(1));

    // To another file: refused when it exists, written when it does not.
    let copy = scratch.path("copy.twsec");
    std::fs::write(&copy, b"keep me").expect("write");
    let err =
        backup::rewrap_file(&rotated, &path, &copy, &BackupOptions::default()).expect_err("exists");
    assert!(matches!(err, BackupError::OutputExists(_)), "{err:?}");
    assert_eq!(std::fs::read(&copy).expect("read"), b"keep me");
    std::fs::remove_file(&copy).expect("remove");
    backup::rewrap_file(&rotated, &path, &copy, &BackupOptions::default())
        .expect("rewrap to a new file");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        enc,
        "the input is untouched"
    );

    // In place, also through a path that leads to the same file.
    let s =
        backup::rewrap_file(&rotated, &path, &path, &BackupOptions::default()).expect("in place");
    assert_eq!(s.key_id, rotated.active().id());
    let same = scratch.dir.path().join(".").join("db.twsec");
    backup::rewrap_file(&rotated, &path, &same, &BackupOptions::default()).expect("in place again");
    assert_eq!(scratch.entries(), ["copy.twsec", "db.twsec"]);
    let out = scratch.path("restored");
    backup::decrypt_file(&Keyring::new(fixed_key(2)), &path, &out).expect("new key only");
    assert_eq!(std::fs::read(&out).expect("read"), plain);

    // A damaged backup rewrapped in place is left exactly as it was.
    let mut bad = enc.clone();
    bad[chunk_at(40) + 3] ^= 1;
    std::fs::write(&path, &bad).expect("write");
    let err = backup::rewrap_file(&rotated, &path, &path, &BackupOptions::default())
        .expect_err("damaged");
    assert!(
        matches!(err, BackupError::Authentication { chunk: 40 }),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), bad);
    assert_eq!(scratch.entries(), ["copy.twsec", "db.twsec", "restored"]);
}

// ---- Files --------------------------------------------------------------------------------

#[test]
fn files_round_trip_with_a_private_restored_file() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let src = scratch.path("db.sql");
    let enc = scratch.path("db.sql.twsec");
    let out = scratch.path("db.restored.sql");
    let plain = plaintext(DEFAULT_CHUNK_SIZE * 2 + 99, 6);
    std::fs::write(&src, &plain).expect("write");
    let made = backup::encrypt_file(&ring, &src, &enc, &BackupOptions::default()).expect("encrypt");
    let opened = backup::decrypt_file(&ring, &enc, &out).expect("decrypt");
    assert_eq!(made, opened);
    assert_eq!(std::fs::read(&out).expect("read"), plain);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&out).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the restored plaintext is private");
    }
    assert_eq!(
        scratch.entries(),
        ["db.restored.sql", "db.sql", "db.sql.twsec"]
    );
}

#[test]
fn files_are_never_overwritten() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let src = scratch.path("a");
    let enc = scratch.path("a.twsec");
    std::fs::write(&src, b"data").expect("write");
    backup::encrypt_file(&ring, &src, &enc, &BackupOptions::default()).expect("encrypt");
    let before = std::fs::read(&enc).expect("read");
    let err =
        backup::encrypt_file(&ring, &src, &enc, &BackupOptions::default()).expect_err("exists");
    assert!(
        matches!(err, BackupError::OutputExists(ref p) if p.ends_with("a.twsec")),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&enc).expect("read"), before);
    let err = backup::decrypt_file(&ring, &enc, &src).expect_err("exists");
    assert!(matches!(err, BackupError::OutputExists(_)), "{err:?}");
    assert_eq!(std::fs::read(&src).expect("read"), b"data");
    // Decrypting onto itself is refused too.
    let err = backup::decrypt_file(&ring, &enc, &enc).expect_err("exists");
    assert!(matches!(err, BackupError::OutputExists(_)), "{err:?}");
    assert_eq!(scratch.entries(), ["a", "a.twsec"]);
}

#[test]
fn file_errors_leave_nothing_behind() {
    let ring = ring(1);
    let scratch = Scratch::new();
    let missing = scratch.path("missing");
    let out = scratch.path("out");
    let err = backup::encrypt_file(&ring, &missing, &out, &BackupOptions::default())
        .expect_err("no input");
    assert!(
        matches!(err, BackupError::Io(ref e) if e.kind() == io::ErrorKind::NotFound),
        "{err:?}"
    );
    let err = backup::decrypt_file(&ring, &missing, &out).expect_err("no input");
    assert!(matches!(err, BackupError::Io(_)), "{err:?}");
    let nowhere = scratch.path("no-such-dir").join("out");
    std::fs::write(scratch.path("in"), b"x").expect("write");
    let err = backup::encrypt_file(
        &ring,
        &scratch.path("in"),
        &nowhere,
        &BackupOptions::default(),
    )
    .expect_err("no directory");
    assert!(matches!(err, BackupError::Io(_)), "{err:?}");
    let mut bad_options = BackupOptions::default();
    bad_options.chunk_size = 1;
    let err =
        backup::encrypt_file(&ring, &scratch.path("in"), &out, &bad_options).expect_err("options");
    assert!(matches!(err, BackupError::InvalidOptions(_)), "{err:?}");
    assert_eq!(scratch.entries(), ["in"]);
    std::fs::remove_file(scratch.path("in")).expect("remove");
    // Not a backup at all.
    let err = scratch.restore_fails(&ring, b"-- plain SQL dump, never encrypted\n");
    assert!(matches!(err, BackupError::NotABackup), "{err:?}");
    assert_eq!(scratch.entries(), ["in.twsec"]);
    assert!(!Path::new(&out).exists());
}

#[test]
fn key_ids_in_headers_are_the_keyrings_ids() {
    let ring = Keyring::new(fixed_key(1)).with_retired(fixed_key(2));
    let (enc, made) = encrypt(&ring, b"x", 64);
    assert_eq!(
        KeyId::from_bytes(enc[14..22].try_into().expect("8 bytes")),
        made.key_id
    );
    assert_eq!(ring.ids()[0], made.key_id);
}

#[test]
fn write_new_file_decrypts_a_stream_atomically() {
    let ring = ring(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = plaintext(1000, 9);
    let (enc, _) = encrypt(&ring, &plain, 64);
    // A stream (as from standard input) into a new file.
    let target = dir.path().join("restored.sql");
    backup::write_new_file(&target, |out| backup::decrypt(&ring, &enc[..], out)).expect("restore");
    assert_eq!(std::fs::read(&target).expect("read"), plain);
    // Never over an existing file.
    let again = backup::write_new_file(&target, |out| backup::decrypt(&ring, &enc[..], out));
    assert!(matches!(again, Err(BackupError::OutputExists(_))));
    // A damaged stream leaves nothing, not even a temporary file.
    let mut bad = enc.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    let other = dir.path().join("other.sql");
    let err = backup::write_new_file(&other, |out| backup::decrypt(&ring, &bad[..], out));
    assert!(matches!(err, Err(BackupError::Authentication { .. })));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["restored.sql"]);
}
