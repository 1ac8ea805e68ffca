//! Account lifecycle through the public API, with a ManualClock.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use secrecy::ExposeSecret;
use time::{Duration, macros::datetime};
use twsec::account::{
    AccountError, AccountStatus, Accounts, Actor, ChangeError, DisableReason, EventKind,
    LoginDecision, MustChangeReason, Notice, Refusal,
};
use twsec::clock::{Clock, ManualClock};
use twsec::control::{ControlId, Profile};
use twsec::password::{Hasher, HasherConfig, PersonalInfo};

const START: time::OffsetDateTime = datetime!(2026-01-05 09:00 UTC);

fn accounts(profile: Profile) -> Accounts {
    Accounts::new(&profile, Hasher::new(HasherConfig::default()).unwrap()).unwrap()
}

fn me() -> PersonalInfo {
    PersonalInfo::new().name("Chen Mingde")
}

fn rejected_codes(r: Result<twsec::account::Transition, ChangeError>) -> Vec<&'static str> {
    match r {
        Err(ChangeError::Rejected { report, event }) => {
            assert_eq!(event.event, EventKind::PasswordChangeFail);
            report.codes()
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn first_login_must_change() {
    let a = accounts(Profile::taipei());
    let clock = ManualClock::new(START);
    let new = a.create("mingde", &me(), clock.now()).unwrap();
    assert_eq!(new.event.event, EventKind::UserCreated);
    let mut rec = new.record;
    // The initial password works, but only to change it.
    assert!(
        a.verify_password(&rec, new.initial_password.expose_secret())
            .unwrap()
            .is_match()
    );
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::MustChange {
            reason: MustChangeReason::Initial
        }
    );
    // The change is allowed at once (min age does not apply to a forced change).
    let t = a
        .change_password(&mut rec, "Lantern-River-K9te", &me(), clock.now())
        .unwrap();
    assert_eq!(t.event, EventKind::PasswordChange);
    assert_eq!(t.reason, "forced:initial");
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::Allowed { notice: None }
    );
    // The random initial password is not kept in the history.
    assert!(rec.credential.history.is_empty());
}

#[test]
fn temporary_password_expires() {
    let a = accounts(Profile::moe());
    let new = a.create("mingde", &me(), START).unwrap();
    let end = START + a.account_policy().temporary_password_validity;
    assert_eq!(
        a.evaluate(&new.record, end - Duration::SECOND),
        LoginDecision::MustChange {
            reason: MustChangeReason::Initial
        }
    );
    assert_eq!(
        a.evaluate(&new.record, end),
        LoginDecision::Refused {
            reason: Refusal::TemporaryPasswordExpired
        }
    );
    // The generated password is unrelated to identity and satisfies the policy.
    let pw = new.initial_password.expose_secret();
    assert!(
        a.password_policy()
            .check(pw, &me().account("mingde"))
            .is_accepted()
    );
}

#[test]
fn create_refuses_bad_names() {
    let a = accounts(Profile::moe());
    for bad in ["admin", "A123456789", "root01", "193501"] {
        let err = a
            .create(bad, &PersonalInfo::new().org_code("193501"), START)
            .unwrap_err();
        assert!(matches!(err, AccountError::InvalidName(_)), "{bad}");
        assert!(
            !err.to_string().contains(bad) || bad == "admin" || bad == "root01",
            "{err}"
        );
    }
}

#[test]
fn history_blocks_reuse_and_survives_admin_reset() {
    let a = accounts(Profile::moe());
    let clock = ManualClock::new(START);
    let mut rec = a.create("mingde", &me(), clock.now()).unwrap().record;
    let pws = [
        "Lantern-River-K9te",
        "Harbour-Kite-73Lx",
        "Orchid-Pavement-58q",
        "Typhoon-Noodle-26w",
        "Pepper-Ferry-64Vn",
    ];
    for pw in pws {
        clock.advance(Duration::days(2));
        a.change_password(&mut rec, pw, &me(), clock.now()).unwrap();
    }
    assert_eq!(rec.credential.history.len(), 3);
    clock.advance(Duration::days(2));
    // The current one and the three before it are refused; the fourth back has left the history.
    assert_eq!(
        rejected_codes(a.change_password(&mut rec, pws[4], &me(), clock.now())),
        ["PW-SAME-AS-PREVIOUS"]
    );
    for old in &pws[1..4] {
        assert_eq!(
            rejected_codes(a.change_password(&mut rec, old, &me(), clock.now())),
            ["PW-HISTORY"]
        );
    }
    a.change_password(&mut rec, pws[0], &me(), clock.now())
        .unwrap();

    // An administrator's reset keeps the history: the user's own last password moves into it,
    // the temporary one never does, and old passwords stay refused after the reset.
    clock.advance(Duration::days(2));
    let before = rec.credential.history.clone();
    let (temp, t) = a
        .admin_reset(&mut rec, "op-wang", &me(), clock.now())
        .unwrap();
    assert_eq!(t.actor, Actor::Operator("op-wang".into()));
    assert_eq!(rec.credential.history.len(), 3);
    assert_eq!(rec.credential.history[1..], before[..2]);
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::MustChange {
            reason: MustChangeReason::AdminReset
        }
    );
    // The reset bypasses min age: the user may change at once, but not back to an old one.
    assert_eq!(
        rejected_codes(a.change_password(&mut rec, pws[0], &me(), clock.now())),
        ["PW-HISTORY"]
    );
    assert_eq!(
        rejected_codes(a.change_password(&mut rec, pws[3], &me(), clock.now())),
        ["PW-HISTORY"]
    );
    assert_eq!(
        rejected_codes(a.change_password(&mut rec, temp.expose_secret(), &me(), clock.now())),
        ["PW-SAME-AS-PREVIOUS"]
    );
    a.change_password(&mut rec, "Mango-Lattice-91Zr", &me(), clock.now())
        .unwrap();
    // The temporary password was discarded, not rotated into the history.
    assert_eq!(rec.credential.history.len(), 3);
    assert!(
        !a.hasher()
            .matches_any(temp.expose_secret(), &rec.credential.history)
            .unwrap()
    );
}

