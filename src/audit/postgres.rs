//! The PostgreSQL audit backend (feature `postgres`): the same HMAC-SHA-256 chain as
//! [`FileSink`](super::FileSink), in an append-only table that every instance of an application
//! writes to. The design, the clauses and an example are on [`PgSink`].

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use ::postgres::config::Host;
use ::postgres::{Client, Config, IsolationLevel, NoTls, Row, Statement};
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};

use super::chain::{ChainKey, GENESIS, hex, unhex};
use super::error::{AuditError, VerifyReport};
use super::event::AuditEvent;
use crate::crypto::Keyring;

/// The migration, with psql-variable placeholders `:"schema"`, `:'schema'`, `:"writer_role"`
/// and `:'writer_role'`.
const MIGRATION: &str = include_str!("../../migrations/postgres/0001_audit_log.sql");

/// The table in the deployment's schema.
const TABLE: &str = "audit_log";

/// Connect timeout when the connection string sets none.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Session settings of a writer: bounded waits for the chain's lock, and no lock held by a
/// stalled session.
const SESSION_SETTINGS: &str =
    "SET lock_timeout = '30s'; SET idle_in_transaction_session_timeout = '30s'";

/// Rows [`verify_postgres`] fetches at a time.
const VERIFY_PAGE: i32 = 1024;

/// A schema or role name that twsec puts into SQL: 1 to 63 of `a`–`z`, `0`–`9` and `_`,
/// starting with a letter or `_`, and not starting with `pg_` (reserved by PostgreSQL).
/// Always double-quoted in SQL, so keywords are fine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PgIdentifier(String);

impl PgIdentifier {
    /// Longest name PostgreSQL keeps whole (`NAMEDATALEN - 1`).
    pub const MAX_LEN: usize = 63;

    /// Checks `name`.
    pub fn new(name: &str) -> Result<Self, PgIdentifierError> {
        let mut bytes = name.bytes();
        let plain = bytes
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
            && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if plain && name.len() <= Self::MAX_LEN && !name.starts_with("pg_") {
            Ok(Self(name.to_owned()))
        } else {
            Err(PgIdentifierError)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As a quoted identifier; the characters allowed need no escaping.
    fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }

    /// As a string literal; the characters allowed need no escaping.
    fn literal(&self) -> String {
        format!("'{}'", self.0)
    }
}

impl std::fmt::Display for PgIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A schema or role name that is not a plain identifier (see [`PgIdentifier`]); a caller's
/// mistake, never caused by data read from the database.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a plain PostgreSQL identifier: use 1 to 63 of a-z, 0-9 and _, starting with a letter or _, not with pg_"
)]
#[non_exhaustive]
pub struct PgIdentifierError;

/// Applies `migrations/postgres/0001_audit_log.sql` to `schema` through `admin_url`: creates the
/// schema, the append-only `audit_log` table with its triggers, and the NOLOGIN role
/// `writer_role` with `INSERT (seq, chain, event)` and `SELECT` on it and nothing else.
/// Connect as the role that is to own the table (it needs `CREATE` on the database and
/// `CREATEROLE` unless the role exists). Idempotent: running it again also resets the writer
/// role's privileges on the table to exactly these.
///
/// Role names are global to the cluster, schemas local to the database.
pub fn migrate_postgres(
    admin_url: &str,
    schema: &PgIdentifier,
    writer_role: &PgIdentifier,
) -> Result<(), AuditError> {
    let mut client = connect(&config(admin_url)?)?;
    client
        .batch_execute(&migration_sql(schema, writer_role))
        .map_err(|e| pg_error("migration", &e))
}

/// The migration with its placeholders filled in.
fn migration_sql(schema: &PgIdentifier, writer_role: &PgIdentifier) -> String {
    MIGRATION
        .replace(":\"schema\"", &schema.quoted())
        .replace(":'schema'", &schema.literal())
        .replace(":\"writer_role\"", &writer_role.quoted())
        .replace(":'writer_role'", &writer_role.literal())
}

