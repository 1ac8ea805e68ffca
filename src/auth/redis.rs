//! The Redis [`AttemptStore`]: attempt counters shared by every application server, exact under
//! concurrency (TWSE-8.3.e, A10-IA-2L).

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration as StdDuration;

use ::redis::{Client, Connection, ConnectionLike as _, ErrorKind, RedisError, Script, Value};
use time::{Duration, OffsetDateTime};

use super::lockout::Limit;
use super::store::{AttemptOutcome, AttemptStore, Finished, KeyState, Reservation, StoreError};

// One hash per key, fields in milliseconds since the Unix epoch (Redis `TIME`):
//   f  failures in the window      i  attempts in flight      w   end of the window
//   l  end of the lock (0: none)   le end of a lock that ran out, not yet reported (0: none)
//   n  locks remembered            nu lock count forgotten then
//   e  the key's expiry (mirrored by PEXPIREAT, so that it only ever grows)
// The prelude reads the hash and brings it to `now` exactly as `MemoryStore`'s `Entry::settle`
// does; each script then applies the operation of the `MemoryStore` method of the same name.
// Numbers are written with `%.0f`: Lua 5.1's `tostring` would print 14 digits at most.
macro_rules! prelude {
    () => {
        r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'f', 'i', 'w', 'l', 'le', 'n', 'nu', 'e')
local exists = h[8] ~= false
local f = tonumber(h[1]) or 0
local i = tonumber(h[2]) or 0
local w = tonumber(h[3]) or 0
local l = tonumber(h[4]) or 0
local le = tonumber(h[5]) or 0
local n = tonumber(h[6]) or 0
local nu = tonumber(h[7]) or 0
local e = tonumber(h[8]) or 0
if w <= now then f = 0 end
if l ~= 0 and l <= now then le = l; l = 0 end
if nu <= now then n = 0 end
local function int(x) return string.format('%.0f', x) end
local function save()
  redis.call('HSET', KEYS[1], 'f', int(f), 'i', int(i), 'w', int(w), 'l', int(l),
    'le', int(le), 'n', int(n), 'nu', int(nu), 'e', int(e))
end
local function keep(retention)
  e = math.max(e, now + retention)
  save()
  redis.call('PEXPIREAT', KEYS[1], int(e))
end
"#
    };
}

/// `reserve(max_failures, window, retention)` → `{0, failures, unlocked_at}` granted,
/// `{1, until, 0}` locked, `{2, 0, 0}` busy. Refusals write nothing.
const RESERVE: &str = concat!(
    prelude!(),
    r#"
local max, window, retention = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if l ~= 0 then return {1, l, 0} end
if f + i >= max then return {2, 0, 0} end
if w <= now then w = now + window end
i = i + 1
local ended = le
le = 0
keep(retention)
return {0, f, ended}
"#
);

/// `finish(outcome, max_failures, window, retention, reset_on_success, lock_for, progressive,
/// factor, max_lock, forget_after)` with outcome 0 not made, 1 success, 2 failure →
/// `{failures, locked_until (0: none), locks}`.
const FINISH: &str = concat!(
    prelude!(),
    r#"
local outcome, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local retention, reset, lock_for = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local prog, factor, pmax, forget = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
-- Limit::lock_length(k); the loop runs only while the lock grows, so it ends within ~50 turns.
local function lock_length(k)
  if prog == 0 then return lock_for end
  local d = lock_for
  if k >= 2 then
    if d >= pmax then return pmax end
    if factor > 1 and d > 0 then
      for _ = 2, k do
        d = d * factor
        if d >= pmax then return pmax end
      end
    end
  end
  return math.min(d, math.max(pmax, lock_for))
end
if i > 0 then i = i - 1 end
local locked = 0
if outcome == 1 then
  if reset == 1 then f = 0 end
elseif outcome == 2 then
  if w <= now then w = now + window end
  f = f + 1
  if f >= max then
    if n < 4294967295 then n = n + 1 end
    local till = now + lock_length(n)
    l = till
    f = 0
    nu = till
    if prog == 1 then nu = till + forget end
    -- Kept a retention past the lock's end too, so that the next reservation can report it.
    e = math.max(e, nu, till + retention)
    locked = till
  end
end
keep(retention)
return {f, locked, n}
"#
);

