#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]
//! Anomaly detection, alerts and owner notifications (TWSE-7.1.c.b, TWSE-7.1.l, TWSE-7.1.k,
//! TXG-27.2, TXG-24.7.2). Every window is driven by a `ManualClock`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use time::macros::{datetime, time};
use time::{Duration, Weekday};
use twsec::auth::{
    Alert, AlertCallback, AlertFile, AlertKind, AlertSink, AnomalyDetector, AnomalyPolicy,
    Blocklist, BlocklistError, Counted, CountryCode, CountryResolver, DedupSink, LineError,
    MemoryAlertSink, MemoryAnomalyStore, Notifier, Observation, ObservedOutcome, OwnerEvent,
    RecordingNotifier, Severity, Subject, WeeklySchedule, WindowRule,
};
use twsec::clock::{Clock, ManualClock};

use ObservedOutcome::{Failure, Success};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// 2026-03-02 is a Monday; 10:00 in Taipei.
fn clock() -> ManualClock {
    ManualClock::new(datetime!(2026-03-02 10:00 +8))
}

/// Only the rules a test names; the others off.
fn only(f: impl FnOnce(&mut AnomalyPolicy)) -> AnomalyDetector {
    let mut p = AnomalyPolicy::default();
    p.ip_many_accounts = None;
    p.many_failing_accounts = None;
    p.account_failures = None;
    p.account_countries = None;
    f(&mut p);
    AnomalyDetector::new(p).unwrap()
}

fn kinds(alerts: &[Alert]) -> Vec<AlertKind> {
    alerts.iter().map(|a| a.kind).collect()
}

fn see<'a>(
    c: &ManualClock,
    account: &'a str,
    from: &str,
    outcome: ObservedOutcome,
) -> Observation<'a> {
    Observation::new(account, ip(from), outcome, c)
}

#[test]
fn one_ip_on_many_accounts_alerts() {
    let c = clock();
    let d = AnomalyDetector::new(AnomalyPolicy::default()).unwrap();
    // Four accounts, each tried twice, and successes count too: no alert.
    for round in 0..2 {
        for (i, user) in ["amy", "ben", "cai", "dan"].into_iter().enumerate() {
            let outcome = if i % 2 == 0 { Success } else { Failure };
            let alerts = d.observe(&see(&c, user, "198.51.100.20", outcome));
            assert!(
                !kinds(&alerts).contains(&AlertKind::IpManyAccounts),
                "round {round}"
            );
            c.advance(Duration::seconds(30));
        }
    }
    // Another address does not add to this one.
    assert!(
        d.observe(&see(&c, "eve", "198.51.100.21", Failure))
            .is_empty()
    );
    // The fifth distinct account from the same address, within ten minutes.
    let alerts = d.observe(&see(&c, "fay", "198.51.100.20", Success));
    assert_eq!(kinds(&alerts), [AlertKind::IpManyAccounts]);
    let a = &alerts[0];
    assert_eq!(a.subject, Subject::Ip(ip("198.51.100.20")));
    assert_eq!(
        (a.count, a.threshold, a.window),
        (5, 5, Duration::minutes(10))
    );
    assert_eq!(a.severity, Severity::High);
    assert_eq!(a.account.as_deref(), Some("fay"));
    assert_eq!(a.at, c.now());
    assert!(
        a.kind
            .clauses()
            .iter()
            .any(|cl| cl.as_str() == "TWSE-7.1.l")
    );

    // A slow scan (one account every three minutes) never has five in ten minutes.
    let slow = "203.0.113.50";
    for i in 0..20 {
        let user = format!("slow{i}");
        assert!(d.observe(&see(&c, &user, slow, Failure)).is_empty(), "{i}");
        c.advance(Duration::minutes(3));
    }

    // IPv6: addresses of one /64 count as one source.
    for i in 1..=5 {
        let user = format!("v6user{i}");
        let from = format!("2001:db8:1:2::{i:x}");
        let alerts = d.observe(&see(&c, &user, &from, Failure));
        if i < 5 {
            assert!(alerts.is_empty());
        } else {
            assert_eq!(
                alerts[0].subject,
                Subject::Network {
                    addr: ip("2001:db8:1:2::"),
                    prefix: 64
                }
            );
        }
    }

    // Counting only failures: successes from a shared office address are not counted.
    let d = only(|p| {
        p.ip_many_accounts = Some(WindowRule::new(3, Duration::minutes(10)));
        p.ip_many_accounts_counted = Counted::Failures;
    });
    for user in ["a", "b", "c", "d"] {
        assert!(d.observe(&see(&c, user, "192.0.2.1", Success)).is_empty());
    }
    assert!(d.observe(&see(&c, "a", "192.0.2.1", Failure)).is_empty());
    assert!(d.observe(&see(&c, "b", "192.0.2.1", Failure)).is_empty());
    assert_eq!(
        kinds(&d.observe(&see(&c, "c", "192.0.2.1", Failure))),
        [AlertKind::IpManyAccounts]
    );
}

