//! Replays the committed fuzz corpora (`fuzz/corpus-regressions/<target>/`) through the same
//! invariants as the fuzz targets (`password_check`, `backup_reader`, `sealed_decoder`), on the
//! stable toolchain and in the normal test suite. Every crash the fuzzer finds goes into its
//! target's directory, minimised, with its fix (the first one, a panic in
//! `PersonalInfo::national_id` on multi-byte input, is `national-id-10-bytes-non-ascii-first-*`
//! in `password_check/`).
//!
//! The seeds of `backup_reader/`, `sealed_decoder/` and `audit_reader/` (genuine values under the targets' fixed
//! test key, so the fuzzer gets past the header and the key lookup, and damaged ones) are written
//! by the ignored test `write_seed_corpora`:
//!
//! ```text
//! cargo test --test fuzz_regressions -- --ignored write_seed_corpora
//! ```

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

#[path = "../fuzz/fuzz_targets/backup_common.rs"]
mod backup_common;

#[path = "../fuzz/fuzz_targets/sealed_common.rs"]
mod sealed_common;

#[path = "../fuzz/fuzz_targets/audit_common.rs"]
mod audit_common;

#[path = "../fuzz/fuzz_targets/blocklist_common.rs"]
mod blocklist_common;

#[path = "../fuzz/fuzz_targets/reset_common.rs"]
mod reset_common;

#[path = "../fuzz/fuzz_targets/otpauth_common.rs"]
mod otpauth_common;

use std::path::{Path, PathBuf};

/// The files of `fuzz/corpus-regressions/<name>/`, sorted.
fn corpus(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus-regressions")
        .join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the regression corpus directory must exist")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every file through the invariants and names each one that breaks them.
fn replay(files: &[PathBuf], check_input: fn(&[u8])) {
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("corpus file");
            // The assertion message is printed by the panic hook; this names the input.
            std::panic::catch_unwind(|| check_input(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "invariants violated by {failed:#?}");
}

/// The corpus of `target`, checked to be there (at least 10 files).
fn committed_corpus(target: &str) -> Vec<PathBuf> {
    let files = corpus(target);
    assert!(
        files.len() >= 10,
        "only {} files in fuzz/corpus-regressions/{target}/: the corpus is missing",
        files.len()
    );
    files
}

/// How many of the `genuine-*` seeds among `files` still open with `opens`: the fuzzer starts
/// from real values only while they do.
fn genuine_that(files: &[PathBuf], opens: impl Fn(&[u8]) -> bool) -> usize {
    files
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("genuine-"))
        })
        .filter(|p| opens(&std::fs::read(p).expect("corpus file")))
        .count()
}

#[test]
fn password_check_corpus_holds_invariants() {
    replay(&committed_corpus("password_check"), common::check_input);
}

#[test]
fn backup_reader_corpus_holds_invariants() {
    let files = committed_corpus("backup_reader");
    replay(&files, backup_common::check_input);
    // The genuine seeds still open: the fuzzer starts from real backups.
    let ring = backup_common::keyring();
    let genuine = genuine_that(&files, |data| {
        twsec::crypto::backup::verify(&ring, data).is_ok()
    });
    assert!(genuine >= 4, "only {genuine} genuine backups open");
}

#[test]
fn sealed_decoder_corpus_holds_invariants() {
    let files = committed_corpus("sealed_decoder");
    replay(&files, sealed_common::check_input);
    let ring = sealed_common::keyring();
    let genuine = genuine_that(&files, |data| {
        let text = std::str::from_utf8(data).expect("genuine seeds are UTF-8");
        let (context, sealed) = text
            .split_once('\u{1f}')
            .unwrap_or((sealed_common::DEFAULT_CONTEXT, text));
        ring.open(twsec::crypto::Purpose::ConfigSeal, context, sealed)
            .is_ok()
    });
    assert!(genuine >= 3, "only {genuine} genuine sealed values open");
}

#[test]
fn audit_reader_corpus_holds_invariants() {
    let files = committed_corpus("audit_reader");
    replay(&files, audit_common::check_input);
    let ring = audit_common::keyring();
    let genuine = genuine_that(&files, |data| {
        twsec::audit::verify_reader(&ring, data).is_ok()
    });
    assert!(genuine >= 3, "only {genuine} genuine audit logs verify");
}

#[test]
fn blocklist_parser_corpus_holds_invariants() {
    let files = committed_corpus("blocklist_parser");
    replay(&files, blocklist_common::check_input);
    let genuine = genuine_that(&files, |data| twsec::auth::Blocklist::read(data).is_ok());
    assert!(genuine >= 5, "only {genuine} genuine blocklists parse");
}

#[test]
fn reset_token_corpus_holds_invariants() {
    let files = committed_corpus("reset_token");
    replay(&files, reset_common::check_input);
    let genuine = genuine_that(&files, |data| {
        std::str::from_utf8(data).is_ok_and(|t| twsec::auth::reset::ResetToken::parse(t).is_ok())
    });
    assert!(genuine >= 3, "only {genuine} genuine tokens parse");
}

#[test]
fn otpauth_uri_corpus_holds_invariants() {
    let files = committed_corpus("otpauth_uri");
    replay(&files, otpauth_common::check_input);
    let genuine = genuine_that(&files, |data| {
        std::str::from_utf8(data).is_ok_and(|t| twsec::auth::mfa::ProvisioningUri::parse(t).is_ok())
    });
    assert!(genuine >= 4, "only {genuine} genuine URIs parse");
}