/// `peek()` → `{failures, in_flight, locked_until (0: none)}`. Writes nothing.
const PEEK: &str = concat!(prelude!(), "return {f, i, l}\n");

/// `unlock()` → 1 if the key was locked. The expiry is left as it is.
const UNLOCK: &str = concat!(
    prelude!(),
    r#"
if not exists then return 0 end
local was = 0
if l ~= 0 then was = 1 end
l = 0
le = 0
f = 0
save()
return was
"#
);

/// Durations handed to the scripts are clamped to `0..=MAX_MS` (about 35,000 years), so that
/// every sum the scripts form stays an exact integer in a Lua number (a double).
const MAX_MS: i64 = 1 << 50;

/// The shortest expiry the scripts set (a limit whose retention is shorter would otherwise
/// delete a key, attempts in flight included, as it is written).
const MIN_RETENTION_MS: i64 = 1_000;

/// A script's source and its SHA-1, for `EVALSHA`.
struct Lua {
    code: &'static str,
    sha1: String,
}

impl Lua {
    fn new(code: &'static str) -> Self {
        Self {
            code,
            sha1: Script::new(code).get_hash().to_owned(),
        }
    }
}

/// The store's four scripts.
struct Scripts {
    reserve: Lua,
    finish: Lua,
    peek: Lua,
    unlock: Lua,
}

/// The [`AttemptStore`] for several application servers: each key is a Redis hash changed by
/// one atomic Lua script per call, so the lockout stays exact however many servers, processes
/// and threads share the counters (TWSE-8.3.e, A10-IA-2L).
///
/// # Exactness
/// Reserve, finish and peek are one round trip each (`EVALSHA`; after a `SCRIPT FLUSH` or a
/// server restart, `EVAL` once per connection). A script runs alone on the server, so `N`
/// simultaneous wrong passwords for one key, from any number of servers, are verified at most
/// `max_failures` times in a window — `tests/auth_redis.rs` proves it with 4 processes × 16
/// threads. The semantics are those of [`MemoryStore`](super::MemoryStore), step for step.
///
/// # Time
/// The scripts read the time from Redis (`TIME`), in milliseconds: the `now` argument of every
/// method is **ignored**, so that application servers whose clocks drift apart still agree on
/// windows and locks; the instants returned are Redis's.
///
/// # Keys and expiry
/// State lives at `prefix + key` (the key from [`lockout_key`](super::lockout_key) keeps its
/// Cluster hash tag `{…}`; the prefix may not contain braces). Every write sets `PEXPIREAT` to
/// at least [`Limit::retention`] ahead (1 s at the least) and, after a lock, to the end of its
/// progressive memory and a retention past its end, so Redis frees idle keys by itself.
///
/// # Connections and failures
/// A small pool of synchronous connections, made lazily and replaced when broken, with connect
/// and read/write timeouts. Any failure (unreachable server, timeout, a Redis error) is a
/// [`StoreError`], never a panic; the guard then fails closed. A `reserve` or `peek` that fails
/// on a connection that had worked before is tried once more on a new connection (a reserve
/// that did reach the server then holds a slot until the key expires, which only refuses more);
/// `finish` and `unlock` are never repeated, since a second `Success` or `NotMade` would give
/// back a slot twice. Redis ≥ 5 (scripts that read `TIME` before writing); Redis Cluster needs
/// a proxy, as this client talks to one node.
///
/// # Defaults
/// Prefix [`DEFAULT_PREFIX`](Self::DEFAULT_PREFIX) (`"twsec:auth:"`), pool of
/// [`DEFAULT_POOL_SIZE`](Self::DEFAULT_POOL_SIZE) (8) connections, connect timeout
/// [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT) (2 s), read/write timeout
/// [`DEFAULT_IO_TIMEOUT`](Self::DEFAULT_IO_TIMEOUT) (2 s), no client name.
///
/// # Example
/// ```no_run
/// use std::time::Duration;
/// use time::OffsetDateTime;
/// use twsec::auth::{AttemptOutcome, AttemptStore, LockoutPolicy, RedisStore, Reservation};
///
/// # fn main() -> Result<(), twsec::auth::StoreError> {
/// let store = RedisStore::builder("redis://127.0.0.1:6379")
///     .prefix("bank:login:")
///     .io_timeout(Duration::from_millis(500))
///     .build()?;
/// let policy = LockoutPolicy::default();
/// let (_, key, limit) = &policy.keys("mingde", "203.0.113.5".parse().unwrap())[0];
/// // `now` is ignored: Redis's clock decides.
/// let now = OffsetDateTime::now_utc();
/// if let Reservation::Granted { .. } = store.reserve(key, limit, now)? {
///     let password_ok = false; // verify the password here
///     let outcome = if password_ok { AttemptOutcome::Success } else { AttemptOutcome::Failure };
///     let finished = store.finish(key, limit, outcome, now)?;
///     assert!(finished.locked_until.is_none());
/// }
/// # Ok(())
/// # }
/// ```
pub struct RedisStore {
    client: Client,
    prefix: String,
    pool: Vec<Mutex<Option<Connection>>>,
    next: AtomicUsize,
    connect_timeout: StdDuration,
    io_timeout: StdDuration,
    client_name: Option<String>,
    scripts: Scripts,
}

