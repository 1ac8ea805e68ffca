//! The login guard (areas AUTH and MFA): lockout that is exact under concurrency, a challenge
//! signal before the hard lock, an enumeration-safe login flow, anomaly detection with alerts and
//! owner notifications, password-reset tokens and multi-factor authentication.
//!
//! Each part is a policy value plus pure decisions; state sits behind a small trait with an
//! in-memory default (and Redis with the `redis` feature).

mod guard;
mod lockout;
mod store;

pub use guard::{Guard, GuardError, IdentityConfirmation, LoginAttempt, LoginOutcome};
pub use lockout::{Limit, LockoutPolicy, Progressive, Scope, key as lockout_key};
pub use store::{
    AttemptOutcome, AttemptStore, Finished, KeyState, MemoryStore, Reservation, StoreError,
};

pub mod reset;
