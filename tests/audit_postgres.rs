//! The PostgreSQL audit backend against a real server at `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`, a superuser): one dense chain from many threads
//! and many processes, a writer role that can only append and read, tampering reported at the
//! right row, errors instead of panics.
//!
//! These tests never skip: without a server they fail, saying how to start one. Each test
//! works in its own schema and roles (random names; role names are global to the cluster) and
//! drops them at the end, also when it fails.
#![cfg(feature = "postgres")]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::Barrier;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};
use secrecy::SecretBox;
use twsec::audit::{
    Actor, AuditError, AuditEvent, AuditSink, AuditTrail, EventKind, Outcome, PgIdentifier, PgSink,
    Receipt, VerifyReport, migrate_postgres, verify_postgres,
};
use twsec::clock::SystemClock;
use twsec::crypto::{Keyring, MasterKey};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// A superuser connection to the test database, or a failed test that says what is missing.
fn admin() -> Client {
    let url = url();
    let mut config: Config = url
        .parse()
        .unwrap_or_else(|e| panic!("DATABASE_URL={url:?} is not a connection string: {e}"));
    config.connect_timeout(std::time::Duration::from_secs(10));
    config.connect(NoTls).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at DATABASE_URL={url:?}: {e}: {}.\n\
             These tests need a real server and never skip: start it (`pg_isready -h 127.0.0.1`; \
             .ci/run shows how) or point DATABASE_URL at one, as a superuser.",
            std::error::Error::source(&e).map_or_else(String::new, ToString::to_string)
        )
    })
}

fn key(byte: u8) -> MasterKey {
    MasterKey::from_bytes(SecretBox::new(Box::new([byte; 32])))
}

fn ring(byte: u8) -> Keyring {
    Keyring::new(key(byte))
}

/// An event whose detail says who wrote it and its number: `"<writer> event <i>"`.
fn event(writer: &str, i: usize) -> AuditEvent {
    AuditEvent::new(
        EventKind::SensitiveRead,
        Outcome::Success,
        Actor::account(&format!("op-{i}")),
        &SystemClock,
    )
    .from_ip("192.0.2.10".parse().unwrap())
    // Non-ASCII text: the bytes read back must be the bytes hashed.
    .in_system("客戶管理系統", "查詢客戶資料")
    .with_detail(&format!("{writer} event {i}"))
}

/// `DATABASE_URL` with its user replaced by `user` (URL or key=value form).
fn url_as(user: &str) -> String {
    let url = url();
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(end);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            return format!("{scheme}{user}@{host}{tail}");
        }
    }
    format!("{url} user={user}")
}

/// A migrated schema and writer role of its own, dropped (with a login role, if made) at the end.
struct Fixture {
    schema: PgIdentifier,
    writer: PgIdentifier,
    login: Option<String>,
}

impl Fixture {
    fn new(tag: &str) -> Self {
        let name = format!("twsec_t_{tag}_{:016x}", rand::random::<u64>());
        let fx = Self {
            schema: PgIdentifier::new(&name).unwrap(),
            writer: PgIdentifier::new(&format!("{name}_w")).unwrap(),
            login: None,
        };
        // Fail loudly here, with the hint, if there is no server.
        drop(admin());
        migrate_postgres(&url(), &fx.schema, &fx.writer).unwrap();
        fx
    }

    /// `"schema".audit_log`.
    fn table(&self) -> String {
        format!("\"{}\".audit_log", self.schema)
    }

    /// A login role that is a member of the writer role, as an application's would be; returns
    /// a connection string for it.
    fn login_role(&mut self) -> String {
        let login = format!("{}_l", self.schema);
        admin()
            .batch_execute(&format!(
                "CREATE ROLE \"{login}\" LOGIN; GRANT \"{}\" TO \"{login}\"",
                self.writer
            ))
            .unwrap();
        self.login = Some(login.clone());
        url_as(&login)
    }

    fn sink(&self, keyring: &Keyring) -> PgSink {
        PgSink::connect(keyring, &url(), &self.schema).unwrap()
    }

    fn verify(&self, keyring: &Keyring) -> Result<VerifyReport, AuditError> {
        verify_postgres(keyring, &url(), &self.schema)
    }