#[test]
fn same_as_previous_is_refused() {
    // twse-customer remembers only one earlier password but always refuses the current one.
    let a = accounts(Profile::twse_customer());
    let clock = ManualClock::new(START);
    let mut rec = a.create("mingde", &me(), clock.now()).unwrap().record;
    a.change_password(&mut rec, "kite&river", &me(), clock.now())
        .unwrap();
    clock.advance(Duration::days(10));
    let codes = rejected_codes(a.change_password(&mut rec, "kite&river", &me(), clock.now()));
    assert_eq!(codes, ["PW-SAME-AS-PREVIOUS"]);
    // Full-width input is the same password (NFKC).
    let codes =
        rejected_codes(a.change_password(&mut rec, "ｋｉｔｅ＆ｒｉｖｅｒ", &me(), clock.now()));
    assert_eq!(codes, ["PW-SAME-AS-PREVIOUS"]);
}

#[test]
fn min_age_blocks_quick_changes() {
    let a = accounts(Profile::moe());
    let clock = ManualClock::new(START);
    let mut rec = a.create("mingde", &me(), clock.now()).unwrap().record;
    a.change_password(&mut rec, "Lantern-River-K9te", &me(), clock.now())
        .unwrap();
    clock.advance(Duration::hours(23));
    let codes =
        rejected_codes(a.change_password(&mut rec, "Harbour-Kite-73Lx", &me(), clock.now()));
    assert_eq!(codes, ["ACC-MIN-AGE"]);
    // All violations together: min age and the rules.
    let codes = rejected_codes(a.change_password(&mut rec, "short", &me(), clock.now()));
    assert_eq!(codes, ["PW-LENGTH-MIN", "PW-CLASSES", "ACC-MIN-AGE"]);
    clock.advance(Duration::hours(1));
    a.change_password(&mut rec, "Harbour-Kite-73Lx", &me(), clock.now())
        .unwrap();
}

#[test]
fn expiry_warning_then_forced_change() {
    let a = accounts(Profile::moe()); // 180 days, warning 14 days ahead
    let clock = ManualClock::new(START);
    let mut rec = a.create("mingde", &me(), clock.now()).unwrap().record;
    a.change_password(&mut rec, "Lantern-River-K9te", &me(), clock.now())
        .unwrap();
    let expires = START + Duration::days(180);
    clock.set(expires - Duration::days(14) - Duration::SECOND);
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::Allowed { notice: None }
    );
    clock.set(expires - Duration::days(14));
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::Allowed {
            notice: Some(Notice::ExpiresSoon {
                expires_at: expires,
                days_left: 14
            })
        }
    );
    clock.set(expires - Duration::hours(1));
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::Allowed {
            notice: Some(Notice::ExpiresSoon {
                expires_at: expires,
                days_left: 1
            })
        }
    );
    clock.set(expires);
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::MustChange {
            reason: MustChangeReason::Expired
        }
    );
    // An expired password may be changed even inside min age rules' reach, and clears the state.
    a.change_password(&mut rec, "Harbour-Kite-73Lx", &me(), clock.now())
        .unwrap();
    assert!(a.evaluate(&rec, clock.now()).is_allowed());

    // Customers: a reminder after 3 months, forced after a year (TWSE-8.3.f).
    let c = accounts(Profile::twse_customer());
    let mut rec = c.create("mingde", &me(), START).unwrap().record;
    c.change_password(&mut rec, "kite&river", &me(), START)
        .unwrap();
    c.record_login(&mut rec, START + Duration::days(300));
    assert_eq!(
        c.evaluate(&rec, START + Duration::days(91)),
        LoginDecision::Allowed {
            notice: Some(Notice::ChangeRecommended { changed_at: START })
        }
    );
    assert_eq!(
        c.evaluate(&rec, START + Duration::days(365)),
        LoginDecision::MustChange {
            reason: MustChangeReason::Expired
        }
    );
}

