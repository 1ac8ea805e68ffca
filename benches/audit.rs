//! Audit-log append throughput per durability mode, with 1 and 8 writers, and the cost of the
//! chain against writing the same serialised events without one.
//!
//! ```text
//! cargo bench --bench audit
//! ```

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use secrecy::SecretBox;
use twsec::audit::{Actor, AuditEvent, Durability, EventKind, FileSink, Outcome};
use twsec::clock::SystemClock;
use twsec::crypto::{Keyring, MasterKey};

fn event(i: u64) -> AuditEvent {
    AuditEvent::new(
        EventKind::AuthnLoginFail,
        Outcome::Failure,
        Actor::account(&format!("user{i}")),
        &SystemClock,
    )
    .from_ip("192.0.2.10".parse().expect("an IP"))
    .in_system("網路下單", "登入")
    .with_detail("wrong password")
}

/// `n` events split over `writers` threads, built before the clock starts.
fn per_writer(writers: u64, n: u64) -> Vec<Vec<AuditEvent>> {
    (0..writers)
        .map(|w| (0..n / writers).map(|i| event(w * n + i)).collect())
        .collect()
}

/// Runs `n` appends split over `writers` threads and returns the wall time.
fn run(writers: u64, n: u64, append: &(dyn Fn(&AuditEvent) + Sync)) -> Duration {
    run_batches(writers, n, &|batch| batch.iter().for_each(append))
}

/// Runs `n` appends split over `writers` threads, each submitting `window` events before
/// waiting for them.
fn run_windows(writers: u64, n: u64, window: usize, sink: &FileSink) -> Duration {
    run_batches(writers, n, &|batch| {
        for chunk in batch.chunks(window) {
            let pending: Vec<_> = chunk
                .iter()
                .map(|e| sink.submit(e).expect("submit"))
                .collect();
            for p in pending {
                p.wait().expect("durable");
            }
        }
    })
}

/// Gives each of `writers` threads its share of `n` events and returns the wall time.
fn run_batches(writers: u64, n: u64, each: &(dyn Fn(&[AuditEvent]) + Sync)) -> Duration {
    let events = per_writer(writers, n);
    let start = Instant::now();
    std::thread::scope(|s| {
        for batch in &events {
            s.spawn(move || each(batch));
        }
    });
    start.elapsed()
}

fn appends(c: &mut Criterion) {
    // On the project's disk (not a tmpfs), so that fsync costs what it costs.
    let dir = tempfile::tempdir_in(env!("CARGO_MANIFEST_DIR")).expect("temp dir");
    let ring = Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([7u8; 32]))));
    let mut g = c.benchmark_group("audit");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    let mut file_no = 0;
    for writers in [1u64, 8] {
        for (name, durability, batch) in [
            ("os-buffered", Durability::OsBuffered, 8_000u64),
            ("group-commit", Durability::GroupCommit, 800),
            ("fsync", Durability::Fsync, 80),
        ] {
            g.throughput(Throughput::Elements(batch));
            g.bench_function(format!("{name}/{writers}-writers"), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            file_no += 1;
                            let path = dir.path().join(format!("{file_no}.jsonl"));
                            let sink = FileSink::open(&ring, &path, durability, &SystemClock)
                                .expect("open");
                            run(writers, batch, &|e| {
                                sink.append(e).expect("append");
                            })
                        })
                        .sum()
                });
            });
        }
        // Group commit with 16 appends in flight per writer (`submit`, then `wait` for the last
        // of each window): one fsync covers up to 16 × writers records.
        let batch = 1_600;
        g.throughput(Throughput::Elements(batch));
        g.bench_function(
            format!("group-commit-16-in-flight/{writers}-writers"),
            |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            file_no += 1;
                            let path = dir.path().join(format!("{file_no}.jsonl"));
                            let sink =
                                FileSink::open(&ring, &path, Durability::GroupCommit, &SystemClock)
                                    .expect("open");
                            run_windows(writers, batch, 16, &sink)
                        })
                        .sum()
                });
            },
        );
        // The same events serialised and written under one lock, without sequence or chain.
        let batch = 8_000;
        g.throughput(Throughput::Elements(batch));
        g.bench_function(format!("no-chain-baseline/{writers}-writers"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        file_no += 1;
                        let path = dir.path().join(format!("{file_no}.jsonl"));
                        let file = Mutex::new(std::fs::File::create(&path).expect("create"));
                        let file = Arc::new(file);
                        run(writers, batch, &|e| {
                            let mut line = serde_json::to_vec(e).expect("serialise");
                            line.push(b'\n');
                            file.lock().expect("lock").write_all(&line).expect("write");
                        })
                    })
                    .sum()
            });
        });
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    appends(&mut c);
    c.final_summary();
}