    /// Every row's sequence number and event, in order.
    fn events(&self) -> Vec<(i64, AuditEvent)> {
        admin()
            .query(
                &format!("SELECT seq, event FROM {} ORDER BY seq", self.table()),
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| {
                let text: &str = row.get(1);
                (row.get(0), serde_json::from_str(text).unwrap())
            })
            .collect()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // No panic here: this also runs while a failed test unwinds.
        if let Some(mut client) = url()
            .parse::<Config>()
            .ok()
            .and_then(|config| config.connect(NoTls).ok())
        {
            let mut sql = format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE; ", self.schema);
            if let Some(login) = &self.login {
                sql.push_str(&format!("DROP ROLE IF EXISTS \"{login}\"; "));
            }
            sql.push_str(&format!("DROP ROLE IF EXISTS \"{}\";", self.writer));
            let _ = client.batch_execute(&sql);
        }
    }
}

/// `(writer, i)` from an event's detail.
fn origin(event: &AuditEvent) -> (String, usize) {
    let detail = event.detail.as_deref().unwrap();
    let (writer, i) = detail.split_once(" event ").unwrap();
    (writer.to_owned(), i.parse().unwrap())
}

/// Checks that the table holds exactly `count` events from each of `writers`, each writer's
/// in the order it wrote them, and returns how often the writer changes along the chain.
fn check_writers(fx: &Fixture, writers: &[String], count: usize) -> usize {
    let events = fx.events();
    assert_eq!(events.len(), writers.len() * count);
    let mut next = std::collections::HashMap::<String, usize>::new();
    let mut switches = 0;
    let mut previous = None;
    for (n, (seq, event)) in events.iter().enumerate() {
        assert_eq!(*seq, n as i64 + 1, "sequence numbers are dense");
        let (writer, i) = origin(event);
        let expected = next.entry(writer.clone()).or_default();
        assert_eq!(i, *expected, "{writer}'s events keep their order");
        *expected += 1;
        if previous.as_ref() != Some(&writer) {
            switches += 1;
        }
        previous = Some(writer);
    }
    for writer in writers {
        assert_eq!(
            next.get(writer),
            Some(&count),
            "{writer} wrote {count} events"
        );
    }
    switches
}