#[test]
fn dormancy_counts_never_logged_in_accounts() {
    let a = accounts(Profile::taipei()); // 365 days
    let clock = ManualClock::new(START);
    let never = a.create("never", &me(), clock.now()).unwrap().record;
    let mut used = a.create("used", &me(), clock.now()).unwrap().record;
    a.change_password(&mut used, "Lantern-River-K9te", &me(), clock.now())
        .unwrap();
    clock.advance(Duration::days(200));
    a.record_login(&mut used, clock.now());
    clock.set(START + Duration::days(365) - Duration::SECOND);
    assert_ne!(
        a.evaluate(&never, clock.now()),
        LoginDecision::Refused {
            reason: Refusal::Dormant
        }
    );
    clock.set(START + Duration::days(365));
    // Never logged in: measured from creation.
    assert_eq!(
        a.evaluate(&never, clock.now()),
        LoginDecision::Refused {
            reason: Refusal::Dormant
        }
    );
    assert!(
        a.evaluate(&used, clock.now()).is_allowed()
            || matches!(
                a.evaluate(&used, clock.now()),
                LoginDecision::MustChange { .. }
            )
    );
    // enforce() disables it and says so.
    let mut never = never;
    let (decision, event) = a.enforce(&mut never, clock.now());
    assert_eq!(
        decision,
        LoginDecision::Refused {
            reason: Refusal::Dormant
        }
    );
    let event = event.unwrap();
    assert_eq!(
        (event.event, event.control, event.actor.clone()),
        (
            EventKind::UserDisabled,
            ControlId::AccDormancy,
            Actor::System
        )
    );
    assert!(matches!(
        never.status,
        AccountStatus::Disabled {
            reason: DisableReason::Dormant,
            ..
        }
    ));
}

#[test]
fn sweep_disables_dormant_and_expired_temporary_accounts() {
    let a = accounts(Profile::twse_staff()); // 180 days
    let clock = ManualClock::new(START);
    let mut records: Vec<_> = ["a1", "b2", "c3", "d4"]
        .iter()
        .map(|n| a.create(n, &me(), clock.now()).unwrap().record)
        .collect();
    records[3].expires_at = Some(START + Duration::days(30));
    clock.advance(Duration::days(100));
    a.record_login(&mut records[1], clock.now());
    clock.advance(Duration::days(79));
    // Day 179: only the temporary account has ended.
    let events = a.dormancy_sweep(&mut records, clock.now());
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].account.as_str(), events[0].reason.as_str()),
        ("d4", "temporary_expired")
    );
    clock.advance(Duration::days(1));
    // Day 180: the two never-used accounts are dormant; b2 logged in on day 100.
    let events = a.dormancy_sweep(&mut records, clock.now());
    let names: Vec<_> = events.iter().map(|e| e.account.as_str()).collect();
    assert_eq!(names, ["a1", "c3"]);
    assert!(
        events
            .iter()
            .all(|e| e.reason == "dormant" && e.actor == Actor::System)
    );
    assert!(records[1].is_active());
    // A second sweep does nothing more.
    assert!(a.dormancy_sweep(&mut records, clock.now()).is_empty());
}

#[test]
fn reenable_records_operator_and_forces_change() {
    let a = accounts(Profile::taipei());
    let clock = ManualClock::new(START);
    let mut rec = a.create("mingde", &me(), clock.now()).unwrap().record;
    a.change_password(&mut rec, "Lantern-River-K9te", &me(), clock.now())
        .unwrap();
    clock.advance(Duration::days(400));
    assert_eq!(
        a.dormancy_sweep(std::slice::from_mut(&mut rec), clock.now())
            .len(),
        1
    );
    assert!(matches!(
        a.reenable(&mut rec, "", "ticket 42", clock.now()),
        Err(AccountError::MissingOperatorOrReason)
    ));
    assert!(matches!(
        a.reenable(&mut rec, "op-lin", "  ", clock.now()),
        Err(AccountError::MissingOperatorOrReason)
    ));
    let t = a
        .reenable(
            &mut rec,
            "op-lin",
            "identity confirmed in person, ticket 42",
            clock.now(),
        )
        .unwrap();
    assert_eq!(t.event, EventKind::UserEnabled);
    assert_eq!(t.actor, Actor::Operator("op-lin".into()));
    assert_eq!(t.reason, "identity confirmed in person, ticket 42");
    assert_eq!(t.control, ControlId::AccReenable);
    // Not dormant again at once, and the password must be changed.
    assert_eq!(
        a.evaluate(&rec, clock.now()),
        LoginDecision::MustChange {
            reason: MustChangeReason::Recovery
        }
    );
    a.change_password(&mut rec, "Harbour-Kite-73Lx", &me(), clock.now())
        .unwrap();
    assert!(a.evaluate(&rec, clock.now()).is_allowed());
    // The user's own earlier password went into the history (recovery is not temporary).
    assert_eq!(rec.credential.history.len(), 1);
    assert!(matches!(
        a.reenable(&mut rec, "op-lin", "again", clock.now()),
        Err(AccountError::NotDisabled)
    ));
}

