//! The login guard (areas AUTH and MFA): lockout that is exact under concurrency, a challenge
//! signal before the hard lock, an enumeration-safe login flow, anomaly detection with alerts and
//! owner notifications, password-reset tokens and multi-factor authentication.
//!
//! Each part is a policy value plus pure decisions; state sits behind a small trait with an
//! in-memory default (and Redis with the `redis` feature).

mod guard;
mod lockout;
#[cfg(feature = "redis")]
mod redis;
mod store;

#[cfg(feature = "redis")]
pub use self::redis::{RedisStore, RedisStoreBuilder};
pub use guard::{Guard, GuardError, IdentityConfirmation, LoginAttempt, LoginOutcome, MfaOutcome};
pub use lockout::{Limit, LockoutPolicy, Progressive, Scope, key as lockout_key};
pub use store::{
    AttemptOutcome, AttemptStore, Finished, KeyState, MemoryStore, Reservation, StoreError,
};

mod alert;
mod anomaly;
mod blocklist;
mod notify;

pub use alert::{
    Alert, AlertCallback, AlertError, AlertFile, AlertKind, AlertSink, DEFAULT_MEMORY_ALERTS,
    DedupSink, MAX_ACCOUNT_CHARS, MemoryAlertSink, Severity, Subject,
};
pub use anomaly::{
    AnomalyDetector, AnomalyPolicy, AnomalyPolicyError, AnomalyStore, Counted, CountryCode,
    CountryCodeError, CountryResolver, DEFAULT_MAX_TRACKED_KEYS, MAX_MEMBERS_PER_KEY,
    MAX_RANGES_PER_DAY, MAX_THRESHOLD, MAX_WINDOW, MIN_DISTINCT_THRESHOLD, MIN_TRACKED_KEYS,
    MemoryAnomalyStore, Observation, ObservedOutcome, ScheduleError, TAIPEI, WeeklySchedule,
    WindowKey, WindowRule,
};
pub use blocklist::{
    Blocklist, BlocklistError, LineError, MAX_BLOCKLIST_ENTRIES, MAX_BLOCKLIST_LINE_BYTES,
};
pub use notify::{
    DEFAULT_RECORDED_NOTICES, DedupNotifier, Notifier, NotifyCallback, OwnerEvent,
    RecordingNotifier,
};

pub mod mfa;
pub mod reset;
pub mod totp;