#[test]
fn many_failing_accounts_alert() {
    let c = clock();
    let d = only(|p| {
        p.many_failing_accounts = AnomalyPolicy::default().many_failing_accounts;
        p.account_failures = AnomalyPolicy::default().account_failures;
    });
    // 19 accounts fail from 19 addresses within five minutes; successes do not count.
    for i in 0..19 {
        let user = format!("user{i}");
        assert!(
            d.observe(&see(&c, &user, &format!("192.0.2.{i}"), Failure))
                .is_empty()
        );
        assert!(d.observe(&see(&c, "ok", "192.0.2.200", Success)).is_empty());
        c.advance(Duration::seconds(15));
    }
    let alerts = d.observe(&see(&c, "user19", "192.0.2.19", Failure));
    assert_eq!(kinds(&alerts), [AlertKind::ManyFailingAccounts]);
    assert_eq!(alerts[0].subject, Subject::System);
    assert_eq!((alerts[0].count, alerts[0].threshold), (20, 20));
    assert!(
        alerts[0]
            .kind
            .clauses()
            .iter()
            .any(|cl| cl.as_str() == "TWSE-7.1.c.b")
    );

    // The same number spread over more than five minutes is not an anomaly.
    let c = clock();
    let d = only(|p| p.many_failing_accounts = AnomalyPolicy::default().many_failing_accounts);
    for i in 0..40 {
        let user = format!("user{i}");
        assert!(d.observe(&see(&c, &user, "192.0.2.1", Failure)).is_empty());
        c.advance(Duration::seconds(20));
    }

    // Three wrong passwords on one account (TWSE-7.1.c.b), cleared by a success.
    let c = clock();
    let d = only(|p| p.account_failures = AnomalyPolicy::default().account_failures);
    assert!(d.observe(&see(&c, "amy", "192.0.2.1", Failure)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.2", Failure)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.1", Success)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.1", Failure)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.1", Failure)).is_empty());
    c.advance(Duration::hours(5));
    let alerts = d.observe(&see(&c, "amy", "192.0.2.3", Failure));
    assert_eq!(kinds(&alerts), [AlertKind::AccountFailures]);
    assert_eq!(alerts[0].subject, Subject::Account("amy".into()));
    assert_eq!((alerts[0].count, alerts[0].threshold), (3, 3));
    assert_eq!(alerts[0].severity, Severity::Warning);
    // Other accounts are unaffected.
    assert!(d.observe(&see(&c, "ben", "192.0.2.3", Failure)).is_empty());
}

/// A resolver that knows a few addresses.
#[derive(Debug)]
struct FakeGeo(HashMap<IpAddr, CountryCode>);

impl CountryResolver for FakeGeo {
    fn country(&self, ip: IpAddr) -> Option<CountryCode> {
        self.0.get(&ip).copied()
    }
}