#[test]
fn disable_requires_operator() {
    let a = accounts(Profile::moe());
    let mut rec = a.create("mingde", &me(), START).unwrap().record;
    assert!(matches!(
        a.disable(&mut rec, DisableReason::Offboarded, " ", START),
        Err(AccountError::MissingOperatorOrReason)
    ));
    let t = a
        .disable(&mut rec, DisableReason::Offboarded, "hr-chen", START)
        .unwrap();
    assert_eq!(
        (t.event, t.reason.as_str(), t.control),
        (EventKind::UserDisabled, "offboarded", ControlId::AccDisable)
    );
    assert_eq!(
        a.evaluate(&rec, START),
        LoginDecision::Refused {
            reason: Refusal::Disabled {
                reason: DisableReason::Offboarded
            }
        }
    );
    assert!(matches!(
        a.change_password(&mut rec, "Harbour-Kite-73Lx", &me(), START),
        Err(ChangeError::Account(AccountError::Disabled))
    ));
    assert!(matches!(
        a.disable(&mut rec, DisableReason::Admin, "hr-chen", START),
        Err(AccountError::Disabled)
    ));
}

#[test]
fn records_round_trip_through_json() {
    let a = accounts(Profile::moe());
    let new = a.create("mingde", &me(), START).unwrap();
    let json = serde_json::to_string(&new.record).unwrap();
    assert!(!json.contains(new.initial_password.expose_secret()));
    let back: twsec::account::AccountRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, new.record);
    assert!(
        a.verify_password(&back, new.initial_password.expose_secret())
            .unwrap()
            .is_match()
    );
    let t = serde_json::to_value(&new.event).unwrap();
    assert_eq!(t["event"], "user_created");
    assert_eq!(t["control"], "PW-INITIAL");
}

#[test]
fn login_upgrades_weak_hashes() {
    use secrecy::SecretSlice;
    use twsec::password::{Pepper, Verification};
    let plain = accounts(Profile::moe());
    let mut rec = plain.create("mingde", &me(), START).unwrap().record;
    plain
        .change_password(&mut rec, "Lantern-River-K9te", &me(), START)
        .unwrap();
    // The operator introduces a pepper: the old hash verifies, is upgraded, then is current.
    let pepper = Pepper::new("2026", SecretSlice::from(vec![9u8; 32])).unwrap();
    let peppered = Accounts::new(
        &Profile::moe(),
        Hasher::new(HasherConfig::default().pepper(pepper)).unwrap(),
    )
    .unwrap();
    let before = rec.credential.hash.clone();
    assert_eq!(
        peppered.verify_and_upgrade(&mut rec, "Lantern-River-K9te"),
        Ok(Verification::Match { needs_rehash: true })
    );
    assert_ne!(rec.credential.hash, before);
    assert!(rec.credential.hash.as_phc().contains("keyid="));
    assert_eq!(
        peppered.verify_and_upgrade(&mut rec, "Lantern-River-K9te"),
        Ok(Verification::Match {
            needs_rehash: false
        })
    );
    // A wrong password changes nothing.
    let current = rec.credential.hash.clone();
    assert_eq!(
        peppered.verify_and_upgrade(&mut rec, "wrong"),
        Ok(Verification::Mismatch)
    );
    assert_eq!(rec.credential.hash, current);
    assert_eq!(rec.credential.changed_at, START);
}

#[test]
fn hasher_weaker_than_policy_is_refused() {
    let mut profile = Profile::moe();
    profile.password.hashing = twsec::password::HashParams::new(64 * 1024, 3, 1);
    let weak = Hasher::new(HasherConfig::default()).unwrap();
    assert!(matches!(
        Accounts::new(&profile, weak),
        Err(AccountError::PasswordPolicy(_))
    ));
    let strong = Hasher::new(HasherConfig::new(profile.password.hashing)).unwrap();
    assert!(Accounts::new(&profile, strong).is_ok());
}