/// Writes the seed corpora of `backup_reader` and `sealed_decoder` (new salts and nonces each
/// time, so run it only to add seeds, then commit the files).
#[test]
#[ignore = "writes into fuzz/corpus-regressions/; run by hand to regenerate the seeds"]
fn write_seed_corpora() {
    use twsec::crypto::backup::{self, BackupOptions};

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus-regressions");
    let write = |target: &str, name: &str, data: &[u8]| {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).expect("corpus directory");
        std::fs::write(dir.join(name), data).expect("seed file");
    };

    let ring = backup_common::keyring();
    let make = |len: usize, chunk_size: usize| {
        let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        let options = BackupOptions::with_chunk_size(chunk_size).expect("chunk size");
        backup::encrypt(&ring, &plain[..], &mut out, &options).expect("encrypt");
        out
    };
    let two_chunks = make(100, 64);
    let four_chunks = make(200, 64);
    let full_last = make(128, 64);
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("genuine-empty", make(0, 64)),
        ("genuine-1-byte", make(1, 64)),
        ("genuine-64-bytes-one-full-chunk", make(64, 64)),
        ("genuine-100-bytes-chunk-64", two_chunks.clone()),
        ("genuine-200-bytes-chunk-64", four_chunks.clone()),
        ("genuine-128-bytes-full-last-chunk", full_last.clone()),
        ("genuine-300-bytes-chunk-100", make(300, 100)),
        (
            "truncated-at-chunk-boundary",
            four_chunks[..61 + 80].to_vec(),
        ),
        ("truncated-inside-header", four_chunks[..30].to_vec()),
        ("header-only", four_chunks[..61].to_vec()),
        (
            "trailing-byte-after-full-last-chunk",
            [&full_last[..], b"\0"].concat(),
        ),
        ("bit-flip-in-second-chunk", {
            let mut b = two_chunks.clone();
            b[61 + 80 + 3] ^= 1;
            b
        }),
        ("version-2", {
            let mut b = two_chunks.clone();
            b[8] = 2;
            b
        }),
        ("chunk-size-4GiB", {
            let mut b = two_chunks.clone();
            b[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
            b
        }),
        ("magic-only", b"TWSECBAK".to_vec()),
        ("not-a-backup", b"-- PostgreSQL database dump\n".to_vec()),
    ];
    for (name, data) in &seeds {
        write("backup_reader", name, data);
    }

    let ring = sealed_common::keyring();
    let seal = |context: &str, plain: &[u8]| {
        ring.seal(twsec::crypto::Purpose::ConfigSeal, context, plain)
            .expect("seal")
    };
    let default = seal(sealed_common::DEFAULT_CONTEXT, b"s3cret-db-pass");
    let other_id = "0123456789abcdef";
    let seeds: Vec<(&str, String)> = vec![
        ("genuine-default-context", default.clone()),
        (
            "genuine-named-context",
            format!("smtp.password\u{1f}{}", seal("smtp.password", b"hunter2")),
        ),
        (
            "genuine-empty-plaintext",
            format!("x\u{1f}{}", seal("x", b"")),
        ),
        (
            "genuine-binary-plaintext",
            format!("api.key\u{1f}{}", seal("api.key", &[0, 255, 7, 0x1f])),
        ),
        ("genuine-with-whitespace", format!("  {default}\n")),
        ("wrong-context", format!("other.field\u{1f}{default}")),
        (
            "unknown-key",
            default.replacen(&ring.active().id().to_string(), other_id, 1),
        ),
        ("truncated-base64", default[..default.len() - 4].to_string()),
        (
            "bad-base64",
            format!("twsec:v1:{other_id}:!!!not-base64!!!"),
        ),
        (
            "short-body",
            format!("twsec:v1:{}:AAAA", ring.active().id()),
        ),
        ("prefix-only", "twsec:v1:".to_string()),
        (
            "bad-key-id",
            "twsec:v1:XYZ:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string(),
        ),
        ("version-2", default.replacen("twsec:v1:", "twsec:v2:", 1)),
        ("plain-text", "just a password in clear".to_string()),
    ];
    for (name, text) in &seeds {
        write("sealed_decoder", name, text.as_bytes());
    }

    // Audit logs under the target's key, at a fixed time, and damaged copies of them.
    let ring = audit_common::keyring();
    let clock = twsec::clock::ManualClock::new(time::macros::datetime!(2026-03-01 09:00 UTC));
    let log = |n: usize| {
        use twsec::audit::{Actor, AuditEvent, Durability, EventKind, FileSink, Outcome};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("audit.jsonl");
        let sink = FileSink::open(&ring, &path, Durability::OsBuffered, &clock).expect("open");
        for i in 0..n {
            let e = AuditEvent::new(
                EventKind::AuthnLoginFail,
                Outcome::Failure,
                Actor::account(&format!("user{i}")),
                &clock,
            )
            .from_ip("192.0.2.1".parse().expect("IP"))
            .with_detail("wrong password");
            sink.append(&e).expect("append");
        }
        drop(sink);
        std::fs::read_to_string(&path).expect("log")
    };
    let five = log(5);
    let lines: Vec<&str> = five.lines().collect();
    let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    let seeds: Vec<(&str, String)> = vec![
        ("genuine-1-records", log(1)),
        ("genuine-2-records", log(2)),
        ("genuine-3-records", log(3)),
        ("genuine-5-records", five.clone()),
        (
            "deleted-middle",
            join(&[lines[0], lines[1], lines[3], lines[4]]),
        ),
        (
            "swapped",
            join(&[lines[0], lines[2], lines[1], lines[3], lines[4]]),
        ),
        ("edited", five.replacen("user3", "user9", 1)),
        ("torn-last-line", five[..five.len() - 40].to_string()),
        ("no-final-newline", five.trim_end().to_string()),
        (
            "blank-lines",
            format!("{}\n\n{}", join(&lines[..2]), join(&lines[2..])),
        ),
    ];
    for (name, text) in &seeds {
        write("audit_reader", name, text.as_bytes());
    }
}