/// An audit sink appending to `<schema>.audit_log` in PostgreSQL: the same HMAC-SHA-256 chain
/// as [`FileSink`](super::FileSink), one chain shared by every instance of an application.
///
/// A sink holds one connection, reconnecting when it finds it closed; appends from threads
/// sharing it take turns. Since all appends to a table are serial in the database anyway, one
/// sink per process is enough.
///
/// # Clauses
/// - **TPE-6.11** (least privilege): the application appends through a role that may only
///   `INSERT` (of the chain columns) and `SELECT`; it has no `UPDATE`, `DELETE` or `TRUNCATE`,
///   and triggers refuse those even to the table's owner (KHH-12.2, TXG-24.2.10).
/// - **A10-AU** (中, hash-based integrity): every row carries the chain value of its own event
///   and of all before it; [`verify_postgres`] reports the first changed, missing or malformed
///   row. The server stamps `inserted_at` itself, beside the event's own UTC time.
/// - **TWSE-8.4.a**: events carry user ID, time and source address; the table keeps them
///   byte for byte as the chain hashed them.
/// - **TWSE-8.4.c** (digital evidence protected): an append returns `Ok` only after `COMMIT`,
///   and nothing the writer role can do removes or rewrites a record.
///
/// # The table
/// One schema per deployment holds `audit_log (seq bigint primary key, chain text, event text,
/// inserted_at timestamptz)`. `seq` is dense from 1; `chain` is HMAC-SHA-256 under the
/// keyring's [`Purpose::AuditChain`](crate::crypto::Purpose::AuditChain) sub-key over the
/// previous row's chain value (32 zero bytes before row 1), `seq` (8 bytes, big-endian) and the
/// exact bytes of `event`, as lower-case hex; `event` is the event's JSON as written — `text`,
/// not `jsonb`, because `jsonb` would normalise the bytes the chain covers. The schema, table,
/// triggers and writer role come from `migrations/postgres/0001_audit_log.sql`, which a DBA can
/// run with `psql` (the file says how) or the deployment with [`migrate_postgres`].
///
/// # Many writers, one chain
/// All instances append to one chain, serialised by the database: each append is a transaction
/// that takes `pg_advisory_xact_lock(k)`, reads the last two rows, checks that the last one
/// links to the one before under a key of the keyring, computes the next link in the
/// application, inserts it and commits; the lock is released by the commit, after which the
/// next writer sees the new row. `k` is the first 8 bytes (big-endian, signed) of
/// SHA-256(`"twsec.audit:<schema>.audit_log"`); advisory locks are per database and need no
/// table privilege (`LOCK TABLE` would need `UPDATE`). The primary key on `seq` rejects a
/// duplicate even from a writer that bypassed the lock.
///
/// One chain rather than one per writer keeps verification to a single walk in `seq` order and
/// makes a gap anywhere visible; the price is that appends across all instances are serial
/// (a few round trips each, and the commit's flush). A writer whose keyring cannot verify the
/// last row — another instance writing under a key it does not hold, or a tampered tip — fails
/// instead of extending the chain with a link nobody could check. An append whose `COMMIT`
/// fails with a lost connection may or may not have been kept; it is reported as an error, so
/// [`AuditTrail`](super::AuditTrail) may record the event a second time elsewhere.
///
/// Rows removed from the end leave a valid, shorter chain: only a head recorded elsewhere
/// ([`VerifyReport::head`], at a known `last`) shows them missing.
///
/// # Connections
/// The connection string is libpq's (`postgres://user@host:5432/db` or `host=… user=…`).
/// There is no TLS support yet: use a Unix socket, loopback or a private network; a string
/// with `sslmode=require` fails to connect rather than falling back. The database must use the
/// `UTF8` encoding, so the text read back is the text hashed.
///
/// # Defaults
/// - connect timeout 10 s, unless the connection string sets `connect_timeout`;
/// - an append waits at most 30 s for the chain's lock (`lock_timeout`), then fails;
/// - a session idle inside a transaction for 30 s is ended by the server
///   (`idle_in_transaction_session_timeout`), so a stalled writer cannot hold the lock;
/// - [`verify_postgres`] reads 1024 rows at a time from one snapshot.
///
/// ```no_run
/// use std::path::Path;
/// use twsec::audit::{
///     Actor, AuditEvent, AuditTrail, EventKind, Outcome, PgIdentifier, PgSink, migrate_postgres,
///     verify_postgres,
/// };
/// use twsec::clock::SystemClock;
/// use twsec::crypto::{Keyring, MasterKey};
///
/// let schema = PgIdentifier::new("twsec_audit")?;
/// let writer = PgIdentifier::new("twsec_audit_writer")?;
/// // Once per deployment, as the role that owns the table:
/// migrate_postgres("postgres://dba@db.internal/app", &schema, &writer)?;
/// // The DBA then runs `GRANT twsec_audit_writer TO app;` for the application's login role.
///
/// // In every instance, as that login role:
/// let ring = Keyring::new(MasterKey::load(Path::new("/etc/app/audit.key"))?);
/// let trail = AuditTrail::new(PgSink::connect(&ring, "postgres://app@db.internal/app", &schema)?);
/// let event = AuditEvent::new(EventKind::SysStartup, Outcome::Success, Actor::system(), &SystemClock);
/// trail.record(&event)?;
///
/// // An auditor, with SELECT only:
/// let report = verify_postgres(&ring, "postgres://auditor@db.internal/app", &schema)?;
/// assert!(report.records >= 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PgSink {
    config: Config,
    schema: PgIdentifier,
    /// Candidate chain keys, the keyring's active one first.
    keys: Vec<ChainKey>,
    lock_key: i64,
    describe: String,
    state: Mutex<State>,
}

