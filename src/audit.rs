//! The audit trail (area AUD): the event model.
//!
//! [`AuditEvent`] is one event in one format for every kind (MOE-42.1.5): a time-ordered ID,
//! UTC time (A10-AU), the [`EventKind`] of the OWASP Logging Vocabulary, outcome, actor (with
//! name and title where TXG-12 / TWSE-8.5.b ask), source IP and host (TPE-8.1, TWSE-8.4.a),
//! system and function (TWSE-8.5.k), target record and fields (never personal-data values),
//! control ID and free detail, every text field sanitised against log injection.
//! [`to_ocsf`] maps an event to an OCSF class for export. Account-lifecycle transitions become
//! events with [`AuditEvent::from_transition`].
//!
//! [`FileSink`] is the embedded tamper-evident log (HMAC-SHA-256 chain, JSON Lines, torn-write
//! repair) and [`verify`] reports the first bad record. Group commit, rotation, checkpoints,
//! retention and the PostgreSQL backend are still to come (issue 4).

mod chain;
mod event;
mod file;
mod kind;
mod ocsf;
mod sink;

pub use event::{Actor, AuditEvent, MAX_TEXT, Outcome, Source, Target, sanitize};
pub use file::{AuditError, Durability, FileSink, VerifyReport, verify, verify_reader};
pub use kind::EventKind;
pub use ocsf::{OcsfClass, ocsf_class, to_ocsf};
pub use sink::{AuditSink, AuditTrail, FailurePolicy, Receipt, SinkFailure};
