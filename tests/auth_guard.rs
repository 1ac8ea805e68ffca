//! The login guard end to end: lockout exact under concurrency, challenge before the hard lock,
//! trusted networks, progressive locks, automatic and operator unlock, enumeration resistance,
//! and the audit trail of every attempt.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret as _, SecretBox};
use time::Duration;
use time::macros::datetime;
use twsec::account::{AccountRecord, Accounts, LoginDecision};
use twsec::audit::{AuditEvent, AuditReader, AuditTrail, Durability, EventKind, FileSink};
use twsec::auth::{
    Guard, IdentityConfirmation, Limit, LockoutPolicy, LoginAttempt, LoginOutcome, MemoryStore,
    Progressive,
};
use twsec::clock::{Clock as _, ManualClock};
use twsec::control::Profile;
use twsec::crypto::{Keyring, MasterKey};
use twsec::password::{Hasher, HasherConfig, PersonalInfo};

struct Fixture {
    guard: Guard,
    clock: Arc<ManualClock>,
    ring: Keyring,
    log: PathBuf,
    _dir: tempfile::TempDir,
    record: Mutex<AccountRecord>,
    password: String,
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn fixture(policy: LockoutPolicy) -> Fixture {
    let clock = Arc::new(ManualClock::new(datetime!(2026-06-01 09:00 +08:00)));
    let profile = Profile::twse_staff();
    let accounts = Accounts::new(&profile, Hasher::new(HasherConfig::default()).unwrap()).unwrap();
    let created = accounts
        .create("mingde", &PersonalInfo::default(), clock.now())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let ring = Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([4; 32]))));
    let sink = FileSink::open(&ring, &log, Durability::OsBuffered, clock.as_ref()).unwrap();
    let guard = Guard::new(
        accounts,
        policy,
        Arc::new(MemoryStore::default()),
        clock.clone(),
    )
    .unwrap()
    .with_audit(Arc::new(AuditTrail::new(sink)));
    Fixture {
        guard,
        clock,
        ring,
        log,
        _dir: dir,
        record: Mutex::new(created.record),
        password: created.initial_password.expose_secret().to_owned(),
    }
}

impl Fixture {
    fn login(&self, account: &str, password: &str, from: &str, challenge: bool) -> LoginOutcome {
        let mut attempt = LoginAttempt::new(account, password, ip(from));
        if challenge {
            attempt = attempt.with_challenge_passed();
        }
        if account == "mingde" {
            let mut record = self.record.lock().unwrap();
            self.guard.login(&attempt, Some(&mut record)).unwrap()
        } else {
            self.guard.login(&attempt, None).unwrap()
        }
    }

    fn events(&self) -> Vec<AuditEvent> {
        let mut out = Vec::new();
        AuditReader::open(&self.ring, &self.log)
            .unwrap()
            .for_each(|_, e| {
                out.push(e.clone());
                Ok(())
            })
            .unwrap();
        out
    }

    /// The details of the recorded events of `kind`, in order.
    fn details(&self, kind: EventKind) -> Vec<String> {
        self.events()
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.detail.unwrap_or_default())
            .collect()
    }

    fn count(&self, kind: EventKind, detail: &str) -> usize {
        self.details(kind)
            .iter()
            .filter(|d| d.contains(detail))
            .count()
    }
}

fn no_challenge() -> LockoutPolicy {
    let mut p = LockoutPolicy::default();
    p.challenge_after = None;
    p
}

#[test]
fn five_wrong_passwords_lock_for_fifteen_minutes() {
    let f = fixture(no_challenge());
    for _ in 0..5 {
        assert_eq!(
            f.login("mingde", "wrong", "198.51.100.1", false),
            LoginOutcome::Failed
        );
    }
    // Locked: even the right password is refused, from anywhere, without hashing.
    let right = f.password.clone();
    assert_eq!(
        f.login("mingde", &right, "198.51.100.1", false),
        LoginOutcome::Locked
    );
    assert_eq!(
        f.login("mingde", &right, "192.0.2.50", false),
        LoginOutcome::Locked
    );
    assert_eq!(LoginOutcome::Locked.public_code(), "AUTH-LOCKED");
    f.clock.advance(Duration::minutes(14));
    assert_eq!(
        f.login("mingde", &right, "192.0.2.50", false),
        LoginOutcome::Locked
    );
    // After 15 minutes the lock runs out by itself, and that is recorded.
    f.clock.advance(Duration::minutes(1));
    assert!(matches!(
        f.login("mingde", &right, "192.0.2.50", false),
        LoginOutcome::Allowed(LoginDecision::MustChange { .. })
    ));
    assert_eq!(f.count(EventKind::AuthnLoginLock, "account until"), 1);
    assert_eq!(f.count(EventKind::AuthnLoginUnlock, "automatic unlock"), 1);
    assert_eq!(f.count(EventKind::AuthnLoginSuccess, "login"), 1);
}

