//! Benchmarks of control area CRY: streaming backup encryption, decryption and verification (the
//! restore test, which also hashes), against one raw AES-256-GCM call on a 16 KiB buffer (what
//! `openssl speed` measures per block) and SHA-256 of 16 KiB.
//!
//! ```text
//! cargo bench --bench crypto                                  # everything (about a minute)
//! cargo bench --bench crypto -- backup                        # the backup stream only
//! cargo bench --bench crypto -- 'aes-gcm|sha256'              # each alone, 16 KiB at a time
//! openssl speed -evp aes-256-gcm -bytes 16384 -seconds 3      # the reference, same machine
//! ```
//!
//! Target (from the issue): `backup/encrypt-64MiB` and `backup/decrypt-64MiB` at ≥ 0.6× the
//! throughput of `openssl speed`'s 16384-byte column. Criterion reports MiB/s and `openssl speed`
//! 1000s of bytes per second: multiply MiB/s by 1.048576 to compare. The backup runs on up to
//! four threads (see `twsec::crypto::backup`); `openssl speed` and `aes-gcm/raw-16KiB` on one.
//! `cargo test --all-targets` runs every benchmark once.

use std::hint::black_box;
use std::time::Duration;

use aes_gcm::aead::{AeadInOut, KeyInit};
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
    let verified = backup::verify(&ring, &encrypted[..]).expect("verify");
    assert_eq!(
        (verified.key_id, verified.plaintext_bytes, verified.chunks),
        (made.key_id, made.plaintext_bytes, made.chunks)
    );
    assert_eq!(verified.sha256, Some(Sha256::digest(&plain).into()));

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
    // The restore test: decryption and the plaintext's SHA-256.
    g.bench_function("verify-64MiB", |b| {
        b.iter(|| backup::verify(&ring, black_box(&encrypted[..])).expect("verify"));
    });
    g.finish();
}

/// One AES-256-GCM encryption of a 16 KiB buffer with the aes-gcm crate directly: the
/// like-for-like of `openssl speed -evp aes-256-gcm -bytes 16384`.
fn raw_aes_gcm(c: &mut Criterion) {
    let cipher = Aes256Gcm::new(&[9u8; 32].into());
    let nonce = Nonce::from([1u8; 12]);
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
                .encrypt_inout_detached(&nonce, b"", black_box(&mut buf[..]).into())
                .expect("16 KiB is within GCM's limits")
        });
    });
    g.finish();
}

/// SHA-256 of 16 KiB: the cost `verify` (the restore test, which reports the plaintext's digest)
/// adds to decryption; the other operations do not hash.
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