impl std::fmt::Debug for RedisStore {
    // The URL is left out: it may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("pool_size", &self.pool.len())
            .field("connect_timeout", &self.connect_timeout)
            .field("io_timeout", &self.io_timeout)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`RedisStore`], from [`RedisStore::builder`]; [`build`](Self::build) checks
/// them and connects.
pub struct RedisStoreBuilder {
    url: String,
    prefix: String,
    pool_size: NonZeroUsize,
    connect_timeout: StdDuration,
    io_timeout: StdDuration,
    client_name: Option<String>,
}

impl std::fmt::Debug for RedisStoreBuilder {
    // The URL is left out: it may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("prefix", &self.prefix)
            .field("pool_size", &self.pool_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("io_timeout", &self.io_timeout)
            .field("client_name", &self.client_name)
            .finish_non_exhaustive()
    }
}

impl RedisStoreBuilder {
    /// The prefix of every key (default [`RedisStore::DEFAULT_PREFIX`]); no `{` or `}`, which
    /// would take the place of the key's hash tag.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Connections kept open (default [`RedisStore::DEFAULT_POOL_SIZE`], at most
    /// [`RedisStore::MAX_POOL_SIZE`]): as many calls run at once; more wait for one.
    #[must_use]
    pub fn pool_size(mut self, size: NonZeroUsize) -> Self {
        self.pool_size = size;
        self
    }

    /// How long connecting may take (default [`RedisStore::DEFAULT_CONNECT_TIMEOUT`]; not zero).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: StdDuration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one command may wait to be sent or answered (default
    /// [`RedisStore::DEFAULT_IO_TIMEOUT`]; not zero). A connection that timed out is replaced.
    #[must_use]
    pub fn io_timeout(mut self, timeout: StdDuration) -> Self {
        self.io_timeout = timeout;
        self
    }

