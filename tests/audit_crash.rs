//! Crash test of the audit log: a child process appending in a durable mode is killed with
//! SIGKILL at random moments, many rounds on the same log file; after each kill the log must
//! open (repairing a torn last line), verify, and hold every event the child acknowledged, at
//! the sequence number `append` returned, with the same event ID.
//!
//! What this proves and what it does not: SIGKILL ends the process, not the machine, so the
//! kernel's page cache survives and everything `write()` accepted reaches the file whether or not
//! it was `fsync`ed. This test therefore proves torn-write repair, that an acknowledgement is
//! only given for a complete record (ack ordering), and that repaired logs reopen and keep their
//! chain; it does NOT prove durability across power loss (that needs a fault-injecting block
//! device or a VM that is reset without flushing).
//!
//! A SIGKILL rarely lands inside a single small `write()` to a regular file, so torn lines are
//! also made deliberately: between some rounds the parent appends a random-length prefix of a
//! valid record (without its newline), and checks that whoever opens the log next — the next
//! child, or the parent when that child dies first — cuts it off and records a `sys_correction`.
//!
//! `harness = false`: `main` is the parent, or the child when `TWSEC_AUDIT_CRASH_CHILD` is set
//! to `<log path>,<fsync|group>,<threads>`. The child writes one line `<seq> <event id>` to
//! stdout after each `append` that returned `Ok` (and `opened <records>` once `FileSink::open`
//! returned). Set `TWSEC_AUDIT_CRASH_SEED` to replay the parent's random choices (the timing of
//! the kills still varies from run to run).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "a test fails loudly and prints a one-line summary"
)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use secrecy::SecretBox;
use serde::Deserialize;
use twsec::audit::{
    Actor, AuditError, AuditEvent, Durability, EventKind, FileSink, Outcome, verify,
};
use twsec::clock::SystemClock;
use twsec::crypto::{Keyring, MasterKey};

/// Set in the child's environment: `<log path>,<fsync|group>,<threads>`.
const CHILD_ENV: &str = "TWSEC_AUDIT_CRASH_CHILD";
/// Seed for the parent's random choices (sleep times, fragments).
const SEED_ENV: &str = "TWSEC_AUDIT_CRASH_SEED";
/// Rounds per mode.
const ROUNDS: usize = 40;
/// Threads appending in group-commit mode.
const GROUP_THREADS: usize = 4;
/// A child that was not killed by then stops by itself (and the parent fails): no orphan runs on
/// if the parent dies.
const CHILD_LIFETIME: Duration = Duration::from_secs(30);
/// A log larger than this is set aside and the next round starts a new one, so that the four
/// full scans of every round (the child's open; the parent's verify, repair, verify) stay cheap
/// in a debug build however fast the disk is.
const MAX_LOG_BYTES: u64 = 256 * 1024;

/// The fixed test key, the same in parent and child.
fn ring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([0x5a; 32]))))
}

fn main() {
    match std::env::var(CHILD_ENV) {
        Ok(spec) => child(&spec),
        Err(_) => parent(),
    }
}

// ---------------------------------------------------------------------------------------------
// Child

fn mode_name(mode: Durability) -> &'static str {
    match mode {
        Durability::Fsync => "fsync",
        Durability::GroupCommit => "group",
        _ => panic!("not a durable mode: {mode:?}"),
    }
}

/// Writes one acknowledgement line; `false` when the parent is gone.
fn ack(line: &str) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes()).is_ok() && out.flush().is_ok()
}

