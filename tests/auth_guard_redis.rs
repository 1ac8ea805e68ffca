//! The login guard on the Redis attempt store against a real server at `REDIS_URL` (default
//! `redis://127.0.0.1:6379`): 4 processes × 16 threads fire wrong passwords at one account from
//! one IP at once; exactly `max_failures` (5) passwords are verified, the account is locked, and
//! the audit logs of the processes hold an event for every attempt and one lock event (with the
//! account the only scope that can lock; under the default policy the account and account+IP
//! locks may be two events, each scope locked once).
//!
//! The parent test creates the account, writes its record to a temp dir and re-executes this
//! test binary as child processes, each with a guard and an audit log of its own (a `FileSink`
//! has one writer). The children start firing together when the parent creates a start file;
//! the parent then reads every log, looks at the store and tries the right password.
//!
//! These tests never skip: without a server they fail, saying how to start one. Each run uses
//! its own random key prefix and deletes its keys at the end, also when it fails.
#![cfg(feature = "redis")]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::io::Read as _;
use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration as StdDuration, Instant};

use secrecy::{ExposeSecret as _, SecretBox};
use time::OffsetDateTime;
use twsec::account::{AccountRecord, Accounts};
use twsec::audit::{AuditEvent, AuditReader, AuditTrail, Durability, EventKind, FileSink};
use twsec::auth::{
    AttemptStore as _, Guard, LockoutPolicy, LoginAttempt, LoginOutcome, RedisStore, Scope,
    lockout_key,
};
use twsec::clock::{Clock as _, SystemClock};
use twsec::control::Profile;
use twsec::crypto::{Keyring, MasterKey};
use twsec::password::{Hasher, HasherConfig, PersonalInfo};

/// The child test of the multi-process test, and the variables that tell it what to do.
#[path = "support/redis.rs"]
mod support;
use support::{Cleanup, keys_under, random_prefix, unreachable, url};

const CHILD: &str = "child_fires_wrong_passwords_at_one_account";
const CHILD_PREFIX: &str = "TWSEC_TEST_GUARD_REDIS_PREFIX";
const CHILD_DIR: &str = "TWSEC_TEST_GUARD_REDIS_DIR";
const CHILD_INDEX: &str = "TWSEC_TEST_GUARD_REDIS_INDEX";
const CHILD_POLICY: &str = "TWSEC_TEST_GUARD_REDIS_POLICY";
const PROCESSES: usize = 4;
const THREADS: usize = 16;
const ACCOUNT: &str = "mingde";
/// Every wrong password comes from here.
const ATTACKER: &str = "198.51.100.7";
/// The owner tries the right password from here afterwards.
const OWNER: &str = "192.0.2.1";
const WRONG: &str = "wrong-guess";
const VERIFIED: &str = "wrong password or unknown account";
/// How long a process waits for the others (start-up includes hashing a dummy password).
const PATIENCE: StdDuration = StdDuration::from_secs(60);

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// The lockout policy of a run. Every attempt passes the challenge, so the challenge after 3
/// failures refuses nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Policy {
    /// The default policy without the account+IP limit: 5 failures lock the account for 15
    /// minutes, and nothing else can lock (the IP allows 50), so one lock event exactly.
    AccountOnly,
    /// The default policy: 5 failures lock the account, and the account from one IP. The two
    /// locks may come from one attempt or from two attempts in flight together (each the fifth
    /// failure of one scope), so one or two lock events, with each scope locked once.
    Default,
}

impl Policy {
    fn name(self) -> &'static str {
        match self {
            Policy::AccountOnly => "account-only",
            Policy::Default => "default",
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "account-only" => Policy::AccountOnly,
            "default" => Policy::Default,
            other => panic!("unknown policy {other:?}"),
        }
    }

    fn lockout(self) -> LockoutPolicy {
        let mut p = LockoutPolicy::default();
        if self == Policy::AccountOnly {
            p.account_ip = None;
        }
        p
    }
}

fn ring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([4; 32]))))
}