struct State {
    conn: Option<Conn>,
    /// Index in `keys` of the key the chain was last found to use.
    key: usize,
}

/// A connection with the append statements prepared on it.
struct Conn {
    client: Client,
    lock: Statement,
    tip: Statement,
    insert: Statement,
}

impl std::fmt::Debug for PgSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgSink")
            .field("describe", &self.describe)
            .finish_non_exhaustive()
    }
}

impl PgSink {
    /// Connects to `url` and prepares appends to `<schema>.audit_log`, which
    /// [`migrate_postgres`] created. The chain key is the one the table's last row verifies
    /// under (a retired key of `keyring` continues a chain it started); an empty table starts
    /// under the active key.
    pub fn connect(
        keyring: &Keyring,
        url: &str,
        schema: &PgIdentifier,
    ) -> Result<Self, AuditError> {
        let config = config(url)?;
        let describe = describe(&config, schema);
        let sink = Self {
            keys: ChainKey::candidates(keyring),
            lock_key: lock_key(schema),
            schema: schema.clone(),
            describe,
            config,
            state: Mutex::new(State { conn: None, key: 0 }),
        };
        let conn = sink.open()?;
        sink.lock().conn = Some(conn);
        Ok(sink)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new connection: UTF8 checked, session limits set, statements prepared.
    fn open(&self) -> Result<Conn, AuditError> {
        let mut client = connect(&self.config)?;
        let err = |e: ::postgres::Error| pg_error("session setup", &e);
        let encoding: String = client
            .query_one("SELECT current_setting('server_encoding')", &[])
            .and_then(|row| row.try_get(0))
            .map_err(err)?;
        if encoding != "UTF8" {
            return Err(AuditError::Io(format!(
                "postgres: database encoding is {encoding}; the audit log needs UTF8"
            )));
        }
        client.batch_execute(SESSION_SETTINGS).map_err(err)?;
        let table = table(&self.schema);
        let lock = client
            .prepare("SELECT pg_advisory_xact_lock($1::bigint)")
            .map_err(err)?;
        let tip = client
            .prepare(&format!(
                "SELECT seq, chain, event FROM {table} ORDER BY seq DESC LIMIT 2"
            ))
            .map_err(err)?;
        let insert = client
            .prepare(&format!(
                "INSERT INTO {table} (seq, chain, event) VALUES ($1::bigint, $2::text, $3::text)"
            ))
            .map_err(err)?;
        Ok(Conn {
            client,
            lock,
            tip,
            insert,
        })
    }

    /// Appends `event` and returns its sequence number, after the row is committed (as
    /// durable as the server's `synchronous_commit` makes a commit). Fails, appending nothing,
    /// when the table's last row does not verify under a key of the keyring.
    pub fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        // The exact text stored is the text hashed.
        let text = serde_json::to_string(event).map_err(|e| AuditError::Io(e.to_string()))?;
        let mut state = self.lock();
        let State { conn, key } = &mut *state;
        if conn.as_ref().is_none_or(|c| c.client.is_closed()) {
            *conn = None;
            *conn = Some(self.open()?);
        }
        let c = conn.as_mut().expect("a connection was opened above");
        let result = self.append_in(c, key, &text);
        let closed = c.client.is_closed();
        if closed {
            *conn = None;
        }
        result
    }

