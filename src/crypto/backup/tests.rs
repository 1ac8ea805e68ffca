//! Unit tests that need the module's insides: the purpose of the sub-key, the header layout.

use secrecy::SecretBox;

use super::format::{HEADER_LEN, Header, MAGIC};
use super::stream::TAG_LEN;
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
    assert_eq!(
        s.sha256_hex(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!((s.plaintext_bytes, s.chunks), (3, 1));
}
