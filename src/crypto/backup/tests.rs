//! Unit tests that need the module's insides: the purpose of the sub-key, the header layout.

use secrecy::SecretBox;

use super::format::{HEADER_LEN, Header, MAGIC};
use super::pipeline::TEST_LIMITS;
use super::stream::{ChunkCipher, TAG_LEN};
use super::*;
use crate::crypto::MasterKey;

fn ring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([3u8; 32]))))
}

fn small() -> BackupOptions {
    BackupOptions::with_chunk_size(MIN_CHUNK_SIZE).expect("minimum chunk size")
}

#[test]
fn header_is_61_bytes_in_the_documented_layout() {
    let ring = ring();
    let mut out = Vec::new();
    encrypt(&ring, &b""[..], &mut out, &small()).expect("encrypt");
    assert_eq!(HEADER_LEN, 61);
    assert_eq!(
        out.len(),
        HEADER_LEN + TAG_LEN,
        "an empty input is one empty final chunk"
    );
    assert_eq!(&out[..8], MAGIC);
    assert_eq!(out[8], 1, "version");
    assert_eq!(out[9], 1, "algorithm");
    assert_eq!(out[10..14], 64u32.to_be_bytes());
    assert_eq!(&out[14..22], ring.active().id().as_bytes());
    let header = Header::read(&mut &out[..]).expect("header");
    assert_eq!(header.chunk_size(), 64);
    assert_eq!(header.key_id(), ring.active().id());
}

#[test]
fn salt_and_nonce_prefix_are_fresh_per_file() {
    let ring = ring();
    let mut a = Vec::new();
    let mut b = Vec::new();
    encrypt(&ring, &b"same"[..], &mut a, &small()).expect("encrypt");
    encrypt(&ring, &b"same"[..], &mut b, &small()).expect("encrypt");
    assert_ne!(a[22..54], b[22..54], "salt");
    assert_ne!(a[54..61], b[54..61], "nonce prefix");
    assert_ne!(a[HEADER_LEN..], b[HEADER_LEN..], "ciphertext");
}

#[test]
fn a_backup_sealed_for_another_purpose_does_not_open() {
    let ring = ring();
    for purpose in [Purpose::Pii, Purpose::ConfigSeal, Purpose::AuditChain] {
        let mut out = Vec::new();
        encrypt_for(&ring, purpose, &[5u8; 200][..], &mut out, &small()).expect("encrypt");
        assert!(
            matches!(
                verify(&ring, &out[..]),
                Err(BackupError::Authentication { chunk: 0 })
            ),
            "{purpose:?}"
        );
        let mut plain = Vec::new();
        assert!(decrypt(&ring, &out[..], &mut plain).is_err());
        assert!(plain.is_empty(), "nothing written for {purpose:?}");
    }
}

#[test]
fn header_fields_are_checked_before_anything_is_allocated() {
    let ring = ring();
    let mut good = Vec::new();
    encrypt(&ring, &b"x"[..], &mut good, &small()).expect("encrypt");
    let with = |at: usize, bytes: &[u8]| {
        let mut v = good.clone();
        v[at..at + bytes.len()].copy_from_slice(bytes);
        verify(&ring, &v[..]).expect_err("altered header")
    };
    assert!(matches!(with(8, &[2]), BackupError::UnsupportedVersion(2)));
    assert!(matches!(with(8, &[0]), BackupError::UnsupportedVersion(0)));
    assert!(matches!(with(9, &[2]), BackupError::BadHeader(_)));
    for size in [0u32, 63, 4 * 1024 * 1024 + 1, u32::MAX] {
        assert!(
            matches!(with(10, &size.to_be_bytes()), BackupError::BadHeader(_)),
            "{size}"
        );
    }
    for size in [65u32, 4 * 1024 * 1024] {
        assert!(
            matches!(
                with(10, &size.to_be_bytes()),
                BackupError::Authentication { chunk: 0 }
            ),
            "{size}"
        );
    }
    assert!(matches!(with(0, b"TWSECBAX"), BackupError::NotABackup));
}