    fn append_in(&self, conn: &mut Conn, key: &mut usize, text: &str) -> Result<u64, AuditError> {
        let err = |e: ::postgres::Error| pg_error("append", &e);
        // READ COMMITTED whatever the server's default: each statement then sees what the
        // previous lock holder committed. A REPEATABLE READ snapshot would predate the lock.
        let mut tx = conn
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(err)?;
        tx.execute(&conn.lock, &[&self.lock_key]).map_err(err)?;
        let rows = tx.query(&conn.tip, &[]).map_err(err)?;
        let (last, prev) = self.check_tip(&rows, key)?;
        let seq = last
            .checked_add(1)
            .and_then(|s| i64::try_from(s).ok().map(|db| (s, db)));
        let Some((seq, db_seq)) = seq else {
            return Err(AuditError::Io("sequence numbers exhausted".into()));
        };
        let chain = self.keys[*key].link(&prev, seq, text.as_bytes());
        tx.execute(&conn.insert, &[&db_seq, &hex(&chain), &text])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(seq)
    }

    /// Checks that the last row (`rows[0]`) links to the one before (`rows[1]`) under one of
    /// the keys, trying the one last used first; returns its sequence number and chain value.
    fn check_tip(&self, rows: &[Row], key: &mut usize) -> Result<(u64, [u8; 32]), AuditError> {
        let Some(tip) = rows.first() else {
            *key = 0;
            return Ok((0, GENESIS));
        };
        let seq = row_seq(tip, 0)?;
        let (chain, event) = row_text(tip, seq)?;
        let prev = match rows.get(1) {
            _ if seq == 1 => GENESIS,
            None => {
                return Err(AuditError::Sequence {
                    line: seq,
                    expected: 1,
                    found: seq,
                });
            }
            Some(before) => {
                let before_seq = row_seq(before, 0)?;
                if before_seq.checked_add(1) != Some(seq) {
                    return Err(AuditError::Sequence {
                        line: seq,
                        expected: before_seq.saturating_add(1),
                        found: seq,
                    });
                }
                let (before_chain, _) = row_text(before, before_seq)?;
                unhex(before_chain).ok_or(AuditError::Modified {
                    line: before_seq,
                    seq: before_seq,
                })?
            }
        };
        let n = self.keys.len();
        for i in (0..n).map(|i| (*key + i) % n) {
            let expected = self.keys[i].link(&prev, seq, event.as_bytes());
            if ChainKey::matches(chain, &expected) {
                *key = i;
                return Ok((seq, expected));
            }
        }
        Err(AuditError::Modified { line: seq, seq })
    }
}

impl super::AuditSink for PgSink {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        PgSink::append(self, event)
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}

/// Verifies `<schema>.audit_log` through `url` (a role with `SELECT` is enough), reading it in
/// `seq` order from one snapshot, a page at a time: `Ok` with the row count and head, or the
/// first bad row. The first row picks the key, as for a file. Errors name rows by sequence
/// number in `line`: a changed row is [`AuditError::Modified`], a gap or a row out of place
/// [`AuditError::Sequence`] at the row found, event text that is not JSON (or a missing
/// column value) [`AuditError::Malformed`]; a row whose `seq` is negative is reported as
/// malformed at the position it was read in.
pub fn verify_postgres(
    keyring: &Keyring,
    url: &str,
    schema: &PgIdentifier,
) -> Result<VerifyReport, AuditError> {
    let mut client = connect(&config(url)?)?;
    verify_in(&mut client, &mut ChainKey::candidates(keyring), schema)
}

fn verify_in(
    client: &mut Client,
    keys: &mut [ChainKey],
    schema: &PgIdentifier,
) -> Result<VerifyReport, AuditError> {
    let err = |e: ::postgres::Error| pg_error("verify", &e);
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(err)?;
    let query = format!(
        "SELECT seq, chain, event FROM {} ORDER BY seq",
        table(schema)
    );
    let portal = tx.bind(query.as_str(), &[]).map_err(err)?;
    let (mut seq, mut chain) = (0u64, GENESIS);
    loop {
        let rows = tx.query_portal(&portal, VERIFY_PAGE).map_err(err)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let next = seq
                .checked_add(1)
                .ok_or(AuditError::Malformed { line: seq })?;
            let found = row_seq(row, next)?;
            if found != next {
                return Err(AuditError::Sequence {
                    line: found,
                    expected: next,
                    found,
                });
            }
            let (stored, event) = row_text(row, next)?;
            if serde_json::from_str::<&RawValue>(event).is_err() {
                return Err(AuditError::Malformed { line: next });
            }
            if next == 1 {
                // The first row picks the key: the active one, or a retired one it was written with.
                if let Some(i) = keys.iter().position(|k| {
                    ChainKey::matches(stored, &k.link(&chain, next, event.as_bytes()))
                }) {
                    keys.swap(0, i);
                }
            }
            let expected = keys[0].link(&chain, next, event.as_bytes());
            if !ChainKey::matches(stored, &expected) {
                return Err(AuditError::Modified {
                    line: next,
                    seq: next,
                });
            }
            seq = next;
            chain = expected;
        }
    }
    tx.commit().map_err(err)?;
    // Rows from 1 to `seq`, in one table.
    Ok(VerifyReport::new(1, seq, &chain, 1))
}