#[test]
fn concurrent_wrong_passwords_verify_at_most_the_limit() {
    for policy in [LockoutPolicy::default(), {
        let mut p = LockoutPolicy::default();
        p.account_ip = None;
        p
    }] {
        let f = fixture(policy.clone());
        // Every thread has its own copy of the record, so the 64 logins really run at once
        // (started together at a barrier), as on 64 request handlers.
        let record = f.record.lock().unwrap().clone();
        let barrier = std::sync::Barrier::new(64);
        let outcomes: Vec<LoginOutcome> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..64)
                .map(|_| {
                    let mut mine = record.clone();
                    let (f, barrier) = (&f, &barrier);
                    s.spawn(move || {
                        let attempt =
                            LoginAttempt::new("mingde", "wrong-guess", ip("198.51.100.7"))
                                .with_challenge_passed();
                        barrier.wait();
                        f.guard.login(&attempt, Some(&mut mine)).unwrap()
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
        assert_eq!((failed, locked), (5, 59), "{outcomes:?}");
        // Exactly five verifications, each recorded; every refused attempt recorded too.
        assert_eq!(f.count(EventKind::AuthnLoginFail, "wrong password"), 5);
        assert_eq!(f.count(EventKind::AuthnLoginFail, "refused"), 59);
        // Each scope is locked once. With only the account scope that is one lock event; with
        // the account+IP scope too, two concurrent verifications may each be the fifth failure
        // of a different scope, and each lock is then its own event.
        let locks = f.details(EventKind::AuthnLoginLock);
        // How many lock events name `scope` among the scopes they locked.
        let locking = |scope: &str| {
            let prefix = format!("{scope} until");
            locks
                .iter()
                .filter(|d| {
                    d.trim_start_matches("locked: ")
                        .split(", ")
                        .any(|p| p.starts_with(&prefix))
                })
                .count()
        };
        assert_eq!(locking("account"), 1, "{locks:?}");
        if policy.account_ip.is_none() {
            assert_eq!(locks.len(), 1, "{locks:?}");
        } else {
            assert_eq!(locking("account_ip"), 1, "{locks:?}");
            assert!((1..=2).contains(&locks.len()), "{locks:?}");
        }
        let right = f.password.clone();
        assert_eq!(
            f.login("mingde", &right, "192.0.2.1", true),
            LoginOutcome::Locked
        );
    }
}

#[test]
fn challenge_is_required_before_the_hard_lock() {
    let f = fixture(LockoutPolicy::default());
    for _ in 0..3 {
        assert_eq!(
            f.login("mingde", "wrong", "198.51.100.1", false),
            LoginOutcome::Failed
        );
    }
    // Without a challenge nothing is checked or counted: a flood cannot lock the owner out.
    for _ in 0..100 {
        assert_eq!(
            f.login("mingde", "wrong", "198.51.100.1", false),
            LoginOutcome::ChallengeRequired
        );
    }
    let right = f.password.clone();
    assert!(matches!(
        f.login("mingde", &right, "192.0.2.9", true),
        LoginOutcome::Allowed(_)
    ));
    // With challenges, the hard lock still comes at five (from a new address: the pair
    // 198.51.100.1/mingde still holds its three failures, as a success elsewhere does not
    // clear them).
    for _ in 0..5 {
        assert_eq!(
            f.login("mingde", "wrong", "198.51.100.2", true),
            LoginOutcome::Failed
        );
    }
    assert_eq!(
        f.login("mingde", &right, "192.0.2.9", true),
        LoginOutcome::Locked
    );
}

#[test]
fn a_victim_is_not_locked_out_from_a_trusted_network() {
    let mut policy = no_challenge();
    policy.trusted_networks.push("10.0.0.0/8".parse().unwrap());
    let f = fixture(policy);
    for _ in 0..5 {
        f.login("mingde", "wrong", "198.51.100.1", false);
    }
    let right = f.password.clone();
    assert_eq!(
        f.login("mingde", &right, "192.0.2.9", false),
        LoginOutcome::Locked
    );
    // The office network is not shut out by a lock caused from outside.
    assert!(matches!(
        f.login("mingde", &right, "10.1.2.3", false),
        LoginOutcome::Allowed(_)
    ));
    // But guessing from inside still locks that account+IP pair.
    for _ in 0..5 {
        f.login("mingde", "wrong", "10.9.9.9", false);
    }
    assert_eq!(
        f.login("mingde", &right, "10.9.9.9", false),
        LoginOutcome::Locked
    );
    // One IP spraying many accounts is stopped by its own limit.
    let mut policy = no_challenge();
    policy.source_ip = Some(Limit::new(10, Duration::minutes(15), Duration::minutes(15)));
    let f = fixture(policy);
    for i in 0..10 {
        f.login(&format!("user{i}"), "Spring2026!", "203.0.113.66", false);
    }
    assert_eq!(
        f.login("user99", "x", "203.0.113.66", false),
        LoginOutcome::Locked
    );
    assert_eq!(
        f.login("user99", "x", "203.0.113.67", false),
        LoginOutcome::Failed
    );
}

#[test]
fn progressive_locks_grow() {
    let mut policy = no_challenge();
    policy.account = policy.account.progressive(Progressive::doubling());
    policy.account_ip = None;
    let f = fixture(policy);
    let lock = |f: &Fixture| {
        for _ in 0..5 {
            assert_eq!(
                f.login("mingde", "wrong", "198.51.100.1", false),
                LoginOutcome::Failed
            );
        }
    };
    lock(&f);
    f.clock.advance(Duration::minutes(15));
    lock(&f);
    // The second lock lasts 30 minutes.
    f.clock.advance(Duration::minutes(29));
    assert_eq!(
        f.login("mingde", "wrong", "198.51.100.1", false),
        LoginOutcome::Locked
    );
    f.clock.advance(Duration::minutes(1));
    assert_eq!(
        f.login("mingde", "wrong", "198.51.100.1", false),
        LoginOutcome::Failed
    );
}

#[test]
fn operator_unlock_records_who_confirmed_identity() {
    let f = fixture(no_challenge());
    for _ in 0..5 {
        f.login("mingde", "wrong", "198.51.100.1", false);
    }
    let confirmation = IdentityConfirmation::new("op-chen", "call-back to the registered phone");
    assert!(f.guard.unlock("mingde", &confirmation).unwrap());
    let right = f.password.clone();
    assert!(matches!(
        f.login("mingde", &right, "192.0.2.9", false),
        LoginOutcome::Allowed(_)
    ));
    let unlock = f
        .events()
        .into_iter()
        .find(|e| e.kind == EventKind::AuthnLoginUnlock)
        .unwrap();
    assert_eq!(unlock.actor.id, "op-chen");
    assert_eq!(unlock.target.unwrap().id, "mingde");
    assert!(unlock.detail.unwrap().contains("call-back"));
}

#[test]
fn unknown_and_known_accounts_get_the_same_answer() {
    let f = fixture(no_challenge());
    let known = f.login("mingde", "wrong", "198.51.100.1", false);
    let unknown = f.login("nobody", "wrong", "198.51.100.1", false);
    assert_eq!(known, unknown);
    assert_eq!(known.public_code(), unknown.public_code());
    assert_eq!(known.public_code(), "AUTH-FAILED");
    // Unknown accounts lock the same way, so lockout does not reveal existence either.
    for _ in 0..4 {
        f.login("nobody", "wrong", "198.51.100.1", false);
    }
    assert_eq!(
        f.login("nobody", "wrong", "198.51.100.2", false),
        LoginOutcome::Locked
    );
    // The audit trail records the same kind of event for both.
    let fails = f.details(EventKind::AuthnLoginFail);
    assert_eq!(fails[0], fails[1]);
}

#[test]
fn the_guard_alerts_and_tells_the_owner() {
    use twsec::auth::{
        AlertKind, AnomalyDetector, AnomalyPolicy, Blocklist, MemoryAlertSink, OwnerEvent,
        RecordingNotifier,
    };
    let alerts = Arc::new(MemoryAlertSink::new());
    let notices = Arc::new(RecordingNotifier::new());
    let detector = AnomalyDetector::new(AnomalyPolicy::default())
        .unwrap()
        .with_blocklist(Blocklist::parse("203.0.113.0/24 # F-ISAC list\n").unwrap());
    let base = fixture(no_challenge());
    let Fixture {
        guard,
        clock,
        ring,
        log,
        _dir,
        record,
        password,
    } = base;
    let f = Fixture {
        guard: guard
            .with_anomaly_detection(Arc::new(detector), alerts.clone())
            .with_notifier(notices.clone()),
        clock,
        ring,
        log,
        _dir,
        record,
        password,
    };
    for _ in 0..5 {
        assert_eq!(
            f.login("mingde", "wrong", "198.51.100.1", false),
            LoginOutcome::Failed
        );
    }
    // The owner hears of every wrong password and of the lock (TWSE-7.1.k)...
    let told = notices.events_for("mingde");
    let failed = told
        .iter()
        .filter(|e| matches!(e, OwnerEvent::FailedPassword { .. }))
        .count();
    assert_eq!(failed, 5);
    assert!(
        told.iter()
            .any(|e| matches!(e, OwnerEvent::Locked { until: Some(_) }))
    );
    // ...and an unknown account's owner does not exist, so nobody is told anything.
    f.login("nobody", "wrong", "198.51.100.1", false);
    assert!(notices.events_for("nobody").is_empty());
    // Three wrong passwords raise the TWSE-7.1.c.b alert, once per window.
    let kinds: Vec<AlertKind> = alerts.alerts().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == AlertKind::AccountFailures)
            .count(),
        1,
        "{kinds:?}"
    );
    // A blocklisted source raises its alert even on an unknown account.
    f.login("nobody", "wrong", "203.0.113.77", false);
    assert!(
        alerts
            .alerts()
            .iter()
            .any(|a| a.kind == AlertKind::BlocklistedIp)
    );
}

#[test]
fn an_mfa_login_counts_wrong_codes_and_refuses_replays() {
    use twsec::auth::MfaOutcome;
    use twsec::auth::mfa::{AuthFactors, StandardFactor, TotpEnrolment};
    use twsec::auth::totp::TotpParams;
    let f = fixture(no_challenge());
    let (mut enrolment, uri) = TotpEnrolment::begin(
        &f.ring,
        "twsec-test",
        "mingde",
        TotpParams::builder().build().unwrap(),
        f.clock.as_ref(),
    )
    .unwrap();
    let right = f.password.clone();
    assert!(matches!(
        f.login("mingde", &right, "192.0.2.9", false),
        LoginOutcome::Allowed(_)
    ));
    let mut factors = AuthFactors::new().with(&StandardFactor::Password);
    assert!(!factors.is_multi_factor());
    let code = uri.params().code_at(uri.secret(), f.clock.now()).unwrap();
    let ip = ip("192.0.2.9");
    let verify = |enrolment: &mut TotpEnrolment, code: &str, factors: &mut AuthFactors| {
        f.guard
            .verify_totp("mingde", ip, enrolment, &f.ring, code, factors)
            .unwrap()
    };
    assert_eq!(
        verify(&mut enrolment, code.expose_secret(), &mut factors),
        MfaOutcome::Verified
    );
    // Password (knowledge) and TOTP (possession): two of three (TWSE-7.1.d).
    assert!(factors.is_multi_factor());
    // The same code again is a replay.
    assert_eq!(
        verify(&mut enrolment, code.expose_secret(), &mut factors),
        MfaOutcome::Failed("MFA-CODE-REPLAYED")
    );
    // Guessing codes locks like guessing passwords.
    for _ in 0..4 {
        verify(&mut enrolment, "000000", &mut factors);
    }
    assert_eq!(
        verify(&mut enrolment, "123456", &mut factors),
        MfaOutcome::Locked
    );
    assert_eq!(f.count(EventKind::AuthnMfaSuccess, "totp"), 1);
    assert_eq!(f.count(EventKind::AuthnMfaFail, "MFA-CODE"), 5);
    assert_eq!(f.count(EventKind::AuthnLoginLock, "mfa"), 1);
}
