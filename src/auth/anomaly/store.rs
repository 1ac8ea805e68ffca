//! State of the anomaly detector: sliding-window sets behind a small trait, with a bounded
//! in-memory default.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher as _;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use time::{Duration, OffsetDateTime};

use crate::auth::alert::AlertKind;

/// What a sliding window counts, and for whom. Accounts and alert subjects are 64-bit digests
/// (stable across processes), so a store holds no account name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WindowKey {
    /// Distinct accounts tried from one source address (IPv6: its network).
    IpAccounts(IpAddr),
    /// Distinct accounts failing, system-wide.
    FailingAccounts,
    /// Failed attempts on one account (each failure is its own member).
    AccountFailures(u64),
    /// Distinct countries one account logged in from.
    AccountCountries(u64),
    /// An alert already raised for a subject, for de-duplication.
    Raised {
        /// The alert's kind.
        kind: AlertKind,
        /// Digest of the alert's subject.
        subject: u64,
    },
    /// An owner notification already sent: digest of the account and the event's code.
    Notified(u64),
}

/// Sliding-window state for [`AnomalyDetector`](crate::auth::AnomalyDetector).
///
/// Each [`WindowKey`] names a set of 64-bit members, each with the last time it was seen. The
/// operations map one-to-one onto a Redis sorted set (`ZADD`, `ZREMRANGEBYSCORE`, `ZPOPMIN`,
/// `ZRANGE` in one script; `SET NX PX` for [`AnomalyStore::claim`]), so that several instances
/// of an application can share the state; [`MemoryAnomalyStore`] is the embedded default.
///
/// An implementation must bound its memory: at most `cap` members per key, and a limit on keys.
pub trait AnomalyStore: Send + Sync + fmt::Debug {
    /// Adds `member` seen at `at` to the set `key`, forgets members last seen before
    /// `at - window`, keeps at most `cap` members (dropping the stalest), and returns the members
    /// now in the set.
    fn add_member(
        &self,
        key: WindowKey,
        member: u64,
        at: OffsetDateTime,
        window: Duration,
        cap: usize,
    ) -> Vec<u64>;

    /// Forgets the set `key`.
    fn forget(&self, key: WindowKey);

    /// Returns `true` and holds `key` until `at + window` if it is not already held at `at`;
    /// `false` while it is held (de-duplication of alerts).
    fn claim(&self, key: WindowKey, at: OffsetDateTime, window: Duration) -> bool;
}

impl<S: AnomalyStore + ?Sized> AnomalyStore for std::sync::Arc<S> {
    fn add_member(
        &self,
        key: WindowKey,
        member: u64,
        at: OffsetDateTime,
        window: Duration,
        cap: usize,
    ) -> Vec<u64> {
        (**self).add_member(key, member, at, window, cap)
    }

    fn forget(&self, key: WindowKey) {
        (**self).forget(key);
    }

    fn claim(&self, key: WindowKey, at: OffsetDateTime, window: Duration) -> bool {
        (**self).claim(key, at, window)
    }
}

/// Default number of keys [`MemoryAnomalyStore::new`] tracks (about 20 MB at worst with the
/// default thresholds).
pub const DEFAULT_MAX_TRACKED_KEYS: usize = 100_000;
/// The fewest keys a [`MemoryAnomalyStore`] tracks (smaller values are raised to this).
pub const MIN_TRACKED_KEYS: usize = 256;
/// The most members one key holds, whatever `cap` a caller asks for.
pub const MAX_MEMBERS_PER_KEY: usize = 1024;

const SHARDS: usize = 16;

/// `at + d`, held at the last representable instant instead of overflowing (a replayed or
/// forged time must not panic).
fn later(at: OffsetDateTime, d: Duration) -> OffsetDateTime {
    at.checked_add(d).unwrap_or_else(|| edge(!d.is_negative()))
}

/// `at - d`, held at the first representable instant instead of overflowing.
fn earlier(at: OffsetDateTime, d: Duration) -> OffsetDateTime {
    at.checked_sub(d).unwrap_or_else(|| edge(d.is_negative()))
}

fn edge(end: bool) -> OffsetDateTime {
    if end {
        time::PrimitiveDateTime::MAX.assume_utc()
    } else {
        time::PrimitiveDateTime::MIN.assume_utc()
    }
}

