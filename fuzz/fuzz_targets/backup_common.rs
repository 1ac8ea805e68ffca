//! Invariants of the backup reader, shared by the fuzz target (`fuzz_targets/backup_reader.rs`,
//! nightly, libFuzzer) and the regression test that replays the committed corpus on stable
//! (`tests/fuzz_regressions.rs`). Uses only `twsec`, `secrecy`, `serde_json` and `sha2`, which
//! both packages have.
//!
//! # Input
//! The whole input is a backup stream, read with a fixed test keyring ([`keyring`]). The seed
//! corpus holds genuine small backups made with that key, so the fuzzer gets past the header and
//! the key lookup and mutates real chunks.

use secrecy::SecretBox;
use sha2::{Digest, Sha256};
use twsec::crypto::backup::{self, BackupError};
use twsec::crypto::{Keyring, MasterKey};

/// The keyring every input is read with: one key of 32 bytes of 7.
pub(crate) fn keyring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([7u8; 32]))))
}

/// Reads one input as a backup with `verify` and `decrypt` and asserts every invariant (a failed
/// assertion is a crash).
pub(crate) fn check_input(data: &[u8]) {
    let ring = keyring();
    let verified = backup::verify(&ring, data);
    let mut plain = Vec::new();
    let decrypted = backup::decrypt(&ring, data, &mut plain);
    assert_eq!(
        verified.is_ok(),
        decrypted.is_ok(),
        "verify {verified:?} but decrypt {decrypted:?}"
    );
    match (&verified, &decrypted) {
        (Ok(v), Ok(d)) => {
            assert_eq!(
                (v.key_id, v.plaintext_bytes, v.chunks),
                (d.key_id, d.plaintext_bytes, d.chunks),
                "verify and decrypt report different backups"
            );
            // Only verify (the restore test) hashes, and its digest is of what decrypt wrote.
            assert_eq!(d.sha256, None, "decrypt hashed the plaintext");
            let digest: [u8; 32] = Sha256::digest(&plain).into();
            assert_eq!(
                v.sha256,
                Some(digest),
                "verify's SHA-256 is not the plaintext's"
            );
            assert_eq!(plain.len() as u64, v.plaintext_bytes, "size reported");
            // Only something `encrypt` made opens: its size is exactly determined.
            let chunk_size = u32::from_be_bytes([data[10], data[11], data[12], data[13]]);
            assert_eq!(
                data.len() as u64,
                61 + v.plaintext_bytes + 16 * v.chunks,
                "a backup that opened has the wrong size"
            );
            assert_eq!(
                v.chunks,
                v.plaintext_bytes.div_ceil(u64::from(chunk_size)).max(1),
                "chunk count"
            );
            assert_eq!(v.key_id, ring.active().id());
            // Its last byte changed, it no longer opens.
            let mut altered = data.to_vec();
            let last = altered.len() - 1;
            altered[last] ^= 0x80;
            assert!(
                backup::verify(&ring, &altered[..]).is_err(),
                "altered tag accepted"
            );
        }
        (Err(v), Err(d)) => {
            assert_eq!(
                format!("{v:?}"),
                format!("{d:?}"),
                "verify and decrypt disagree"
            );
            assert!(
                !matches!(v, BackupError::Io(_)),
                "I/O error from memory: {v:?}"
            );
            assert!(
                !matches!(
                    v,
                    BackupError::OutputExists(_) | BackupError::InvalidOptions(_)
                ),
                "a caller error for bad input: {v:?}"
            );
            // Only whole authenticated chunks before the failing one were written.
            if let BackupError::Authentication { chunk } = v {
                let chunk_size = u32::from_be_bytes([data[10], data[11], data[12], data[13]]);
                assert_eq!(plain.len() as u64, chunk * u64::from(chunk_size), "{v:?}");
            } else if !matches!(v, BackupError::Truncated | BackupError::TrailingData) {
                assert!(plain.is_empty(), "plaintext written before {v:?}");
            }
            let message = v.to_string();
            assert!(!message.is_empty() && message.len() < 200, "{message}");
        }
        _ => {}
    }
}
