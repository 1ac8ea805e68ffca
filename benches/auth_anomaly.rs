//! Benchmarks of the anomaly detector: blocklist parsing and lookup, and `observe` per login.
//!
//! ```text
//! cargo bench --bench auth_anomaly
//! cargo bench --bench auth_anomaly -- blocklist   # parsing and lookup only
//! ```
//!
//! `cargo test --all-targets` runs every benchmark once.

use std::fmt::Write as _;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU32, Ordering};

use criterion::{Criterion, Throughput};
use time::macros::datetime;
use twsec::auth::{AnomalyDetector, AnomalyPolicy, Blocklist, Observation, ObservedOutcome};
use twsec::clock::ManualClock;

/// A feed of `n` entries: /24 ranges, single addresses and IPv6 /48s, with comments.
fn feed(n: u32) -> String {
    let mut text = String::from("# generated feed\n");
    for i in 0..n {
        let a = Ipv4Addr::from(0x0b00_0000 + i * 512);
        let _ = match i % 3 {
            0 => writeln!(text, "{a}/24 # range {i}"),
            1 => writeln!(text, "{a}"),
            _ => writeln!(text, "2001:db8:{:x}::/48", i & 0xffff),
        };
    }
    text
}

fn blocklist(c: &mut Criterion) {
    let text = feed(100_000);
    let mut g = c.benchmark_group("blocklist");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse/100k", |b| {
        b.iter(|| Blocklist::parse(black_box(&text)).expect("valid feed"));
    });
    let list = Blocklist::parse(&text).expect("valid feed");
    g.throughput(Throughput::Elements(1));
    let hit: IpAddr = "11.0.2.7".parse().expect("an IP");
    let miss: IpAddr = "11.0.1.7".parse().expect("an IP");
    g.bench_function("contains/100k/hit", |b| {
        b.iter(|| list.contains(black_box(hit)))
    });
    g.bench_function("contains/100k/miss", |b| {
        b.iter(|| list.contains(black_box(miss)))
    });
    g.finish();
}

fn observe(c: &mut Criterion) {
    let clock = ManualClock::new(datetime!(2026-03-02 10:00 +8));
    let detector = AnomalyDetector::new(AnomalyPolicy::default())
        .expect("default policy")
        .with_blocklist(Blocklist::parse(&feed(10_000)).expect("valid feed"));
    let next = AtomicU32::new(0);
    let mut g = c.benchmark_group("observe");
    g.throughput(Throughput::Elements(1));
    g.bench_function("failure/new-source", |b| {
        b.iter(|| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let account = format!("user{}", n % 50_000);
            let ip = IpAddr::from(Ipv4Addr::from(0xc000_0000 + n));
            let seen = Observation::new(&account, ip, ObservedOutcome::Failure, &clock);
            black_box(detector.observe(&seen))
        });
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    blocklist(&mut c);
    observe(&mut c);
    c.final_summary();
}
