//! Rotation, checkpoints, retention, the reader capability and the failure policy of the audit
//! trail.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use secrecy::SecretBox;
use time::macros::{datetime, offset};
use twsec::audit::{
    Actor, AuditError, AuditEvent, AuditReader, AuditSink, AuditTrail, Durability, EventKind,
    ExportFormat, FailurePolicy, FileSink, LogOptions, Outcome, Receipt, checkpoint_public_key,
    verify,
};
use twsec::clock::ManualClock;
use twsec::control::Profile;
use twsec::crypto::{Keyring, MasterKey};

fn master(byte: u8) -> MasterKey {
    MasterKey::from_bytes(SecretBox::new(Box::new([byte; 32])))
}

fn ring(byte: u8) -> Keyring {
    Keyring::new(master(byte))
}

fn event(i: usize, clock: &ManualClock) -> AuditEvent {
    AuditEvent::new(
        EventKind::AuthnLoginSuccess,
        Outcome::Success,
        Actor::account(&format!("user{i}")),
        clock,
    )
    .from_ip("198.51.100.4".parse().unwrap())
    .with_detail(&format!("login {i}"))
}

/// The rotated files of the log at `path`, oldest first.
fn rotated(path: &Path) -> Vec<PathBuf> {
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    let mut files: Vec<PathBuf> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.len() == name.len() + 21
                && n.starts_with(&format!("{name}."))
                && n[name.len() + 1..].bytes().all(|b| b.is_ascii_digit())
        })
        .collect();
    files.sort();
    files
}

fn first_seq_in_name(path: &Path) -> u64 {
    let n = path.file_name().unwrap().to_str().unwrap();
    n[n.len() - 20..].parse().unwrap()
}

fn seqs(path: &Path) -> Vec<u64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn size_rotation_keeps_one_chain_across_files_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 +08:00));
    let options = LogOptions::new(Durability::Fsync).rotate_at_bytes(2_000);
    let sink = FileSink::open_with(&ring(1), &path, options, &clock).unwrap();
    for i in 0..40 {
        assert_eq!(sink.append(&event(i, &clock)).unwrap(), i as u64 + 1);
    }
    let files = rotated(&path);
    assert!(files.len() >= 5, "{files:?}");
    // Every file starts where the previous ended and stays under the limit.
    let mut next = 1;
    for f in files.iter().chain([&path]) {
        let s = seqs(f);
        assert_eq!(s[0], next, "{f:?}");
        if f != &path {
            assert_eq!(first_seq_in_name(f), next);
        }
        assert!(std::fs::metadata(f).unwrap().len() <= 2_000, "{f:?}");
        next = s[s.len() - 1] + 1;
    }
    assert_eq!(next, 41);
    // One checkpoint per rotation.
    let reader = AuditReader::open(&ring(1), &path).unwrap();
    assert_eq!(reader.checkpoints().unwrap().len(), files.len());
    let report = verify(&ring(1), &path).unwrap();
    assert_eq!((report.records, report.first, report.last), (40, 1, 40));
    assert_eq!(report.files, files.len() + 1);
    drop(sink);
    // Reopening continues the chain, also right after a rotation left an empty active file.
    let sink = FileSink::open_with(&ring(1), &path, options, &clock).unwrap();
    assert_eq!(sink.append(&event(40, &clock)).unwrap(), 41);
    sink.rotate_now(&clock).unwrap();
    drop(sink);
    std::fs::remove_file(&path).unwrap(); // as if the crash came between rename and create
    let sink = FileSink::open_with(&ring(1), &path, options, &clock).unwrap();
    assert_eq!(sink.append(&event(41, &clock)).unwrap(), 42);
    assert_eq!(verify(&ring(1), &path).unwrap().records, 42);
}

#[test]
fn daily_rotation_follows_the_taipei_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 23:58 +08:00));
    let options = LogOptions::new(Durability::OsBuffered).rotate_daily(offset!(+8));
    let sink = FileSink::open_with(&ring(1), &path, options, &clock).unwrap();
    sink.append(&event(0, &clock)).unwrap();
    clock.advance(time::Duration::minutes(1)); // 23:59 Taipei, still 1 May
    sink.append(&event(1, &clock)).unwrap();
    assert!(rotated(&path).is_empty());
    clock.advance(time::Duration::minutes(2)); // 00:01 on 2 May in Taipei (16:01 UTC)
    sink.append(&event(2, &clock)).unwrap();
    let files = rotated(&path);
    assert_eq!(files.len(), 1);
    assert_eq!(seqs(&files[0]), [1, 2]);
    assert_eq!(seqs(&path), [3]);
    assert_eq!(verify(&ring(1), &path).unwrap().records, 3);
}

