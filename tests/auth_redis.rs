//! The Redis attempt store against a real server at `REDIS_URL` (default
//! `redis://127.0.0.1:6379`): the same results as `MemoryStore` for the same operations, expiry
//! set on every key, at most `max_failures` verifications from 4 processes × 16 threads, broken
//! connections replaced, errors instead of panics.
//!
//! These tests never skip: without a server they fail, saying how to start one. Each test uses
//! its own random key prefix and deletes its keys at the end, also when it fails.
#![cfg(feature = "redis")]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::io::Read as _;
use std::num::NonZeroUsize;
use std::process::{Command, Stdio};
use std::sync::Barrier;
use std::time::{Duration as StdDuration, Instant};

use time::{Duration, OffsetDateTime};
use twsec::auth::{
    AttemptOutcome, AttemptStore, Finished, KeyState, Limit, MemoryStore, Progressive, RedisStore,
    Reservation, Scope, StoreError, lockout_key,
};

/// The child test of the multi-process test, and the variables that tell it what to do.
#[path = "support/redis.rs"]
mod support;
use support::{Cleanup, admin, random_prefix, unreachable, url};

const CHILD: &str = "child_fires_attempts_at_one_account";
const CHILD_PREFIX: &str = "TWSEC_TEST_REDIS_PREFIX";
const CHILD_START: &str = "TWSEC_TEST_REDIS_START_MS";
const THREADS: usize = 16;
const PROCESSES: usize = 4;
const MAX_FAILURES: u32 = 5;

fn store(prefix: &str) -> RedisStore {
    RedisStore::builder(&url())
        .prefix(prefix)
        .build()
        .unwrap_or_else(|e| unreachable(&e))
}

/// Redis's clock (`TIME`), to the microsecond.
fn redis_now(con: &mut redis::Connection) -> OffsetDateTime {
    let (s, us): (i64, i64) = redis::cmd("TIME").query(con).unwrap();
    OffsetDateTime::from_unix_timestamp_nanos((i128::from(s) * 1_000_000 + i128::from(us)) * 1_000)
        .unwrap()
}

fn account() -> String {
    lockout_key(Scope::Account, "mingde", None)
}

fn limit(max: u32, window_ms: i64, lock_ms: i64) -> Limit {
    Limit::new(
        max,
        Duration::milliseconds(window_ms),
        Duration::milliseconds(lock_ms),
    )
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Reserve,
    Finish(AttemptOutcome),
    Peek,
    Unlock,
    Wait(u64),
}

/// What one operation answered; instants are compared with a tolerance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    Reserve(Reservation),
    Finish(Finished),
    Peek(KeyState),
    Unlock(bool),
    Waited,
}

impl Seen {
    /// The answer with its instants taken out, and the instants.
    fn split(self) -> (String, Vec<Option<OffsetDateTime>>) {
        match self {
            Seen::Reserve(Reservation::Granted {
                failures,
                unlocked_at,
            }) => (
                format!("granted {failures} {}", unlocked_at.is_some()),
                vec![unlocked_at],
            ),
            Seen::Reserve(Reservation::Locked { until }) => ("locked".into(), vec![Some(until)]),
            Seen::Reserve(r) => (format!("{r:?}"), vec![]),
            Seen::Finish(f) => (
                format!(
                    "finished {} {} {}",
                    f.failures,
                    f.locked_until.is_some(),
                    f.locks
                ),
                vec![f.locked_until],
            ),
            Seen::Peek(k) => (
                format!(
                    "peek {} {} {}",
                    k.failures,
                    k.in_flight,
                    k.locked_until.is_some()
                ),
                vec![k.locked_until],
            ),
            other => (format!("{other:?}"), vec![]),
        }
    }
}

fn apply(s: &dyn AttemptStore, key: &str, limit: &Limit, op: Op, now: OffsetDateTime) -> Seen {
    match op {
        Op::Reserve => Seen::Reserve(s.reserve(key, limit, now).unwrap()),
        Op::Finish(o) => Seen::Finish(s.finish(key, limit, o, now).unwrap()),
        Op::Peek => Seen::Peek(s.peek(key, now).unwrap()),
        Op::Unlock => Seen::Unlock(s.unlock(key, now).unwrap()),
        Op::Wait(ms) => {
            std::thread::sleep(StdDuration::from_millis(ms));
            Seen::Waited
        }
    }
}