fn geo() -> Arc<FakeGeo> {
    Arc::new(FakeGeo(HashMap::from([
        (ip("192.0.2.1"), CountryCode::TAIWAN),
        (ip("192.0.2.2"), CountryCode::TAIWAN),
        (ip("198.51.100.1"), "JP".parse().unwrap()),
        (ip("203.0.113.1"), "US".parse().unwrap()),
    ])))
}

#[test]
fn countries_within_a_window_alert() {
    let c = clock();
    let d = only(|p| p.account_countries = AnomalyPolicy::default().account_countries)
        .with_country_resolver(geo());
    // Two addresses in Taiwan, an unknown one, and a failure from Japan: one country only.
    assert!(d.observe(&see(&c, "amy", "192.0.2.1", Success)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.2", Success)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.99", Success)).is_empty());
    assert!(
        d.observe(&see(&c, "amy", "198.51.100.1", Failure))
            .is_empty()
    );
    // A successful login from Japan twelve hours later.
    c.advance(Duration::hours(12));
    let alerts = d.observe(&see(&c, "amy", "198.51.100.1", Success));
    assert_eq!(kinds(&alerts), [AlertKind::AccountCountries]);
    let a = &alerts[0];
    assert_eq!(a.subject, Subject::Account("amy".into()));
    assert_eq!(a.countries, ["JP".parse().unwrap(), CountryCode::TAIWAN]);
    assert_eq!((a.count, a.window), (2, Duration::hours(24)));

    // Outside the window it is travel, not an anomaly.
    assert!(d.observe(&see(&c, "ben", "192.0.2.1", Success)).is_empty());
    c.advance(Duration::hours(25));
    assert!(
        d.observe(&see(&c, "ben", "203.0.113.1", Success))
            .is_empty()
    );

    // A country given by the application overrides the resolver.
    let given = see(&c, "ben", "192.0.2.1", Success).with_country("KR".parse().unwrap());
    assert_eq!(kinds(&d.observe(&given)), [AlertKind::AccountCountries]);

    // Foreign sources (TWSE-7.1.l "foreign IPs"): only Taiwan permitted.
    let d = only(|p| p.permitted_countries = Some(vec![CountryCode::TAIWAN]))
        .with_country_resolver(geo());
    assert!(d.observe(&see(&c, "amy", "192.0.2.1", Success)).is_empty());
    assert!(d.observe(&see(&c, "amy", "192.0.2.99", Success)).is_empty());
    let alerts = d.observe(&see(&c, "amy", "203.0.113.1", Failure));
    assert_eq!(kinds(&alerts), [AlertKind::ForeignCountry]);
    assert_eq!(alerts[0].countries, ["US".parse().unwrap()]);
}

