//! Where attempt counters live: the [`AttemptStore`] trait and its in-memory default.
//!
//! Exactness under concurrency comes from *reserving* before verifying: an attempt takes a slot
//! (failures + attempts in flight < limit) before its password is checked, and ends as a
//! success, a failure or "not made". N simultaneous wrong passwords therefore cause at most
//! `max_failures` verifications per key in a window, on every backend — where django-axes and
//! ASP.NET Identity let concurrent bursts through (see `spec/peers.md`).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::sync::{Mutex, MutexGuard};

use hashbrown::HashTable;

use time::OffsetDateTime;

use super::lockout::Limit;

/// The result of [`AttemptStore::reserve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reservation {
    /// The attempt may go ahead; `failures` were counted before it in this window.
    Granted {
        /// Failures already counted.
        failures: u32,
        /// The end of a lock that ran out since the key was last used: reported once, so the
        /// guard can record the automatic unlock (TWSE-8.3.e).
        unlocked_at: Option<OffsetDateTime>,
    },
    /// The key is locked until then.
    Locked {
        /// End of the lock.
        until: OffsetDateTime,
    },
    /// Failures and attempts in flight already reach the limit: the attempt is refused without
    /// a verification (it would be the one too many if the others fail).
    Busy,
}

/// How a reserved attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The password was right.
    Success,
    /// The password was wrong (or the account unknown).
    Failure,
    /// The attempt was not made (a challenge was missing, another scope refused): the slot is
    /// given back uncounted.
    NotMade,
}

/// The state of a key after [`AttemptStore::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finished {
    /// Failures counted in the current window (0 after a lock or a reset).
    pub failures: u32,
    /// Set when this failure locked the key.
    pub locked_until: Option<OffsetDateTime>,
    /// Locks of this key remembered (for progressive locks).
    pub locks: u32,
}

/// The state of a key, as [`AttemptStore::peek`] sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyState {
    /// Failures counted in the current window.
    pub failures: u32,
    /// Attempts reserved and not finished.
    pub in_flight: u32,
    /// End of the current lock.
    pub locked_until: Option<OffsetDateTime>,
}

/// A store failure (the backend is unreachable or answered nonsense). The guard fails closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("attempt store: {0}")]
pub struct StoreError(pub String);

/// Attempt counters with atomic reserve/finish per key. Implementations: [`MemoryStore`]
/// (one process) and, with the `redis` feature, a Redis store shared by every instance.
///
/// `now` is the guard's clock; a backend with its own clock (Redis `TIME`) may use that
/// instead, so that several application servers agree.
pub trait AttemptStore: Send + Sync {
    /// Takes an attempt slot of `key`: refused while locked, or when failures plus attempts in
    /// flight already reach `limit.max_failures`.
    fn reserve(
        &self,
        key: &str,
        limit: &Limit,
        now: OffsetDateTime,
    ) -> Result<Reservation, StoreError>;

    /// Ends an attempt that [`reserve`](Self::reserve) granted. A failure that reaches the
    /// limit locks the key for [`Limit::lock_length`] of its lock count.
    fn finish(
        &self,
        key: &str,
        limit: &Limit,
        outcome: AttemptOutcome,
        now: OffsetDateTime,
    ) -> Result<Finished, StoreError>;

    /// The state of `key`, unchanged.
    fn peek(&self, key: &str, now: OffsetDateTime) -> Result<KeyState, StoreError>;

    /// Lifts a lock and forgets the failures of `key` (an operator's unlock); `true` if it was
    /// locked.
    fn unlock(&self, key: &str, now: OffsetDateTime) -> Result<bool, StoreError>;
}

/// Milliseconds since the Unix epoch: the store's own time, cheap to compare and add.
type Ms = i64;

// (Seconds and milliseconds separately: 64-bit arithmetic, no 128-bit division per call.)
fn ms(t: OffsetDateTime) -> Ms {
    t.unix_timestamp()
        .saturating_mul(1000)
        .saturating_add(Ms::from(t.millisecond()))
}

fn ms_of(d: time::Duration) -> Ms {
    d.whole_seconds()
        .saturating_mul(1000)
        .saturating_add(Ms::from(d.subsec_milliseconds()))
}