#[test]
fn threads_with_their_own_connections_share_one_dense_chain() {
    const THREADS: usize = 8;
    const EACH: usize = 50;
    let fx = Fixture::new("threads");
    let barrier = Barrier::new(THREADS);
    let mut seqs: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (fx, barrier) = (&fx, &barrier);
                s.spawn(move || {
                    // Through the trait object an application would hold.
                    let sink: Box<dyn AuditSink> = Box::new(fx.sink(&ring(1)));
                    barrier.wait();
                    let seqs: Vec<u64> = (0..EACH)
                        .map(|i| sink.append(&event(&format!("thread{t}"), i)).unwrap())
                        .collect();
                    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
                    seqs
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    seqs.sort_unstable();
    let all: Vec<u64> = (1..=(THREADS * EACH) as u64).collect();
    assert_eq!(seqs, all, "every append got its own number, densely from 1");

    let report = fx.verify(&ring(1)).unwrap();
    assert_eq!(report.records, (THREADS * EACH) as u64);
    let writers: Vec<String> = (0..THREADS).map(|t| format!("thread{t}")).collect();
    check_writers(&fx, &writers, EACH);
}

/// Set in a child process: the schema to write to, and the child's name.
const CHILD_SCHEMA: &str = "TWSEC_PG_TEST_CHILD_SCHEMA";
const CHILD_NAME: &str = "TWSEC_PG_TEST_CHILD_NAME";
/// Events each process writes.
const PROCESS_EVENTS: usize = 60;
/// What a child prints once connected; it then waits for a line on stdin to start.
const READY: &str = "twsec-child-ready";

/// One writer process. Run by the harness (no `CHILD_SCHEMA`): a self-contained round trip —
/// appends to a fresh schema through an `AuditTrail` and verifies. Run by
/// `processes_share_one_dense_chain` in a child process (the test binary re-executed with
/// `--exact writer_process`): connects to the parent's schema, says it is ready, waits for the
/// parent's go, appends its events and asserts that every append succeeded; the parent checks
/// the chain. Either way it does real work and can fail, so it is an ordinary test rather than
/// an ignored helper that would show as skipped.
#[test]
fn writer_process() {
    let Ok(schema) = std::env::var(CHILD_SCHEMA) else {
        let fx = Fixture::new("single");
        let trail = AuditTrail::new(fx.sink(&ring(1)));
        for i in 0..5 {
            assert_eq!(
                trail.record(&event("single", i)).unwrap(),
                Receipt::Primary(i as u64 + 1)
            );
        }
        let report = fx.verify(&ring(1)).unwrap();
        assert_eq!(report.records, 5);
        assert_eq!(report.head.len(), 64);
        check_writers(&fx, &["single".to_owned()], 5);
        return;
    };
    let name = std::env::var(CHILD_NAME).unwrap();
    let sink = PgSink::connect(&ring(1), &url(), &PgIdentifier::new(&schema).unwrap()).unwrap();
    println!("{READY}");
    std::io::stdout().flush().unwrap();
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    assert_eq!(go.trim(), "go", "the parent says when to start");
    let mut last = 0;
    for i in 0..PROCESS_EVENTS {
        let seq = sink.append(&event(&name, i)).unwrap();
        assert!(seq > last);
        last = seq;
    }
}

/// Starts this test binary as a `writer_process` child for `schema`, and waits until it is
/// connected.
fn spawn_writer(
    schema: &PgIdentifier,
    name: &str,
) -> (Child, BufReader<std::process::ChildStdout>) {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "writer_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_SCHEMA, schema.as_str())
        .env(CHILD_NAME, name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    match read_until_ready(&mut stdout) {
        Ok(()) => (child, stdout),
        Err(seen) => {
            let _ = child.kill();
            let status = child.wait();
            panic!("{name} ended ({status:?}) before it was ready; its output:\n{seen}");
        }
    }
}

/// Reads a child's output up to its ready line; `Err` with what it printed if it ends first.
fn read_until_ready(stdout: &mut impl BufRead) -> Result<(), String> {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        match stdout.read_line(&mut line) {
            Ok(0) => return Err(seen),
            Err(e) => return Err(format!("{seen}\n(reading its output failed: {e})")),
            // libtest may print "test writer_process ... " on the same line first.
            Ok(_) if line.contains(READY) => return Ok(()),
            Ok(_) => seen.push_str(&line),
        }
    }
}

#[test]
fn processes_share_one_dense_chain() {
    let fx = Fixture::new("procs");
    let names: Vec<String> = (0..2).map(|n| format!("child{n}")).collect();
    let mut children: Vec<_> = names
        .iter()
        .map(|name| spawn_writer(&fx.schema, name))
        .collect();
    let sink = fx.sink(&ring(1));
    // Every process is connected before any starts, so they contend for the chain's lock.
    for (child, _) in &mut children {
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "go").unwrap();
    }
    for i in 0..PROCESS_EVENTS {
        sink.append(&event("parent", i)).unwrap();
    }
    for ((mut child, mut stdout), name) in children.into_iter().zip(&names) {
        let status = child.wait().unwrap();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        assert!(
            status.success(),
            "{name} failed ({status}); its output:\n{rest}"
        );
        assert!(rest.contains("1 passed"), "{name} ran its test:\n{rest}");
    }

    let report = fx.verify(&ring(1)).unwrap();
    assert_eq!(report.records, 3 * PROCESS_EVENTS as u64);
    let mut writers = names.clone();
    writers.push("parent".to_owned());
    let switches = check_writers(&fx, &writers, PROCESS_EVENTS);
    // Three writers one after another would switch twice (three runs); interleaved, far more.
    assert!(
        switches > 3,
        "the processes wrote concurrently ({switches} runs of one writer)"
    );
}

fn sqlstate(result: Result<(), postgres::Error>) -> SqlState {
    result.unwrap_err().code().cloned().unwrap()
}

#[test]
fn writer_role_may_only_insert_and_select() {
    let mut fx = Fixture::new("role");
    let app_url = fx.login_role();
    let table = fx.table();

    // Appending and verifying need no more than the writer role has.
    let sink = PgSink::connect(&ring(1), &app_url, &fx.schema).unwrap();
    for i in 0..3 {
        assert_eq!(sink.append(&event("app", i)).unwrap(), i as u64 + 1);
    }
    assert_eq!(
        verify_postgres(&ring(1), &app_url, &fx.schema)
            .unwrap()
            .records,
        3
    );

    let refused = [
        format!("UPDATE {table} SET event = event"),
        format!("DELETE FROM {table}"),
        format!("TRUNCATE {table}"),
        // inserted_at is the server's clock; the writer cannot backdate a row.
        format!(
            "INSERT INTO {table} (seq, chain, event, inserted_at) \
             VALUES (4, repeat('0', 64), '{{}}', now() - interval '1 day')"
        ),
        format!("ALTER TABLE {table} DISABLE TRIGGER USER"),
        format!("DROP TABLE {table}"),
    ];
    // The writer role itself (SET ROLE from a superuser session) ...
    let mut as_writer = admin();
    as_writer
        .batch_execute(&format!("SET ROLE \"{}\"", fx.writer))
        .unwrap();
    // ... and the application's login role, a member of it.
    let mut as_app = Client::connect(&app_url, NoTls).unwrap();
    for sql in &refused {
        for client in [&mut as_writer, &mut as_app] {
            assert_eq!(
                sqlstate(client.batch_execute(sql)),
                SqlState::INSUFFICIENT_PRIVILEGE,
                "{sql}"
            );
        }
    }
    let count: i64 = as_writer
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0);
    assert_eq!(count, 3);

    // The owner (here a superuser) is refused by the append-only triggers.
    let mut owner = admin();
    for sql in &refused[..3] {
        assert_eq!(
            sqlstate(owner.batch_execute(sql)),
            SqlState::RAISE_EXCEPTION,
            "{sql}"
        );
    }

    // A privilege granted by mistake is taken back by running the migration again.
    owner
        .batch_execute(&format!(
            "GRANT UPDATE, DELETE ON {table} TO \"{}\"",
            fx.writer
        ))
        .unwrap();
    migrate_postgres(&url(), &fx.schema, &fx.writer).unwrap();
    assert_eq!(
        sqlstate(as_app.batch_execute(&refused[1])),
        SqlState::INSUFFICIENT_PRIVILEGE
    );

    // The writer role can insert a row of its own making, but without the key the chain
    // exposes it, and appends stop rather than build on it.
    as_app
        .batch_execute(&format!(
            "INSERT INTO {table} (seq, chain, event) VALUES (4, repeat('0', 64), '{{}}')"
        ))
        .unwrap();
    assert_eq!(
        fx.verify(&ring(1)),
        Err(AuditError::Modified { line: 4, seq: 4 })
    );
    assert_eq!(
        sink.append(&event("app", 3)),
        Err(AuditError::Modified { line: 4, seq: 4 })
    );
    drop((sink, as_app));
}

