//! Where events go, and what happens when that fails (TWSE-8.4.d, A10-AU).

use std::sync::Arc;

use super::error::AuditError;
use super::event::{Actor, AuditEvent, Outcome};
use super::kind::EventKind;
use crate::control::ControlId;

/// A place audit events are appended to: the embedded [`FileSink`](super::FileSink), the
/// PostgreSQL backend (feature `postgres`), or an application's own.
///
/// An implementation appends every event completely or not at all, numbers the events it keeps
/// densely from 1, and returns only when its durability promise holds.
pub trait AuditSink: Send + Sync {
    /// Appends `event` and returns its sequence number in this sink.
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError>;

    /// A short description for alerts and error messages (`file:/var/log/app/audit.jsonl`).
    fn describe(&self) -> String;
}

impl<S: AuditSink + ?Sized> AuditSink for Arc<S> {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        (**self).append(event)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

impl<S: AuditSink + ?Sized> AuditSink for Box<S> {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        (**self).append(event)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// What [`AuditTrail::record`] does when the primary sink fails. There is no "drop and carry on".
#[non_exhaustive]
pub enum FailurePolicy {
    /// The append fails, so the audited operation fails too (the default).
    FailClosed,
    /// The event goes to this secondary sink, preceded by an `audit_failure` event naming the
    /// primary's error; if the secondary fails as well, the append fails.
    Fallback(Box<dyn AuditSink>),
}

impl std::fmt::Debug for FailurePolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailurePolicy::FailClosed => f.write_str("FailClosed"),
            FailurePolicy::Fallback(s) => write!(f, "Fallback({})", s.describe()),
        }
    }
}

/// Where an event was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Receipt {
    /// In the primary sink, with this sequence number.
    Primary(u64),
    /// In the secondary sink, with this sequence number, because the primary failed.
    Secondary(u64),
}

/// A sink failure, as given to the alert hook.
#[derive(Debug)]
#[non_exhaustive]
pub struct SinkFailure<'a> {
    /// The sink that failed ([`AuditSink::describe`]).
    pub sink: String,
    /// Its error.
    pub error: &'a AuditError,
    /// The event that could not be kept there.
    pub event: &'a AuditEvent,
    /// Whether the event was kept in a secondary sink after all.
    pub kept_in_secondary: bool,
}

type AlertHook = Box<dyn Fn(&SinkFailure<'_>) + Send + Sync>;

/// The audit trail an application records into: a primary sink, a [`FailurePolicy`], an alert
/// hook called on every sink failure, and optionally a mirror of every event to `tracing`.
///
/// ```
/// use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};
/// use twsec::audit::{Actor, AuditEvent, AuditTrail, Durability, EventKind, FileSink, Outcome, Receipt};
/// use twsec::clock::SystemClock;
/// use twsec::crypto::{Keyring, MasterKey};
///
/// let dir = tempfile::tempdir()?;
/// let ring = Keyring::new(MasterKey::generate());
/// let sink = FileSink::open(&ring, &dir.path().join("audit.jsonl"), Durability::Fsync, &SystemClock)?;
/// let alerts = Arc::new(AtomicUsize::new(0));
/// let counter = alerts.clone();
/// let trail = AuditTrail::new(sink).on_failure_alert(move |failure| {
///     // Page the operator: the audit trail is failing (TWSE-8.4.d).
///     counter.fetch_add(1, Ordering::SeqCst);
///     let _ = failure.sink.len();
/// });
/// let e = AuditEvent::new(EventKind::SysStartup, Outcome::Success, Actor::system(), &SystemClock);
/// assert_eq!(trail.record(&e)?, Receipt::Primary(1));
/// assert_eq!(alerts.load(Ordering::SeqCst), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AuditTrail {
    primary: Box<dyn AuditSink>,
    policy: FailurePolicy,
    alert: Option<AlertHook>,
    mirror: bool,
}

impl std::fmt::Debug for AuditTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditTrail")
            .field("primary", &self.primary.describe())
            .field("policy", &self.policy)
            .field("alert", &self.alert.is_some())
            .field("mirror", &self.mirror)
            .finish()
    }
}

impl AuditTrail {
    /// A trail into `primary` that fails closed.
    pub fn new(primary: impl AuditSink + 'static) -> Self {
        Self {
            primary: Box::new(primary),
            policy: FailurePolicy::FailClosed,
            alert: None,
            mirror: false,
        }
    }

    /// Sets the failure policy.
    #[must_use]
    pub fn with_policy(mut self, policy: FailurePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Calls `hook` on every sink failure (an alert to the operator; TWSE-8.4.d). The hook runs
    /// on the appending thread and should hand off rather than block.
    #[must_use]
    pub fn on_failure_alert(
        mut self,
        hook: impl Fn(&SinkFailure<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.alert = Some(Box::new(hook));
        self
    }

    /// Also emits every recorded event to `tracing` (target `security_audit`, level INFO;
    /// failures at ERROR) for observability. The chain never depends on a subscriber.
    #[must_use]
    pub fn mirror_to_tracing(mut self) -> Self {
        self.mirror = true;
        self
    }

    /// Records `event`: in the primary sink, or per the [`FailurePolicy`]. `Err` means the
    /// event was kept nowhere and the audited operation must not proceed.
    pub fn record(&self, event: &AuditEvent) -> Result<Receipt, AuditError> {
        let error = match self.primary.append(event) {
            Ok(seq) => {
                self.mirror(event, "primary", seq);
                return Ok(Receipt::Primary(seq));
            }
            Err(e) => e,
        };
        let kept = match &self.policy {
            FailurePolicy::FailClosed => Err(error.clone()),
            FailurePolicy::Fallback(secondary) => {
                // At the failing event's time, so the notice sorts with it.
                let notice = AuditEvent::at(
                    EventKind::AuditFailure,
                    Outcome::Failure,
                    Actor::system(),
                    event.time,
                )
                .by_control(ControlId::AudEvent)
                .with_detail(&format!(
                    "primary audit sink {} failed: {error}; events continue in {}",
                    self.primary.describe(),
                    secondary.describe()
                ));
                secondary
                    .append(&notice)
                    .and_then(|_| secondary.append(event))
            }
        };
        if let Some(hook) = &self.alert {
            hook(&SinkFailure {
                sink: self.primary.describe(),
                error: &error,
                event,
                kept_in_secondary: kept.is_ok(),
            });
        }
        self.mirror_failure(&error);
        match kept {
            Ok(seq) => {
                self.mirror(event, "secondary", seq);
                Ok(Receipt::Secondary(seq))
            }
            Err(e) => Err(e),
        }
    }

    #[cfg(feature = "tracing")]
    fn mirror(&self, event: &AuditEvent, sink: &str, seq: u64) {
        if self.mirror {
            tracing::info!(
                target: "security_audit",
                sink,
                seq,
                kind = event.kind.as_str(),
                outcome = ?event.outcome,
                actor = %event.actor.id,
                event = %serde_json::to_string(event).unwrap_or_default(),
            );
        }
    }

    #[cfg(not(feature = "tracing"))]
    fn mirror(&self, _event: &AuditEvent, _sink: &str, _seq: u64) {}

    #[cfg(feature = "tracing")]
    fn mirror_failure(&self, error: &AuditError) {
        if self.mirror {
            tracing::error!(target: "security_audit", sink = %self.primary.describe(), %error, "audit sink failed");
        }
    }

    #[cfg(not(feature = "tracing"))]
    fn mirror_failure(&self, _error: &AuditError) {}
}