/// Runs `ops` on a Redis store and, in lockstep, on a `MemoryStore` whose clock is Redis's
/// clock read just before each operation; asserts both answer the same (instants within the
/// time the slowest operation took) and returns the answers.
fn parity(limit: &Limit, ops: &[Op]) -> Vec<Seen> {
    let prefix = random_prefix("");
    let _cleanup = Cleanup(prefix.clone());
    let redis = store(&prefix);
    let memory = MemoryStore::default();
    let mut con = admin();
    let key = account();
    let mut seen = Vec::new();
    let mut widest = Duration::ZERO;
    for (step, &op) in ops.iter().enumerate() {
        let before = redis_now(&mut con);
        // The scripts count whole milliseconds.
        let ms = before.unix_timestamp_nanos() / 1_000_000 * 1_000_000;
        let now = OffsetDateTime::from_unix_timestamp_nanos(ms).unwrap();
        let got = apply(&redis, &key, limit, op, now);
        let after = redis_now(&mut con);
        // Waiting once is enough: the memory store's clock is Redis's.
        let want = match op {
            Op::Wait(_) => Seen::Waited,
            _ => apply(&memory, &key, limit, op, now),
        };
        let (got_shape, got_times) = got.split();
        let (want_shape, want_times) = want.split();
        assert_eq!(
            got_shape, want_shape,
            "step {step} {op:?}: {got:?} != {want:?}"
        );
        // An instant may come from any earlier step: allow the slowest step so far.
        widest = widest.max(after - before);
        let tolerance = widest + Duration::milliseconds(2);
        for (g, w) in got_times.into_iter().zip(want_times) {
            if let (Some(g), Some(w)) = (g, w) {
                assert!(
                    (g - w).abs() <= tolerance,
                    "step {step} {op:?}: {g} vs {w} (tolerance {tolerance})"
                );
            }
        }
        seen.push(got);
    }
    seen
}

fn shapes(seen: &[Seen]) -> Vec<String> {
    seen.iter().map(|s| s.split().0).collect()
}

#[test]
fn same_operations_give_the_same_results_as_the_memory_store() {
    use AttemptOutcome::{Failure, NotMade, Success};
    use Op::{Finish, Peek, Reserve, Unlock};
    let ops = [
        Peek,
        Unlock,
        // In-flight attempts count against the limit; NotMade gives the slot back.
        Reserve,
        Reserve,
        Reserve,
        Reserve,
        Peek,
        Finish(NotMade),
        Reserve,
        // A success resets the failures (reset_on_success).
        Finish(Failure),
        Finish(Success),
        Peek,
        // Three failures lock; the lock refuses, peek shows it, unlock lifts it once.
        Finish(Failure),
        Finish(Failure),
        Finish(Failure),
        Reserve,
        Peek,
        Unlock,
        Unlock,
        Reserve,
        Finish(Failure),
        Peek,
        // Finishing with nothing in flight does not go below zero.
        Finish(NotMade),
        Finish(NotMade),
        Peek,
    ];
    let seen = shapes(&parity(
        &limit(3, 15 * 60_000, 15 * 60_000).progressive(Progressive::doubling()),
        &ops,
    ));
    assert_eq!(seen[5], "Busy");
    assert_eq!(seen[6], "peek 0 3 false");
    assert_eq!(seen[11], "peek 0 1 false");
    assert_eq!(seen[14], "finished 0 true 1");
    assert_eq!(seen[15], "locked");
    assert_eq!(seen[17], "Unlock(true)");
    assert_eq!(seen[18], "Unlock(false)");
    assert_eq!(seen[19], "granted 0 false");
    assert_eq!(seen[24], "peek 1 0 false");

    // Without reset_on_success (a source IP), a success leaves the failures.
    let mut ip = limit(2, 15 * 60_000, 15 * 60_000);
    ip.reset_on_success = false;
    let seen = shapes(&parity(
        &ip,
        &[
            Reserve,
            Finish(Failure),
            Reserve,
            Finish(Success),
            Reserve,
            Finish(Failure),
            Reserve,
        ],
    ));
    assert_eq!(seen[5], "finished 0 true 1");
    assert_eq!(seen[6], "locked");
}