fn at(t: Ms) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.div_euclid(1000))
        .map(|s| s + time::Duration::milliseconds(t.rem_euclid(1000)))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A limit's durations in milliseconds, computed once per call.
struct LimitMs {
    window: Ms,
    retention: Ms,
}

impl LimitMs {
    fn of(limit: &Limit) -> Self {
        Self {
            window: ms_of(limit.window),
            retention: ms_of(limit.retention()),
        }
    }
}

/// An optional instant in 8 bytes (`Ms::MIN` for none): entries stay small, and more of them
/// fit in the cache.
#[derive(Clone, Copy, Debug)]
struct Stamp(Ms);

impl Stamp {
    const NONE: Self = Stamp(Ms::MIN);

    fn get(self) -> Option<Ms> {
        (self.0 != Ms::MIN).then_some(self.0)
    }

    fn take(&mut self) -> Option<Ms> {
        std::mem::replace(self, Self::NONE).get()
    }
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    in_flight: u32,
    window_until: Ms,
    locked_until: Stamp,
    /// A lock that ran out and was not yet reported by `reserve`.
    lock_ended: Stamp,
    locks: u32,
    /// Lock count forgotten after this.
    locks_until: Ms,
    /// Nothing of the entry matters after this: it may be pruned.
    expires: Ms,
}

impl Entry {
    fn new(now: Ms) -> Self {
        Self {
            failures: 0,
            in_flight: 0,
            window_until: now,
            locked_until: Stamp::NONE,
            lock_ended: Stamp::NONE,
            locks: 0,
            locks_until: now,
            expires: now,
        }
    }

    /// Brings the entry to `now`: an ended window drops its failures, an ended lock its end,
    /// a forgotten lock count its count.
    fn settle(&mut self, now: Ms) {
        if self.window_until <= now {
            self.failures = 0;
        }
        if let Some(until) = self.locked_until.get().filter(|u| *u <= now) {
            self.locked_until = Stamp::NONE;
            self.lock_ended = Stamp(until);
        }
        if self.locks_until <= now {
            self.locks = 0;
        }
    }

    fn keep_until(&mut self, limit: &LimitMs, now: Ms) {
        self.expires = self.expires.max(now.saturating_add(limit.retention));
    }

    fn reserve(&mut self, limit: &Limit, now: Ms) -> Reservation {
        self.settle(now);
        if let Some(until) = self.locked_until.get() {
            return Reservation::Locked { until: at(until) };
        }
        if self.failures.saturating_add(self.in_flight) >= limit.max_failures {
            return Reservation::Busy;
        }
        let lm = LimitMs::of(limit);
        if self.failures == 0 && self.window_until <= now {
            self.window_until = now.saturating_add(lm.window);
        }
        self.in_flight += 1;
        self.keep_until(&lm, now);
        Reservation::Granted {
            failures: self.failures,
            unlocked_at: self.lock_ended.take().map(at),
        }
    }

    fn finish(&mut self, limit: &Limit, outcome: AttemptOutcome, now: Ms) -> Finished {
        self.settle(now);
        let lm = LimitMs::of(limit);
        self.in_flight = self.in_flight.saturating_sub(1);
        let mut locked_until = None;
        match outcome {
            AttemptOutcome::NotMade => {}
            AttemptOutcome::Success => {
                if limit.reset_on_success {
                    self.failures = 0;
                }
            }
            AttemptOutcome::Failure => {
                if self.window_until <= now {
                    self.window_until = now.saturating_add(lm.window);
                }
                self.failures += 1;
                if self.failures >= limit.max_failures {
                    self.locks = self.locks.saturating_add(1);
                    let until = now.saturating_add(ms_of(limit.lock_length(self.locks)));
                    self.locked_until = Stamp(until);
                    self.failures = 0;
                    let forget = limit.progressive.map_or(0, |p| ms_of(p.forget_after));
                    self.locks_until = until.saturating_add(forget);
                    self.expires = self.expires.max(self.locks_until);
                    locked_until = Some(at(until));
                }
            }
        }
        self.keep_until(&lm, now);
        Finished {
            failures: self.failures,
            locked_until,
            locks: self.locks,
        }
    }

    fn is_idle(&self, now: Ms) -> bool {
        self.in_flight == 0 && self.expires <= now
    }
}

const SHARDS: usize = 64;

