//! Export to the Open Cybersecurity Schema Framework (OCSF 1.1).

use serde_json::{Map, Value, json};

use super::event::{AuditEvent, Outcome};
use super::kind::EventKind;

/// The OCSF class of an event, with its activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OcsfClass {
    /// `class_uid`: 3001 Account Change, 3002 Authentication, 6002 Application Lifecycle,
    /// 6003 API Activity, 6006 File Hosting Activity, 6008 Application Error.
    pub class_uid: u32,
    /// `activity_id` within the class.
    pub activity_id: u32,
}

impl OcsfClass {
    /// `category_uid`: 3 Identity & Access Management, 6 Application Activity.
    pub fn category_uid(self) -> u32 {
        self.class_uid / 1000
    }

    /// `type_uid` = `class_uid` × 100 + `activity_id`.
    pub fn type_uid(self) -> u32 {
        self.class_uid * 100 + self.activity_id
    }
}

const OTHER: u32 = 99;

/// The OCSF class and activity of an event kind.
pub fn ocsf_class(kind: EventKind) -> OcsfClass {
    use EventKind as K;
    let (class_uid, activity_id) = match kind {
        // Authentication: 1 Logon, 2 Logoff, 3 Authentication Ticket, 99 Other.
        K::AuthnLoginSuccess
        | K::AuthnLoginSuccessAfterFail
        | K::AuthnLoginFail
        | K::AuthnLoginFailMax
        | K::AuthnImpossibleTravel
        | K::AuthnMfaSuccess
        | K::AuthnMfaFail
        | K::SessionCreated => (3002, 1),
        K::SessionEnded | K::SessionExpired => (3002, 2),
        K::AuthnTokenCreated | K::AuthnTokenRevoked | K::AuthnTokenReuse => (3002, 3),
        K::SessionRenewed | K::SessionUseAfterExpire => (3002, OTHER),
        // Account Change: 1 Create, 2 Enable, 3 Password Change, 5 Disable, 6 Delete, 7 Attach
        // Policy, 9 Lock, 10 MFA Factor Enable, 11 MFA Factor Disable, 12 Unlock.
        K::UserCreated => (3001, 1),
        K::UserEnabled => (3001, 2),
        K::AuthnPasswordChange | K::AuthnPasswordChangeFail => (3001, 3),
        K::UserDisabled => (3001, 5),
        K::UserDeleted => (3001, 6),
        K::AuthzChange => (3001, 7),
        K::AuthnLoginLock => (3001, 9),
        K::AuthnMfaEnrolled => (3001, 10),
        K::AuthnMfaRemoved => (3001, 11),
        K::AuthnLoginUnlock => (3001, 12),
        K::UserUpdated => (3001, OTHER),
        // API Activity: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other.
        K::SensitiveCreate => (6003, 1),
        K::SensitiveRead => (6003, 2),
        K::SensitiveUpdate => (6003, 3),
        K::SensitiveDelete => (6003, 4),
        K::SensitiveExport
        | K::SensitivePrint
        | K::AuthzFail
        | K::AuthzAdmin
        | K::InputValidationFail
        | K::ExcessRateLimitExceeded => (6003, OTHER),
        // File Hosting Activity: 1 Upload, 4 Delete, 99 Other.
        K::UploadComplete | K::UploadStored => (6006, 1),
        K::UploadDelete => (6006, 4),
        K::UploadValidation => (6006, OTHER),
        // Application Lifecycle: 3 Start, 4 Stop.
        K::SysStartup => (6002, 3),
        K::SysShutdown => (6002, 4),
        // Application Error: 1 General Error, 99 Other.
        K::SysError | K::AuditFailure => (6008, 1),
        K::SysCorrection => (6008, OTHER),
    };
    OcsfClass {
        class_uid,
        activity_id,
    }
}