/// A row rewritten: its `seq`, new `chain` and new `event`.
type Rewrite = (i64, String, String);

/// A superuser session with the append-only triggers off, as a tamperer would need.
fn tamperer() -> Client {
    let mut client = admin();
    client
        .batch_execute("SET session_replication_role = replica")
        .unwrap();
    client
}

#[test]
fn tampering_is_reported_at_the_right_row() {
    let fx = Fixture::new("tamper");
    let table = fx.table();
    let sink = fx.sink(&ring(1));
    for i in 0..20 {
        sink.append(&event("app", i)).unwrap();
    }
    let good = fx.verify(&ring(1)).unwrap();
    assert_eq!(good.records, 20);

    let mut db = tamperer();
    // The table's CHECK keeps chain values hex; a tamperer with the rights can drop it.
    db.batch_execute(&format!(
        "ALTER TABLE {table} DROP CONSTRAINT audit_log_chain_check"
    ))
    .unwrap();
    let original = |db: &mut Client, seq: i64| -> (String, String) {
        let row = db
            .query_one(
                &format!("SELECT chain, event FROM {table} WHERE seq = $1"),
                &[&seq],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    let set = |db: &mut Client, seq: i64, chain: &str, event: &str| {
        let n = db
            .execute(
                &format!("UPDATE {table} SET chain = $2, event = $3 WHERE seq = $1"),
                &[&seq, &chain, &event],
            )
            .unwrap();
        assert_eq!(n, 1);
    };

    // (row changed, how, the error verify must report)
    let (c3, e3) = original(&mut db, 3);
    let (c4, e4) = original(&mut db, 4);
    let (c7, e7) = original(&mut db, 7);
    let edited = e7.replace("app event 6", "app event 5");
    assert_ne!(edited, e7);
    let (_, e9) = original(&mut db, 9);
    let (c15, _) = original(&mut db, 15);
    let cases: Vec<(&str, Vec<Rewrite>, AuditError)> = vec![
        (
            "an event's text edited",
            vec![(7, c7, edited)],
            AuditError::Modified { line: 7, seq: 7 },
        ),
        (
            "a chain value replaced",
            vec![(9, "0".repeat(64), e9.clone())],
            AuditError::Modified { line: 9, seq: 9 },
        ),
        (
            "a chain value that is not hex",
            vec![(9, "ZZ".repeat(32), e9)],
            AuditError::Modified { line: 9, seq: 9 },
        ),
        (
            "an event that is not JSON",
            vec![(15, c15, "not json".to_owned())],
            AuditError::Malformed { line: 15 },
        ),
        (
            "two rows swapped",
            vec![(3, c4, e4), (4, c3, e3)],
            AuditError::Modified { line: 3, seq: 3 },
        ),
    ];
    for (what, changes, expected) in cases {
        let saved: Vec<_> = changes
            .iter()
            .map(|(seq, _, _)| (*seq, original(&mut db, *seq)))
            .collect();
        for (seq, chain, event) in &changes {
            set(&mut db, *seq, chain, event);
        }
        assert_eq!(fx.verify(&ring(1)), Err(expected), "{what}");
        for (seq, (chain, event)) in &saved {
            set(&mut db, *seq, chain, event);
        }
        assert_eq!(fx.verify(&ring(1)).unwrap(), good, "{what}, undone");
    }

    // A deleted row: the gap is reported at the next row.
    let (c12, e12) = original(&mut db, 12);
    db.execute(&format!("DELETE FROM {table} WHERE seq = 12"), &[])
        .unwrap();
    assert_eq!(
        fx.verify(&ring(1)),
        Err(AuditError::Sequence {
            line: 13,
            expected: 12,
            found: 13
        })
    );
    // A row that does not start at 1.
    let (c1, e1) = original(&mut db, 1);
    db.execute(&format!("DELETE FROM {table} WHERE seq = 1"), &[])
        .unwrap();
    assert_eq!(
        fx.verify(&ring(1)),
        Err(AuditError::Sequence {
            line: 2,
            expected: 1,
            found: 2
        })
    );
    db.execute(
        &format!("INSERT INTO {table} (seq, chain, event) VALUES (1, $1, $2), (12, $3, $4)"),
        &[&c1, &e1, &c12, &e12],
    )
    .unwrap();
    assert_eq!(fx.verify(&ring(1)).unwrap(), good);

    // A tampered last row: verify reports it, and appends refuse to build on it.
    let (c20, e20) = original(&mut db, 20);
    let edited = e20.replace("app event 19", "app event 18");
    assert_ne!(edited, e20);
    set(&mut db, 20, &c20, &edited);
    assert_eq!(
        fx.verify(&ring(1)),
        Err(AuditError::Modified { line: 20, seq: 20 })
    );
    assert_eq!(
        sink.append(&event("app", 20)),
        Err(AuditError::Modified { line: 20, seq: 20 })
    );
    set(&mut db, 20, &c20, &e20);
    assert_eq!(sink.append(&event("app", 20)).unwrap(), 21);
    let longer = fx.verify(&ring(1)).unwrap();
    assert_eq!(longer.records, 21);

    // Rows cut from the end leave a valid, shorter chain: only a head kept elsewhere shows it.
    db.execute(&format!("DELETE FROM {table} WHERE seq = 21"), &[])
        .unwrap();
    let cut = fx.verify(&ring(1)).unwrap();
    assert_eq!(cut, good);
    assert_ne!(cut.head, longer.head);
}

#[test]
fn the_chain_keeps_the_key_it_started_with() {
    let fx = Fixture::new("keys");
    let first = fx.sink(&ring(1));
    for i in 0..3 {
        first.append(&event("old", i)).unwrap();
    }
    // After rotation, key 1 retired: appends continue the chain under key 1.
    let rotated = Keyring::new(key(2)).with_retired(key(1));
    assert_eq!(fx.sink(&rotated).append(&event("new", 0)).unwrap(), 4);
    assert_eq!(fx.verify(&rotated).unwrap().records, 4);
    assert_eq!(fx.verify(&ring(1)).unwrap().records, 4);

    // Without the chain's key: nothing is appended, and nothing verifies.
    assert_eq!(
        fx.sink(&ring(3)).append(&event("stranger", 0)),
        Err(AuditError::Modified { line: 4, seq: 4 })
    );
    assert_eq!(fx.verify(&ring(1)).unwrap().records, 4);
    for keyring in [ring(2), ring(3)] {
        assert_eq!(
            fx.verify(&keyring),
            Err(AuditError::Modified { line: 1, seq: 1 })
        );
    }

    // An empty table starts under the active key.
    let empty = Fixture::new("keys_empty");
    assert_eq!(empty.verify(&rotated).unwrap().records, 0);
    empty.sink(&rotated).append(&event("new", 0)).unwrap();
    assert_eq!(empty.verify(&ring(2)).unwrap().records, 1);
}

#[test]
fn unreachable_servers_and_bad_input_are_errors_not_panics() {
    drop(admin());
    let schema = PgIdentifier::new("twsec_t_nowhere").unwrap();
    // Nothing listens on port 1; the password must not show up in any error.
    let nowhere = "postgres://postgres:hunter2@127.0.0.1:1/test?connect_timeout=5";
    let errors = [
        PgSink::connect(&ring(1), nowhere, &schema).map(|_| ()),
        verify_postgres(&ring(1), nowhere, &schema).map(|_| ()),
        migrate_postgres(nowhere, &schema, &schema),
        PgSink::connect(&ring(1), "postgres://[::1", &schema).map(|_| ()),
        PgSink::connect(&ring(1), "host=127.0.0.1 port=notaport", &schema).map(|_| ()),
        PgSink::connect(&ring(1), "sslmode=sometimes", &schema).map(|_| ()),
    ];
    for result in errors {
        let Err(AuditError::Io(message)) = result else {
            panic!("expected an I/O error, got {result:?}");
        };
        assert!(!message.contains("hunter2"), "{message}");
    }

    // A TLS demand is refused (there is no TLS support), never downgraded to plaintext.
    let tls = format!("{} sslmode=require", to_key_value(&url()));
    assert!(matches!(
        PgSink::connect(&ring(1), &tls, &schema),
        Err(AuditError::Io(_))
    ));

    // A reachable server without the table.
    let missing =
        PgIdentifier::new(&format!("twsec_t_missing_{:016x}", rand::random::<u64>())).unwrap();
    let Err(AuditError::Io(message)) = PgSink::connect(&ring(1), &url(), &missing) else {
        panic!("a schema without the table is an error");
    };
    assert!(message.contains("42P01"), "{message}");
    assert!(matches!(
        verify_postgres(&ring(1), &url(), &missing),
        Err(AuditError::Io(_))
    ));

    // Names that are not plain identifiers never reach SQL.
    for bad in [
        "",
        "a;drop table x",
        "A",
        "a\"b",
        "pg_catalog",
        &"a".repeat(64),
    ] {
        assert!(PgIdentifier::new(bad).is_err(), "{bad:?}");
    }
}

/// A connection string in key=value form, so that options can be appended.
fn to_key_value(url: &str) -> String {
    let config: Config = url.parse().unwrap();
    let mut parts = Vec::new();
    if let Some(user) = config.get_user() {
        parts.push(format!("user={user}"));
    }
    if let Some(db) = config.get_dbname() {
        parts.push(format!("dbname={db}"));
    }
    for host in config.get_hosts() {
        if let postgres::config::Host::Tcp(h) = host {
            parts.push(format!("host={h}"));
        }
    }
    if let Some(port) = config.get_ports().first() {
        parts.push(format!("port={port}"));
    }
    parts.join(" ")
}
