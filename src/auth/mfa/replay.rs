//! Where the last accepted TOTP time step of each enrolment is kept, when it is not kept in the
//! enrolment record itself.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use time::OffsetDateTime;

use super::error::ReplayStoreError;
use crate::auth::totp::TotpStep;

/// The last accepted time step per enrolment, shared by every verification of the process (or,
/// in a distributed backend, of every instance), so that a TOTP code is accepted once.
///
/// [`advance`](Self::advance) must be atomic: of two calls with the same step, exactly one
/// returns `true`. A Redis backend does it in one script (`GET`, compare, `SET … PXAT`).
pub trait TotpReplayStore: Send + Sync + fmt::Debug {
    /// Records `step` as the last accepted step of `enrolment` if it is later than the one
    /// recorded (or none is); `false` if it is not, i.e. the code is a replay. The record is
    /// needed only until `keep_until` (see
    /// [`TotpParams::accepted_until`](crate::auth::totp::TotpParams::accepted_until)): after
    /// that the step is outside every skew window and may be forgotten.
    fn advance(
        &self,
        enrolment: &str,
        step: TotpStep,
        keep_until: OffsetDateTime,
    ) -> Result<bool, ReplayStoreError>;

    /// Forgets `enrolment` (it was removed or replaced).
    fn forget(&self, enrolment: &str) -> Result<(), ReplayStoreError>;
}

/// The in-memory [`TotpReplayStore`] of one process: a map behind a mutex, so that concurrent
/// verifications of the same code are serialised and exactly one is accepted.
///
/// Memory holds one entry per enrolment that verified a code recently;
/// [`prune`](Self::prune) drops those past their `keep_until`.
///
/// ```
/// use time::macros::datetime;
/// use twsec::auth::mfa::{MemoryReplayStore, TotpReplayStore};
/// use twsec::auth::totp::TotpStep;
///
/// let store = MemoryReplayStore::new();
/// let until = datetime!(2026-01-01 00:01 UTC);
/// assert!(store.advance("enrolment-1", TotpStep::new(7), until)?);
/// assert!(!store.advance("enrolment-1", TotpStep::new(7), until)?);
/// assert!(!store.advance("enrolment-1", TotpStep::new(6), until)?);
/// assert!(store.advance("enrolment-1", TotpStep::new(8), until)?);
/// assert_eq!(store.prune(until), 1);
/// assert!(store.is_empty());
/// # Ok::<(), twsec::auth::mfa::ReplayStoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryReplayStore {
    steps: Mutex<HashMap<String, (TotpStep, OffsetDateTime)>>,
}

impl MemoryReplayStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, (TotpStep, OffsetDateTime)>> {
        // A panic elsewhere cannot leave the map half-updated: every change is one insert.
        self.steps.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops the entries whose `keep_until` is at or before `now`; returns how many.
    pub fn prune(&self, now: OffsetDateTime) -> usize {
        let mut map = self.lock();
        let before = map.len();
        map.retain(|_, (_, until)| *until > now);
        before - map.len()
    }

    /// The number of enrolments held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// `true` when no enrolment is held.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

impl TotpReplayStore for MemoryReplayStore {
    fn advance(
        &self,
        enrolment: &str,
        step: TotpStep,
        keep_until: OffsetDateTime,
    ) -> Result<bool, ReplayStoreError> {
        let mut map = self.lock();
        match map.get_mut(enrolment) {
            Some((last, _)) if *last >= step => Ok(false),
            Some(entry) => {
                *entry = (step, keep_until);
                Ok(true)
            }
            None => {
                map.insert(enrolment.to_owned(), (step, keep_until));
                Ok(true)
            }
        }
    }

    fn forget(&self, enrolment: &str) -> Result<(), ReplayStoreError> {
        self.lock().remove(enrolment);
        Ok(())
    }
}