#[test]
fn a_missing_or_altered_rotated_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let options = LogOptions::new(Durability::OsBuffered).rotate_at_bytes(1_500);
    let sink = FileSink::open_with(&ring(1), &path, options, &clock).unwrap();
    for i in 0..30 {
        sink.append(&event(i, &clock)).unwrap();
    }
    let files = rotated(&path);
    // A byte changed in the second file is reported in that file.
    let text = std::fs::read_to_string(&files[1]).unwrap();
    std::fs::write(&files[1], text.replacen("login", "logon", 1)).unwrap();
    match verify(&ring(1), &path).unwrap_err() {
        AuditError::InFile { file, error } => {
            assert!(file.ends_with(files[1].file_name().unwrap().to_str().unwrap()));
            assert!(
                matches!(*error, AuditError::Modified { line: 1, .. }),
                "{error:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    std::fs::write(&files[1], text).unwrap();
    assert!(verify(&ring(1), &path).is_ok());
    // A whole file removed from the middle: the next one does not follow.
    std::fs::remove_file(&files[1]).unwrap();
    match verify(&ring(1), &path).unwrap_err() {
        AuditError::InFile { error, .. } => {
            assert!(
                matches!(*error, AuditError::Sequence { line: 1, .. }),
                "{error:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The oldest file removed without a checkpoint to start from: the log starts too late.
    let files = rotated(&path);
    std::fs::remove_file(&files[0]).unwrap();
    std::fs::remove_file(dir.path().join("audit.jsonl.checkpoints")).unwrap();
    assert!(matches!(
        verify(&ring(1), &path).unwrap_err(),
        AuditError::InFile { .. }
            | AuditError::Sequence {
                line: 1,
                expected: 1,
                ..
            }
    ));
}

#[test]
fn checkpoints_detect_truncation_by_the_key_holder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let sink = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap();
    assert_eq!(sink.checkpoint(&clock).unwrap(), None, "an empty log");
    for i in 0..10 {
        sink.append(&event(i, &clock)).unwrap();
    }
    // Exported to another system with the public key it is checked with.
    let exported = sink.checkpoint(&clock).unwrap().unwrap();
    let public_key = checkpoint_public_key(&ring(1));
    assert_eq!(exported.seq, 10);
    assert!(exported.verify_signature(&public_key));
    drop(sink);
    let reader = AuditReader::open(&ring(1), &path).unwrap();
    assert_eq!(
        reader.verify_against(&exported, &public_key).unwrap().last,
        10
    );

    // The key holder cuts the last three records: the chain alone still verifies...
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().take(7).collect();
    std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    // ...but not against the local checkpoint,
    assert_eq!(
        verify(&ring(1), &path).unwrap_err(),
        AuditError::BehindCheckpoint {
            checkpoint: 10,
            head: 7
        }
    );
    // and, with the local checkpoints deleted too, not against the exported one.
    std::fs::remove_file(dir.path().join("audit.jsonl.checkpoints")).unwrap();
    assert_eq!(verify(&ring(1), &path).unwrap().records, 7);
    let reader = AuditReader::open(&ring(1), &path).unwrap();
    assert_eq!(
        reader.verify_against(&exported, &public_key).unwrap_err(),
        AuditError::BehindCheckpoint {
            checkpoint: 10,
            head: 7
        }
    );
    // Rewriting the end with new records under the key does not match the checkpoint either.
    let sink = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap();
    for i in 0..5 {
        sink.append(&event(100 + i, &clock)).unwrap();
    }
    assert!(matches!(
        reader.verify_against(&exported, &public_key).unwrap_err(),
        AuditError::CheckpointMismatch { seq: 10, .. }
    ));
    // A forged or foreign checkpoint is refused.
    let mut forged = exported.clone();
    forged.seq = 3;
    assert!(matches!(
        reader.verify_against(&forged, &public_key).unwrap_err(),
        AuditError::CheckpointMismatch { .. }
    ));
    assert!(matches!(
        reader
            .verify_against(&exported, &checkpoint_public_key(&ring(2)))
            .unwrap_err(),
        AuditError::CheckpointMismatch { .. }
    ));
}

#[test]
fn pruning_follows_the_profile_retention_and_only_removes_checkpointed_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-01-01 09:00 +08:00));
    let options = LogOptions::new(Durability::OsBuffered).rotate_daily(offset!(+8));
    let sink = FileSink::open_with(&ring(1), &path, options, &clock).unwrap();
    // One file a month for ten months, three events each.
    for month in 0..10 {
        for i in 0..3 {
            sink.append(&event(month * 3 + i, &clock)).unwrap();
        }
        clock.advance(time::Duration::days(30));
    }
    assert_eq!(rotated(&path).len(), 9);
    let keep = Profile::annex10(twsec::control::Annex10Level::Medium).audit_retention;
    assert_eq!(keep, time::Duration::days(184));
    // Now 2026-10-28: files whose last record is older than 184 days go (January to April).
    let report = sink.prune(keep, &clock).unwrap();
    assert_eq!(report.files.len(), 4, "{report:?}");
    assert_eq!(report.records, Some((1, 12)));
    let seq = report.recorded_as.unwrap();
    assert_eq!(seq, 31);
    // The rest still verifies, from the checkpoint at the pruned boundary.
    let v = verify(&ring(1), &path).unwrap();
    assert_eq!((v.first, v.last), (13, 31));
    // The pruning is on record.
    let reader = AuditReader::open(&ring(1), &path).unwrap();
    let mut last = None;
    reader
        .for_each(|s, e| {
            last = Some((s, e.clone()));
            Ok(())
        })
        .unwrap();
    let (s, e) = last.unwrap();
    assert_eq!(s, 31);
    assert_eq!(e.kind, EventKind::SensitiveDelete);
    assert!(
        e.detail.as_deref().unwrap().contains("records 1-12"),
        "{e:?}"
    );
    // Nothing is old enough now; and without checkpoints nothing is pruned at all.
    assert!(sink.prune(keep, &clock).unwrap().files.is_empty());
    clock.advance(time::Duration::days(400));
    std::fs::remove_file(dir.path().join("audit.jsonl.checkpoints")).unwrap();
    let report = sink.prune(keep, &clock).unwrap();
    assert!(report.files.is_empty(), "{report:?}");
    // Five left by the first pruning, and the month in which the pruning event fell.
    assert_eq!(rotated(&path).len(), 6);
}

#[test]
fn the_reader_exports_verified_events_as_jsonl_and_ocsf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let sink = FileSink::open_with(
        &ring(1),
        &path,
        LogOptions::new(Durability::OsBuffered).rotate_at_bytes(1_000),
        &clock,
    )
    .unwrap();
    for i in 0..12 {
        sink.append(&event(i, &clock)).unwrap();
    }
    let reader = AuditReader::open(&ring(1), &path).unwrap();
    let mut jsonl = Vec::new();
    assert_eq!(
        reader
            .export(ExportFormat::Jsonl, &mut jsonl)
            .unwrap()
            .records,
        12
    );
    let events: Vec<AuditEvent> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 12);
    assert_eq!(events[11].actor.id, "user11");
    let mut ocsf = Vec::new();
    reader.export(ExportFormat::Ocsf, &mut ocsf).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8(ocsf).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["class_uid"], 3002);
    // A reader with the wrong key reads nothing.
    let wrong = AuditReader::open(&ring(2), &path).unwrap();
    let mut out = Vec::new();
    // (Its checkpoints are refused first: another keyring did not sign them.)
    let err = wrong.export(ExportFormat::Jsonl, &mut out).unwrap_err();
    assert!(
        err.to_string().contains("not signed by this keyring"),
        "{err}"
    );
    assert!(out.is_empty());
    std::fs::remove_file(dir.path().join("audit.jsonl.checkpoints")).unwrap();
    let err = wrong.export(ExportFormat::Jsonl, &mut out).unwrap_err();
    assert!(
        matches!(&err, AuditError::InFile { error, .. } if matches!(**error, AuditError::Modified { line: 1, seq: 1 })),
        "{err:?}"
    );
    assert!(out.is_empty());
}

