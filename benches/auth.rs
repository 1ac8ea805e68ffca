//! The login guard's costs: the lockout pre-check on the in-memory store (target ≥ 2 million
//! attempts per second per core), and a whole login for an unknown account (dummy hash) against
//! a known account with a wrong password (medians within 10%: no timing oracle).
//!
//! ```text
//! cargo bench --bench auth
//! ```

use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use time::macros::datetime;
use twsec::account::Accounts;
use twsec::auth::{
    AttemptOutcome, AttemptStore, Guard, Limit, LockoutPolicy, LoginAttempt, MemoryStore,
};
use twsec::clock::{Clock as _, ManualClock, SystemClock};
use twsec::control::Profile;
use twsec::password::{Hasher, HasherConfig, PersonalInfo};

fn precheck(c: &mut Criterion) {
    let store = MemoryStore::default();
    let policy = LockoutPolicy::default();
    let now = datetime!(2026-06-01 09:00 UTC);
    let ip: IpAddr = "198.51.100.20".parse().expect("IP");
    let mut g = c.benchmark_group("auth-precheck");
    g.throughput(Throughput::Elements(1));
    // The pre-check proper — what the guard does before hashing: build the keys of the three
    // scopes and reserve a slot in each (limits high enough that the slots never run out).
    let mut roomy = LockoutPolicy::default();
    let big = Limit::new(
        u32::MAX,
        time::Duration::minutes(15),
        time::Duration::minutes(15),
    );
    roomy.account = big;
    roomy.account_ip = Some(big);
    roomy.source_ip = Some(big);
    let accounts: Vec<String> = (0..10_000).map(|i| format!("user{i}")).collect();
    // Every key is in the store before the clock starts, as in a running service.
    let warm = MemoryStore::default();
    for account in &accounts {
        for (_, key, limit) in roomy.keys(account, ip) {
            warm.reserve(&key, &limit, now).expect("reserve");
        }
    }
    g.bench_function("memory/3-scopes-reserve", |b| {
        let store = &warm;
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 1) % accounts.len();
            for (_, key, limit) in roomy.keys(&accounts[i], ip) {
                black_box(store.reserve(&key, &limit, now).expect("reserve"));
            }
        });
    });
    // The whole bookkeeping of an attempt: reserve, then give back uncounted.
    // (A store of its own: the one above has every slot taken.)
    let warm = MemoryStore::default();
    for account in &accounts {
        for (_, key, limit) in policy.keys(account, ip) {
            warm.reserve(&key, &limit, now).expect("reserve");
            warm.finish(&key, &limit, AttemptOutcome::NotMade, now)
                .expect("finish");
        }
    }
    g.bench_function("memory/3-scopes-reserve-and-finish", |b| {
        let store = &warm;
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 1) % accounts.len();
            for (_, key, limit) in policy.keys(&accounts[i], ip) {
                black_box(store.reserve(&key, &limit, now).expect("reserve"));
                store
                    .finish(&key, &limit, AttemptOutcome::NotMade, now)
                    .expect("finish");
            }
        });
    });
    // The attack case: a locked account is refused at its first scope, before anything else.
    let locked_limit = Limit::new(1, time::Duration::hours(1), time::Duration::hours(1));
    let (_, locked_key, _) = policy.keys("victim", ip).remove(0);
    if let Ok(twsec::auth::Reservation::Granted { .. }) =
        store.reserve(&locked_key, &locked_limit, now)
    {
        store
            .finish(&locked_key, &locked_limit, AttemptOutcome::Failure, now)
            .expect("lock");
    }
    g.bench_function("memory/locked-account", |b| {
        b.iter(|| {
            let (_, key, _) = &policy.keys("victim", ip)[0];
            black_box(store.reserve(key, &locked_limit, now).expect("reserve"))
        });
    });
    // One scope, one key: the store's own cost.
    let limit = Limit::new(5, time::Duration::minutes(15), time::Duration::minutes(15));
    g.bench_function("memory/1-key", |b| {
        b.iter(|| {
            black_box(
                store
                    .reserve("acct:{6:mingde}", &limit, now)
                    .expect("reserve"),
            );
            store
                .finish("acct:{6:mingde}", &limit, AttemptOutcome::NotMade, now)
                .expect("finish");
        });
    });
    g.finish();
}

fn enumeration(c: &mut Criterion) {
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let profile = Profile::twse_staff();
    let accounts = Accounts::new(
        &profile,
        Hasher::new(HasherConfig::default()).expect("hasher"),
    )
    .expect("accounts");
    let mut record = accounts
        .create("mingde", &PersonalInfo::default(), clock.now())
        .expect("create")
        .record;
    // No lock may interfere with the measurement.
    let mut policy = LockoutPolicy::default();
    let never = Limit::new(
        u32::MAX,
        time::Duration::minutes(1),
        time::Duration::minutes(1),
    );
    policy.account = never;
    policy.account_ip = Some(never);
    policy.source_ip = Some(never);
    policy.challenge_after = None;
    let guard =
        Guard::new(accounts, policy, Arc::new(MemoryStore::default()), clock).expect("guard");
    let ip: IpAddr = "198.51.100.21".parse().expect("IP");
    let mut g = c.benchmark_group("auth-login");
    g.sample_size(30).measurement_time(Duration::from_secs(8));
    g.bench_function("known-account-wrong-password", |b| {
        b.iter(|| {
            guard
                .login(
                    &LoginAttempt::new("mingde", "wrong-password", ip),
                    Some(&mut record),
                )
                .expect("login")
        });
    });
    g.bench_function("unknown-account", |b| {
        b.iter(|| {
            guard
                .login(&LoginAttempt::new("nobody", "wrong-password", ip), None)
                .expect("login")
        });
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    precheck(&mut c);
    enumeration(&mut c);
    c.final_summary();
}