#[test]
fn blocklisted_ranges_alert() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f-isac.txt");
    std::fs::write(
        &path,
        "# F-ISAC indicators\r\n\
         \r\n\
         203.0.113.0/24      # campaign A\r\n\
         198.51.100.7\r\n\
         2001:db8:bad::/48\r\n\
         2001:db8::1  # one host\r\n",
    )
    .unwrap();
    let c = clock();
    let d = only(|_| {}).with_blocklist(Blocklist::load(&path).unwrap());
    for (from, outcome, severity) in [
        ("203.0.113.0", Failure, Severity::High),
        ("203.0.113.255", Success, Severity::Critical),
        ("198.51.100.7", Failure, Severity::High),
        ("::ffff:203.0.113.9", Failure, Severity::High),
        ("2001:db8:bad:ffff::1", Failure, Severity::High),
        ("2001:db8::1", Failure, Severity::High),
    ] {
        let alerts = d.observe(&see(&c, "amy", from, outcome));
        assert_eq!(kinds(&alerts), [AlertKind::BlocklistedIp], "{from}");
        assert_eq!(alerts[0].severity, severity, "{from}");
        assert_eq!(alerts[0].subject, Subject::Ip(ip(from).to_canonical()));
        assert_eq!(alerts[0].outcome, Some(outcome));
    }
    // The same address written as IPv4-mapped IPv6 is the same subject: already alerted.
    assert!(d.blocklist().contains(ip("::ffff:198.51.100.7")));
    assert!(
        d.observe(&see(&c, "ben", "::ffff:198.51.100.7", Failure))
            .is_empty()
    );
    for from in [
        "203.0.114.0",
        "198.51.100.8",
        "2001:db8:bae::1",
        "2001:db8::2",
        "::1",
    ] {
        assert!(
            d.observe(&see(&c, "amy", from, Failure)).is_empty(),
            "{from}"
        );
    }
    // The list is replaced while in use (a new daily feed).
    d.replace_blocklist(Blocklist::parse("192.0.2.0/24").unwrap());
    assert!(
        d.observe(&see(&c, "amy", "203.0.113.77", Failure))
            .is_empty()
    );
    assert_eq!(
        kinds(&d.observe(&see(&c, "amy", "192.0.2.77", Failure))),
        [AlertKind::BlocklistedIp]
    );

    // Lookup is a binary search over merged ranges: a list of 100 000 entries.
    let mut text = String::new();
    for i in 0..100_000u32 {
        let a = std::net::Ipv4Addr::from(0x0a00_0000 + i * 4);
        text.push_str(&format!("{a}/31\n"));
    }
    let big = Blocklist::parse(&text).unwrap();
    assert_eq!(big.len(), 100_000);
    assert!(big.contains(ip("10.0.0.1")));
    assert!(!big.contains(ip("10.0.0.2")));
    assert!(big.contains(ip("10.6.26.125")));
}

#[test]
fn logins_outside_permitted_hours_alert() {
    let hours = WeeklySchedule::none()
        .weekdays(time!(08:00), time!(18:00))
        .unwrap()
        .allow(&[Weekday::Saturday], time!(09:00), time!(12:00))
        .unwrap();
    let d = only(|p| p.permitted_hours = Some(hours));
    let c = ManualClock::new(datetime!(2026-03-02 07:59 +8));
    // Monday 07:59 in Taipei (Sunday 23:59 UTC): outside.
    let alerts = d.observe(&see(&c, "amy", "192.0.2.1", Success));
    assert_eq!(kinds(&alerts), [AlertKind::OutsideHours]);
    assert_eq!(alerts[0].subject, Subject::Account("amy".into()));
    // 08:00 to 17:59: inside.
    for t in [
        datetime!(2026-03-02 08:00 +8),
        datetime!(2026-03-02 17:59 +8),
    ] {
        c.set(t);
        assert!(d.observe(&see(&c, "ben", "192.0.2.1", Success)).is_empty());
    }
    // 18:00 Monday, 10:00 Saturday is inside, 12:00 Saturday and Sunday are outside; the clock
    // runs in UTC and the schedule reads Taipei time.
    for (t, outside) in [
        (datetime!(2026-03-02 10:00 UTC), true),
        (datetime!(2026-03-07 02:00 UTC), false),
        (datetime!(2026-03-07 04:00 UTC), true),
        (datetime!(2026-03-08 03:00 UTC), true),
    ] {
        c.set(t);
        let user = format!("user-{t}");
        let alerts = d.observe(&see(&c, &user, "192.0.2.1", Failure));
        assert_eq!(!alerts.is_empty(), outside, "{t}");
    }
}