#[test]
fn a_log_spans_a_master_key_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let sink = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap();
    for i in 0..3 {
        sink.append(&event(i, &clock)).unwrap();
    }
    drop(sink);
    let rotated_ring = Keyring::new(master(2)).with_retired(master(1));
    let sink = FileSink::open(&rotated_ring, &path, Durability::Fsync, &clock).unwrap();
    for i in 3..6 {
        sink.append(&event(i, &clock)).unwrap();
    }
    assert_eq!(verify(&rotated_ring, &path).unwrap().records, 6);
    // Without the retired key the old records do not verify; with only it, the new ones don't.
    assert!(verify(&ring(2), &path).is_err());
    assert_eq!(
        verify(&ring(1), &path).unwrap_err(),
        AuditError::Modified { line: 4, seq: 4 }
    );
}

#[test]
fn group_commit_submissions_are_durable_when_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let sink = FileSink::open(&ring(1), &path, Durability::GroupCommit, &clock).unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let (sink, clock) = (&sink, &clock);
            s.spawn(move || {
                for round in 0..10 {
                    let pending: Vec<_> = (0..8)
                        .map(|i| {
                            sink.submit(&event(t * 1000 + round * 10 + i, clock))
                                .unwrap()
                        })
                        .collect();
                    let seqs: Vec<u64> = pending.into_iter().map(|p| p.wait().unwrap()).collect();
                    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
                }
            });
        }
    });
    assert_eq!(sink.len(), 320);
    assert_eq!(verify(&ring(1), &path).unwrap().records, 320);
}