/// The embedded [`AnomalyStore`]: sharded hash maps under mutexes, bounded in keys and in members
/// per key.
///
/// # Bounds and their trade-off
/// Each key holds at most `cap` members (the rule's threshold: one more distinct account from
/// an address changes nothing once it alerts). When a shard is full, keys whose windows have
/// ended are dropped first; if that is not enough, the stalest eighth of the shard (by last
/// activity) is evicted, so insertion stays amortised O(1). An attacker who floods with fresh
/// keys can therefore make the store forget old, quiet keys (a slow attack spread over more
/// keys than the store holds may go unseen); the keys that are active right now, the ones that
/// alert, are the last to go. Size the store above the number of addresses and accounts active
/// in one window, or use a shared backend.
pub struct MemoryAnomalyStore {
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
    hasher: std::hash::RandomState,
}

#[derive(Default)]
struct Shard {
    map: HashMap<WindowKey, Entry>,
}

struct Entry {
    /// (member, last seen).
    members: Vec<(u64, OffsetDateTime)>,
    last_seen: OffsetDateTime,
    /// When the last window touching this key ends.
    expires: OffsetDateTime,
}

impl MemoryAnomalyStore {
    /// A store tracking at most [`DEFAULT_MAX_TRACKED_KEYS`] keys.
    pub fn new() -> Self {
        Self::with_max_keys(DEFAULT_MAX_TRACKED_KEYS)
    }

    /// A store tracking at most `max_keys` keys (at least [`MIN_TRACKED_KEYS`]).
    pub fn with_max_keys(max_keys: usize) -> Self {
        let per_shard = max_keys.max(MIN_TRACKED_KEYS) / SHARDS;
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            per_shard,
            hasher: std::hash::RandomState::new(),
        }
    }

    /// The most keys this store tracks.
    pub fn max_keys(&self) -> usize {
        self.per_shard * SHARDS
    }

    /// Keys tracked now.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).map.len()).sum()
    }

    /// Whether no key is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Members held now, over all keys.
    pub fn member_count(&self) -> usize {
        self.shards
            .iter()
            .map(|s| lock(s).map.values().map(|e| e.members.len()).sum::<usize>())
            .sum()
    }

    /// Drops every key whose window has ended by `now`; call it from a periodic task to give
    /// memory back after a burst (the store never grows past [`MemoryAnomalyStore::max_keys`]
    /// without it).
    pub fn prune(&self, now: OffsetDateTime) {
        for shard in self.shards.iter() {
            lock(shard).map.retain(|_, e| e.expires > now);
        }
    }

    fn shard(&self, key: &WindowKey) -> MutexGuard<'_, Shard> {
        let i = usize::try_from(self.hasher.hash_one(key) % SHARDS as u64).unwrap_or(0);
        lock(&self.shards[i])
    }
}

impl Default for MemoryAnomalyStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryAnomalyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryAnomalyStore")
            .field("keys", &self.len())
            .field("max_keys", &self.max_keys())
            .finish_non_exhaustive()
    }
}

fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // The maps are valid after any panic (every update is a single insert or retain).
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shard {
    /// Makes room for `key` if it is new and the shard is full.
    fn make_room(&mut self, key: &WindowKey, now: OffsetDateTime, limit: usize) {
        if self.map.len() < limit || self.map.contains_key(key) {
            return;
        }
        self.map.retain(|_, e| e.expires > now);
        if self.map.len() < limit {
            return;
        }
        // Evict the stalest eighth at once, so that the O(n) pass is paid once per n/8 inserts.
        let mut ages: Vec<(OffsetDateTime, WindowKey)> =
            self.map.iter().map(|(k, e)| (e.last_seen, *k)).collect();
        let evict = (ages.len() / 8).max(1);
        ages.select_nth_unstable_by_key(evict - 1, |(t, _)| *t);
        for (_, k) in &ages[..evict] {
            self.map.remove(k);
        }
    }

    fn entry(&mut self, key: WindowKey, at: OffsetDateTime, limit: usize) -> &mut Entry {
        self.make_room(&key, at, limit);
        self.map.entry(key).or_insert_with(|| Entry {
            members: Vec::new(),
            last_seen: at,
            expires: at,
        })
    }
}

