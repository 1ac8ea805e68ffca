//! Benchmarks of control area CRY: streaming backup encryption and decryption, against one raw
//! AES-256-GCM call on a 16 KiB buffer (what `openssl speed` measures per block).
//!
//! ```text
//! cargo bench --bench crypto                                  # everything (about a minute)
//! cargo bench --bench crypto -- backup                        # the backup stream only
//! cargo bench --bench crypto -- 'aes-gcm|sha256'              # its two costs, 16 KiB at a time
//! openssl speed -evp aes-256-gcm -bytes 16384 -seconds 3      # the reference, same machine
//! ```
//!
//! Target (from the issue): `backup/encrypt-64MiB` and `backup/decrypt-64MiB` at ≥ 0.6× the
//! throughput of `openssl speed`'s 16384-byte column. `cargo test --all-targets` runs every
//! benchmark once.

use std::hint::black_box;
use std::time::Duration;

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use criterion::{Criterion, SamplingMode, Throughput};
use secrecy::SecretBox;
use sha2::{Digest, Sha256};
use twsec::crypto::backup::{self, BackupOptions, DEFAULT_CHUNK_SIZE};
use twsec::crypto::{Keyring, MasterKey};

const BACKUP_LEN: usize = 64 * 1024 * 1024;
const RAW_LEN: usize = 16 * 1024;
/// Header, plus a 16-byte tag per chunk.
const BACKUP_OVERHEAD: usize = 61 + 16 * BACKUP_LEN.div_ceil(DEFAULT_CHUNK_SIZE);

fn ring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([7u8; 32]))))
}

/// Plaintext that is not all zeros (AES does not care, but a reader of the bench might).
fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(31) >> 3) as u8).collect()
}

fn backup_stream(c: &mut Criterion) {
    let ring = ring();
    let options = BackupOptions::default();
    let plain = plaintext(BACKUP_LEN);
    let mut encrypted = Vec::with_capacity(BACKUP_LEN + BACKUP_OVERHEAD);
    let made = backup::encrypt(&ring, &plain[..], &mut encrypted, &options).expect("encrypt");
    // The benchmarks measure what they claim to measure.
    assert_eq!(encrypted.len(), BACKUP_LEN + BACKUP_OVERHEAD);
    assert_eq!(made.chunks, 256);
    assert_eq!(backup::verify(&ring, &encrypted[..]).expect("verify"), made);

    let mut g = c.benchmark_group("backup");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(BACKUP_LEN as u64));
    let mut out = Vec::with_capacity(BACKUP_LEN + BACKUP_OVERHEAD);
    g.bench_function("encrypt-64MiB", |b| {
        b.iter(|| {
            out.clear();
            backup::encrypt(&ring, black_box(&plain[..]), &mut out, &options).expect("encrypt")
        });
    });
    g.bench_function("decrypt-64MiB", |b| {
        b.iter(|| {
            backup::decrypt(&ring, black_box(&encrypted[..]), std::io::sink()).expect("decrypt")
        });
    });
    g.finish();
}

/// One AES-256-GCM encryption of a 16 KiB buffer with the aes-gcm crate directly: the
/// like-for-like of `openssl speed -evp aes-256-gcm -bytes 16384`.
fn raw_aes_gcm(c: &mut Criterion) {
    let cipher = Aes256Gcm::new(&[9u8; 32].into());
    let nonce = Nonce::from_slice(&[1u8; 12]);
    let mut buf = plaintext(RAW_LEN);
    let mut g = c.benchmark_group("aes-gcm");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(RAW_LEN as u64));
    g.bench_function("raw-16KiB", |b| {
        b.iter(|| {
            // Encrypting the previous ciphertext again: same cost, and no copy in the loop.
            cipher
                .encrypt_in_place_detached(nonce, b"", black_box(&mut buf[..]))
                .expect("16 KiB is within GCM's limits")
        });
    });
    g.finish();
}

/// SHA-256 of 16 KiB: the other half of a backup's cost, since every operation reports the
/// plaintext's digest.
fn sha256(c: &mut Criterion) {
    let buf = plaintext(RAW_LEN);
    let mut g = c.benchmark_group("sha256");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(RAW_LEN as u64));
    g.bench_function("16KiB", |b| b.iter(|| Sha256::digest(black_box(&buf[..]))));
    g.finish();
}

// What `criterion_group!` and `criterion_main!` expand to, written out: the macro's generated
// `pub fn` would trip the crate's `missing_docs` lint.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    backup_stream(&mut c);
    raw_aes_gcm(&mut c);
    sha256(&mut c);
    c.final_summary();
}