#[test]
fn windows_locks_and_progressive_locks_end_like_the_memory_store() {
    use AttemptOutcome::{Failure, NotMade, Success};
    use Op::{Finish, Peek, Reserve, Unlock, Wait};
    let mut growth = Progressive::doubling();
    growth.max = Duration::milliseconds(500);
    growth.forget_after = Duration::milliseconds(300);
    let limit = limit(2, 300, 200).progressive(growth);
    let lock = [Reserve, Finish(Failure), Reserve, Finish(Failure)];
    let ops: Vec<Op> = [
        &lock[..],
        // Lock 1 (200 ms): refused, then over by itself and reported once.
        &[Reserve, Peek, Wait(300), Reserve],
        // Lock 2 (400 ms), remembered: the count grows.
        &[Finish(Failure), Reserve, Finish(Failure), Peek, Wait(500)],
        &[Reserve, Finish(NotMade)],
        // Lock 3 (800 ms capped to 500 ms), lifted by an operator: nothing left to report.
        &lock[..],
        &[Unlock, Peek, Reserve, Finish(Success)],
        // The window (300 ms) ends: its failure is forgotten.
        &[
            Reserve,
            Finish(Failure),
            Wait(400),
            Reserve,
            Finish(NotMade),
        ],
        // The lock count is forgotten 300 ms after lock 3's end: the next lock is short again.
        &[Wait(500)],
        &lock[..],
    ]
    .concat();
    let seen = parity(&limit, &ops);
    let shapes = shapes(&seen);
    let locks: Vec<&str> = shapes
        .iter()
        .filter(|s| s.starts_with("finished 0 true"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        locks,
        [
            "finished 0 true 1",
            "finished 0 true 2",
            "finished 0 true 3",
            "finished 0 true 1"
        ]
    );
    assert_eq!(shapes[4], "locked");
    assert_eq!(shapes[7], "granted 0 true");
    assert!(shapes.contains(&"granted 1 false".to_owned()));
}

#[test]
fn every_key_expires_after_its_retention() {
    let prefix = random_prefix("");
    let _cleanup = Cleanup(prefix.clone());
    let store = store(&prefix);
    let mut con = admin();
    let key = account();
    let stored = format!("{prefix}{key}");
    let limit = limit(MAX_FAILURES, 15 * 60_000, 15 * 60_000);
    let retention = limit.retention().whole_milliseconds();
    let now = OffsetDateTime::now_utc();

    store.reserve(&key, &limit, now).unwrap();
    let kind: String = redis::cmd("TYPE").arg(&stored).query(&mut con).unwrap();
    assert_eq!(kind, "hash");
    let pttl: i64 = redis::cmd("PTTL").arg(&stored).query(&mut con).unwrap();
    assert!(pttl > 0 && i128::from(pttl) <= retention, "PTTL {pttl}");
    // The hash tag of the key is the first braces of the stored key too.
    assert!(stored.starts_with(&prefix) && !prefix.contains('{'));
    assert_eq!(
        stored.split_once('{').unwrap().1,
        key.split_once('{').unwrap().1
    );

    // A lock keeps the key a retention past its end, so its end can be reported.
    store
        .finish(&key, &limit, AttemptOutcome::Failure, now)
        .unwrap();
    for _ in 1..MAX_FAILURES {
        store.reserve(&key, &limit, now).unwrap();
        store
            .finish(&key, &limit, AttemptOutcome::Failure, now)
            .unwrap();
    }
    let pttl: i64 = redis::cmd("PTTL").arg(&stored).query(&mut con).unwrap();
    assert!(
        i128::from(pttl) > retention && i128::from(pttl) <= 2 * retention,
        "PTTL {pttl}"
    );

    // Nothing but attempts writes: peek and refusals leave no key behind.
    let other = lockout_key(Scope::Account, "nobody", None);
    store.peek(&other, now).unwrap();
    assert!(!store.unlock(&other, now).unwrap());
    let exists: i64 = redis::cmd("EXISTS")
        .arg(format!("{prefix}{other}"))
        .query(&mut con)
        .unwrap();
    assert_eq!(exists, 0);
}

/// One process's share of the attempts: `THREADS` threads, each reserving until the key is
/// locked and counting a verification (INCR) for every attempt granted. Returns
/// (verifications, refused as busy).
fn fire(prefix: &str, start_ms: i128) -> (u32, u32) {
    let store = RedisStore::builder(&url())
        .prefix(prefix)
        .pool_size(NonZeroUsize::new(8).unwrap())
        .build()
        .unwrap_or_else(|e| unreachable(&e));
    let key = account();
    let counter = format!("{prefix}verifications");
    let limit = limit(MAX_FAILURES, 15 * 60_000, 15 * 60_000);
    let barrier = Barrier::new(THREADS);
    let results: Vec<(u32, u32)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    let mut con = admin();
                    barrier.wait();
                    let wait =
                        start_ms - OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
                    if let Ok(wait) = u64::try_from(wait) {
                        std::thread::sleep(StdDuration::from_millis(wait));
                    }
                    let deadline = Instant::now() + StdDuration::from_secs(30);
                    let (mut verified, mut busy) = (0, 0);
                    loop {
                        assert!(Instant::now() < deadline, "the key never locked");
                        let now = OffsetDateTime::now_utc();
                        match store.reserve(&key, &limit, now).unwrap() {
                            Reservation::Granted { .. } => {
                                // The password check this slot allowed.
                                let _: i64 =
                                    redis::cmd("INCR").arg(&counter).query(&mut con).unwrap();
                                verified += 1;
                                store
                                    .finish(&key, &limit, AttemptOutcome::Failure, now)
                                    .unwrap();
                            }
                            Reservation::Busy => {
                                busy += 1;
                                std::thread::yield_now();
                            }
                            Reservation::Locked { .. } => break,
                            other => panic!("{other:?}"),
                        }
                    }
                    (verified, busy)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    results
        .into_iter()
        .fold((0, 0), |(v, b), (v2, b2)| (v + v2, b + b2))
}

fn verifications(con: &mut redis::Connection, prefix: &str) -> u32 {
    let n: Option<u32> = redis::cmd("GET")
        .arg(format!("{prefix}verifications"))
        .query(con)
        .unwrap();
    n.unwrap_or(0)
}

fn now_ms() -> i128 {
    OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000
}

/// The child of `concurrent_attempts_from_processes_verify_at_most_the_limit`. Run on its own
/// (no variables set), it does the same in one process with a prefix of its own.
#[test]
fn child_fires_attempts_at_one_account() {
    match std::env::var(CHILD_PREFIX) {
        Ok(prefix) => {
            let start: i128 = std::env::var(CHILD_START).unwrap().parse().unwrap();
            let (verified, busy) = fire(&prefix, start);
            println!("child verified={verified} busy={busy}");
        }
        Err(_) => {
            let prefix = random_prefix("");
            let _cleanup = Cleanup(prefix.clone());
            let (verified, _) = fire(&prefix, now_ms() + 100);
            assert_eq!(verified, MAX_FAILURES);
            assert_eq!(verifications(&mut admin(), &prefix), MAX_FAILURES);
            let state = store(&prefix)
                .peek(&account(), OffsetDateTime::now_utc())
                .unwrap();
            assert!(state.locked_until.is_some(), "{state:?}");
        }
    }
}

#[test]
fn concurrent_attempts_from_processes_verify_at_most_the_limit() {
    let prefix = random_prefix("");
    let _cleanup = Cleanup(prefix.clone());
    let mut con = admin();
    // All processes start firing at the same instant, once they are all up.
    let start = now_ms() + 1_500;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", CHILD, "--nocapture", "--test-threads", "1"])
                .env(CHILD_PREFIX, &prefix)
                .env(CHILD_START, start.to_string())
                .env("REDIS_URL", url())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut verified = 0;
    let mut busy = 0;
    for mut child in children {
        let mut out = String::new();
        let mut err = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "child failed: {status}\n{out}\n{err}");
        let line = out
            .lines()
            .find_map(|l| l.split_once("child verified=").map(|(_, rest)| rest))
            .unwrap_or_else(|| panic!("the child ran no attempts:\n{out}"));
        let (v, b) = line.split_once(" busy=").unwrap();
        verified += v.parse::<u32>().unwrap();
        busy += b.parse::<u32>().unwrap();
    }
    println!(
        "{PROCESSES} processes x {THREADS} threads: {verified} verifications, {busy} refused as busy"
    );
    assert_eq!(verified, MAX_FAILURES);
    assert_eq!(verifications(&mut con, &prefix), MAX_FAILURES);
    let state = store(&prefix)
        .peek(&account(), OffsetDateTime::now_utc())
        .unwrap();
    assert!(state.locked_until.is_some(), "{state:?}");
    assert_eq!((state.failures, state.in_flight), (0, 0));
}