/// The event as an OCSF 1.1 record. twsec's own fields that OCSF has no place for (the kind, the
/// control, system and function, target) are kept under `unmapped`, so nothing is lost.
pub fn to_ocsf(event: &AuditEvent) -> Value {
    let class = ocsf_class(event.kind);
    let failed = event.outcome == Outcome::Failure;
    let mut user = Map::new();
    user.insert("uid".into(), json!(event.actor.id));
    if let Some(name) = &event.actor.name {
        user.insert("name".into(), json!(name));
    }
    let mut src = Map::new();
    if let Some(ip) = event.source.ip {
        src.insert("ip".into(), json!(ip.to_string()));
    }
    if let Some(host) = &event.source.host {
        src.insert("hostname".into(), json!(host));
    }
    let mut record = json!({
        "class_uid": class.class_uid,
        "category_uid": class.category_uid(),
        "activity_id": class.activity_id,
        "type_uid": class.type_uid(),
        "time": event.time.unix_timestamp_nanos() / 1_000_000,
        "severity_id": if failed { 3 } else { 1 },
        "status_id": if failed { 2 } else { 1 },
        "status": if failed { "Failure" } else { "Success" },
        "metadata": {
            "uid": event.id.to_string(),
            "version": "1.1.0",
            "product": { "name": "twsec", "vendor_name": "twsec", "version": env!("CARGO_PKG_VERSION") },
        },
        "actor": { "user": Value::Object(user) },
        "unmapped": {
            "twsec_kind": event.kind.as_str(),
            "control": event.control.map(|c| c.as_str()),
            "system": event.system,
            "function": event.function,
            "target": event.target,
            "actor_title": event.actor.title,
        },
    });
    if !src.is_empty() {
        record["src_endpoint"] = Value::Object(src);
    }
    if let Some(detail) = &event.detail {
        record["message"] = json!(detail);
    }
    // Account Change names the account changed as `user`.
    if class.class_uid == 3001
        && let Some(t) = &event.target
    {
        record["user"] = json!({ "uid": t.id });
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Actor, Target};
    use crate::clock::ManualClock;
    use time::macros::datetime;

    #[test]
    fn classes_named_by_the_issue() {
        let c = |k| {
            let c = ocsf_class(k);
            (c.class_uid, c.activity_id)
        };
        assert_eq!(c(EventKind::AuthnLoginSuccess), (3002, 1));
        assert_eq!(c(EventKind::AuthnLoginFail), (3002, 1));
        assert_eq!(c(EventKind::AuthnLoginLock), (3001, 9));
        assert_eq!(c(EventKind::AuthnLoginUnlock), (3001, 12));
        assert_eq!(c(EventKind::AuthnPasswordChange), (3001, 3));
        assert_eq!(c(EventKind::SensitiveRead), (6003, 2));
        assert_eq!(c(EventKind::UploadValidation), (6006, 99));
        assert_eq!(c(EventKind::SysError), (6008, 1));
        for k in EventKind::ALL {
            let c = ocsf_class(*k);
            assert!(
                [3001, 3002, 6002, 6003, 6006, 6008].contains(&c.class_uid),
                "{k}"
            );
            assert_eq!(c.type_uid(), c.class_uid * 100 + c.activity_id);
        }
    }

    #[test]
    fn record_fields() {
        let clock = ManualClock::new(datetime!(2026-01-05 01:02:03 UTC));
        let e = AuditEvent::new(
            EventKind::AuthnLoginLock,
            Outcome::Failure,
            Actor::system(),
            &clock,
        )
        .from_ip("2001:db8::7".parse().unwrap())
        .on(Target::new("account", "mingde"))
        .by_control(crate::control::ControlId::AccDisable)
        .with_detail("5 failures");
        let r = to_ocsf(&e);
        assert_eq!(r["class_uid"], 3001);
        assert_eq!(r["category_uid"], 3);
        assert_eq!(r["type_uid"], 300109);
        assert_eq!(r["status_id"], 2);
        assert_eq!(r["time"], 1_767_574_923_000_i64);
        assert_eq!(r["src_endpoint"]["ip"], "2001:db8::7");
        assert_eq!(r["user"]["uid"], "mingde");
        assert_eq!(r["message"], "5 failures");
        assert_eq!(r["metadata"]["uid"], e.id.to_string());
        assert_eq!(r["unmapped"]["twsec_kind"], "authn_login_lock");
        assert_eq!(r["unmapped"]["control"], "ACC-DISABLE");
    }
}
