//! The audit trail's mirror to `tracing` (feature `tracing`): every recorded event and every
//! sink failure reaches a subscriber under the target `security_audit`, and the chain does not
//! depend on it.
#![cfg(feature = "tracing")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::{Arc, Mutex};

use secrecy::SecretBox;
use time::macros::datetime;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use twsec::audit::{
    Actor, AuditError, AuditEvent, AuditSink, AuditTrail, Durability, EventKind, FileSink, Outcome,
    verify,
};
use twsec::clock::ManualClock;
use twsec::crypto::{Keyring, MasterKey};

/// Collects (target, level, fields as text) of every event.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<(String, Level, String)>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        let m = event.metadata();
        self.0
            .lock()
            .unwrap()
            .push((m.target().to_owned(), *m.level(), fields.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

struct Down;

impl AuditSink for Down {
    fn append(&self, _: &AuditEvent) -> Result<u64, AuditError> {
        Err(AuditError::Io("disk full".into()))
    }
    fn describe(&self) -> String {
        "down".into()
    }
}

#[test]
fn recorded_events_and_failures_are_mirrored_to_tracing() {
    let ring = Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([3; 32]))));
    let clock = ManualClock::new(datetime!(2026-05-01 09:00 UTC));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let collect = Collect::default();
    let event = AuditEvent::new(
        EventKind::AuthzFail,
        Outcome::Failure,
        Actor::account("op-chen"),
        &clock,
    );
    tracing::subscriber::with_default(collect.clone(), || {
        let sink = FileSink::open(&ring, &path, Durability::Fsync, &clock).unwrap();
        let trail = AuditTrail::new(sink).mirror_to_tracing();
        trail.record(&event).unwrap();
        let failing = AuditTrail::new(Down).mirror_to_tracing();
        assert!(failing.record(&event).is_err());
        // Without the mirror, nothing reaches the subscriber.
        let quiet = AuditTrail::new(Down);
        assert!(quiet.record(&event).is_err());
    });
    let seen = collect.0.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].0, "security_audit");
    assert_eq!(seen[0].1, Level::INFO);
    assert!(
        seen[0].2.contains("authz_fail") && seen[0].2.contains("op-chen"),
        "{seen:?}"
    );
    assert_eq!(seen[1].1, Level::ERROR);
    assert!(seen[1].2.contains("disk full"), "{seen:?}");
    // The log itself is complete whatever the subscriber did.
    assert_eq!(verify(&ring, &path).unwrap().records, 1);
}
