//! The embedded store: [`InMemoryResetStore`].

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use time::{Duration, OffsetDateTime};

use super::policy::RequestLimit;
use super::store::{
    AccountKey, Admission, Redemption, ResetStoreError, ResetTokenStore, RevokeReason, StoredToken,
    TokenState, Verdict, admission, judge,
};
use super::token::{TokenDigest, TokenId};

/// Default [`InMemoryResetStore`] capacity: accounts with tokens, and account names with recent
/// requests, each.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// When full, stale entries are swept at most this often, so that a flood against a full store
/// does not turn every request into a full scan.
const FULL_SWEEP_INTERVAL: Duration = Duration::minutes(1);

/// One account's tokens: the live one, and the last used or revoked one kept to recognise reuse.
#[derive(Debug, Default)]
struct Slot {
    live: Option<StoredToken>,
    spent: Option<StoredToken>,
}

#[derive(Debug, Default)]
struct Inner {
    slots: HashMap<String, Slot>,
    by_id: HashMap<TokenId, String>,
    requests: HashMap<AccountKey, VecDeque<OffsetDateTime>>,
    last_sweep: Option<OffsetDateTime>,
}

/// The in-memory [`ResetTokenStore`]: one process, state lost on restart (which only revokes
/// every outstanding token).
///
/// Memory is bounded: per account at most one live token and one tombstone; per account name
/// (any name, known or not) a 32-byte [`AccountKey`] and at most `max_requests` times; at most
/// `capacity` accounts of each kind. When full after sweeping stale entries, it fails closed:
/// [`ResetStoreError::Full`] (the public response of a request is unchanged; nothing is sent).
/// One mutex makes every operation atomic: of two concurrent redemptions of one token, exactly
/// one succeeds.
#[derive(Debug)]
pub struct InMemoryResetStore {
    inner: Mutex<Inner>,
    capacity: usize,
}

impl Default for InMemoryResetStore {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemoryResetStore {
    /// An empty store of [`DEFAULT_CAPACITY`].
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// An empty store holding at most `capacity` accounts with tokens and `capacity` account
    /// names with recent requests (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
        }
    }

    /// Live tokens held.
    pub fn live_tokens(&self) -> usize {
        self.lock()
            .slots
            .values()
            .filter(|s| s.live.is_some())
            .count()
    }

    /// Account names with request times held.
    pub fn tracked_names(&self) -> usize {
        self.lock().requests.len()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update below leaves the maps consistent before anything that could panic, so
        // the state behind a poisoned lock is still valid.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// Keeps `token` as the account's tombstone, forgetting the previous one.
    fn retire(&mut self, account: &str, token: StoredToken) {
        let Some(slot) = self.slots.get_mut(account) else {
            return;
        };
        if let Some(old) = slot.spent.replace(token) {
            self.by_id.remove(&old.id);
        }
    }

    fn sweep_tokens(&mut self, now: OffsetDateTime) -> usize {
        let mut removed = 0;
        let by_id = &mut self.by_id;
        self.slots.retain(|_, slot| {
            for t in [&mut slot.live, &mut slot.spent] {
                if t.as_ref().is_some_and(|t| t.is_stale(now))
                    && let Some(gone) = t.take()
                {
                    by_id.remove(&gone.id);
                    removed += 1;
                }
            }
            slot.live.is_some() || slot.spent.is_some()
        });
        removed
    }

    fn sweep_requests(&mut self, now: OffsetDateTime, window: Duration) -> usize {
        let start = now - window;
        let before = self.requests.len();
        self.requests.retain(|_, times| {
            times.retain(|t| *t > start);
            !times.is_empty()
        });
        before - self.requests.len()
    }

    /// `true` if a sweep of a full store is due (the clock may also have been set back).
    fn sweep_due(&mut self, now: OffsetDateTime) -> bool {
        let due = self
            .last_sweep
            .is_none_or(|last| now < last || now - last >= FULL_SWEEP_INTERVAL);
        if due {
            self.last_sweep = Some(now);
        }
        due
    }
}

impl ResetTokenStore for InMemoryResetStore {
    fn admit(
        &self,
        key: &AccountKey,
        now: OffsetDateTime,
        limit: &RequestLimit,
    ) -> Result<Admission, ResetStoreError> {
        let mut inner = self.lock();
        if !inner.requests.contains_key(key) && inner.requests.len() >= self.capacity {
            if inner.sweep_due(now) {
                inner.sweep_requests(now, limit.window);
            }
            if inner.requests.len() >= self.capacity {
                return Err(ResetStoreError::Full);
            }
        }
        let times = inner.requests.entry(*key).or_default();
        let start = now - limit.window;
        times.retain(|t| *t > start);
        let decision = admission(times.make_contiguous(), now, limit);
        if decision == Admission::Admitted {
            times.push_back(now);
        }
        if times.is_empty() {
            inner.requests.remove(key);
        }
        Ok(decision)
    }

