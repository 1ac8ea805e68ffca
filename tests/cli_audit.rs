//! End-to-end tests of `twsec audit append|verify|export|checkpoint`: events on stdin, logs in
//! temporary directories, damage done to the files by hand.
#![cfg(feature = "cli")]

use std::process::Output;

use twsec::audit::{Actor, AuditEvent, Durability, EventKind, FileSink, LogOptions, Outcome};
use twsec::clock::SystemClock;
use twsec::crypto::{Keyring, MasterKey};

#[path = "support/cli.rs"]
mod support;
use support::{TempDir, assert_fails, status, stderr, twsec};

/// Asserts exit status 0 and an empty stderr; returns stdout as text.
#[track_caller]
fn assert_ok(out: &Output) -> String {
    String::from_utf8(support::assert_ok(out)).expect("stdout is UTF-8")
}

/// `twsec keygen --out DIR/name`.
fn keygen(dir: &TempDir, name: &str) {
    assert_ok(&twsec(&["keygen", "--out", &dir.arg(name)], b""));
}

/// A directory with a key file `key` and the log path `audit.jsonl` (not created).
fn setup() -> TempDir {
    let dir = TempDir::new();
    keygen(&dir, "key");
    dir
}

/// One valid input line: a failed login by `actor`.
fn login_fail(actor: &str) -> String {
    format!(
        r#"{{"kind":"authn_login_fail","actor":"{actor}","source_ip":"203.0.113.7","outcome":"failure"}}"#
    )
}

/// A valid line that uses every optional field.
const FULL: &str = r#"{"kind":"sensitive_read","actor":{"id":"op-lin","name":"林小明","title":"專員"},"source_ip":"2001:db8::7","outcome":"success","detail":"查詢\n客戶","target":{"kind":"customer","id":"C-1024","fields":["name","phone"]},"system":"客戶管理系統","function":"查詢客戶資料","host":"ws-12"}"#;

/// `n` valid lines, each ending in a newline.
fn lines(n: usize) -> String {
    (1..=n)
        .map(|i| login_fail(&format!("u{i}")) + "\n")
        .collect()
}

/// `twsec audit <command> --log DIR/audit.jsonl --key-file DIR/<key> extra…`.
fn audit(dir: &TempDir, command: &str, key: &str, extra: &[&str], stdin: &[u8]) -> Output {
    let log = dir.arg("audit.jsonl");
    let key = dir.arg(key);
    let mut args = vec!["audit", command, "--log", &log, "--key-file", &key];
    args.extend_from_slice(extra);
    twsec(&args, stdin)
}

fn append(dir: &TempDir, input: &str) -> Output {
    audit(dir, "append", "key", &[], input.as_bytes())
}

fn verify(dir: &TempDir) -> Output {
    audit(dir, "verify", "key", &[], b"")
}

/// Asserts `verify` says the log is intact with `n` records (1-n) in `files` files.
#[track_caller]
fn assert_intact(dir: &TempDir, n: u64, files: &str) {
    let out = assert_ok(&verify(dir));
    let prefix = format!("intact: {n} records (1-{n}) in {files}, head ");
    let rest = out.strip_prefix(&prefix);
    assert!(rest.is_some(), "{out:?} does not start with {prefix:?}");
    let head = rest
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_default();
    assert_eq!(head.len(), 64, "{head}");
    assert!(head.bytes().all(|b| b.is_ascii_hexdigit()), "{head}");
}