#[test]
fn short_and_garbage_headers() {
    let ring = ring();
    let err = |bytes: &[u8]| verify(&ring, bytes).expect_err("not a backup");
    assert!(matches!(err(b""), BackupError::NotABackup));
    assert!(matches!(err(b"T"), BackupError::Truncated));
    assert!(matches!(err(b"TWSECBAK"), BackupError::Truncated));
    assert!(matches!(
        err(b"TWSECBAK\x01\x01\x00\x00\x01\x00"),
        BackupError::Truncated
    ));
    assert!(matches!(err(b"X"), BackupError::NotABackup));
    assert!(matches!(
        err(b"PK\x03\x04 a zip file, not a backup"),
        BackupError::NotABackup
    ));
    assert!(matches!(err(&[0u8; 10_000]), BackupError::NotABackup));
    // A header alone, with no chunk at all.
    let mut out = Vec::new();
    encrypt(&ring, &b""[..], &mut out, &small()).expect("encrypt");
    assert!(matches!(err(&out[..HEADER_LEN]), BackupError::Truncated));
}

#[test]
fn options_are_bounded() {
    assert_eq!(BackupOptions::default().chunk_size, DEFAULT_CHUNK_SIZE);
    for ok in [MIN_CHUNK_SIZE, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE] {
        assert_eq!(
            BackupOptions::with_chunk_size(ok)
                .expect("in range")
                .chunk_size,
            ok
        );
    }
    for bad in [0, 1, MIN_CHUNK_SIZE - 1, MAX_CHUNK_SIZE + 1, usize::MAX] {
        assert!(matches!(
            BackupOptions::with_chunk_size(bad),
            Err(BackupError::InvalidOptions(_))
        ));
        // The field is public: encrypt checks it again.
        let options = BackupOptions { chunk_size: bad };
        let mut out = Vec::new();
        assert!(matches!(
            encrypt(&ring(), &b"x"[..], &mut out, &options),
            Err(BackupError::InvalidOptions(_))
        ));
        assert!(out.is_empty(), "nothing written with invalid options");
    }
}

#[test]
fn messages_carry_no_plaintext_or_key() {
    let ring = ring();
    let secret = b"TOP-SECRET-PAYLOAD".repeat(10);
    let mut out = Vec::new();
    encrypt(&ring, &secret[..], &mut out, &small()).expect("encrypt");
    let last = out.len() - 1;
    out[last] ^= 1;
    let err = verify(&ring, &out[..]).expect_err("altered");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("TOP-SECRET"), "{text}");
        assert!(!text.contains("0303"), "{text}");
    }
    assert_eq!(
        err.to_string(),
        "backup chunk 2 does not authenticate (altered, reordered, cut or from another file)"
    );
}