#[test]
fn alerts_are_deduplicated_per_window() {
    let dir = tempfile::tempdir().unwrap();
    let file = AlertFile::open(&dir.path().join("alerts.jsonl")).unwrap();
    let memory = MemoryAlertSink::new();
    let sinks: Vec<&dyn AlertSink> = vec![&file, &memory];
    let c = clock();
    let mut policy = AnomalyPolicy::default();
    policy.dedup_window = Duration::minutes(30);
    let d = AnomalyDetector::new(policy).unwrap();

    // A flood: one address, a new account every two seconds, for an hour.
    let mut returned = 0;
    for i in 0..1800 {
        let user = format!("victim{i}");
        returned += d
            .observe_to(&see(&c, &user, "198.51.100.66", Failure), &sinks)
            .len();
        c.advance(Duration::seconds(2));
    }
    // Per 30-minute window: one per source, one system-wide.
    let got = memory.take();
    assert_eq!(got.len(), returned);
    let count = |k| got.iter().filter(|a| a.kind == k).count();
    assert_eq!(count(AlertKind::IpManyAccounts), 2);
    assert_eq!(count(AlertKind::ManyFailingAccounts), 2);
    assert_eq!(got.len(), 4);
    let lines = std::fs::read_to_string(file.path()).unwrap();
    assert_eq!(lines.lines().count(), 4);
    for line in lines.lines() {
        let a: Alert = serde_json::from_str(line).unwrap();
        assert!(a.kind.code().starts_with("AUTH-ANOMALY-"));
    }
    assert_eq!(file.failures(), 0);

    // A second source is another subject: it alerts at once.
    for i in 0..5 {
        let user = format!("victim{i}");
        d.observe_to(&see(&c, &user, "198.51.100.67", Failure), &sinks);
    }
    assert_eq!(kinds(&memory.take()), [AlertKind::IpManyAccounts]);

    // DedupSink for alerts raised elsewhere; shared between threads.
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&calls);
    let sink = Arc::new(DedupSink::new(
        AlertCallback::new(move |a: &Alert| seen.lock().unwrap().push(a.kind)),
        Duration::minutes(10),
    ));
    let at = datetime!(2026-03-02 00:00 UTC);
    std::thread::scope(|s| {
        for _ in 0..8 {
            let sink = Arc::clone(&sink);
            s.spawn(move || {
                for second in 0..1200 {
                    let a = Alert::new(
                        AlertKind::BlocklistedIp,
                        Subject::System,
                        at + Duration::seconds(second),
                    );
                    sink.alert(&a);
                }
            });
        }
    });
    assert_eq!(calls.lock().unwrap().len(), 2);
}

#[test]
fn owner_is_notified_on_the_twse_events() {
    let c = clock();
    let notifier = RecordingNotifier::new();
    // What the login flow and account screens call on the TWSE-7.1.k events.
    let events = [
        OwnerEvent::FailedPassword {
            source_ip: Some(ip("192.0.2.1")),
        },
        OwnerEvent::Locked {
            until: Some(c.now() + Duration::minutes(15)),
        },
        OwnerEvent::CertificateApplied,
        OwnerEvent::CertificateRenewed,
        OwnerEvent::ProfileChanged {
            field: "e-mail".into(),
        },
        OwnerEvent::UnusualSource {
            source_ip: ip("198.51.100.1"),
            country: Some("JP".parse().unwrap()),
            reason: AlertKind::AccountCountries,
        },
        OwnerEvent::PasswordReset,
        OwnerEvent::PasswordReissued,
    ];
    for e in &events {
        notifier.notify("amy", e);
    }
    assert_eq!(notifier.events_for("amy"), events);
    let codes: std::collections::BTreeSet<_> = events.iter().map(OwnerEvent::code).collect();
    assert_eq!(codes.len(), events.len());
    for e in &events {
        assert!(!e.message().is_empty() && !e.message_zh().is_empty());
    }
    assert!(events[1].message_zh().contains("鎖定"));
    assert!(events[5].message().contains("198.51.100.1 (JP)"));

    // An unusual *successful* login found by the detector becomes an owner notice.
    let d = AnomalyDetector::new(AnomalyPolicy::default())
        .unwrap()
        .with_country_resolver(geo());
    let notifier = RecordingNotifier::new();
    let notify_alerts = |alerts: Vec<Alert>| {
        for a in &alerts {
            if let Some((account, event)) = OwnerEvent::for_alert(a) {
                notifier.notify(account, &event);
            }
        }
    };
    notify_alerts(d.observe(&see(&c, "ben", "192.0.2.1", Success)));
    notify_alerts(d.observe(&see(&c, "ben", "203.0.113.1", Failure)));
    assert!(notifier.events().is_empty());
    notify_alerts(d.observe(&see(&c, "ben", "203.0.113.1", Success)));
    assert_eq!(
        notifier.take(),
        [(
            "ben".to_owned(),
            OwnerEvent::UnusualSource {
                source_ip: ip("203.0.113.1"),
                country: Some("US".parse().unwrap()),
                reason: AlertKind::AccountCountries,
            }
        )]
    );
    // Failure alerts are left to the login flow's FailedPassword notice.
    let failures = only(|p| p.account_failures = Some(WindowRule::new(1, Duration::hours(1))));
    let alerts = failures.observe(&see(&c, "ben", "192.0.2.1", Failure));
    assert_eq!(kinds(&alerts), [AlertKind::AccountFailures]);
    assert_eq!(OwnerEvent::for_alert(&alerts[0]), None);
}