/// The in-memory [`AttemptStore`]: 64 shards of hash tables under one keyed hash per key
/// (SipHash with a random key, so attacker-chosen names cannot force collisions), at most `capacity` keys. Idle keys (no
/// attempt in flight, window, lock and lock memory over) are pruned when a shard fills; if a
/// shard is still full, its key that expires soonest without a lock or attempt in flight is
/// dropped; if there is none, new keys are refused as [`Reservation::Busy`] (fail closed)
/// until keys expire. Each key costs the same fixed amount whatever it is.
pub struct MemoryStore {
    shards: Vec<Mutex<Shard>>,
    hasher: RandomState,
    per_shard: usize,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &(self.per_shard * SHARDS))
            .finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    /// Room for 1,048,576 keys (about 150 MiB at most).
    fn default() -> Self {
        Self::with_capacity(1 << 20)
    }
}

impl MemoryStore {
    /// A store for at most `capacity` keys (rounded up to a multiple of 64).
    pub fn with_capacity(capacity: usize) -> Self {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(HashTable::new())).collect(),
            hasher: RandomState::new(),
            per_shard,
        }
    }

    /// Keys held now (for monitoring and tests).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                s.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .len()
            })
            .sum()
    }

    /// `true` when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key's keyed hash (computed once per operation: it picks the shard and the bucket)
    /// and its shard, locked.
    fn shard(&self, key: &str) -> (u64, MutexGuard<'_, Shard>) {
        let hash = self.hasher.hash_one(key);
        // The top bits pick the shard; the table uses the low bits for its buckets.
        let i = (hash >> 58) as usize % SHARDS;
        let guard = self.shards[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (hash, guard)
    }

    /// Makes room for one more key in `map`; `false` if there is none.
    fn make_room(&self, map: &mut Shard, now: Ms) -> bool {
        if map.len() < self.per_shard {
            return true;
        }
        map.retain(|(_, e)| !e.is_idle(now));
        if map.len() < self.per_shard {
            return true;
        }
        let victim = map
            .iter()
            .filter(|(_, e)| e.in_flight == 0 && e.locked_until.get().is_none_or(|u| u <= now))
            .min_by_key(|(_, e)| e.expires)
            .map(|(k, _)| k.clone());
        match victim {
            Some(k) => {
                let hash = self.hasher.hash_one(&*k);
                if let Ok(found) = map.find_entry(hash, |(other, _)| *other == k) {
                    found.remove();
                }
                true
            }
            None => false,
        }
    }

    fn insert(&self, map: &mut Shard, hash: u64, key: &str, entry: Entry) {
        map.insert_unique(hash, (key.into(), entry), |(k, _)| {
            self.hasher.hash_one(&**k)
        });
    }
}

/// One shard: keys with their entries, found by the keyed hash.
type Shard = HashTable<(Box<str>, Entry)>;

fn lookup<'a>(map: &'a mut Shard, hash: u64, key: &str) -> Option<&'a mut Entry> {
    map.find_mut(hash, |(k, _)| &**k == key).map(|(_, e)| e)
}

impl AttemptStore for MemoryStore {
    fn reserve(
        &self,
        key: &str,
        limit: &Limit,
        now: OffsetDateTime,
    ) -> Result<Reservation, StoreError> {
        let now = ms(now);
        let (hash, mut map) = self.shard(key);
        if let Some(entry) = lookup(&mut map, hash, key) {
            return Ok(entry.reserve(limit, now));
        }
        if !self.make_room(&mut map, now) {
            return Ok(Reservation::Busy);
        }
        let mut entry = Entry::new(now);
        let reservation = entry.reserve(limit, now);
        self.insert(&mut map, hash, key, entry);
        Ok(reservation)
    }

    fn finish(
        &self,
        key: &str,
        limit: &Limit,
        outcome: AttemptOutcome,
        now: OffsetDateTime,
    ) -> Result<Finished, StoreError> {
        let now = ms(now);
        let (hash, mut map) = self.shard(key);
        if let Some(entry) = lookup(&mut map, hash, key) {
            return Ok(entry.finish(limit, outcome, now));
        }
        // Only if the key was reserved in another store: `make_room` never drops a key with an
        // attempt in flight.
        let mut entry = Entry::new(now);
        let finished = entry.finish(limit, outcome, now);
        self.insert(&mut map, hash, key, entry);
        Ok(finished)
    }