#[test]
fn summary_hex() {
    let ring = ring();
    let mut out = Vec::new();
    let s = encrypt(&ring, &b"abc"[..], &mut out, &small()).expect("encrypt");
    assert_eq!(s.sha256_hex(), None, "only verify hashes the plaintext");
    assert_eq!((s.plaintext_bytes, s.chunks), (3, 1));
    let v = verify(&ring, &out[..]).expect("verify");
    assert_eq!(
        v.sha256_hex().as_deref(),
        Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!((v.plaintext_bytes, v.chunks), (3, 1));
}

/// The nonce is STREAM-BE32's, as `aead` 0.5 built it: prefix ‖ 32-bit big-endian index ‖ flag.
#[test]
fn chunk_nonces_are_stream_be32() {
    let master = MasterKey::from_bytes(SecretBox::new(Box::new([3u8; 32])));
    let header = Header::new(64, master.id(), &[1; 32], b"PREFIX!");
    let cipher = ChunkCipher::new(&master, Purpose::Backup, &header);
    assert_eq!(cipher.nonce(0, false), *b"PREFIX!\0\0\0\0\0");
    assert_eq!(cipher.nonce(0, true), *b"PREFIX!\0\0\0\0\x01");
    assert_eq!(
        cipher.nonce(0x0102_0304, false),
        *b"PREFIX!\x01\x02\x03\x04\0"
    );
    assert_eq!(
        cipher.nonce(u32::MAX, true),
        *b"PREFIX!\xff\xff\xff\xff\x01"
    );
}

/// Sealing the known-answer backup's plaintext under its header gives its bytes exactly: the
/// chunks this release writes are those the first release wrote (see `tests/backup.rs`, which
/// checks that it still opens).
#[test]
fn sealing_reproduces_the_known_answer_backup() {
    let kat: &[u8] = include_bytes!("kat/v1-key7-150-bytes-chunk-64.twsec");
    let master = MasterKey::from_bytes(SecretBox::new(Box::new([7u8; 32])));
    let header = Header::read(&mut &kat[..]).expect("header");
    assert_eq!(header.key_id(), master.id());
    let cipher = ChunkCipher::new(&master, Purpose::Backup, &header);
    let plain: Vec<u8> = b"twsec known-answer backup\n"
        .iter()
        .copied()
        .cycle()
        .take(150)
        .collect();
    let mut sealed = header.as_bytes().to_vec();
    let chunks: Vec<&[u8]> = plain.chunks(64).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut buf = chunk.to_vec();
        let last = i + 1 == chunks.len();
        cipher
            .seal(u32::try_from(i).expect("3 chunks"), last, &mut buf)
            .expect("seal");
        sealed.extend_from_slice(&buf);
    }
    assert!(sealed == kat, "the chunks differ from the first release's");
}

/// Runs `f` with at most `in_flight` chunks in flight and `workers` worker threads besides the
/// calling thread (each chunk at once on the calling thread with `(0, 0)`).
fn with_pipeline<T>(in_flight: usize, workers: usize, f: impl FnOnce() -> T) -> T {
    let before = TEST_LIMITS.replace(Some((in_flight, workers)));
    let result = f();
    TEST_LIMITS.set(before);
    result
}

/// A reader that hands out at most 5 bytes per call and fails once `fail_at` bytes were read.
struct Stingy<'a> {
    data: &'a [u8],
    read: usize,
    fail_at: Option<usize>,
}

impl Read for Stingy<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = buf.len().min(self.data.len()).min(5);
        if let Some(at) = self.fail_at {
            if self.read >= at {
                return Err(std::io::Error::other("disk on fire"));
            }
            n = n.min(at - self.read);
        }
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.read += n;
        Ok(n)
    }
}

/// What `decrypt` makes of `backup` (its summary or error) and the plaintext it wrote.
fn outcome(ring: &Keyring, backup: &[u8], fail_at: Option<usize>) -> (String, Vec<u8>) {
    let mut written = Vec::new();
    let input = Stingy {
        data: backup,
        read: 0,
        fail_at,
    };
    let result = decrypt(ring, input, &mut written);
    (format!("{result:?}"), written)
}

