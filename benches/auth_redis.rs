//! The Redis attempt store: reserve + finish pairs per second against the server at
//! `REDIS_URL` (default `redis://127.0.0.1:6379`), and in the same run `redis-benchmark -t incr
//! -n 100000 -q` (50 clients) as the baseline, with the ratio of script calls to INCRs.
//!
//! ```text
//! cargo bench --features redis --bench auth_redis
//! ```
//!
//! Under `cargo test` (criterion's test mode) every part runs briefly and the baseline with
//! 1,000 requests.
#![allow(
    clippy::print_stdout,
    clippy::panic,
    reason = "a bench reports its numbers, and fails loudly without a server"
)]

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use time::OffsetDateTime;
use twsec::auth::{
    AttemptOutcome, AttemptStore, Limit, LockoutPolicy, RedisStore, Scope, lockout_key,
};

fn url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

fn store(pool: usize) -> RedisStore {
    RedisStore::builder(&url())
        .prefix(format!("twsec-bench:{:016x}:", rand::random::<u64>()))
        .pool_size(NonZeroUsize::new(pool).expect("a pool"))
        .build()
        .unwrap_or_else(|e| panic!("Redis is not reachable at REDIS_URL={:?}: {e}", url()))
}

fn accounts() -> Vec<String> {
    (0..10_000)
        .map(|i| lockout_key(Scope::Account, &format!("user{i}"), None))
        .collect()
}

/// One login's store traffic: a slot, then a success that gives it back.
fn attempt(store: &RedisStore, key: &str, limit: &Limit) {
    let now = OffsetDateTime::now_utc();
    black_box(store.reserve(key, limit, now).expect("reserve"));
    black_box(
        store
            .finish(key, limit, AttemptOutcome::Success, now)
            .expect("finish"),
    );
}

/// Pairs per second from `threads` threads sharing one store, for about `time`.
fn pairs_per_second(threads: usize, time: Duration) -> f64 {
    let store = store(threads);
    let keys = accounts();
    let limit = LockoutPolicy::default().account;
    let start = Instant::now();
    let done: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (store, keys) = (&store, &keys);
                s.spawn(move || {
                    let mut n = 0;
                    while start.elapsed() < time {
                        attempt(store, &keys[(t * 7919 + n) % keys.len()], &limit);
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    done as f64 / start.elapsed().as_secs_f64()
}

/// `redis-benchmark -t incr -n <requests> -q` against the same server: INCRs per second.
fn incr_per_second(requests: u32) -> Result<f64, String> {
    let info = redis::Client::open(url())
        .map_err(|e| e.to_string())?
        .get_connection_info()
        .addr
        .clone();
    let mut cmd = Command::new("redis-benchmark");
    match info {
        redis::ConnectionAddr::Tcp(host, port) => cmd.args(["-h", &host, "-p", &port.to_string()]),
        redis::ConnectionAddr::Unix(path) => cmd.arg("-s").arg(path),
        other => return Err(format!("no baseline for {other:?}")),
    };
    let out = cmd
        .args(["-t", "incr", "-n", &requests.to_string(), "-q"])
        .output()
        .map_err(|e| format!("redis-benchmark: {e} (apt-get install redis-tools)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    // The last progress report ends with "INCR: <n> requests per second, p50=…".
    text.rsplit(['\r', '\n'])
        .find_map(|part| part.trim().strip_prefix("INCR: "))
        .and_then(|rest| rest.split_once(" requests per second"))
        .and_then(|(n, _)| n.parse().ok())
        .ok_or_else(|| format!("redis-benchmark said: {text}"))
}

fn reserve_finish(c: &mut Criterion) {
    let store = store(1);
    let keys = accounts();
    let limit = LockoutPolicy::default().account;
    let mut g = c.benchmark_group("auth-redis");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(1));
    g.bench_function("reserve+finish/1-thread", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % keys.len();
            attempt(&store, &keys[i], &limit);
        });
    });
    g.finish();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benchmarking = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let mut c = Criterion::default().configure_from_args();
    reserve_finish(&mut c);
    c.final_summary();

    let (time, requests) = if benchmarking {
        (Duration::from_secs(3), 100_000)
    } else {
        (Duration::from_millis(100), 1_000)
    };
    let one = pairs_per_second(1, time);
    let eight = pairs_per_second(8, time);
    let fifty = pairs_per_second(50, time);
    println!(
        "auth-redis reserve+finish: {one:.0} pairs/s with 1 thread, {eight:.0} with 8, \
         {fifty:.0} with 50"
    );
    match incr_per_second(requests) {
        Ok(incr) => println!(
            "auth-redis baseline redis-benchmark -t incr -n {requests} (50 clients): {incr:.0} \
             INCR/s; script calls (2 per pair) at 50 threads are {:.2}x that, pairs {:.2}x",
            2.0 * fifty / incr,
            fifty / incr
        ),
        Err(e) => println!("auth-redis baseline not measured: {e}"),
    }
}