#[test]
fn blocklist_file_errors_name_the_line() {
    let secret_looking = "10.0.0.0/8x-secret-token";
    let text = format!("# list\n192.0.2.0/24\n\n{secret_looking}\n198.51.100.1\n");
    let err = Blocklist::parse(&text).unwrap_err();
    assert_eq!(
        err,
        BlocklistError::Line {
            line: 4,
            reason: LineError::BadPrefix
        }
    );
    assert_eq!(err.line(), Some(4));
    assert!(err.to_string().contains("line 4"));
    assert!(!err.to_string().contains("secret"));

    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[u8], usize, LineError); 5] = [
        (b"1.2.3.4\n1.2.3.4.5\n", 2, LineError::BadAddress),
        (b"::1\n::1/129\n", 2, LineError::BadPrefix),
        (b"\n\n\n1.2.3.4/-1\n", 4, LineError::BadPrefix),
        (b"# ok\n1.2.3.4 # ok\n\xc3\x28\n", 3, LineError::NotUtf8),
        (b"\n1.2.3.4/24/8\n", 2, LineError::BadPrefix),
    ];
    for (i, (bytes, line, reason)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("list{i}.txt"));
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(
            Blocklist::load(&path),
            Err(BlocklistError::Line { line, reason }),
            "case {i}"
        );
    }
    // A line of a megabyte is refused without reading it whole.
    let path = dir.path().join("long.txt");
    let mut long = b"1.2.3.4\n".to_vec();
    long.extend(std::iter::repeat_n(b'#', 1 << 20));
    std::fs::write(&path, &long).unwrap();
    assert_eq!(
        Blocklist::load(&path),
        Err(BlocklistError::Line {
            line: 2,
            reason: LineError::TooLong
        })
    );
    // A missing file is an I/O error with no line.
    let err = Blocklist::load(&dir.path().join("missing.txt")).unwrap_err();
    assert!(matches!(err, BlocklistError::Io(_)));
    assert_eq!(err.line(), None);
}

#[test]
fn memory_stays_bounded_under_a_flood() {
    let c = Arc::new(clock());
    let store = Arc::new(MemoryAnomalyStore::with_max_keys(2_000));
    let d = Arc::new(
        AnomalyDetector::new(AnomalyPolicy::default())
            .unwrap()
            .with_store(store.clone()),
    );
    // Eight threads, 100 000 attempts: 80 000 from a new address on a new account each, and
    // one address spraying 20 000 accounts.
    std::thread::scope(|s| {
        for t in 0..8u32 {
            let (c, d) = (Arc::clone(&c), Arc::clone(&d));
            s.spawn(move || {
                for i in 0..10_000u32 {
                    let n = t * 10_000 + i;
                    let user = format!("u{n}");
                    let from = IpAddr::from(std::net::Ipv4Addr::from(0x0b00_0000 + n));
                    d.observe(&Observation::new(&user, from, Failure, &*c));
                    if i % 4 == 0 {
                        d.observe(&Observation::new(&user, ip("198.51.100.99"), Failure, &*c));
                    }
                    if i % 1000 == 0 {
                        c.advance(Duration::seconds(1));
                    }
                }
            });
        }
    });
    assert!(store.len() <= store.max_keys(), "{} keys", store.len());
    // Each key holds at most its rule's threshold (5 accounts, 20 accounts, 3 failures).
    assert!(store.member_count() <= store.max_keys() * 20);
    // Still alerting on a fresh attack after the flood.
    for i in 0..5 {
        let user = format!("after{i}");
        let alerts = d.observe(&see(&c, &user, "192.0.2.250", Failure));
        assert_eq!(!alerts.is_empty(), i == 4);
    }
    // After the windows end, pruning gives the memory back.
    store.prune(c.now() + Duration::days(2));
    assert!(store.is_empty());
}