/// Decrypting in parallel gives what decrypting one chunk at a time (the first release's way)
/// gives, for every kind of damage, however many chunks are in flight: the same error with the
/// same chunk index, and the same authenticated chunks written before it.
#[test]
fn parallel_chunks_give_the_same_outcome_as_one_at_a_time() {
    let ring = ring();
    // 16 chunks of 64 bytes: 15 full and one of 40.
    let plain: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
    let mut good = Vec::new();
    encrypt(&ring, &plain[..], &mut good, &small()).expect("encrypt");
    let frame = 64 + TAG_LEN;
    let chunk =
        |i: usize| &good[HEADER_LEN + i * frame..(HEADER_LEN + (i + 1) * frame).min(good.len())];
    let swapped = |a: usize, b: usize| {
        let mut order: Vec<usize> = (0..16).collect();
        order.swap(a, b);
        let mut v = good[..HEADER_LEN].to_vec();
        for i in order {
            v.extend_from_slice(chunk(i));
        }
        v
    };
    let mut cases = vec![good.clone()];
    for byte in (0..good.len()).step_by(3) {
        let mut bad = good.clone();
        bad[byte] ^= 1 << (byte % 8);
        cases.push(bad);
    }
    cases.extend((0..good.len()).map(|len| good[..len].to_vec()));
    for extra in [
        &[0u8][..],
        &[0; 16],
        &[0; 81],
        chunk(15),
        chunk(3),
        &good[..],
    ] {
        cases.push([&good[..], extra].concat());
    }
    cases.extend([
        swapped(2, 3),
        swapped(5, 6),
        swapped(0, 15),
        swapped(14, 15),
    ]);
    // A full final chunk (15 × 64 bytes), cut at a boundary or followed by more.
    let mut full = Vec::new();
    encrypt(&ring, &plain[..960], &mut full, &small()).expect("encrypt");
    cases.extend([full.clone(), full[..full.len() - frame].to_vec()]);
    cases.push([&full[..], b"x"].concat());

    for case in &cases {
        let reference = with_pipeline(0, 0, || outcome(&ring, case, None));
        for (in_flight, workers) in [(1, 1), (2, 1), (3, 2), (4, 3), (5, 1), (64, 2)] {
            let got = with_pipeline(in_flight, workers, || outcome(&ring, case, None));
            assert!(
                got == reference,
                "{in_flight} in flight with {workers} workers, input of {} bytes: {} with {} bytes \
                 written, one at a time {} with {}",
                case.len(),
                got.0,
                got.1.len(),
                reference.0,
                reference.1.len()
            );
        }
    }
    // A read error: the chunks before it, then the error.
    for fail_at in (0..good.len()).step_by(7) {
        let reference = with_pipeline(0, 0, || outcome(&ring, &good, Some(fail_at)));
        assert!(reference.0.contains("disk on fire"), "{reference:?}");
        for (in_flight, workers) in [(2, 1), (5, 3)] {
            let got = with_pipeline(in_flight, workers, || outcome(&ring, &good, Some(fail_at)));
            assert!(
                got.0 == reference.0 && got.1 == reference.1,
                "{in_flight} in flight, failing at {fail_at}: {} bytes written, not {}",
                got.1.len(),
                reference.1.len()
            );
        }
    }
}

/// Encrypting and rewrapping in parallel write backups that open one chunk at a time.
#[test]
fn parallel_chunks_write_what_one_at_a_time_reads() {
    let ring = ring();
    for len in [0usize, 1, 63, 64, 65, 191, 192, 193, 1000] {
        let plain: Vec<u8> = (0..len).map(|i| (i % 13) as u8).collect();
        for (in_flight, workers) in [(0, 0), (1, 1), (2, 1), (3, 2), (5, 3)] {
            let mut enc = Vec::new();
            let made = with_pipeline(in_flight, workers, || {
                encrypt(&ring, &plain[..], &mut enc, &small())
            })
            .expect("encrypt");
            assert_eq!(made.chunks as usize, len.div_ceil(64).max(1));
            let mut rewrapped = Vec::new();
            let options = BackupOptions::with_chunk_size(100).expect("chunk size");
            with_pipeline(in_flight, workers, || {
                rewrap(&ring, &enc[..], &mut rewrapped, &options)
            })
            .expect("rewrap");
            for backup in [&enc, &rewrapped] {
                let (result, written) = with_pipeline(0, 0, || outcome(&ring, backup, None));
                assert!(result.starts_with("Ok("), "{result}");
                assert!(written == plain, "len {len}, {in_flight} in flight");
            }
        }
    }
}