/// Appends until killed, acknowledging each `Ok` append on stdout.
fn child(spec: &str) {
    let mut parts = spec.split(',');
    let (Some(path), Some(mode), Some(threads), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("{CHILD_ENV}={spec:?}: expected <path>,<mode>,<threads>");
    };
    let mode = match mode {
        "fsync" => Durability::Fsync,
        "group" => Durability::GroupCommit,
        other => panic!("unknown mode {other:?}"),
    };
    let threads: usize = threads.parse().unwrap();
    // Report a panic on stdout at once: the default hook's backtrace can take longer than the
    // parent waits before the kill, and a SIGKILLed child has no exit code to tell.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = format!("{info}").replace('\n', " ");
        let _ = ack(&format!("panic {message}\n"));
        default_hook(info);
    }));
    let started = Instant::now();
    let sink = FileSink::open(&ring(), Path::new(path), mode, &SystemClock).unwrap();
    if !ack(&format!("opened {}\n", sink.len())) {
        return;
    }
    thread::scope(|s| {
        for t in 0..threads {
            let sink = &sink;
            s.spawn(move || {
                let mut rng = rand::rng();
                let mut i = 0u64;
                while started.elapsed() < CHILD_LIFETIME {
                    i += 1;
                    // Records of varying length, so that kills and fragments cut at varying
                    // offsets.
                    let pad = "x".repeat(rng.random_range(0..300));
                    let event = AuditEvent::new(
                        EventKind::SensitiveRead,
                        Outcome::Success,
                        Actor::account(&format!("crash-child-{t}")),
                        &SystemClock,
                    )
                    .with_detail(&format!("thread {t} event {i} {pad}"));
                    let seq = sink.append(&event).unwrap();
                    if !ack(&format!("{seq} {}\n", event.id)) {
                        return;
                    }
                }
            });
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Parent

/// What a killed child reported.
struct ChildRun {
    status: ExitStatus,
    /// `FileSink::open` returned, with this many records.
    opened: Option<u64>,
    /// Acknowledged (seq, event id).
    acks: Vec<(u64, String)>,
    /// From the spawn to the `opened` line.
    open_latency: Option<Duration>,
    /// The child panicked (its message).
    panicked: Option<String>,
    stderr: String,
}

/// When to kill a child.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    /// This long after the spawn: during start-up, the scan of the log or its repair.
    FromSpawn(Duration),
    /// This long after `FileSink::open` returned: while appending.
    AfterOpen(Duration),
}

/// Starts a child on `path`, SIGKILLs it at `kill_at` and collects its acknowledgements.
fn run_child(path: &Path, mode: Durability, threads: usize, kill_at: KillAt) -> ChildRun {
    let spawned = Instant::now();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(
            CHILD_ENV,
            format!("{},{},{threads}", path.display(), mode_name(mode)),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while the child runs, so that it never blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (opened_tx, opened_rx) = mpsc::channel();
    let out = thread::spawn(move || {
        let mut reader = BufReader::new(&mut stdout);
        let mut buf = Vec::new();
        // The first line is `opened …`: tell the parent when it comes.
        if reader.read_until(b'\n', &mut buf).unwrap() > 0 {
            let _ = opened_tx.send(spawned.elapsed());
        }
        reader.read_to_end(&mut buf).unwrap();
        buf
    });
    let err = thread::spawn(move || {
        let mut buf = Vec::new();
        stderr.read_to_end(&mut buf).unwrap();
        buf
    });
    let open_latency = match kill_at {
        KillAt::FromSpawn(after) => {
            thread::sleep(after);
            None
        }
        // No `opened` in time: the child failed (its exit status tells) or hangs; kill it anyway.
        KillAt::AfterOpen(after) => match opened_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(latency) => {
                thread::sleep(after);
                Some(latency)
            }
            Err(_) => None,
        },
    };
    // `Child::kill` is SIGKILL on Unix.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let out = String::from_utf8(out.join().unwrap()).unwrap();
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    let mut opened = None;
    let mut acks = Vec::new();
    let mut panicked = None;
    // A line without its newline was cut by the kill: not an acknowledgement.
    let complete = match out.rfind('\n') {
        Some(end) => &out[..=end],
        None => "",
    };
    for line in complete.lines() {
        if let Some(message) = line.strip_prefix("panic ") {
            panicked.get_or_insert_with(|| message.to_owned());
        } else if let Some(n) = line.strip_prefix("opened ") {
            assert!(opened.is_none(), "child opened twice: {line:?}");
            opened = Some(n.parse().unwrap());
        } else {
            let (seq, id) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("bad ack line {line:?}"));
            assert!(opened.is_some(), "ack before open: {line:?}");
            acks.push((seq.parse().unwrap(), id.to_owned()));
        }
    }
    ChildRun {
        status,
        opened,
        acks,
        open_latency,
        panicked,
        stderr,
    }
}

/// One record of the log, as far as this test needs it.
struct Record {
    seq: u64,
    id: String,
    kind: String,
    detail: String,
    /// The whole line, newline included.
    line: String,
}

#[derive(Deserialize)]
struct LineIn {
    seq: u64,
    event: EventIn,
}

#[derive(Deserialize)]
struct EventIn {
    id: String,
    kind: String,
    #[serde(default)]
    detail: String,
}

/// Parses the JSON Lines log: `{"seq":N,"chain":"…","event":{"id":"…",…}}`.
fn read_log(path: &Path) -> Vec<Record> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.split_inclusive('\n')
        .map(|line| {
            let LineIn { seq, event } = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: {e}: {line:?}", path.display()));
            Record {
                seq,
                id: event.id,
                kind: event.kind,
                detail: event.detail,
                line: line.to_owned(),
            }
        })
        .collect()
}

