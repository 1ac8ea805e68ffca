//! The Redis server of the Redis tests (`tests/auth_redis.rs`, `tests/auth_guard_redis.rs`):
//! its URL, a loud failure when it is unreachable (never a skip), fresh key prefixes and their
//! cleanup.
#![allow(
    dead_code,
    reason = "each Redis test file uses a part of these helpers"
)]

use std::time::Duration;

const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// `REDIS_URL`, or the local server.
pub(crate) fn url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// Fails the test: these tests need a real server.
pub(crate) fn unreachable(e: &dyn std::fmt::Display) -> ! {
    let url = url();
    let message = format!(
        "Redis is not reachable at REDIS_URL={url:?}: {e}.\n\
         These tests need a real server and never skip: start one (`redis-server --daemonize yes`; \
         .ci/run shows how) or point REDIS_URL at one."
    );
    std::panic::panic_any(message)
}

/// A plain connection for looking at what a store wrote.
pub(crate) fn admin() -> redis::Connection {
    redis::Client::open(url())
        .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
        .unwrap_or_else(|e| unreachable(&e))
}

/// A fresh key prefix under `scope`, so that runs (and other people's runs) never share a key.
pub(crate) fn random_prefix(scope: &str) -> String {
    format!("twsec-test:{scope}{:016x}:", rand::random::<u64>())
}

/// The keys under `prefix` (SCAN, not KEYS: the server may be shared).
pub(crate) fn keys_under(
    con: &mut redis::Connection,
    prefix: &str,
) -> redis::RedisResult<Vec<String>> {
    let mut keys = Vec::new();
    let mut cursor: u64 = 0;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(1000)
            .query(con)?;
        keys.extend(batch);
        if next == 0 {
            return Ok(keys);
        }
        cursor = next;
    }
}

/// Deletes every key under the prefix when dropped.
pub(crate) struct Cleanup(pub(crate) String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Ok(mut con) = redis::Client::open(url()).and_then(|c| c.get_connection()) else {
            return;
        };
        let keys = keys_under(&mut con, &self.0).unwrap_or_default();
        if !keys.is_empty() {
            let _ = redis::cmd("DEL").arg(keys).exec(&mut con);
        }
    }
}