#[test]
fn append_then_verify_reports_the_records() {
    let dir = setup();
    // Blank lines (also of spaces) are skipped; CRLF line ends and a last line without a
    // newline are accepted.
    let input = format!("{}\n\n{FULL}\r\n   \n{}", login_fail("a"), login_fail("b"));
    assert_eq!(
        assert_ok(&append(&dir, &input)),
        "appended 3 records (1-3)\n"
    );
    assert_intact(&dir, 3, "1 file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path("audit.jsonl"))
            .expect("log exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Numbering continues, in each durability mode.
    for (mode, expected) in [
        ("fsync", "appended 2 records (4-5)\n"),
        ("group-commit", "appended 2 records (6-7)\n"),
        ("os-buffered", "appended 2 records (8-9)\n"),
    ] {
        let out = audit(
            &dir,
            "append",
            "key",
            &["--durability", mode],
            lines(2).as_bytes(),
        );
        assert_eq!(assert_ok(&out), expected, "{mode}");
    }
    let one = append(&dir, &lines(1));
    assert_eq!(assert_ok(&one), "appended 1 record (10)\n");
    assert_intact(&dir, 10, "1 file");
    // No events: nothing appended, and a log that does not exist is not created.
    assert_eq!(assert_ok(&append(&dir, "\n \n")), "appended 0 records\n");
    let fresh = setup();
    assert_eq!(assert_ok(&append(&fresh, "")), "appended 0 records\n");
    assert!(!fresh.exists("audit.jsonl"));
    // The full event kept every field, escaped.
    let events = assert_ok(&audit(&dir, "export", "key", &["--format", "jsonl"], b""));
    let second: serde_json::Value =
        serde_json::from_str(events.lines().nth(1).expect("two events")).expect("JSON");
    assert_eq!(second["kind"], "sensitive_read");
    assert_eq!(second["actor"]["name"], "林小明");
    assert_eq!(second["actor"]["title"], "專員");
    assert_eq!(second["source"]["ip"], "2001:db8::7");
    assert_eq!(second["source"]["host"], "ws-12");
    assert_eq!(second["system"], "客戶管理系統");
    assert_eq!(second["function"], "查詢客戶資料");
    assert_eq!(second["target"]["fields"][1], "phone");
    assert_eq!(second["detail"], "查詢\\u{a}客戶");
    assert!(second["id"].is_string() && second["time"].is_string());
}

#[test]
fn an_invalid_line_appends_nothing() {
    let dir = setup();
    assert_ok(&append(&dir, &lines(2)));
    let before = dir.read("audit.jsonl");
    // Line 3 of 4 is bad: lines 1 and 2 are valid, yet are not appended either.
    let input = format!(
        "{}{}{}\n{}\n",
        login_fail("a"),
        "\n",
        login_fail("b"),
        r#"{"kind":"authn_login_fail","actor":"c","source_ip":"203.0.113.7","outcome":"maybe"}"#,
    );
    let input = format!("{input}{}\n", login_fail("d"));
    let err = assert_fails(&append(&dir, &input), 1);
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("outcome"), "{err}");
    assert!(err.contains("nothing was appended"), "{err}");
    assert_eq!(dir.read("audit.jsonl"), before, "the log is unchanged");
    assert!(!dir.exists("audit.jsonl.checkpoints"));
    assert_intact(&dir, 2, "1 file");
    // A log that did not exist is not created.
    let fresh = setup();
    assert_fails(
        &append(&fresh, &format!("{}\nnot json\n", login_fail("a"))),
        1,
    );
    assert!(!fresh.exists("audit.jsonl"));
}

#[test]
fn each_invalid_event_is_refused_with_its_line() {
    let dir = setup();
    assert_ok(&append(&dir, &lines(1)));
    let before = dir.read("audit.jsonl");
    let ok = r#""actor":"a","source_ip":"192.0.2.1","outcome":"success""#;
    let cases: Vec<(String, &str)> = vec![
        (format!(r#"{{"kind":"authn_login_nope",{ok}}}"#), "`kind`"),
        (format!(r#"{{"kind":"AUTHN_LOGIN_FAIL",{ok}}}"#), "`kind`"),
        (format!(r#"{{"kind":7,{ok}}}"#), "`kind`: expected a string"),
        (
            r#"{"kind":"authz_fail","actor":"a","source_ip":"192.0.2.256","outcome":"success"}"#
                .into(),
            "`source_ip`",
        ),
        (
            r#"{"kind":"authz_fail","actor":"a","source_ip":"localhost","outcome":"success"}"#
                .into(),
            "`source_ip`",
        ),
        (
            r#"{"kind":"authz_fail","actor":"a","source_ip":"192.0.2.1","outcome":"fail"}"#
                .into(),
            "`outcome`",
        ),
        (
            format!(r#"{{"kind":"authz_fail",{ok},"time":"2026-01-01T00:00:00Z"}}"#),
            "unknown field `time`",
        ),
        (
            format!(r#"{{"kind":"authz_fail",{ok},"control":"AUD-EVENT"}}"#),
            "unknown field `control`",
        ),
        (
            format!(r#"{{"kind":"authz_fail",{ok},"outcome":"failure"}}"#),
            "duplicate field `outcome`",
        ),
        ("not json".into(), "not JSON"),
        (r#"{"kind":"authz_fail","#.into(), "not JSON"),
        (format!(r#"{{"kind":"authz_fail",{ok}}} trailing"#), "not JSON"),
        (r#"["authz_fail"]"#.into(), "expected a JSON object"),
        (
            r#"{"kind":"authz_fail","actor":"a","outcome":"success"}"#.into(),
            "missing field `source_ip`",
        ),
        (
            r#"{"kind":"authz_fail","actor":null,"source_ip":"192.0.2.1","outcome":"success"}"#
                .into(),
            "missing field `actor`",
        ),
        (
            r#"{"kind":"authz_fail","actor":"","source_ip":"192.0.2.1","outcome":"success"}"#
                .into(),
            "`actor`: the account ID is empty",
        ),
        (
            r#"{"kind":"authz_fail","actor":{"id":"a","role":"x"},"source_ip":"192.0.2.1","outcome":"success"}"#
                .into(),
            "`actor`: unknown field `role`",
        ),
        (
            r#"{"kind":"authz_fail","actor":["a"],"source_ip":"192.0.2.1","outcome":"success"}"#
                .into(),
            "`actor`",
        ),
        (
            format!(r#"{{"kind":"authz_fail",{ok},"target":{{"kind":"customer"}}}}"#),
            "`target`: missing field `id`",
        ),
        (
            format!(r#"{{"kind":"authz_fail",{ok},"detail":42}}"#),
            "`detail`: expected a string",
        ),
        ("x".repeat(64 * 1024 + 1), "longer than 65536 bytes"),
    ];
    for (line, expected) in &cases {
        let input = format!("{}\n{line}\n{}\n", login_fail("a"), login_fail("b"));
        let err = assert_fails(&append(&dir, &input), 1);
        assert!(err.starts_with("twsec: standard input line 2: "), "{err}");
        assert!(err.contains(expected), "{expected:?} not in {err}");
        assert!(err.len() < 400, "the message stays short: {err}");
        assert_eq!(dir.read("audit.jsonl"), before, "{line}");
    }
    // Not UTF-8.
    let mut input = login_fail("a").into_bytes();
    input.extend_from_slice(b"\n{\"kind\":\"\xff\"}\n");
    let out = audit(&dir, "append", "key", &[], &input);
    let err = assert_fails(&out, 1);
    assert!(err.contains("line 2: not UTF-8"), "{err}");
    // A control character in a field name cannot break the message into lines.
    let input = format!("{}\n{{\"kind\\n\":1}}\n", login_fail("a"));
    let err = assert_fails(&append(&dir, &input), 1);
    assert!(err.contains("kind\\u{a}"), "{err}");
    assert_eq!(dir.read("audit.jsonl"), before);
}

#[test]
fn more_events_than_one_run_takes_appends_nothing() {
    let dir = setup();
    let line = login_fail("a") + "\n";
    let err = assert_fails(&append(&dir, &line.repeat(100_001)), 1);
    assert!(
        err.contains("line 100001: more than 100000 events"),
        "{err}"
    );
    assert!(!dir.exists("audit.jsonl"));
}

/// Replaces the first `from` in the log with `to` (of the same length).
fn tamper(dir: &TempDir, from: &str, to: &str) {
    let mut log = dir.read("audit.jsonl");
    let at = log
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .expect("text to tamper with is in the log");
    log[at..at + from.len()].copy_from_slice(to.as_bytes());
    dir.write("audit.jsonl", &log);
}

#[test]
fn a_tampered_byte_fails_verify_naming_the_record() {
    let dir = setup();
    assert_ok(&append(&dir, &lines(4)));
    assert_intact(&dir, 4, "1 file");
    tamper(&dir, "\"u2\"", "\"u7\"");
    let err = assert_fails(&verify(&dir), 1);
    assert!(err.contains("record 2 (line 2) was modified"), "{err}");
    // Nothing is exported from a damaged log, and nothing appended to it.
    for format in ["jsonl", "ocsf"] {
        let out = audit(&dir, "export", "key", &["--format", format], b"");
        let e = assert_fails(&out, 1);
        assert!(e.contains("record 2"), "{e}");
    }
    let before = dir.read("audit.jsonl");
    let e = assert_fails(&append(&dir, &lines(1)), 1);
    assert!(
        e.contains("record 2") && e.contains("nothing was appended"),
        "{e}"
    );
    assert_fails(&audit(&dir, "checkpoint", "key", &[], b""), 1);
    assert_eq!(dir.read("audit.jsonl"), before);

    // A deleted record breaks the sequence.
    let dir = setup();
    assert_ok(&append(&dir, &lines(4)));
    let log = String::from_utf8(dir.read("audit.jsonl")).expect("UTF-8");
    let kept: String = log
        .split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| l)
        .collect();
    dir.write("audit.jsonl", kept.as_bytes());
    let err = assert_fails(&verify(&dir), 1);
    assert!(err.contains("line 2: expected record 2, found 3"), "{err}");
}

#[test]
fn export_prints_jsonl_and_ocsf() {
    let dir = setup();
    let input = format!(
        "{}\n{}\n{FULL}\n",
        login_fail("op-lin"),
        r#"{"kind":"authn_login_success","actor":"op-lin","source_ip":"203.0.113.7","outcome":"success"}"#
    );
    assert_ok(&append(&dir, &input));

    let jsonl = assert_ok(&audit(&dir, "export", "key", &["--format", "jsonl"], b""));
    let events: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["kind"], "authn_login_fail");
    assert_eq!(events[0]["outcome"], "failure");
    assert_eq!(events[0]["actor"]["id"], "op-lin");
    assert_eq!(events[0]["source"]["ip"], "203.0.113.7");
    assert_eq!(events[1]["outcome"], "success");

    let ocsf = assert_ok(&audit(&dir, "export", "key", &["--format", "ocsf"], b""));
    let records: Vec<serde_json::Value> = ocsf
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(records.len(), 3);
    for r in &records[..2] {
        assert_eq!(r["class_uid"], 3002, "authn_login_* is OCSF Authentication");
        assert_eq!(r["actor"]["user"]["uid"], "op-lin");
        assert_eq!(r["src_endpoint"]["ip"], "203.0.113.7");
    }
    assert_eq!(records[0]["status_id"], 2);
    assert_eq!(records[1]["status_id"], 1);
    assert_eq!(records[2]["class_uid"], 6003);
    assert_eq!(records[2]["unmapped"]["twsec_kind"], "sensitive_read");
    assert_eq!(records[0]["metadata"]["uid"], events[0]["id"]);

    let out = audit(&dir, "export", "key", &["--format", "csv"], b"");
    assert_eq!(status(&out), 2);
    assert_eq!(status(&audit(&dir, "export", "key", &[], b"")), 2);
}

#[test]
fn an_exported_checkpoint_detects_truncation() {
    let dir = setup();
    assert_ok(&append(&dir, &lines(5)));
    let cp = assert_ok(&audit(&dir, "checkpoint", "key", &[], b""));
    assert_eq!(cp.lines().count(), 1, "{cp}");
    let parsed: serde_json::Value = serde_json::from_str(&cp).expect("one JSON line");
    assert_eq!(parsed["seq"], 5);
    assert_eq!(parsed["log"], "audit.jsonl");
    dir.write("cp.json", cp.as_bytes());
    let key = dir.arg("key");
    let pk = assert_ok(&twsec(
        &["audit", "checkpoint", "--key-file", &key, "--public-key"],
        b"",
    ));
    let pk = pk.trim_end().to_owned();
    assert_eq!(pk.len(), 64);
    assert_eq!(parsed["key"], pk.as_str());
    // `--log` may be given with `--public-key`; the log is not opened.
    let same = audit(&dir, "checkpoint", "key", &["--public-key"], b"");
    assert_eq!(assert_ok(&same).trim_end(), pk);

    let cp_arg = dir.arg("cp.json");
    let against = |pk: &str| {
        audit(
            &dir,
            "verify",
            "key",
            &["--checkpoint", &cp_arg, "--public-key", pk],
            b"",
        )
    };
    let out = assert_ok(&against(&pk));
    assert!(
        out.starts_with("intact: 5 records (1-5) in 1 file, head "),
        "{out}"
    );
    assert!(
        out.ends_with("; checkpoint at record 5 verified\n"),
        "{out}"
    );
    assert_ok(&against(&pk.to_ascii_uppercase()));

    // Cut the last two records off; the checkpoint kept beside the log still catches it.
    let log = String::from_utf8(dir.read("audit.jsonl")).expect("UTF-8");
    let kept: String = log.split_inclusive('\n').take(3).collect();
    dir.write("audit.jsonl", kept.as_bytes());
    let err = assert_fails(&verify(&dir), 1);
    assert!(err.contains("ends at record 3"), "{err}");
    // Without it, the log looks intact on its own...
    std::fs::remove_file(dir.path("audit.jsonl.checkpoints")).expect("remove checkpoints");
    assert_intact(&dir, 3, "1 file");
    // ...but not against the exported checkpoint.
    let err = assert_fails(&against(&pk), 1);
    assert!(
        err.contains("ends at record 3 but a checkpoint covers record 5"),
        "{err}"
    );

    // A checkpoint that the trusted key did not sign is refused.
    let other = setup();
    let other_key = other.arg("key");
    let other_pk = assert_ok(&twsec(
        &[
            "audit",
            "checkpoint",
            "--key-file",
            &other_key,
            "--public-key",
        ],
        b"",
    ));
    let err = assert_fails(&against(other_pk.trim_end()), 1);
    assert!(err.contains("signature"), "{err}");
    // A forged one as well.
    let forged = cp.replace("\"seq\":5", "\"seq\":2");
    dir.write("cp.json", forged.as_bytes());
    let err = assert_fails(&against(&pk), 1);
    assert!(err.contains("signature"), "{err}");
}

#[test]
fn a_wrong_key_file_fails() {
    let dir = setup();
    keygen(&dir, "other");
    assert_ok(&append(&dir, &lines(3)));
    let before = dir.read("audit.jsonl");
    let err = assert_fails(&audit(&dir, "verify", "other", &[], b""), 1);
    assert!(err.contains("record 1"), "{err}");
    assert!(err.contains("key files"), "{err}");
    let export = audit(&dir, "export", "other", &["--format", "jsonl"], b"");
    assert_fails(&export, 1);
    let append_other = audit(&dir, "append", "other", &[], lines(1).as_bytes());
    assert_fails(&append_other, 1);
    assert_eq!(dir.read("audit.jsonl"), before);
    // Checkpoints beside the log that another key signed refuse the log too.
    assert_ok(&audit(&dir, "checkpoint", "key", &[], b""));
    let err = assert_fails(&audit(&dir, "verify", "other", &[], b""), 1);
    assert!(err.contains("not signed by this keyring"), "{err}");

    // After a key rotation the old key is given as retired: the log verifies and continues.
    let old = dir.arg("key");
    let rotated = &["--old-key-file", old.as_str()];
    let out = audit(&dir, "append", "other", rotated, lines(2).as_bytes());
    assert_eq!(assert_ok(&out), "appended 2 records (4-5)\n");
    let out = assert_ok(&audit(&dir, "verify", "other", rotated, b""));
    assert!(out.starts_with("intact: 5 records (1-5)"), "{out}");
    assert_fails(&verify(&dir), 1);
}

#[test]
fn missing_and_empty_logs() {
    let dir = setup();
    for command in ["verify", "checkpoint"] {
        let err = assert_fails(&audit(&dir, command, "key", &[], b""), 2);
        assert!(err.contains("no audit log at"), "{err}");
    }
    let export = audit(&dir, "export", "key", &["--format", "ocsf"], b"");
    assert_fails(&export, 2);
    assert!(
        !dir.exists("audit.jsonl"),
        "nothing creates the log but append"
    );
    dir.write("audit.jsonl", b"");
    let out = assert_ok(&verify(&dir));
    assert_eq!(out, "intact: 0 records in 1 file\n");
    let err = assert_fails(&audit(&dir, "checkpoint", "key", &[], b""), 1);
    assert!(err.contains("holds no record"), "{err}");
    assert!(!dir.exists("audit.jsonl.checkpoints"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = setup();
    assert_ok(&append(&dir, &lines(1)));
    let cp = assert_ok(&audit(&dir, "checkpoint", "key", &[], b""));
    dir.write("cp.json", cp.as_bytes());
    let cp_arg = dir.arg("cp.json");
    let key = dir.arg("key");
    let pk = assert_ok(&audit(&dir, "checkpoint", "key", &["--public-key"], b""));
    let pk = pk.trim_end();
    dir.write("two.json", format!("{cp}{cp}").as_bytes());
    dir.write("bad.json", b"{\"seq\":1}\n");
    let two = dir.arg("two.json");
    let bad = dir.arg("bad.json");
    let missing = dir.arg("missing.json");
    let cases: Vec<Vec<&str>> = vec![
        vec!["verify", "--checkpoint", &cp_arg],
        vec!["verify", "--public-key", pk],
        vec!["verify", "--checkpoint", &cp_arg, "--public-key", "abc"],
        vec!["verify", "--checkpoint", &two, "--public-key", pk],
        vec!["verify", "--checkpoint", &bad, "--public-key", pk],
        vec!["verify", "--checkpoint", &missing, "--public-key", pk],
        vec!["append", "--durability", "never"],
        vec!["export", "--format", "xml"],
    ];
    for extra in &cases {
        let out = audit(&dir, extra[0], "key", &extra[1..], b"");
        let err = stderr(&out);
        // clap's own messages take several lines.
        assert_eq!(status(&out), 2, "{extra:?}: {err}");
        assert!(out.stdout.is_empty() && err.starts_with("twsec: "), "{err}");
    }
    // `checkpoint` needs --log unless it prints the public key.
    let out = twsec(&["audit", "checkpoint", "--key-file", &key], b"");
    assert_eq!(status(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--log"), "{}", stderr(&out));
    // A missing key file.
    assert_fails(&audit(&dir, "verify", "nokey", &[], b""), 2);
    // A log that is a directory.
    let here = dir.arg("");
    let out = twsec(
        &["audit", "verify", "--log", &here, "--key-file", &key],
        b"",
    );
    assert_fails(&out, 2);
}

#[test]
fn verify_walks_rotated_files_and_append_continues_the_chain() {
    let dir = setup();
    let ring = Keyring::new(MasterKey::load(&dir.path("key")).expect("key file"));
    let options = LogOptions::new(Durability::Fsync).rotate_at_bytes(600);
    {
        let sink = FileSink::open_with(&ring, &dir.path("audit.jsonl"), options, &SystemClock)
            .expect("open");
        for _ in 0..6 {
            let e = AuditEvent::new(
                EventKind::SysError,
                Outcome::Failure,
                Actor::system(),
                &SystemClock,
            )
            .with_detail(&"x".repeat(150));
            sink.append(&e).expect("append");
        }
    }
    let out = assert_ok(&verify(&dir));
    let files: usize = out
        .split(" in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(files >= 3, "{out}");
    assert!(out.starts_with("intact: 6 records (1-6) in "), "{out}");
    assert_eq!(
        assert_ok(&append(&dir, &lines(2))),
        "appended 2 records (7-8)\n"
    );
    let out = assert_ok(&verify(&dir));
    assert!(out.starts_with("intact: 8 records (1-8) in "), "{out}");
    // Damage in a rotated file names the file.
    let first = dir.path(&format!("audit.jsonl.{:020}", 1));
    let mut bytes = std::fs::read(&first).expect("first rotated file");
    let at = bytes.iter().position(|&b| b == b'x').expect("detail");
    bytes[at] = b'y';
    std::fs::write(&first, bytes).expect("write");
    let err = assert_fails(&verify(&dir), 1);
    assert!(
        err.contains(&first.display().to_string()) && err.contains("record 1"),
        "{err}"
    );
}

#[test]
fn help_documents_the_input_and_the_single_writer() {
    let out = twsec(&["audit", "append", "--help"], b"");
    let help = assert_ok(&out);
    for needle in [
        "source_ip",
        "Blank lines are skipped",
        "nothing is appended",
        "authn_login_fail",
        "Only one process may write a log at a time",
        "Exit status",
    ] {
        assert!(help.contains(needle), "{needle:?} not in help");
    }
    let help = assert_ok(&twsec(&["audit", "checkpoint", "--help"], b""));
    assert!(help.contains("Only one process may write a log at a time"));
    let help = assert_ok(&twsec(&["audit", "--help"], b""));
    for command in ["append", "verify", "export", "checkpoint"] {
        assert!(help.contains(command), "{command}");
    }
}
