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
//! [`FileSink`] is the embedded tamper-evident log: JSON Lines with an HMAC-SHA-256 chain,
//! three durability modes (fsync each, group commit, OS-buffered), torn-write repair, rotation
//! by size and day with the chain running across files, signed [`Checkpoint`]s to export, and
//! retention pruning ([`FileSink::prune`]). [`verify`] reports the first bad record; reading
//! events takes an [`AuditReader`]. [`AuditTrail`] puts a [`FailurePolicy`] and an alert hook
//! in front of any [`AuditSink`]. With the `postgres` feature, the same chain lives in a
//! PostgreSQL table written by an insert-and-select-only role.

mod chain;
mod checkpoint;
mod error;
mod event;
mod file;
mod kind;
mod ocsf;
#[cfg(feature = "postgres")]
mod postgres;
mod read;
mod sink;

pub use checkpoint::{Checkpoint, checkpoint_public_key};
pub use error::{AuditError, VerifyReport};
pub use event::{Actor, AuditEvent, MAX_TEXT, Outcome, Source, Target, sanitize};
pub use file::{Durability, FileSink, LogOptions, Pending, PruneReport};
pub use kind::EventKind;
pub use ocsf::{OcsfClass, ocsf_class, to_ocsf};
#[cfg(feature = "postgres")]
pub use postgres::{PgIdentifier, PgIdentifierError, PgSink, migrate_postgres, verify_postgres};
pub use read::{AuditReader, ExportFormat, verify, verify_reader};
pub use sink::{AuditSink, AuditTrail, FailurePolicy, Receipt, SinkFailure};