/// A row's `seq`; `position` names the row if it is negative.
fn row_seq(row: &Row, position: u64) -> Result<u64, AuditError> {
    let seq: i64 = row.try_get(0).map_err(|e| pg_error("read", &e))?;
    u64::try_from(seq).map_err(|_| AuditError::Malformed { line: position })
}

/// A row's `chain` and `event`; a NULL in either makes row `seq` malformed.
fn row_text(row: &Row, seq: u64) -> Result<(&str, &str), AuditError> {
    let malformed = |_| AuditError::Malformed { line: seq };
    Ok((
        row.try_get(1).map_err(malformed)?,
        row.try_get(2).map_err(malformed)?,
    ))
}

/// `"<schema>"."audit_log"`.
fn table(schema: &PgIdentifier) -> String {
    format!("{}.\"{TABLE}\"", schema.quoted())
}

/// The advisory-lock key of a table's chain: the first 8 bytes of SHA-256 of its name.
fn lock_key(schema: &PgIdentifier) -> i64 {
    let digest = Sha256::digest(format!("twsec.audit:{schema}.{TABLE}"));
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

fn config(url: &str) -> Result<Config, AuditError> {
    let mut config: Config = url.parse().map_err(|e| pg_error("connection string", &e))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("twsec-audit");
    }
    Ok(config)
}

fn connect(config: &Config) -> Result<Client, AuditError> {
    config.connect(NoTls).map_err(|e| pg_error("connect", &e))
}

/// `postgres:host:port/db schema.audit_log`: no user, no password.
fn describe(config: &Config, schema: &PgIdentifier) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        #[cfg(unix)]
        Some(Host::Unix(dir)) => dir.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or("");
    format!("postgres:{host}:{port}/{db} {schema}.{TABLE}")
}

/// A client error as an [`AuditError::Io`]: the server's SQLSTATE and message, or the client's
/// error and its cause. Neither carries the password.
fn pg_error(what: &str, e: &::postgres::Error) -> AuditError {
    let detail = match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
        (None, Some(cause)) => format!("{e}: {cause}"),
        (None, None) => e.to_string(),
    };
    AuditError::Io(format!("postgres {what}: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_plain_lower_case_names() {
        for good in ["twsec_audit", "_a", "a1", &"a".repeat(63)] {
            assert_eq!(
                PgIdentifier::new(good).map(|i| i.to_string()),
                Ok(good.to_owned())
            );
        }
        for bad in [
            "",
            "1a",
            "Audit",
            "a-b",
            "a b",
            "a\"b",
            "a'b",
            "é",
            "pg_audit",
            &"a".repeat(64),
        ] {
            assert_eq!(PgIdentifier::new(bad), Err(PgIdentifierError), "{bad:?}");
        }
    }

    #[test]
    fn migration_placeholders_are_all_filled() {
        let sql = migration_sql(
            &PgIdentifier::new("s_1").expect("plain"),
            &PgIdentifier::new("w_1").expect("plain"),
        );
        for placeholder in [":\"", ":'"] {
            assert!(
                !sql.contains(placeholder),
                "{placeholder} left in the migration"
            );
        }
        assert!(sql.contains("CREATE TABLE IF NOT EXISTS \"s_1\".audit_log"));
        assert!(sql.contains("GRANT INSERT (seq, chain, event) ON \"s_1\".audit_log TO \"w_1\""));
        assert!(sql.contains("set_config('twsec.writer_role', 'w_1', true)"));
    }

    #[test]
    fn lock_keys_differ_per_schema_and_are_stable() {
        let a = PgIdentifier::new("a").expect("plain");
        let b = PgIdentifier::new("b").expect("plain");
        assert_eq!(lock_key(&a), lock_key(&a));
        assert_ne!(lock_key(&a), lock_key(&b));
    }

    #[test]
    fn describe_names_no_user_or_password() {
        let config = config("postgres://app:s3cret@db.internal:6543/app").expect("valid");
        let d = describe(&config, &PgIdentifier::new("twsec_audit").expect("plain"));
        assert_eq!(d, "postgres:db.internal:6543/app twsec_audit.audit_log");
        assert!(!d.contains("s3cret") && !d.contains("app:"));
    }
}