fn append_bytes(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
}

/// `record` is the `sys_correction` that repairing a torn line `line` appends.
fn assert_repair_record(record: &Record, line: u64, context: &str) {
    assert_eq!(record.seq, line, "{context}");
    assert_eq!(record.kind, "sys_correction", "{context}");
    assert!(
        record
            .detail
            .contains(&format!("a partial record at line {line} ")),
        "{context}: {:?}",
        record.detail
    );
}

#[derive(Default)]
struct Stats {
    rounds: usize,
    logs: usize,
    acked: usize,
    /// Rounds whose child was killed before its first acknowledgement.
    no_ack: usize,
    /// … and of those, before `FileSink::open` returned.
    not_opened: usize,
    /// Torn lines a kill left.
    torn_by_kill: usize,
    /// Fragments the parent appended.
    injected: usize,
    /// Fragments (or kill-torn lines) the next child repaired, with its `sys_correction`.
    repaired_by_child: usize,
    /// Torn lines the parent repaired after a kill.
    repaired_by_parent: usize,
    /// A fragment repaired and recorded by a child killed before it reported opening.
    repaired_unrecorded: usize,
}

/// Rounds on one log in one mode.
fn rounds(
    dir: &Path,
    mode: Durability,
    threads: usize,
    rng: &mut StdRng,
    stats: &mut Stats,
) -> usize {
    let keys = ring();
    let mut log_no = 0;
    // Each log in a directory of its own: nothing else there for the sink to take for its files.
    let new_log = |n: usize| -> PathBuf {
        let sub = dir.join(format!("{}-{n}", mode_name(mode)));
        std::fs::create_dir(&sub).unwrap();
        sub.join("audit.jsonl")
    };
    let mut path = new_log(log_no);
    stats.logs += 1;
    // Acknowledged event ID by sequence number, over every round on this log.
    let mut acked: BTreeMap<u64, String> = BTreeMap::new();
    // A fragment appended after the last round: the line it is on.
    let mut fragment: Option<u64> = None;
    let mut acked_here = 0;
    // Records in the log after the last round's repair.
    let mut before = 0;
    // How long the last child took to open the log (to kill the next one inside its open).
    let mut open_latency = Duration::from_millis(5);
    for round in 0..ROUNDS {
        let context = format!("{} round {round}, {}", mode_name(mode), path.display());
        // Mostly 2–60 ms into appending; sometimes during start-up, the scan or the repair of a
        // fragment (more often when there is one to repair).
        let early = if fragment.is_some() { 3 } else { 10 };
        let kill_at = if rng.random_ratio(1, early) {
            let max = open_latency.as_micros().max(1000) as u64 * 5 / 4;
            KillAt::FromSpawn(Duration::from_micros(rng.random_range(0..max)))
        } else {
            KillAt::AfterOpen(Duration::from_micros(rng.random_range(2000..60_000)))
        };
        let run_result = run_child(&path, mode, threads, kill_at);
        if let Some(latency) = run_result.open_latency {
            open_latency = latency;
        }
        stats.rounds += 1;
        if let Some(message) = &run_result.panicked {
            panic!(
                "{context}: the child panicked: {message}; its stderr:\n{}",
                run_result.stderr
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt as _;
            assert_eq!(
                run_result.status.signal(),
                Some(9),
                "{context}: the child was not killed but ended with {}; its stderr:\n{}",
                run_result.status,
                run_result.stderr
            );
        }
        #[cfg(not(unix))]
        assert!(!run_result.status.success(), "{context}");
        if run_result.acks.is_empty() {
            stats.no_ack += 1;
        }
        if run_result.opened.is_none() {
            stats.not_opened += 1;
        }

        // What the kill left, before any repair.
        let torn = match verify(&keys, &path) {
            Ok(_) => None,
            Err(AuditError::Truncated { line }) => {
                if fragment == Some(line) && run_result.opened.is_none() {
                    // The injected fragment, still there: the child died before repairing it.
                } else {
                    stats.torn_by_kill += 1;
                }
                Some(line)
            }
            Err(e) => panic!("{context}: after the kill the log fails with {e} ({e:?})"),
        };
        // Repair (the torn line is cut off and recorded) and verify.
        let sink = FileSink::open(&keys, &path, Durability::Fsync, &SystemClock)
            .unwrap_or_else(|e| panic!("{context}: the log does not reopen: {e}"));
        drop(sink);
        let report = verify(&keys, &path)
            .unwrap_or_else(|e| panic!("{context}: the repaired log does not verify: {e}"));
        let log = read_log(&path);
        assert_eq!(log.len() as u64, report.records, "{context}");
        for (i, r) in log.iter().enumerate() {
            assert_eq!(r.seq, i as u64 + 1, "{context}: sequence not dense");
        }
        assert!(log.len() as u64 >= before, "{context}: records were lost");
        let records_before_round = before;
        before = report.records;
        if let Some(line) = torn {
            stats.repaired_by_parent += 1;
            assert_eq!(report.records, line, "{context}");
            assert_repair_record(&log[line as usize - 1], line, &context);
        }
        // The fragment from before this round: repaired by the child (which then recorded it)
        // or by the parent above.
        if let Some(line) = fragment.take() {
            match run_result.opened {
                Some(opened) => {
                    assert_eq!(
                        opened, line,
                        "{context}: the child did not repair the fragment"
                    );
                    assert_repair_record(&log[line as usize - 1], line, &context);
                    stats.repaired_by_child += 1;
                }
                None if torn == Some(line) => {}
                // Killed after writing the correction over the fragment but before it said so:
                // the correction is there all the same (it is written before anything is cut).
                None => {
                    assert_repair_record(&log[line as usize - 1], line, &context);
                    stats.repaired_unrecorded += 1;
                }
            }
        }

        // Every event ever acknowledged on this log is there, at its sequence number.
        for (seq, id) in run_result.acks {
            assert!(
                seq > records_before_round,
                "{context}: ack for {seq}, but the log had {records_before_round} records before"
            );
            if let Some(old) = acked.insert(seq, id.clone()) {
                panic!("{context}: seq {seq} acknowledged twice ({old}, {id})");
            }
            stats.acked += 1;
            acked_here += 1;
        }
        for (seq, id) in &acked {
            let record = log.get(*seq as usize - 1).unwrap_or_else(|| {
                panic!(
                    "{context}: acknowledged seq {seq} missing: the log has {} records",
                    log.len()
                )
            });
            assert_eq!(
                &record.id, id,
                "{context}: seq {seq} holds another event than the one acknowledged"
            );
        }

        // Start a new log when this one grew large; otherwise, every third round, tear one.
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        if size > MAX_LOG_BYTES && round + 1 < ROUNDS {
            log_no += 1;
            path = new_log(log_no);
            acked.clear();
            before = 0;
            stats.logs += 1;
        } else if round % 3 == 1 && !log.is_empty() {
            // A prefix of a valid record, never its newline: from one byte up to all but it.
            let template = &log[rng.random_range(0..log.len())];
            let cut = rng.random_range(1..template.line.len());
            append_bytes(&path, &template.line.as_bytes()[..cut]);
            fragment = Some(log.len() as u64 + 1);
            stats.injected += 1;
        }
    }
    acked_here
}

fn parent() {
    let started = Instant::now();
    let seed = match std::env::var(SEED_ENV) {
        Ok(s) => s.parse().unwrap(),
        Err(_) => rand::rng().random(),
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut stats = Stats::default();
    let fsync_acked = rounds(dir.path(), Durability::Fsync, 1, &mut rng, &mut stats);
    let group_acked = rounds(
        dir.path(),
        Durability::GroupCommit,
        GROUP_THREADS,
        &mut rng,
        &mut stats,
    );
    // Each mode must really have been exercised, not only killed during start-up.
    assert!(fsync_acked > 0, "no Fsync round acknowledged anything");
    assert!(
        group_acked > 0,
        "no GroupCommit round acknowledged anything"
    );
    assert!(stats.injected > 0);
    eprintln!(
        "audit_crash: seed {seed}: {} rounds ({ROUNDS} fsync, {ROUNDS} group commit x{GROUP_THREADS}) on {} logs, \
         {} acknowledged events ({fsync_acked} fsync, {group_acked} group) all found; \
         {} rounds killed before the first ack ({} before open returned); \
         torn lines repaired: {} ({} torn by a kill, {} injected; {} repaired by the next child, \
         {} by the parent, {} recorded by a child killed before reporting) in {:.1} s",
        stats.rounds,
        stats.logs,
        stats.acked,
        stats.no_ack,
        stats.not_opened,
        stats.repaired_by_child + stats.repaired_by_parent + stats.repaired_unrecorded,
        stats.torn_by_kill,
        stats.injected,
        stats.repaired_by_child,
        stats.repaired_by_parent,
        stats.repaired_unrecorded,
        started.elapsed().as_secs_f64(),
    );
}