    fn insert(&self, token: StoredToken) -> Result<Option<StoredToken>, ResetStoreError> {
        let mut inner = self.lock();
        let now = token.issued_at;
        if !inner.slots.contains_key(&token.account) && inner.slots.len() >= self.capacity {
            if inner.sweep_due(now) {
                inner.sweep_tokens(now);
            }
            if inner.slots.len() >= self.capacity {
                return Err(ResetStoreError::Full);
            }
        }
        let account = token.account.clone();
        let slot = inner.slots.entry(account.clone()).or_default();
        let previous = slot.live.take();
        if let Some(old) = &previous {
            let mut revoked = old.clone();
            revoked.state = TokenState::Revoked {
                at: now,
                reason: RevokeReason::Superseded,
            };
            inner.retire(&account, revoked);
        }
        inner.by_id.insert(token.id, account.clone());
        if let Some(slot) = inner.slots.get_mut(&account) {
            slot.live = Some(token);
        }
        Ok(previous)
    }

    fn redeem(
        &self,
        id: &TokenId,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Redemption, ResetStoreError> {
        let mut inner = self.lock();
        let Some(account) = inner.by_id.get(id).cloned() else {
            return Ok(Redemption::NotFound);
        };
        let Some(slot) = inner.slots.get_mut(&account) else {
            return Ok(Redemption::NotFound);
        };
        let found = [&slot.live, &slot.spent]
            .into_iter()
            .flatten()
            .find(|t| t.id == *id);
        let Some(token) = found else {
            return Ok(Redemption::NotFound);
        };
        Ok(match judge(token, digest, now) {
            Verdict::Mismatch => Redemption::NotFound,
            Verdict::Expired => Redemption::Expired(token.clone()),
            Verdict::Spent => Redemption::Spent(token.clone()),
            Verdict::Redeem => {
                let Some(live) = slot.live.take() else {
                    return Ok(Redemption::NotFound);
                };
                let mut used = live.clone();
                used.state = TokenState::Used { at: now };
                inner.retire(&account, used);
                Redemption::Redeemed(live)
            }
        })
    }

    fn revoke(
        &self,
        account: &str,
        reason: RevokeReason,
        now: OffsetDateTime,
    ) -> Result<Option<StoredToken>, ResetStoreError> {
        let mut inner = self.lock();
        let Some(live) = inner.slots.get_mut(account).and_then(|s| s.live.take()) else {
            return Ok(None);
        };
        let mut revoked = live.clone();
        revoked.state = TokenState::Revoked { at: now, reason };
        inner.retire(account, revoked);
        Ok(Some(live))
    }

    fn prune(&self, now: OffsetDateTime, window: Duration) -> Result<usize, ResetStoreError> {
        let mut inner = self.lock();
        Ok(inner.sweep_tokens(now) + inner.sweep_requests(now, window))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);

    fn token(n: u8, account: &str) -> StoredToken {
        StoredToken::live(
            TokenId::from_bytes([n; 16]),
            TokenDigest::from_bytes([n; 32]),
            account,
            T0,
            T0 + Duration::minutes(15),
        )
    }

    #[test]
    fn one_live_token_per_account_and_tombstones_are_bounded() {
        let store = InMemoryResetStore::new();
        for n in 0..50 {
            store.insert(token(n, "a")).unwrap();
        }
        assert_eq!(store.live_tokens(), 1);
        let inner = store.lock();
        assert_eq!(inner.by_id.len(), 2, "live + one tombstone");
    }

    #[test]
    fn a_full_store_fails_closed_then_recovers_after_expiry() {
        let store = InMemoryResetStore::with_capacity(2);
        store.insert(token(1, "a")).unwrap();
        store.insert(token(2, "b")).unwrap();
        assert!(matches!(
            store.insert(token(3, "c")),
            Err(ResetStoreError::Full)
        ));
        let mut late = token(4, "d");
        late.issued_at = T0 + Duration::hours(1);
        late.expires_at = late.issued_at + Duration::minutes(15);
        store.insert(late).unwrap();
        assert_eq!(store.live_tokens(), 1);
    }

    #[test]
    fn request_names_are_bounded() {
        let store = InMemoryResetStore::with_capacity(3);
        let limit = RequestLimit {
            max_requests: 1,
            window: Duration::hours(1),
        };
        for name in ["a", "b", "c"] {
            assert_eq!(
                store.admit(&AccountKey::of(name), T0, &limit).unwrap(),
                Admission::Admitted
            );
        }
        assert!(store.admit(&AccountKey::of("d"), T0, &limit).is_err());
        let later = T0 + Duration::hours(2);
        assert_eq!(
            store.admit(&AccountKey::of("d"), later, &limit).unwrap(),
            Admission::Admitted
        );
        assert_eq!(store.tracked_names(), 1);
        assert_eq!(
            store
                .prune(later + Duration::hours(2), limit.window)
                .unwrap(),
            1
        );
    }
}
