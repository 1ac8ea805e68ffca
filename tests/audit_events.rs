//! The audit event model through the public API: account transitions become events, free text
//! cannot inject lines, OCSF export.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use proptest::prelude::*;
use time::macros::datetime;
use twsec::account::Accounts;
use twsec::audit::{AuditEvent, EventKind, Outcome, sanitize, to_ocsf};
use twsec::control::{ControlId, Profile};
use twsec::password::{Hasher, HasherConfig, PersonalInfo};

#[test]
fn account_transitions_become_audit_events() {
    let accounts = Accounts::new(
        &Profile::moe(),
        Hasher::new(HasherConfig::default()).unwrap(),
    )
    .unwrap();
    let t0 = datetime!(2026-01-05 09:00 +08:00);
    let mut new = accounts.create("mingde", &PersonalInfo::new(), t0).unwrap();
    let created = AuditEvent::from_transition(&new.event);
    assert_eq!(created.kind, EventKind::UserCreated);
    assert_eq!(created.outcome, Outcome::Success);
    assert_eq!(created.actor.id, "system");
    assert_eq!(created.target.as_ref().unwrap().id, "mingde");
    assert_eq!(created.time, datetime!(2026-01-05 01:00 UTC));
    assert_eq!(created.control, Some(ControlId::PwInitial));

    let refused =
        match accounts.change_password(&mut new.record, "1qaz2wsx", &PersonalInfo::new(), t0) {
            Err(twsec::account::ChangeError::Rejected { event, .. }) => {
                AuditEvent::from_transition(&event)
            }
            other => panic!("expected a refusal, got {other:?}"),
        };
    assert_eq!(refused.kind, EventKind::AuthnPasswordChangeFail);
    assert_eq!(refused.outcome, Outcome::Failure);
    assert_eq!(refused.actor.id, "mingde");
    // The detail names the violated rules, never the password.
    let line = serde_json::to_string(&refused).unwrap();
    assert!(line.contains("PW-COMMON"), "{line}");
    assert!(!line.contains("1qaz2wsx"), "{line}");
    let ocsf = to_ocsf(&refused);
    assert_eq!(
        (ocsf["class_uid"].as_u64(), ocsf["activity_id"].as_u64()),
        (Some(3001), Some(3))
    );
    assert_eq!(ocsf["status"], "Failure");
}

proptest! {
    #[test]
    fn sanitized_text_is_one_safe_line(s in "\\PC*|[\\x00-\\x1f\\u{2028}\\u{202e}a-z\\\\]{0,200}") {
        let out = sanitize(&s);
        let unsafe_char = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{202e}';
        let clean = !out.chars().any(unsafe_char);
        prop_assert!(clean);
        prop_assert!(out.len() <= twsec::audit::MAX_TEXT + 40);
        // Nothing is lost when the text fits: escaping is reversible in principle, so distinct
        // short inputs stay distinct.
        if s.len() < 100 {
            let other = s.clone() + "x";
            prop_assert_ne!(sanitize(&other), out);
        }
    }
}