    /// The name the connections give themselves (`CLIENT SETNAME`), to find them in
    /// `CLIENT LIST`: printable ASCII without spaces.
    #[must_use]
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = Some(name.into());
        self
    }

    /// Checks the settings and makes the first connection, so that a wrong URL, a wrong
    /// password or an unreachable server is an error now rather than at the first login.
    pub fn build(self) -> Result<RedisStore, StoreError> {
        if self.prefix.contains(['{', '}']) {
            return Err(StoreError(
                "redis: the key prefix may not contain `{` or `}` (the keys' hash tag)".into(),
            ));
        }
        if self.pool_size.get() > RedisStore::MAX_POOL_SIZE {
            return Err(StoreError(format!(
                "redis: a pool of at most {} connections",
                RedisStore::MAX_POOL_SIZE
            )));
        }
        if self.connect_timeout.is_zero() || self.io_timeout.is_zero() {
            return Err(StoreError("redis: timeouts may not be zero".into()));
        }
        if let Some(name) = &self.client_name
            && (name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(StoreError(
                "redis: a client name is printable ASCII without spaces".into(),
            ));
        }
        let client = Client::open(self.url.as_str())
            .map_err(|e| StoreError(format!("redis: invalid URL ({})", describe(&e))))?;
        let store = RedisStore {
            client,
            prefix: self.prefix,
            pool: (0..self.pool_size.get())
                .map(|_| Mutex::new(None))
                .collect(),
            next: AtomicUsize::new(0),
            connect_timeout: self.connect_timeout,
            io_timeout: self.io_timeout,
            client_name: self.client_name,
            scripts: Scripts {
                reserve: Lua::new(RESERVE),
                finish: Lua::new(FINISH),
                peek: Lua::new(PEEK),
                unlock: Lua::new(UNLOCK),
            },
        };
        let first = store.connect().map_err(|e| store_error(&e))?;
        *store.slot(0) = Some(first);
        Ok(store)
    }
}

/// How one call may be repeated after a broken connection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Repeating it can only refuse more (reserve) or changes nothing (peek).
    Safe,
    /// A repeat could count twice (finish) or misreport (unlock).
    Never,
}

impl RedisStore {
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "twsec:auth:";
    /// The default number of pooled connections.
    pub const DEFAULT_POOL_SIZE: usize = 8;
    /// The largest pool.
    pub const MAX_POOL_SIZE: usize = 1024;
    /// The default connect timeout.
    pub const DEFAULT_CONNECT_TIMEOUT: StdDuration = StdDuration::from_secs(2);
    /// The default read and write timeout of a command.
    pub const DEFAULT_IO_TIMEOUT: StdDuration = StdDuration::from_secs(2);