fn cidr_text(addr: IpAddr, prefix: u32, noise: &str) -> String {
    format!("# generated\n{noise}\n  {addr}/{prefix}\t# the range\n\n")
}

proptest! {
    #[test]
    fn blocklist_parser_never_panics(text in ".{0,400}", bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Blocklist::parse(&text);
        let _ = Blocklist::read(bytes.as_slice());
    }

    #[test]
    fn address_inside_a_parsed_cidr_is_matched(
        base in any::<u32>(), prefix in 0u32..=32, host in any::<u32>(),
        base6 in any::<u128>(), prefix6 in 0u32..=128, host6 in any::<u128>(),
        noise in "[#a-z0-9 ]{0,20}",
    ) {
        let noise = format!("# {noise}");
        let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
        let text = cidr_text(IpAddr::from(std::net::Ipv4Addr::from(base)), prefix, &noise);
        let list = Blocklist::parse(&text).unwrap();
        let inside = (base & mask) | (host & !mask);
        prop_assert!(list.contains(IpAddr::from(std::net::Ipv4Addr::from(inside))));
        if prefix > 0 {
            let outside = inside ^ (1u32 << (32 - prefix));
            prop_assert!(!list.contains(IpAddr::from(std::net::Ipv4Addr::from(outside))));
        }

        let mask6 = u128::MAX.checked_shl(128 - prefix6).unwrap_or(0);
        let text6 = cidr_text(IpAddr::from(std::net::Ipv6Addr::from(base6)), prefix6, &noise);
        let list6 = Blocklist::parse(&text6).unwrap();
        let inside6 = std::net::Ipv6Addr::from((base6 & mask6) | (host6 & !mask6));
        prop_assert!(list6.contains(IpAddr::from(inside6)));
    }
}

#[test]
fn odd_times_and_names_are_data_not_panics() {
    let mut policy = AnomalyPolicy::default();
    policy.permitted_hours = Some(WeeklySchedule::always());
    policy.permitted_countries = Some(vec![CountryCode::TAIWAN]);
    let d = AnomalyDetector::new(policy)
        .unwrap()
        .with_country_resolver(geo())
        .with_blocklist(Blocklist::parse("0.0.0.0/0\n::/0\n").unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = AlertFile::open(&dir.path().join("alerts.jsonl")).unwrap();
    let long = "帳".repeat(100_000);
    let c = clock();
    for at in [
        time::PrimitiveDateTime::MAX.assume_utc(),
        time::PrimitiveDateTime::MIN.assume_utc(),
        datetime!(2026-03-02 10:00 +8),
    ] {
        c.set(at);
        for account in ["", "\n\u{0}\u{1b}[2J", long.as_str()] {
            for from in ["203.0.113.1", "::ffff:203.0.113.1", "::"] {
                for outcome in [Success, Failure] {
                    let alerts = d.observe_to(&see(&c, account, from, outcome), &file);
                    for a in &alerts {
                        assert!(a.account.as_ref().unwrap().chars().count() <= 128);
                    }
                }
            }
        }
    }
    // Every line written is one JSON object (times RFC 3339 cannot hold were counted as
    // failures, not written).
    let text = std::fs::read_to_string(file.path()).unwrap();
    assert!(text.lines().count() > 0);
    for line in text.lines() {
        serde_json::from_str::<Alert>(line).unwrap();
    }
}