/// A sink that records what it is given, or fails.
#[derive(Default)]
struct Memory {
    events: Mutex<Vec<AuditEvent>>,
    fail: bool,
}

impl AuditSink for Memory {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        if self.fail {
            return Err(AuditError::Io("secondary is down too".into()));
        }
        let mut events = self.events.lock().unwrap();
        events.push(event.clone());
        Ok(events.len() as u64)
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

#[test]
fn one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let first = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap();
    first.append(&event(0, &clock)).unwrap();
    let err = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap_err();
    assert!(
        err.to_string().contains("already open for writing"),
        "{err}"
    );
    // Readers are not writers.
    assert_eq!(verify(&ring(1), &path).unwrap().records, 1);
    drop(first);
    let second = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap();
    assert_eq!(second.append(&event(1, &clock)).unwrap(), 2);
}

#[test]
fn a_regular_file_is_required() {
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let err = FileSink::open(&ring(1), Path::new("/dev/null"), Durability::Fsync, &clock);
    assert!(err.unwrap_err().to_string().contains("not a regular file"));
}

#[test]
fn a_failing_sink_fails_closed_or_falls_back_and_always_alerts() {
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let alerts = Arc::new(Mutex::new(Vec::new()));
    let hook = {
        let alerts = alerts.clone();
        move |f: &twsec::audit::SinkFailure<'_>| {
            alerts
                .lock()
                .unwrap()
                .push((f.sink.clone(), f.error.to_string(), f.kept_in_secondary));
        }
    };
    let broken = || Memory {
        fail: true,
        ..Memory::default()
    };
    // Fail closed (the default): the operation must not proceed.
    let trail = AuditTrail::new(broken()).on_failure_alert(hook.clone());
    let err = trail.record(&event(1, &clock)).unwrap_err();
    assert!(err.to_string().contains("down"), "{err}");
    {
        let alerts = alerts.lock().unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].0, "memory");
        assert!(!alerts[0].2);
    }
    // Fallback: the event and a notice of the failure go to the secondary, a real log file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fallback.jsonl");
    let secondary = FileSink::open(&ring(1), &path, Durability::Fsync, &clock).unwrap();
    let trail = AuditTrail::new(broken())
        .with_policy(FailurePolicy::Fallback(Box::new(secondary)))
        .on_failure_alert(hook.clone());
    assert_eq!(
        trail.record(&event(2, &clock)).unwrap(),
        Receipt::Secondary(2)
    );
    let mut kept = Vec::new();
    AuditReader::open(&ring(1), &path)
        .unwrap()
        .for_each(|_, e| {
            kept.push(e.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!(kept[0].kind, EventKind::AuditFailure);
    assert!(
        kept[0].detail.as_deref().unwrap().contains("memory failed"),
        "{:?}",
        kept[0]
    );
    assert_eq!(kept[1].actor.id, "user2");
    assert!(alerts.lock().unwrap()[1].2);
    // Both failing: an error, never a silent drop.
    let trail = AuditTrail::new(broken())
        .with_policy(FailurePolicy::Fallback(Box::new(broken())))
        .on_failure_alert(hook);
    assert!(trail.record(&event(3, &clock)).is_err());
    assert_eq!(alerts.lock().unwrap().len(), 3);
    // A working primary: no alert.
    let ok = Arc::new(Memory::default());
    let trail = AuditTrail::new(ok.clone());
    assert_eq!(
        trail.record(&event(4, &clock)).unwrap(),
        Receipt::Primary(1)
    );
}
