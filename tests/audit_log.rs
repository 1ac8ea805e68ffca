//! The HMAC-chained audit log: tamper detection at the right record, torn-write repair,
//! concurrent appends.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::Path;

use secrecy::SecretBox;
use time::macros::datetime;
use twsec::audit::{
    Actor, AuditError, AuditEvent, Durability, EventKind, FileSink, Outcome, verify,
};
use twsec::clock::ManualClock;
use twsec::crypto::{Keyring, MasterKey};

fn ring(byte: u8) -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([byte; 32]))))
}

fn clock() -> ManualClock {
    ManualClock::new(datetime!(2026-02-01 08:00 UTC))
}

fn event(i: usize, clock: &ManualClock) -> AuditEvent {
    AuditEvent::new(
        EventKind::AuthnLoginFail,
        Outcome::Failure,
        Actor::account(&format!("user{i}")),
        clock,
    )
    .from_ip("192.0.2.10".parse().unwrap())
    .with_detail(&format!("attempt {i}"))
}

/// A log of `n` records in a fresh temp dir.
fn log_with(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let c = clock();
    let sink = FileSink::open(&ring(1), &path, Durability::OsBuffered, &c).unwrap();
    for i in 0..n {
        assert_eq!(sink.append(&event(i, &c)).unwrap(), i as u64 + 1);
    }
    (dir, path)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_intact_log_verifies_and_reopens() {
    let (_dir, path) = log_with(5);
    let report = verify(&ring(1), &path).unwrap();
    assert_eq!(report.records, 5);
    assert_eq!(report.head.len(), 64);
    // Reopening continues the chain.
    let c = clock();
    let sink = FileSink::open(&ring(1), &path, Durability::Fsync, &c).unwrap();
    assert_eq!(sink.append(&event(9, &c)).unwrap(), 6);
    assert_eq!(verify(&ring(1), &path).unwrap().records, 6);
    // Another key does not verify it.
    assert_eq!(
        verify(&ring(2), &path),
        Err(AuditError::Modified { line: 1, seq: 1 })
    );
}

#[test]
fn modifying_any_byte_of_any_record_is_detected_at_that_record() {
    let (_dir, path) = log_with(4);
    let original = lines(&path);
    for (i, l) in original.iter().enumerate() {
        for pos in (0..l.len()).step_by(7) {
            let mut bytes = l.clone().into_bytes();
            bytes[pos] = if bytes[pos] == b'7' { b'8' } else { b'7' };
            let Ok(changed) = String::from_utf8(bytes) else {
                continue;
            };
            if changed == *l {
                continue;
            }
            let mut tampered = original.clone();
            tampered[i] = changed;
            write_lines(&path, &tampered);
            let err = verify(&ring(1), &path).unwrap_err();
            let line = match err {
                AuditError::Modified { line, .. }
                | AuditError::Malformed { line }
                | AuditError::Sequence { line, .. } => line,
                other => panic!("{other:?}"),
            };
            assert_eq!(line, i as u64 + 1, "record {i}, byte {pos}: {err:?}");
        }
    }
}

#[test]
fn deleted_duplicated_reordered_inserted_and_truncated_records() {
    let (_dir, path) = log_with(5);
    let l = lines(&path);
    let check = |tampered: Vec<String>, expected: AuditError| {
        write_lines(&path, &tampered);
        assert_eq!(verify(&ring(1), &path), Err(expected));
    };
    // Delete record 3.
    check(
        [&l[..2], &l[3..]].concat(),
        AuditError::Sequence {
            line: 3,
            expected: 3,
            found: 4,
        },
    );
    // Duplicate record 2.
    check(
        [&l[..2], &l[1..]].concat(),
        AuditError::Sequence {
            line: 3,
            expected: 3,
            found: 2,
        },
    );
    // Swap records 2 and 3.
    check(
        vec![
            l[0].clone(),
            l[2].clone(),
            l[1].clone(),
            l[3].clone(),
            l[4].clone(),
        ],
        AuditError::Sequence {
            line: 2,
            expected: 2,
            found: 3,
        },
    );
    // Insert a forged record 3 (right sequence number, no key): the chain breaks there.
    let forged = l[2].replace("attempt 2", "attempt X");
    check(
        [&l[..2], &[forged][..], &l[3..]].concat(),
        AuditError::Modified { line: 3, seq: 3 },
    );
    // A cut inside the last line.
    write_lines(&path, &l);
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 10]).unwrap();
    assert_eq!(
        verify(&ring(1), &path),
        Err(AuditError::Truncated { line: 5 })
    );
    // Garbage.
    std::fs::write(&path, b"not json\n").unwrap();
    assert_eq!(
        verify(&ring(1), &path),
        Err(AuditError::Malformed { line: 1 })
    );
}

#[test]
fn a_torn_last_line_is_repaired_and_recorded() {
    let (_dir, path) = log_with(3);
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, [&text[..], b"{\"seq\":4,\"chain\":\"ab"].concat()).unwrap();
    assert_eq!(
        verify(&ring(1), &path),
        Err(AuditError::Truncated { line: 4 })
    );
    let c = clock();
    let sink = FileSink::open(&ring(1), &path, Durability::Fsync, &c).unwrap();
    assert_eq!(sink.len(), 4);
    assert_eq!(verify(&ring(1), &path).unwrap().records, 4);
    let last = lines(&path).pop().unwrap();
    assert!(last.contains("\"sys_correction\""), "{last}");
    assert!(last.contains("line 4"), "{last}");
    drop(sink); // one writer at a time
    // Other damage is never "repaired".
    let mut l = lines(&path);
    l.remove(1);
    write_lines(&path, &l);
    assert!(matches!(
        FileSink::open(&ring(1), &path, Durability::Fsync, &c),
        Err(AuditError::Sequence { .. })
    ));
}

#[test]
fn concurrent_appends_are_dense_and_chained() {
    // Every durability mode; fewer appends where each one waits for the disk.
    for (durability, per_thread) in [
        (Durability::OsBuffered, 250),
        (Durability::GroupCommit, 50),
        (Durability::Fsync, 10),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let c = clock();
        let sink = std::sync::Arc::new(FileSink::open(&ring(1), &path, durability, &c).unwrap());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let sink = std::sync::Arc::clone(&sink);
                std::thread::spawn(move || {
                    let c = clock();
                    (0..per_thread)
                        .map(|i| sink.append(&event(t * 1000 + i, &c)).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seqs: Vec<u64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        seqs.sort_unstable();
        let n = 8 * per_thread as u64;
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "{durability:?}");
        assert_eq!(
            verify(&ring(1), &path).unwrap().records,
            n,
            "{durability:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn the_log_file_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let (_dir, path) = log_with(1);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