    /// A store at `url` (`redis://[user:password@]host[:port][/db]`, `redis+unix:///path`)
    /// with the defaults; connects once to check the server.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::builder(url).build()
    }

    /// Settings for a store at `url`, starting from the defaults.
    pub fn builder(url: &str) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.to_owned(),
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            pool_size: NonZeroUsize::new(Self::DEFAULT_POOL_SIZE).unwrap_or(NonZeroUsize::MIN),
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            io_timeout: Self::DEFAULT_IO_TIMEOUT,
            client_name: None,
        }
    }

    fn slot(&self, i: usize) -> MutexGuard<'_, Option<Connection>> {
        // A panic while a connection was held may have left it mid-reply: drop it.
        self.pool[i].lock().unwrap_or_else(|poisoned| {
            let mut guard = PoisonError::into_inner(poisoned);
            *guard = None;
            guard
        })
    }

    /// A free pooled connection slot, or the next one in turn (waiting for it).
    fn any_slot(&self) -> MutexGuard<'_, Option<Connection>> {
        let n = self.pool.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for k in 0..n {
            if let Ok(guard) = self.pool[(start + k) % n].try_lock() {
                return guard;
            }
        }
        self.slot(start)
    }

    fn connect(&self) -> Result<Connection, RedisError> {
        let mut con = self
            .client
            .get_connection_with_timeout(self.connect_timeout)?;
        con.set_read_timeout(Some(self.io_timeout))?;
        con.set_write_timeout(Some(self.io_timeout))?;
        if let Some(name) = &self.client_name {
            ::redis::cmd("CLIENT")
                .arg("SETNAME")
                .arg(name)
                .exec(&mut con)?;
        }
        Ok(con)
    }

    /// Runs `script` on `prefix + key` with `args` and reads its array of integers.
    fn run(
        &self,
        script: &Lua,
        key: &str,
        args: &[i64],
        retry: Retry,
    ) -> Result<Vec<i64>, StoreError> {
        let key = format!("{}{key}", self.prefix);
        let mut slot = self.any_slot();
        let reused = slot.is_some();
        let mut result = self.run_on(&mut slot, script, &key, args);
        if let Err(e) = &result
            && reused
            && retry == Retry::Safe
            && e.is_connection_dropped()
        {
            // The connection had broken while idle (a server restart, `CLIENT KILL`, an idle
            // timeout). A slow server (a timeout) is not asked twice.
            result = self.run_on(&mut slot, script, &key, args);
        }
        drop(slot);
        integers(&result.map_err(|e| store_error(&e))?)
    }

    /// One attempt on `slot`'s connection (made if missing); a connection that failed other
    /// than with a Redis error reply is dropped, as its replies may be out of step.
    fn run_on(
        &self,
        slot: &mut Option<Connection>,
        script: &Lua,
        key: &str,
        args: &[i64],
    ) -> Result<Value, RedisError> {
        let con = match slot {
            Some(con) if con.is_open() => con,
            _ => slot.insert(self.connect()?),
        };
        let mut evalsha = ::redis::cmd("EVALSHA");
        evalsha.arg(&script.sha1).arg(1).arg(key).arg(args);
        let result = match evalsha.query::<Value>(con) {
            Err(e) if e.kind() == ErrorKind::NoScriptError => {
                // NOSCRIPT means it did not run: send the body (which also caches it).
                let mut eval = ::redis::cmd("EVAL");
                eval.arg(script.code).arg(1).arg(key).arg(args);
                eval.query::<Value>(con)
            }
            other => other,
        };
        if let Err(e) = &result
            && !is_reply(e)
        {
            *slot = None;
        }
        result
    }
}

/// Whether `e` is an error reply of the server (after which the connection is still in step).
fn is_reply(e: &RedisError) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ResponseError
            | ErrorKind::ExecAbortError
            | ErrorKind::BusyLoadingError
            | ErrorKind::NoScriptError
            | ErrorKind::Moved
            | ErrorKind::Ask
            | ErrorKind::TryAgain
            | ErrorKind::ClusterDown
            | ErrorKind::CrossSlot
            | ErrorKind::MasterDown
            | ErrorKind::ReadOnly
            | ErrorKind::NotBusy
            | ErrorKind::NoSub
            | ErrorKind::ExtensionError
    )
}

/// A duration in whole milliseconds, clamped to `0..=MAX_MS`.
fn ms(d: Duration) -> i64 {
    i64::try_from(d.whole_milliseconds().clamp(0, i128::from(MAX_MS))).unwrap_or(MAX_MS)
}

fn retention_ms(limit: &Limit) -> i64 {
    ms(limit.retention()).max(MIN_RETENTION_MS)
}

/// A count from a script, saturated into `u32`.
fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Milliseconds since the epoch from a script; 0 is none.
fn instant(v: i64) -> Result<Option<OffsetDateTime>, StoreError> {
    if v == 0 {
        return Ok(None);
    }
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * 1_000_000)
        .map(Some)
        .map_err(|_| StoreError("redis: a script returned an impossible time".into()))
}

fn integers(value: &Value) -> Result<Vec<i64>, StoreError> {
    let bad = || StoreError("redis: unexpected reply from a script".into());
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Int(n) => Ok(*n),
                _ => Err(bad()),
            })
            .collect(),
        Value::Int(n) => Ok(vec![*n]),
        _ => Err(bad()),
    }
}