impl AnomalyStore for MemoryAnomalyStore {
    fn add_member(
        &self,
        key: WindowKey,
        member: u64,
        at: OffsetDateTime,
        window: Duration,
        cap: usize,
    ) -> Vec<u64> {
        let cap = cap.clamp(1, MAX_MEMBERS_PER_KEY);
        let since = earlier(at, window);
        let mut shard = self.shard(&key);
        let e = shard.entry(key, at, self.per_shard);
        e.members.retain(|&(_, seen)| seen >= since);
        match e.members.iter_mut().find(|(m, _)| *m == member) {
            Some((_, seen)) => *seen = (*seen).max(at),
            None => e.members.push((member, at)),
        }
        while e.members.len() > cap {
            let stalest = e
                .members
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, seen))| *seen)
                .map_or(0, |(i, _)| i);
            e.members.swap_remove(stalest);
        }
        e.last_seen = e.last_seen.max(at);
        e.expires = e.expires.max(later(at, window));
        e.members.iter().map(|&(m, _)| m).collect()
    }

    fn forget(&self, key: WindowKey) {
        self.shard(&key).map.remove(&key);
    }

    fn claim(&self, key: WindowKey, at: OffsetDateTime, window: Duration) -> bool {
        let mut shard = self.shard(&key);
        let fresh = !shard.map.contains_key(&key);
        let e = shard.entry(key, at, self.per_shard);
        if !fresh && e.expires > at {
            return false;
        }
        e.last_seen = at;
        e.expires = later(at, window);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

    #[test]
    fn window_slides_and_caps_members() {
        let s = MemoryAnomalyStore::new();
        let k = WindowKey::FailingAccounts;
        let w = Duration::minutes(5);
        assert_eq!(s.add_member(k, 1, T0, w, 3), vec![1]);
        s.add_member(k, 2, T0 + Duration::minutes(1), w, 3);
        s.add_member(k, 1, T0 + Duration::minutes(2), w, 3);
        let m = s.add_member(k, 3, T0 + Duration::minutes(3), w, 3);
        assert_eq!(m.len(), 3);
        // 4 pushes out the stalest (2, seen at minute 1).
        let mut m = s.add_member(k, 4, T0 + Duration::minutes(4), w, 3);
        m.sort_unstable();
        assert_eq!(m, vec![1, 3, 4]);
        // Minute 9: only members seen since minute 4 remain.
        assert_eq!(
            s.add_member(k, 5, T0 + Duration::minutes(9), w, 3),
            vec![4, 5]
        );
        s.forget(k);
        assert!(s.is_empty());
    }

    #[test]
    fn claims_hold_for_their_window() {
        let s = MemoryAnomalyStore::new();
        let k = WindowKey::Raised {
            kind: AlertKind::BlocklistedIp,
            subject: 7,
        };
        let w = Duration::minutes(10);
        assert!(s.claim(k, T0, w));
        assert!(!s.claim(k, T0 + Duration::minutes(9), w));
        assert!(s.claim(k, T0 + Duration::minutes(10), w));
    }

    #[test]
    fn keys_are_bounded_and_the_stalest_go_first() {
        let s = MemoryAnomalyStore::with_max_keys(1_000);
        let w = Duration::hours(1);
        let hot = WindowKey::AccountFailures(u64::MAX);
        for i in 0..50_000u64 {
            let at = T0 + Duration::milliseconds(i64::try_from(i).unwrap());
            s.add_member(WindowKey::AccountFailures(i), i, at, w, 3);
            s.add_member(hot, i, at, w, 3);
            assert!(s.len() <= s.max_keys());
        }
        assert_eq!(
            s.add_member(hot, 0, T0 + Duration::minutes(1), w, 3).len(),
            3
        );
        s.prune(T0 + Duration::hours(2));
        assert!(s.is_empty());
    }

    #[test]
    fn times_at_the_edges_do_not_overflow() {
        let s = MemoryAnomalyStore::new();
        let max = time::PrimitiveDateTime::MAX.assume_utc();
        let min = time::PrimitiveDateTime::MIN.assume_utc();
        for at in [max, min] {
            for w in [Duration::days(31), Duration::MAX, Duration::MIN] {
                s.add_member(WindowKey::FailingAccounts, 1, at, w, 3);
                s.claim(WindowKey::Notified(1), at, w);
            }
        }
        s.prune(max);
    }
}