fn accounts() -> Accounts {
    Accounts::new(
        &Profile::twse_staff(),
        Hasher::new(HasherConfig::default()).unwrap(),
    )
    .unwrap()
}

fn record_path(dir: &Path) -> PathBuf {
    dir.join("account.json")
}

/// The audit log of child `index` (the parent's own is `parent`).
fn log_path(dir: &Path, index: &str) -> PathBuf {
    dir.join(format!("audit-{index}.jsonl"))
}

fn ready_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("ready-{index}"))
}

fn start_path(dir: &Path) -> PathBuf {
    dir.join("start")
}

fn outcomes_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("outcomes-{index}.txt"))
}

/// Creates the account and writes its record to `dir`; returns its (right) password.
fn create_account(dir: &Path) -> String {
    let created = accounts()
        .create(ACCOUNT, &PersonalInfo::default(), SystemClock.now())
        .unwrap();
    std::fs::write(
        record_path(dir),
        serde_json::to_vec(&created.record).unwrap(),
    )
    .unwrap();
    created.initial_password.expose_secret().to_owned()
}

fn load_record(dir: &Path) -> AccountRecord {
    serde_json::from_slice(&std::fs::read(record_path(dir)).unwrap()).unwrap()
}

fn store(prefix: &str) -> RedisStore {
    RedisStore::builder(&url())
        .prefix(prefix)
        .pool_size(NonZeroUsize::new(THREADS).unwrap())
        .build()
        .unwrap_or_else(|e| unreachable(&e))
}

/// A guard on the Redis store under `prefix`, auditing to `log`.
fn guard(prefix: &str, log: &Path, policy: Policy) -> Guard {
    let sink = FileSink::open(&ring(), log, Durability::OsBuffered, &SystemClock).unwrap();
    Guard::new(
        accounts(),
        policy.lockout(),
        Arc::new(store(prefix)),
        Arc::new(SystemClock),
    )
    .unwrap()
    .with_audit(Arc::new(AuditTrail::new(sink)))
}

fn wait_for(path: &Path, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while !path.exists() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(StdDuration::from_millis(1));
    }
}