/// A short description of a Redis error, without the URL (it may carry a password) or anything
/// the server echoed.
fn describe(e: &RedisError) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connection_refusal() {
        "connection refused".into()
    } else if e.is_connection_dropped() {
        "connection lost".into()
    } else if let Some(code) = e.code() {
        format!("server error {code}")
    } else {
        e.category().to_owned()
    }
}

fn store_error(e: &RedisError) -> StoreError {
    StoreError(format!("redis: {}", describe(e)))
}

impl AttemptStore for RedisStore {
    /// [`AttemptStore::reserve`] in one script; `now` is ignored (Redis `TIME` decides).
    fn reserve(
        &self,
        key: &str,
        limit: &Limit,
        _now: OffsetDateTime,
    ) -> Result<Reservation, StoreError> {
        let args = [
            i64::from(limit.max_failures),
            ms(limit.window),
            retention_ms(limit),
        ];
        let r = self.run(&self.scripts.reserve, key, &args, Retry::Safe)?;
        match r.as_slice() {
            [0, failures, ended] => Ok(Reservation::Granted {
                failures: count(*failures),
                unlocked_at: instant(*ended)?,
            }),
            [1, until, _] => match instant(*until)? {
                Some(until) => Ok(Reservation::Locked { until }),
                None => Err(StoreError("redis: a lock without an end".into())),
            },
            [2, _, _] => Ok(Reservation::Busy),
            _ => Err(StoreError("redis: unexpected reply from reserve".into())),
        }
    }

    /// [`AttemptStore::finish`] in one script; `now` is ignored (Redis `TIME` decides).
    fn finish(
        &self,
        key: &str,
        limit: &Limit,
        outcome: AttemptOutcome,
        _now: OffsetDateTime,
    ) -> Result<Finished, StoreError> {
        let outcome = match outcome {
            AttemptOutcome::NotMade => 0,
            AttemptOutcome::Success => 1,
            AttemptOutcome::Failure => 2,
        };
        let progressive = limit.progressive;
        let args = [
            outcome,
            i64::from(limit.max_failures),
            ms(limit.window),
            retention_ms(limit),
            i64::from(limit.reset_on_success),
            ms(limit.lock_for),
            i64::from(progressive.is_some()),
            progressive.map_or(1, |p| i64::from(p.factor.max(1))),
            progressive.map_or(0, |p| ms(p.max)),
            progressive.map_or(0, |p| ms(p.forget_after)),
        ];
        let r = self.run(&self.scripts.finish, key, &args, Retry::Never)?;
        match r.as_slice() {
            [failures, locked_until, locks] => Ok(Finished {
                failures: count(*failures),
                locked_until: instant(*locked_until)?,
                locks: count(*locks),
            }),
            _ => Err(StoreError("redis: unexpected reply from finish".into())),
        }
    }

    /// [`AttemptStore::peek`] in one script; `now` is ignored (Redis `TIME` decides).
    fn peek(&self, key: &str, _now: OffsetDateTime) -> Result<KeyState, StoreError> {
        let r = self.run(&self.scripts.peek, key, &[], Retry::Safe)?;
        match r.as_slice() {
            [failures, in_flight, locked_until] => Ok(KeyState {
                failures: count(*failures),
                in_flight: count(*in_flight),
                locked_until: instant(*locked_until)?,
            }),
            _ => Err(StoreError("redis: unexpected reply from peek".into())),
        }
    }

    /// [`AttemptStore::unlock`] in one script; `now` is ignored (Redis `TIME` decides).
    fn unlock(&self, key: &str, _now: OffsetDateTime) -> Result<bool, StoreError> {
        let r = self.run(&self.scripts.unlock, key, &[], Retry::Never)?;
        match r.as_slice() {
            [was] => Ok(*was == 1),
            _ => Err(StoreError("redis: unexpected reply from unlock".into())),
        }
    }
}
