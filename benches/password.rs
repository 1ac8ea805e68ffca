//! Benchmarks of control area PW: the rule check and argon2id hashing.
//!
//! ```text
//! cargo bench --bench password              # everything (a few minutes on 2 cores)
//! cargo bench --bench password -- check     # the rules only
//! cargo bench --bench password -- hash      # hashing, pool vs. the argon2 crate directly
//! python3 benches/libargon2_reference.py    # the C reference (argon2-cffi), same parameters
//! ```
//!
//! Targets (from the issue): `check/20-char` below 10 µs median; `hash/default` within 1.2× of
//! libargon2 at the same parameters. `cargo test --all-targets` runs every benchmark once.

use std::hint::black_box;
use std::time::Duration;

use argon2::{Algorithm, Argon2, Params, Version};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use twsec::control::Profile;
use twsec::password::{HashParams, Hasher, HasherConfig, PersonalInfo};

/// An accepted 20-character password under `Profile::strictest()` for [`person`].
const ACCEPTED_20: &str = "Harbor7-Lantern-Kite";

/// A rejected 20-character password: a substituted common password with a keyboard run, a
/// repeat and the birthday. Refused by PW-CLASSES, PW-REPEATED, PW-SEQUENTIAL, PW-COMMON and
/// PW-PERSONAL-INFO, so every rule does its full work.
const REJECTED_20: &str = "p@ssw0rd1234!!!!0714";

/// A realistic personal record: every field that PW-PERSONAL-INFO knows.
fn person() -> PersonalInfo {
    PersonalInfo::new()
        .account("chen.mingde")
        .name("陳明德")
        .name("Chen Ming-De")
        .email("mingde.chen@example.com.tw")
        .phone("+886 912-345-678")
        .birthday(time::macros::date!(1988 - 07 - 14))
        .national_id("F131104093")
        .org_code("193501")
}

fn check(c: &mut Criterion) {
    let policy = Profile::strictest().password;
    let me = person();
    // The benchmarks measure what they claim to measure.
    assert_eq!(ACCEPTED_20.chars().count(), 20);
    assert!(policy.check(ACCEPTED_20, &me).is_accepted());
    assert_eq!(REJECTED_20.chars().count(), 20);
    assert_eq!(
        policy.check(REJECTED_20, &me).codes(),
        [
            "PW-CLASSES",
            "PW-REPEATED",
            "PW-SEQUENTIAL",
            "PW-COMMON",
            "PW-PERSONAL-INFO"
        ]
    );
    let huge: String = ACCEPTED_20.chars().cycle().take(1 << 20).collect();
    assert_eq!(huge.len(), 1 << 20);
    assert_eq!(policy.check(&huge, &me).codes(), ["PW-LENGTH-MAX"]);

    let mut g = c.benchmark_group("check");
    g.bench_function("20-char", |b| {
        b.iter(|| policy.check(black_box(ACCEPTED_20), black_box(&me)));
    });
    g.bench_function("20-char-rejected", |b| {
        b.iter(|| policy.check(black_box(REJECTED_20), black_box(&me)));
    });
    g.bench_function("1MiB-input", |b| {
        b.iter(|| policy.check(black_box(huge.as_str()), black_box(&me)));
    });
    g.finish();
}

/// Few, long samples: one argon2id hash at m = 19 MiB takes tens of milliseconds.
fn slow_group<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    g
}

fn hash(c: &mut Criterion) {
    let params = HashParams::default();
    assert_eq!(
        (params.m_cost_kib, params.t_cost, params.p_cost),
        (19456, 2, 1)
    );
    let hasher = Hasher::new(HasherConfig::new(params)).expect("hasher");
    let stored = hasher.hash(ACCEPTED_20).expect("hash");
    assert!(
        stored
            .as_phc()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );

    let mut g = slow_group(c, "hash");
    g.bench_function("default", |b| {
        b.iter(|| hasher.hash(black_box(ACCEPTED_20)).expect("hash"));
    });
    // The argon2 crate alone, same parameters and a fixed 16-byte salt: what is left over in
    // `hash/default` is the pool (channel, thread hand-off), NFKC, salt generation and PHC
    // encoding.
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19456, 2, 1, Some(32)).expect("argon2 params"),
    );
    let salt = [0x5a_u8; 16];
    g.bench_function("engine-direct", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            argon
                .hash_password_into(black_box(ACCEPTED_20.as_bytes()), &salt, &mut out)
                .expect("argon2");
            out
        });
    });
    g.finish();

    let mut g = slow_group(c, "verify");
    g.bench_function("default", |b| {
        b.iter(|| {
            let v = hasher
                .verify(black_box(ACCEPTED_20), black_box(&stored))
                .expect("verify");
            assert!(v.is_match());
        });
    });
    g.finish();
}

// What `criterion_group!` and `criterion_main!` expand to, written out: the macro's generated
// `pub fn` would trip the crate's `missing_docs` lint.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    check(&mut c);
    hash(&mut c);
    c.final_summary();
}
