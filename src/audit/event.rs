//! The audit event: who did what, to what, from where, when, with which outcome.

use std::net::IpAddr;

use rand::TryRngCore;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::kind::EventKind;
use crate::clock::Clock;
use crate::control::ControlId;

/// Longest free-text field kept, in bytes after escaping; longer text is cut at a character
/// boundary and marked with `…[truncated N bytes]`.
pub const MAX_TEXT: usize = 4096;

/// Makes free text safe for a one-line log: CR, LF, every other control character, the Unicode
/// line and paragraph separators and the bidirectional overrides are written as `\u{…}` escapes
/// (and a backslash as `\\`), so a forged line or a hidden direction change cannot be injected
/// and nothing is lost; text longer than [`MAX_TEXT`] is cut and marked.
///
/// ```
/// use twsec::audit::sanitize;
/// assert_eq!(sanitize("ok\nauthn_login_success admin"), "ok\\u{a}authn_login_success admin");
/// ```
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT));
    let mut cut_at = None;
    for (i, c) in text.char_indices() {
        let before = out.len();
        let dangerous = c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            )
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if c == '\\' {
            out.push_str("\\\\");
        } else if dangerous {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        if out.len() > MAX_TEXT {
            out.truncate(before);
            cut_at = Some(i);
            break;
        }
    }
    if let Some(i) = cut_at {
        out.push_str(&format!("…[truncated {} bytes]", text.len() - i));
    }
    out
}

/// Success or failure of the audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It succeeded.
    Success,
    /// It failed or was refused.
    Failure,
}

/// Who acted: an account ID and, where a regulation asks for them (TXG-12, TWSE-8.5.b), the
/// person's name and title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Actor {
    /// Account ID, or `system` for twsec itself.
    pub id: String,
    /// The person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The person's title (職稱).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Actor {
    /// An actor by account ID.
    pub fn account(id: &str) -> Self {
        Self {
            id: sanitize(id),
            name: None,
            title: None,
        }
    }

    /// twsec or the application itself.
    pub fn system() -> Self {
        Self::account("system")
    }

    /// With the person's name and title.
    #[must_use]
    pub fn with_name_and_title(mut self, name: &str, title: &str) -> Self {
        self.name = Some(sanitize(name));
        self.title = Some(sanitize(title));
        self
    }
}

/// Where the action came from (TPE-8.1, TWSE-8.4.a).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Source {
    /// Source IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// Host or device name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// What was acted on: a record type and ID and the fields touched — names only, never values of
/// personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Target {
    /// Record type, e.g. `account`, `customer`.
    pub kind: String,
    /// Record ID.
    pub id: String,
    /// Field names touched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl Target {
    /// A record by type and ID.
    pub fn new(kind: &str, id: &str) -> Self {
        Self {
            kind: sanitize(kind),
            id: sanitize(id),
            fields: Vec::new(),
        }
    }

    /// With the names of the fields touched.
    #[must_use]
    pub fn with_fields<'a>(mut self, fields: impl IntoIterator<Item = &'a str>) -> Self {
        self.fields = fields.into_iter().map(sanitize).collect();
        self
    }
}

/// One audit event. Every free-text field is [`sanitize`]d on the way in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditEvent {
    /// Time-ordered ID (UUID version 7, from the injected clock).
    pub id: Uuid,
    /// When, in UTC (A10-AU: traceable to UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// What happened.
    pub kind: EventKind,
    /// Success or failure.
    pub outcome: Outcome,
    /// Who.
    pub actor: Actor,
    /// From where.
    #[serde(default)]
    pub source: Source,
    /// The system's name (TWSE-8.5.k).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The function used (TWSE-8.5.k).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// What was acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// The control that acted or refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlId>,
    /// Free detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A UUID version 7 for `time`: 48 bits of Unix milliseconds, then random bits.