/// One process's share: a guard of its own, then `THREADS` threads, each one wrong-password
/// login for the account from the same IP, all released together once the start file exists.
/// Each thread has its own copy of the record, so the verifications really run in parallel.
/// Writes "failed locked" to the outcomes file.
fn fire(prefix: &str, dir: &Path, index: usize, policy: Policy) {
    let record = load_record(dir);
    let guard = guard(prefix, &log_path(dir, &index.to_string()), policy);
    std::fs::write(ready_path(dir, index), b"").unwrap();
    wait_for(&start_path(dir), "the start signal");
    let barrier = Barrier::new(THREADS);
    let outcomes: Vec<LoginOutcome> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let mut record = record.clone();
                let (guard, barrier) = (&guard, &barrier);
                s.spawn(move || {
                    let attempt =
                        LoginAttempt::new(ACCOUNT, WRONG, ip(ATTACKER)).with_challenge_passed();
                    barrier.wait();
                    guard.login(&attempt, Some(&mut record)).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let failed = outcomes
        .iter()
        .filter(|o| **o == LoginOutcome::Failed)
        .count();
    let locked = outcomes
        .iter()
        .filter(|o| **o == LoginOutcome::Locked)
        .count();
    assert_eq!(failed + locked, THREADS, "{outcomes:?}");
    std::fs::write(outcomes_path(dir, index), format!("{failed} {locked}")).unwrap();
}

fn events(log: &Path) -> Vec<AuditEvent> {
    let mut out = Vec::new();
    AuditReader::open(&ring(), log)
        .unwrap()
        .for_each(|_, e| {
            out.push(e.clone());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    out
}

fn detail(e: &AuditEvent) -> &str {
    e.detail.as_deref().unwrap_or("")
}

/// What `processes` children left behind: their outcomes, their audit logs, the store; then a
/// login with the right password must find the account locked.
#[allow(clippy::print_stdout, reason = "the counts, shown with --nocapture")]
fn check(prefix: &str, dir: &Path, processes: usize, password: &str, policy: Policy) {
    let max = policy.lockout().account.max_failures as usize;
    let attempts = processes * THREADS;
    let (mut verified, mut refused, mut locks) = (0, 0, Vec::new());
    for index in 0..processes {
        let text = std::fs::read_to_string(outcomes_path(dir, index)).unwrap();
        let (failed, locked) = text.split_once(' ').unwrap();
        let (failed, locked): (usize, usize) = (failed.parse().unwrap(), locked.parse().unwrap());
        let events = events(&log_path(dir, &index.to_string()));
        let (mut v, mut r) = (0, 0);
        for e in &events {
            assert_eq!(e.actor.id, ACCOUNT, "{e:?}");
            assert_eq!(e.source.ip, Some(ip(ATTACKER)), "{e:?}");
            match e.kind {
                EventKind::AuthnLoginFail if detail(e) == VERIFIED => v += 1,
                EventKind::AuthnLoginFail if detail(e).starts_with("refused") => r += 1,
                EventKind::AuthnLoginLock if detail(e).starts_with("locked:") => {
                    locks.push(detail(e).to_owned());
                }
                _ => panic!("process {index}: unexpected event {e:?}"),
            }
        }
        // Every attempt has its event, in the log of the process that made it.
        assert_eq!(
            (v, r),
            (failed, locked),
            "process {index}: events vs outcomes"
        );
        verified += v;
        refused += r;
    }
    println!(
        "{policy:?}: {processes} processes x {THREADS} threads: {verified} verifications, \
         {refused} refused, locks {locks:?}"
    );
    assert_eq!(verified, max, "verifications");
    assert_eq!(refused, attempts - max, "refused attempts");
    // Each lock event lists the scopes it locked: "locked: account until …, account_ip until …".
    let mut scopes: Vec<&str> = locks
        .iter()
        .flat_map(|l| l.trim_start_matches("locked: ").split(", "))
        .map(|s| s.split_once(" until ").unwrap().0)
        .collect();
    scopes.sort_unstable();
    match policy {
        Policy::AccountOnly => {
            assert_eq!(locks.len(), 1, "lock events: {locks:?}");
            assert_eq!(scopes, ["account"], "{locks:?}");
        }
        Policy::Default => {
            assert!(matches!(locks.len(), 1 | 2), "lock events: {locks:?}");
            assert_eq!(scopes, ["account", "account_ip"], "{locks:?}");
        }
    }

    // The store: the account is locked and no slot was left in flight.
    let store = store(prefix);
    let now = OffsetDateTime::now_utc();
    let account = store
        .peek(&lockout_key(Scope::Account, ACCOUNT, None), now)
        .unwrap();
    assert!(account.locked_until.is_some(), "{account:?}");
    assert_eq!(account.in_flight, 0, "{account:?}");
    let pair = store
        .peek(
            &lockout_key(Scope::AccountIp, ACCOUNT, Some(ip(ATTACKER))),
            now,
        )
        .unwrap();
    assert_eq!(pair.in_flight, 0, "{pair:?}");
    assert_eq!(
        pair.locked_until.is_some(),
        policy == Policy::Default,
        "{pair:?}"
    );
    // The IP's failures are not reset by a lock of the account: all of them are there.
    let source = store
        .peek(&lockout_key(Scope::SourceIp, "", Some(ip(ATTACKER))), now)
        .unwrap();
    assert_eq!(
        (source.failures, source.in_flight),
        (max as u32, 0),
        "{source:?}"
    );
    assert!(source.locked_until.is_none(), "{source:?}");

    // A fresh guard on the same keys: the right password, from elsewhere, is refused unchecked.
    let log = log_path(dir, "parent");
    let owner = guard(prefix, &log, policy);
    let mut record = load_record(dir);
    let before = record.clone();
    let attempt = LoginAttempt::new(ACCOUNT, password, ip(OWNER)).with_challenge_passed();
    assert_eq!(
        owner.login(&attempt, Some(&mut record)).unwrap(),
        LoginOutcome::Locked
    );
    assert_eq!(record, before, "a refused login changes nothing");
    let events = events(&log);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, EventKind::AuthnLoginFail);
    assert!(
        detail(&events[0]).starts_with("refused: account locked until"),
        "{events:?}"
    );
}

/// The child of the multi-process tests. Run on its own (no variables set), it does the same
/// in one process, under each policy, with a prefix and a temp dir of its own, and checks the
/// same things.
#[test]
fn child_fires_wrong_passwords_at_one_account() {
    match std::env::var(CHILD_PREFIX) {
        Ok(prefix) => {
            let dir = PathBuf::from(std::env::var(CHILD_DIR).unwrap());
            let index: usize = std::env::var(CHILD_INDEX).unwrap().parse().unwrap();
            let policy = Policy::from_name(&std::env::var(CHILD_POLICY).unwrap());
            fire(&prefix, &dir, index, policy);
        }
        Err(_) => {
            for policy in [Policy::AccountOnly, Policy::Default] {
                let prefix = random_prefix("guard:");
                let _cleanup = Cleanup(prefix.clone());
                let dir = tempfile::tempdir().unwrap();
                let password = create_account(dir.path());
                std::fs::write(start_path(dir.path()), b"").unwrap();
                fire(&prefix, dir.path(), 0, policy);
                check(&prefix, dir.path(), 1, &password, policy);
            }
        }
    }
}

/// Child processes, killed if the parent gives up on them.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `PROCESSES` children × `THREADS` threads fire wrong passwords under `policy`; then the
/// parent checks what they left behind, and that the keys go with the prefix.
fn run_processes(policy: Policy) {
    let prefix = random_prefix("guard:");
    let cleanup = Cleanup(prefix.clone());
    let dir = tempfile::tempdir().unwrap();
    let password = create_account(dir.path());
    let exe = std::env::current_exe().unwrap();
    let mut children = Children(
        (0..PROCESSES)
            .map(|index| {
                Command::new(&exe)
                    .args(["--exact", CHILD, "--nocapture", "--test-threads", "1"])
                    .env(CHILD_PREFIX, &prefix)
                    .env(CHILD_DIR, dir.path())
                    .env(CHILD_INDEX, index.to_string())
                    .env(CHILD_POLICY, policy.name())
                    .env("REDIS_URL", url())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect(),
    );
    // All processes start firing together, once each has its guard.
    let deadline = Instant::now() + PATIENCE;
    while !(0..PROCESSES).all(|i| ready_path(dir.path(), i).exists()) {
        for child in &mut children.0 {
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!("a child ended before the start: {status}\n{err}");
            }
        }
        assert!(Instant::now() < deadline, "the children never got ready");
        std::thread::sleep(StdDuration::from_millis(5));
    }
    std::fs::write(start_path(dir.path()), b"").unwrap();
    while let Some(child) = children.0.pop() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "child failed: {}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    check(&prefix, dir.path(), PROCESSES, &password, policy);

    // Every key the guard wrote is under the prefix, and goes with it.
    let mut con = redis::Client::open(url())
        .and_then(|c| c.get_connection_with_timeout(StdDuration::from_secs(5)))
        .unwrap_or_else(|e| unreachable(&e));
    assert!(!keys_under(&mut con, &prefix).unwrap().is_empty());
    drop(cleanup);
    assert_eq!(keys_under(&mut con, &prefix).unwrap(), Vec::<String>::new());
}

/// The requirement: with the account the only scope that can lock, 4 processes × 16
/// threads verify exactly 5 passwords, the account is locked, and the logs hold an event for
/// every attempt and exactly one lock event.
#[test]
fn processes_firing_wrong_passwords_verify_exactly_the_limit_and_lock_once() {
    run_processes(Policy::AccountOnly);
}

/// The same under the default policy, whose account and account+IP limits both lock at the
/// fifth failure: still exactly 5 verifications and an event for every attempt, and each scope
/// locked exactly once (in one event, or in two when two attempts in flight together each
/// reached the limit of one scope first).
#[test]
fn processes_under_the_default_policy_lock_each_scope_exactly_once() {
    run_processes(Policy::Default);
}