/// Kills the connections named `name` on the server.
fn kill_clients(name: &str) -> usize {
    let mut con = admin();
    let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut con).unwrap();
    let ids: Vec<String> = list
        .lines()
        .filter(|l| l.split(' ').any(|f| f == format!("name={name}")))
        .filter_map(|l| l.split(' ').find_map(|f| f.strip_prefix("id=")))
        .map(str::to_owned)
        .collect();
    for id in &ids {
        let _: i64 = redis::cmd("CLIENT")
            .arg("KILL")
            .arg("ID")
            .arg(id)
            .query(&mut con)
            .unwrap();
    }
    ids.len()
}

#[test]
fn a_broken_connection_is_replaced_and_finish_is_never_repeated() {
    let prefix = random_prefix("");
    let _cleanup = Cleanup(prefix.clone());
    let name = format!("twsec-test-{:016x}", rand::random::<u64>());
    let store = RedisStore::builder(&url())
        .prefix(&prefix)
        .pool_size(NonZeroUsize::MIN)
        .client_name(&name)
        .build()
        .unwrap_or_else(|e| unreachable(&e));
    let key = account();
    let limit = limit(MAX_FAILURES, 15 * 60_000, 15 * 60_000);
    let now = OffsetDateTime::now_utc();

    assert!(matches!(
        store.reserve(&key, &limit, now).unwrap(),
        Reservation::Granted { .. }
    ));
    // A reserve on a connection the server dropped goes again on a new one.
    assert_eq!(kill_clients(&name), 1);
    assert!(matches!(
        store.reserve(&key, &limit, now).unwrap(),
        Reservation::Granted { .. }
    ));
    assert_eq!(store.peek(&key, now).unwrap().in_flight, 2);
    // A finish is not repeated (a second one could give a slot back twice): an error, and the
    // next call connects again.
    assert_eq!(kill_clients(&name), 1);
    let err = store
        .finish(&key, &limit, AttemptOutcome::NotMade, now)
        .unwrap_err();
    assert!(err.0.starts_with("redis: "), "{err}");
    assert_eq!(store.peek(&key, now).unwrap().in_flight, 2);
    store
        .finish(&key, &limit, AttemptOutcome::NotMade, now)
        .unwrap();
    // Peek goes again too.
    assert_eq!(kill_clients(&name), 1);
    assert_eq!(store.peek(&key, now).unwrap().in_flight, 1);
}