    fn peek(&self, key: &str, now: OffsetDateTime) -> Result<KeyState, StoreError> {
        let now = ms(now);
        let (hash, mut map) = self.shard(key);
        Ok(
            lookup(&mut map, hash, key).map_or_else(KeyState::default, |e| {
                let mut e = *e;
                e.settle(now);
                KeyState {
                    failures: e.failures,
                    in_flight: e.in_flight,
                    locked_until: e.locked_until.get().map(at),
                }
            }),
        )
    }

    fn unlock(&self, key: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let now = ms(now);
        let (hash, mut map) = self.shard(key);
        Ok(match lookup(&mut map, hash, key) {
            Some(e) => {
                e.settle(now);
                let was = e.locked_until.get().is_some();
                e.locked_until = Stamp::NONE;
                e.lock_ended = Stamp::NONE;
                e.failures = 0;
                was
            }
            None => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    fn limit() -> Limit {
        Limit::new(3, Duration::minutes(15), Duration::minutes(15))
    }

    #[test]
    fn store_time_round_trips_to_the_millisecond() {
        for t in [
            datetime!(2026-01-01 00:00:00.123 UTC),
            datetime!(1969-12-31 23:59:59.999 UTC),
            datetime!(1970-01-01 00:00 UTC),
        ] {
            assert_eq!(at(ms(t)), t);
        }
        assert_eq!(ms_of(Duration::milliseconds(1_500)), 1_500);
        assert_eq!(ms_of(Duration::minutes(15)), 900_000);
    }

    #[test]
    fn in_flight_attempts_count_against_the_limit() {
        let s = MemoryStore::default();
        let now = datetime!(2026-01-01 00:00 UTC);
        for _ in 0..3 {
            assert!(matches!(
                s.reserve("k", &limit(), now).unwrap(),
                Reservation::Granted { .. }
            ));
        }
        assert_eq!(s.reserve("k", &limit(), now).unwrap(), Reservation::Busy);
        // One given back uncounted frees a slot.
        s.finish("k", &limit(), AttemptOutcome::NotMade, now)
            .unwrap();
        assert!(matches!(
            s.reserve("k", &limit(), now).unwrap(),
            Reservation::Granted { .. }
        ));
        for i in 0..3 {
            let f = s
                .finish("k", &limit(), AttemptOutcome::Failure, now)
                .unwrap();
            assert_eq!(f.locked_until.is_some(), i == 2);
        }
        assert_eq!(
            s.reserve("k", &limit(), now).unwrap(),
            Reservation::Locked {
                until: now + Duration::minutes(15)
            }
        );
        // The lock ends by itself, with a fresh count.
        let later = now + Duration::minutes(15);
        assert_eq!(
            s.reserve("k", &limit(), later).unwrap(),
            Reservation::Granted {
                failures: 0,
                unlocked_at: Some(later)
            }
        );
        // Reported once.
        assert_eq!(
            s.reserve("k", &limit(), later).unwrap(),
            Reservation::Granted {
                failures: 0,
                unlocked_at: None
            }
        );
    }

    #[test]
    fn a_full_store_prunes_idle_keys_and_never_drops_a_lock() {
        let s = MemoryStore::with_capacity(64);
        let now = datetime!(2026-01-01 00:00 UTC);
        // Lock one key per shard slot until every shard is full of locks.
        let one = Limit::new(1, Duration::minutes(15), Duration::minutes(15));
        let mut locked = Vec::new();
        for i in 0..10_000 {
            let k = format!("k{i}");
            match s.reserve(&k, &one, now).unwrap() {
                Reservation::Granted { .. } => {
                    s.finish(&k, &one, AttemptOutcome::Failure, now).unwrap();
                    locked.push(k);
                }
                Reservation::Busy => {}
                other => panic!("{other:?}"),
            }
        }
        assert!(s.len() <= 64);
        assert_eq!(locked.len(), s.len());
        for k in &locked {
            assert!(s.peek(k, now).unwrap().locked_until.is_some(), "{k}");
        }
        // Once the locks are over, the keys are idle and make room.
        let later = now + Duration::minutes(16);
        assert!(matches!(
            s.reserve("new", &one, later).unwrap(),
            Reservation::Granted { .. }
        ));
    }
}