fn uuid_v7(time: OffsetDateTime) -> Uuid {
    let millis = u64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    let mut random = [0u8; 10];
    // The random part only separates events of the same millisecond; the sink's sequence number
    // orders them. If the OS source fails, the ID stays valid and time-ordered.
    let _ = rand::rngs::OsRng.try_fill_bytes(&mut random);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

impl AuditEvent {
    /// An event of `kind` with `outcome` by `actor`, now by `clock`.
    ///
    /// ```
    /// use twsec::audit::{Actor, AuditEvent, EventKind, Outcome, Target};
    /// use twsec::clock::SystemClock;
    ///
    /// let e = AuditEvent::new(EventKind::SensitiveRead, Outcome::Success, Actor::account("op-lin"), &SystemClock)
    ///     .from_ip("203.0.113.7".parse().unwrap())
    ///     .in_system("客戶管理系統", "查詢客戶資料")
    ///     .on(Target::new("customer", "C-1024").with_fields(["name", "phone"]));
    /// assert_eq!(e.kind.as_str(), "sensitive_read");
    /// assert_eq!(e.id.get_version_num(), 7);
    /// ```
    pub fn new(kind: EventKind, outcome: Outcome, actor: Actor, clock: &dyn Clock) -> Self {
        Self::at(kind, outcome, actor, clock.now())
    }

    /// An event at a given instant (converted to UTC).
    pub(crate) fn at(
        kind: EventKind,
        outcome: Outcome,
        actor: Actor,
        time: OffsetDateTime,
    ) -> Self {
        let time = time.to_offset(time::UtcOffset::UTC);
        Self {
            id: uuid_v7(time),
            time,
            kind,
            outcome,
            actor,
            source: Source::default(),
            system: None,
            function: None,
            target: None,
            control: None,
            detail: None,
        }
    }

    /// Sets the source IP address.
    #[must_use]
    pub fn from_ip(mut self, ip: IpAddr) -> Self {
        self.source.ip = Some(ip);
        self
    }

    /// Sets the source host or device.
    #[must_use]
    pub fn from_host(mut self, host: &str) -> Self {
        self.source.host = Some(sanitize(host));
        self
    }

    /// Sets the system and function names.
    #[must_use]
    pub fn in_system(mut self, system: &str, function: &str) -> Self {
        self.system = Some(sanitize(system));
        self.function = Some(sanitize(function));
        self
    }

    /// Sets the target.
    #[must_use]
    pub fn on(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    /// Sets the control.
    #[must_use]
    pub fn by_control(mut self, control: ControlId) -> Self {
        self.control = Some(control);
        self
    }

    /// Sets the free detail (sanitised).
    #[must_use]
    pub fn with_detail(mut self, detail: &str) -> Self {
        self.detail = Some(sanitize(detail));
        self
    }

    /// The event of an account [`Transition`](crate::account::Transition): its kind, actor,
    /// time, control and reason; the target is the account.
    pub fn from_transition(t: &crate::account::Transition) -> Self {
        use crate::account::Actor as A;
        let actor = match &t.actor {
            A::System => Actor::system(),
            A::Account(id) | A::Operator(id) => Actor::account(id),
        };
        let kind = EventKind::from(t.event);
        let outcome = match kind {
            EventKind::AuthnPasswordChangeFail => Outcome::Failure,
            _ => Outcome::Success,
        };
        Self::at(kind, outcome, actor, t.at)
            .on(Target::new("account", &t.account))
            .by_control(t.control)
            .with_detail(&t.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use time::macros::datetime;

    #[test]
    fn sanitize_escapes_and_bounds() {
        assert_eq!(sanitize("plain 中文"), "plain 中文");
        assert_eq!(sanitize("a\r\nb"), "a\\u{d}\\u{a}b");
        assert_eq!(sanitize("tab\there\0"), "tab\\u{9}here\\u{0}");
        assert_eq!(sanitize("x\u{2028}y\u{202E}z"), "x\\u{2028}y\\u{202e}z");
        assert_eq!(sanitize("back\\slash"), "back\\\\slash");
        // An escaped text cannot be confused with an escape that was typed.
        assert_ne!(sanitize("\\u{a}"), sanitize("\n"));
        let long = "字".repeat(5000);
        let s = sanitize(&long);
        assert!(s.len() <= MAX_TEXT + 40, "{}", s.len());
        assert!(s.ends_with("bytes]"), "{}", &s[s.len() - 30..]);
        assert!(!s.contains('\n'));
    }

    #[test]
    fn events_are_time_ordered_and_utc() {
        let clock = ManualClock::new(datetime!(2026-03-02 09:00 +08:00));
        let a = AuditEvent::new(
            EventKind::SysStartup,
            Outcome::Success,
            Actor::system(),
            &clock,
        );
        clock.advance(time::Duration::milliseconds(1));
        let b = AuditEvent::new(
            EventKind::SysShutdown,
            Outcome::Success,
            Actor::system(),
            &clock,
        );
        assert!(a.id < b.id);
        assert_eq!(a.id.get_version_num(), 7);
        assert_eq!(a.time.offset(), time::UtcOffset::UTC);
        assert_eq!(a.time, datetime!(2026-03-02 01:00 UTC));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["time"], "2026-03-02T01:00:00Z");
        assert_eq!(json["kind"], "sys_startup");
        let back: AuditEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn injection_is_neutralised_in_every_text_field() {
        let clock = ManualClock::new(datetime!(2026-01-01 00:00 UTC));
        let evil = "x\n{\"kind\":\"authn_login_success\"}";
        let e = AuditEvent::new(
            EventKind::AuthzFail,
            Outcome::Failure,
            Actor::account(evil).with_name_and_title(evil, evil),
            &clock,
        )
        .from_host(evil)
        .in_system(evil, evil)
        .on(Target::new(evil, evil).with_fields([evil]))
        .with_detail(evil);
        let line = serde_json::to_string(&e).unwrap();
        assert!(!line.contains('\n'));
        assert!(!line.contains("\\n"), "{line}");
    }
}