#[test]
fn scripts_are_sent_again_after_script_flush() {
    let prefix = random_prefix("");
    let _cleanup = Cleanup(prefix.clone());
    let store = store(&prefix);
    let key = account();
    let limit = limit(MAX_FAILURES, 15 * 60_000, 15 * 60_000);
    let now = OffsetDateTime::now_utc();
    store.reserve(&key, &limit, now).unwrap();
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .arg("SYNC")
        .query(&mut admin())
        .unwrap();
    let f = store
        .finish(&key, &limit, AttemptOutcome::Failure, now)
        .unwrap();
    assert_eq!(f.failures, 1);
    assert_eq!(store.peek(&key, now).unwrap().failures, 1);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn unreachable_servers_garbage_urls_and_bad_settings_are_errors() {
    let fail = |url: &str| -> StoreError {
        RedisStore::builder(url)
            .connect_timeout(StdDuration::from_millis(500))
            .io_timeout(StdDuration::from_millis(500))
            .build()
            .unwrap_err()
    };
    // Nobody listening; the password never shows in the error or in Debug.
    let port = free_port();
    let err = fail(&format!("redis://user:s3cret@127.0.0.1:{port}"));
    assert!(err.0.starts_with("redis: "), "{err}");
    assert!(!err.0.contains("s3cret"));
    let builder = RedisStore::builder(&format!("redis://user:s3cret@127.0.0.1:{port}"));
    assert!(!format!("{builder:?}").contains("s3cret"));

    // A server that accepts and never answers: a timeout, not a hang.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let held = silent.accept();
        std::thread::sleep(StdDuration::from_secs(5));
        drop(held);
    });
    let started = Instant::now();
    let err = fail(&format!("redis://{addr}"));
    assert!(started.elapsed() < StdDuration::from_secs(4), "{err}");

    for garbage in [
        "",
        "not a url",
        "http://127.0.0.1:6379",
        "redis://[::1",
        "redis://127.0.0.1:99999",
        "redis://127.0.0.1:6379/not-a-db",
        "\u{0}\u{ff}redis",
    ] {
        let err = fail(garbage);
        assert!(err.0.starts_with("redis: "), "{garbage:?}: {err}");
    }

    // Settings that cannot work are refused before connecting.
    let url = url();
    assert!(
        RedisStore::builder(&url)
            .prefix("app:{x}:")
            .build()
            .is_err()
    );
    assert!(
        RedisStore::builder(&url)
            .io_timeout(StdDuration::ZERO)
            .build()
            .is_err()
    );
    assert!(
        RedisStore::builder(&url)
            .client_name("two words")
            .build()
            .is_err()
    );
    assert!(
        RedisStore::builder(&url)
            .pool_size(NonZeroUsize::new(RedisStore::MAX_POOL_SIZE + 1).unwrap())
            .build()
            .is_err()
    );
    // And the defaults work.
    let s = RedisStore::open(&url).unwrap_or_else(|e| unreachable(&e));
    assert!(format!("{s:?}").contains("twsec:auth:"));
}
