//! `twsec audit append|verify|export|checkpoint`: the tamper-evident audit log
//! ([`twsec::audit::FileSink`]) from the command line.
//!
//! * `append` reads JSON events from standard input, one a line, checks every line first and
//!   then appends them all (an invalid line is reported with its number and nothing is
//!   written); prints `appended N records (FIRST-LAST)`.
//! * `verify` walks the whole log (rotated files and the checkpoints beside it included);
//!   prints `intact: N records (FIRST-LAST) in F files, head <hex>`, or exits 1 with the first
//!   bad record. `--checkpoint FILE --public-key HEX` also checks the log against a checkpoint
//!   exported earlier, whose signature must verify with that trusted key.
//! * `export` writes the verified events to standard output (`jsonl` as recorded, or `ocsf`);
//!   the log is verified in full first, so a damaged log prints nothing.
//! * `checkpoint` signs a checkpoint of the last record, keeps it beside the log and prints it
//!   (one JSON line, for another system); `--public-key` prints the key that verifies it.
//!
//! Exit status: 0 done; 1 an input line, the log or a checkpoint was refused (also: an empty
//! log has no checkpoint); 2 the command could not run (usage, key file, missing log, I/O,
//! including a write that failed part-way through `append`).

use std::fs::File;
use std::io::{self, BufRead, BufWriter, IsTerminal as _, Read as _, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde::Deserialize;
use serde_json::Value;
use twsec::audit::{
    Actor, AuditError, AuditEvent, AuditReader, Checkpoint, Durability, EventKind, ExportFormat,
    FileSink, Outcome, Target, VerifyReport, checkpoint_public_key, sanitize,
};
use twsec::clock::{Clock, SystemClock};

use crate::Fail;
use crate::keys::RingArgs;

/// Longest input line `append` accepts, in bytes (without the newline).
const MAX_LINE: usize = 64 * 1024;
/// Most events one `append` takes: they are all held in memory until every line is checked.
const MAX_EVENTS: usize = 100_000;
/// Most bytes of input one `append` reads, for the same reason.
const MAX_INPUT: u64 = 64 * 1024 * 1024;
/// Longest `--checkpoint` file read.
const MAX_CHECKPOINT_FILE: u64 = 64 * 1024;

/// Said in the help of the commands that open the log for writing.
const ONE_WRITER: &str = "Only one process may write a log at a time: append and checkpoint open it\n\
for writing, so do not run them while an application (or another twsec) has the log open.";

const EXIT_STATUS: &str = "Exit status: 0 done; 1 an input line, the log or a checkpoint was refused\n\
(damaged, truncated, not chained or signed by the keys given; an empty log has no\n\
checkpoint); 2 the command could not run (usage, key file, missing log, I/O error).";

/// `twsec audit …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Append the JSON events on stdin (one a line) to the log: all of them, or none.
    #[command(after_long_help = append_help())]
    Append(AppendArgs),
    /// Verify the whole log; prints `intact: N records (FIRST-LAST) in F files, head HEX`.
    #[command(after_long_help = EXIT_STATUS)]
    Verify(VerifyArgs),
    /// Print the verified events, one a line, as recorded (jsonl) or as OCSF records.
    #[command(after_long_help = EXIT_STATUS)]
    Export(ExportArgs),
    /// Sign a checkpoint of the last record, keep it beside the log and print it (one JSON
    /// line) for another system.
    #[command(after_long_help = format!("{ONE_WRITER}\n\n{EXIT_STATUS}"))]
    Checkpoint(CheckpointArgs),
}

/// When an appended record is on disk.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum DurabilityArg {
    /// An fsync after every record.
    Fsync,
    /// One fsync covers the whole batch; as durable as fsync once `append` returns.
    GroupCommit,
    /// Left to the operating system: survives a crash of twsec, not of the machine.
    OsBuffered,
}

impl From<DurabilityArg> for Durability {
    fn from(d: DurabilityArg) -> Self {
        match d {
            DurabilityArg::Fsync => Durability::Fsync,
            DurabilityArg::GroupCommit => Durability::GroupCommit,
            DurabilityArg::OsBuffered => Durability::OsBuffered,
        }
    }
}

/// `twsec audit append`.
#[derive(Debug, Args)]
pub(crate) struct AppendArgs {
    /// The audit log (created with mode 0600 if it does not exist).
    #[arg(long, value_name = "FILE")]
    log: PathBuf,
    #[command(flatten)]
    keys: RingArgs,
    /// When the records are on disk.
    #[arg(long, value_name = "MODE", value_enum, default_value = "fsync")]
    durability: DurabilityArg,
}

/// `twsec audit verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The audit log (its rotated files and checkpoints are found beside it).
    #[arg(long, value_name = "FILE")]
    log: PathBuf,
    #[command(flatten)]
    keys: RingArgs,
    /// Also verify against this exported checkpoint (a file holding the one JSON line printed
    /// by `twsec audit checkpoint`): the log must still hold that record, unchanged.
    #[arg(long, value_name = "FILE", requires = "public_key")]
    checkpoint: Option<PathBuf>,
    /// The trusted public key (64 hex digits, from `twsec audit checkpoint --public-key`) that
    /// must have signed `--checkpoint`.
    #[arg(long, value_name = "HEX", requires = "checkpoint")]
    public_key: Option<String>,
}

/// Export formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    /// The events as recorded, one JSON object a line.
    Jsonl,
    /// Each event as an OCSF 1.1 record (Authentication 3002, Account Change 3001, …).
    Ocsf,
}

/// `twsec audit export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The audit log.
    #[arg(long, value_name = "FILE")]
    log: PathBuf,
    #[command(flatten)]
    keys: RingArgs,
    /// The output format.
    #[arg(long, value_name = "FORMAT", value_enum)]
    format: FormatArg,
}

/// `twsec audit checkpoint`.
#[derive(Debug, Args)]
pub(crate) struct CheckpointArgs {
    /// The audit log; it must hold at least one record.
    #[arg(long, value_name = "FILE", required_unless_present = "public_key")]
    log: Option<PathBuf>,
    #[command(flatten)]
    keys: RingArgs,
    /// Print only the public key (hex) that verifies the checkpoints signed with --key-file,
    /// for the system that keeps them; the log is not opened.
    #[arg(long)]
    public_key: bool,
}

/// The long help of `append`: the input format, the event kinds, one writer, exit status.
fn append_help() -> String {
    let mut kinds = String::new();
    let mut width = 0;
    for (i, k) in EventKind::ALL.iter().enumerate() {
        let name = k.as_str();
        if i > 0 {
            kinds.push(',');
            if width + name.len() > 88 {
                kinds.push_str("\n  ");
                width = 0;
            } else {
                kinds.push(' ');
            }
        }
        kinds.push_str(name);
        width += name.len() + 2;
    }
    format!(
        r#"Input: one JSON object a line (UTF-8; at most {MAX_LINE} bytes a line, {MAX_EVENTS} events and
{} MiB in all):

  {{"kind":"authn_login_fail","actor":"op-lin","source_ip":"203.0.113.7","outcome":"failure"}}

  kind       required: an event kind (below)
  actor      required: the account ID, "op-lin", or {{"id":"op-lin","name":"林小明","title":"專員"}}
             (name and title optional)
  source_ip  required: an IPv4 or IPv6 address
  outcome    required: "success" or "failure"
  target     optional: {{"kind":"customer","id":"C-1024","fields":["name","phone"]}} (fields
             optional: the names of the fields touched, never their values)
  detail, system, function, host: optional strings

Any other field is refused; null is the same as leaving a field out. Blank lines are skipped
(they still count in line numbers). twsec adds the event ID, the time (when it reads the
line), the sequence number and the chain value; control characters in text are escaped.

Every line is checked before the first is written: an invalid line is reported with its
number and nothing is appended. Prints `appended N records (FIRST-LAST)`.

Event kinds:
  {kinds}

{ONE_WRITER}

{EXIT_STATUS}"#,
        MAX_INPUT >> 20
    )
}

pub(crate) fn run_command(command: &AuditCommand) -> Result<ExitCode, Fail> {
    match command {
        AuditCommand::Append(args) => append(args),
        AuditCommand::Verify(args) => verify(args),
        AuditCommand::Export(args) => export(args),
        AuditCommand::Checkpoint(args) => checkpoint(args),
    }
}

// ---- append -------------------------------------------------------------------------------

/// One input line as given. Every field is a raw JSON value so that each problem can name its
/// field; unknown and duplicate fields are refused here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn {
    kind: Option<Value>,
    actor: Option<Value>,
    source_ip: Option<Value>,
    outcome: Option<Value>,
    detail: Option<Value>,
    target: Option<Value>,
    system: Option<Value>,
    function: Option<Value>,
    host: Option<Value>,
}

/// `actor` as an object.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object {\"id\", \"name\", \"title\"}"
)]
struct ActorIn {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

/// `target`.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object {\"kind\", \"id\", \"fields\"}"
)]
struct TargetIn {
    kind: String,
    id: String,
    #[serde(default)]
    fields: Vec<String>,
}

/// serde_json's message without its ` at line L column C` (the input is one line), with the
/// column kept for a syntax error; escaped, since it may quote the input.
fn json_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&position).unwrap_or(&text);
    if e.is_syntax() || e.is_eof() {
        sanitize(&format!("not JSON: {message} (column {})", e.column()))
    } else {
        sanitize(message)
    }
}

fn required(value: Option<Value>, field: &str) -> Result<Value, String> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

fn text(value: Value, field: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(format!("`{field}`: expected a string")),
    }
}

fn optional_text(value: Option<Value>, field: &str) -> Result<Option<String>, String> {
    value.map(|v| text(v, field)).transpose()
}

fn object<T: serde::de::DeserializeOwned>(value: Value, field: &str) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("`{field}`: {}", json_problem(&e)))
}

fn actor(value: Value) -> Result<Actor, String> {
    let (id, name, title) = match value {
        Value::String(id) => (id, None, None),
        v @ Value::Object(_) => {
            let a: ActorIn = object(v, "actor")?;
            (a.id, a.name, a.title)
        }
        _ => {
            return Err(
                "`actor`: expected an account ID or an object {\"id\", \"name\", \"title\"}".into(),
            );
        }
    };
    if id.trim().is_empty() {
        return Err("`actor`: the account ID is empty".into());
    }
    let mut actor = Actor::account(&id);
    actor.name = name.as_deref().map(sanitize);
    actor.title = title.as_deref().map(sanitize);
    Ok(actor)
}

fn target(value: Value) -> Result<Target, String> {
    let t: TargetIn = object(value, "target")?;
    if t.kind.trim().is_empty() || t.id.trim().is_empty() {
        return Err("`target`: `kind` and `id` must not be empty".into());
    }
    Ok(Target::new(&t.kind, &t.id).with_fields(t.fields.iter().map(String::as_str)))
}

/// Parses one input line into an event stamped by `clock`, or says what is wrong with it.
fn parse_event(line: &str, clock: &dyn Clock) -> Result<AuditEvent, String> {
    if !line.trim_start().starts_with('{') {
        // serde would take an array for a struct, and name the wrong type in its message.
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(line) {
            Ok(_) => "expected a JSON object".to_owned(),
            Err(e) => json_problem(&e),
        });
    }
    let raw: LineIn = serde_json::from_str(line).map_err(|e| json_problem(&e))?;
    let kind = text(required(raw.kind, "kind")?, "kind")?;
    let kind = EventKind::parse(&kind).ok_or(
        "`kind`: not an event kind of the vocabulary (listed by `twsec audit append --help`)",
    )?;
    let outcome = match text(required(raw.outcome, "outcome")?, "outcome")?.as_str() {
        "success" => Outcome::Success,
        "failure" => Outcome::Failure,
        _ => return Err("`outcome`: expected \"success\" or \"failure\"".into()),
    };
    let actor = actor(required(raw.actor, "actor")?)?;
    let ip: IpAddr = text(required(raw.source_ip, "source_ip")?, "source_ip")?
        .parse()
        .map_err(|_| "`source_ip`: not an IPv4 or IPv6 address")?;
    let mut event = AuditEvent::new(kind, outcome, actor, clock).from_ip(ip);
    if let Some(host) = optional_text(raw.host, "host")? {
        event = event.from_host(&host);
    }
    event.system = optional_text(raw.system, "system")?
        .as_deref()
        .map(sanitize);
    event.function = optional_text(raw.function, "function")?
        .as_deref()
        .map(sanitize);
    if let Some(t) = raw.target {
        event = event.on(target(t)?);
    }
    if let Some(detail) = optional_text(raw.detail, "detail")? {
        event = event.with_detail(&detail);
    }
    Ok(event)
}

/// Reads and checks every line of `input`; the first invalid one is an error naming it.
fn read_events(mut input: impl BufRead, clock: &dyn Clock) -> Result<Vec<AuditEvent>, Fail> {
    let mut events = Vec::new();
    let mut buf = Vec::new();
    let mut number = 0u64;
    let mut total = 0u64;
    loop {
        buf.clear();
        let n = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Fail::usage(format!("cannot read standard input: {e}")))?;
        if n == 0 {
            return Ok(events);
        }
        number += 1;
        let refuse = |problem: &str| {
            Fail::refused(format!(
                "standard input line {number}: {problem}; nothing was appended"
            ))
        };
        total += n as u64;
        if total > MAX_INPUT {
            return Err(refuse(&format!(
                "more than {} MiB of input; append it in several runs",
                MAX_INPUT >> 20
            )));
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        } else if n > MAX_LINE {
            return Err(refuse(&format!("longer than {MAX_LINE} bytes")));
        }
        let Ok(line) = std::str::from_utf8(&buf) else {
            return Err(refuse("not UTF-8"));
        };
        if line.trim().is_empty() {
            continue;
        }
        if events.len() == MAX_EVENTS {
            return Err(refuse(&format!(
                "more than {MAX_EVENTS} events; append them in several runs"
            )));
        }
        events.push(parse_event(line, clock).map_err(|problem| refuse(&problem))?);
    }
}

/// `first-last`, or just `first` when they are the same.
fn range(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

fn append(args: &AppendArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    if io::stdin().is_terminal() {
        let _ = writeln!(
            io::stderr().lock(),
            "twsec: reading audit events (JSON, one a line) from standard input; end with Ctrl-D"
        );
    }
    let events = read_events(io::stdin().lock(), &SystemClock)?;
    if events.is_empty() {
        // The log is not even opened (opening may repair a torn last record).
        print_line("appended 0 records")?;
        return Ok(ExitCode::SUCCESS);
    }
    let log = &args.log;
    let sink = FileSink::open(&ring, log, args.durability.into(), &SystemClock)
        .map_err(|e| noted(log_fail(log, &e), "nothing was appended"))?;
    let mut pending = Vec::with_capacity(events.len());
    let mut failure = None;
    for event in &events {
        match sink.submit(event) {
            Ok(p) => pending.push(p),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let (first, last) = match (pending.first(), pending.last()) {
        (Some(f), Some(l)) => (f.seq(), l.seq()),
        _ => (0, 0),
    };
    let written = pending.len();
    for p in pending {
        if let Err(e) = p.wait() {
            failure.get_or_insert(e);
        }
    }
    if let Some(e) = failure {
        let done = if written == 0 {
            "nothing was appended".to_owned()
        } else {
            format!(
                "{written} of {} events were written (records {}) and may not all be on disk; \
                 the rest were not appended",
                events.len(),
                range(first, last)
            )
        };
        return Err(Fail::usage(format!("{}: {e}; {done}", log.display())));
    }
    print_line(&format!(
        "appended {} ({})",
        plural(written as u64, "record"),
        range(first, last)
    ))?;
    Ok(ExitCode::SUCCESS)
}

// ---- verify, export, checkpoint -----------------------------------------------------------

/// `fail` with `; more` added to its reason.
fn noted(mut fail: Fail, more: &str) -> Fail {
    fail.reason.push_str("; ");
    fail.reason.push_str(more);
    fail
}

/// `true` when the first record checked failed: tampering, or a key that did not chain the log.
fn first_record_modified(e: &AuditError) -> bool {
    match e {
        AuditError::Modified { line: 1, .. } => true,
        AuditError::InFile { error, .. } => first_record_modified(error),
        _ => false,
    }
}

/// An audit-log failure: 2 for I/O, 1 when the log (or a checkpoint) was refused.
fn log_fail(log: &Path, e: &AuditError) -> Fail {
    match e {
        AuditError::Io(why) => Fail::usage(format!("{}: {why}", log.display())),
        _ if first_record_modified(e) => Fail::refused(format!(
            "{e} (or the key files given are not the ones that chained this log)"
        )),
        _ => Fail::refused(e.to_string()),
    }
}

/// Refuses a log whose file does not exist (reading would find no record, and opening for
/// writing would create it).
fn require_log(log: &Path) -> Result<(), Fail> {
    match std::fs::metadata(log) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(Fail::usage(format!(
            "{} is not a regular file",
            log.display()
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(Fail::usage(format!("no audit log at {}", log.display())))
        }
        Err(e) => Err(Fail::usage(format!("cannot open {}: {e}", log.display()))),
    }
}

/// A reader of the log, after checking the checkpoints kept beside it: they are evidence too,
/// so one that does not parse or that the keyring did not sign refuses the log (1), while a
/// file that cannot be read is an I/O error (2).
fn open_reader(ring: &twsec::crypto::Keyring, log: &Path) -> Result<AuditReader, Fail> {
    require_log(log)?;
    let reader = AuditReader::open(ring, log).map_err(|e| log_fail(log, &e))?;
    reader.checkpoints().map_err(|e| log_fail(log, &e))?;
    Ok(reader)
}

/// `intact: N records (FIRST-LAST) in F files, head HEX`.
fn intact(report: &VerifyReport) -> String {
    let files = plural(report.files as u64, "file");
    if report.records == 0 {
        format!("intact: 0 records in {files}")
    } else {
        format!(
            "intact: {} ({}) in {files}, head {}",
            plural(report.records, "record"),
            range(report.first, report.last),
            report.head
        )
    }
}

/// The `--public-key` of `verify`: 64 hex digits, in lower case.
fn public_key(hex: &str) -> Result<String, Fail> {
    let hex = hex.to_ascii_lowercase();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hex)
    } else {
        Err(Fail::usage(
            "--public-key: expected the 64 hex digits printed by `twsec audit checkpoint --public-key`",
        ))
    }
}

/// The checkpoint in the `--checkpoint` file: one JSON line (blank lines ignored).
fn read_checkpoint(path: &Path) -> Result<Checkpoint, Fail> {
    let shown = path.display();
    let mut text = String::new();
    File::open(path)
        .and_then(|f| f.take(MAX_CHECKPOINT_FILE).read_to_string(&mut text))
        .map_err(|e| Fail::usage(format!("cannot read {shown}: {e}")))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    match (lines.next(), lines.next()) {
        (Some(line), None) => Checkpoint::parse(line.trim())
            .map_err(|_| Fail::usage(format!("{shown} is not a twsec audit checkpoint"))),
        _ => Err(Fail::usage(format!(
            "{shown} must hold one checkpoint (one JSON line from `twsec audit checkpoint`)"
        ))),
    }
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    let external = match (&args.checkpoint, &args.public_key) {
        (Some(file), Some(key)) => Some((read_checkpoint(file)?, public_key(key)?)),
        _ => None,
    };
    let log = &args.log;
    let reader = open_reader(&ring, log)?;
    let report = reader.verify().map_err(|e| log_fail(log, &e))?;
    let mut line = intact(&report);
    if let Some((cp, key)) = external {
        reader
            .verify_against(&cp, &key)
            .map_err(|e| log_fail(log, &e))?;
        line.push_str(&format!("; checkpoint at record {} verified", cp.seq));
    }
    print_line(&line)?;
    Ok(ExitCode::SUCCESS)
}

/// Standard output, counting what was handed to it and keeping the first write error.
struct Tracked<W> {
    inner: W,
    written: u64,
    error: Option<io::Error>,
}

impl<W: Write> Write for Tracked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        match &result {
            Ok(n) => self.written += *n as u64,
            Err(e) => {
                self.error
                    .get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
            }
        }
        result
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        if let Err(e) = &result {
            self.error
                .get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

fn export(args: &ExportArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    let log = &args.log;
    let reader = open_reader(&ring, log)?;
    // Verify in full first, so that a damaged log prints nothing.
    reader.verify().map_err(|e| log_fail(log, &e))?;
    let format = match args.format {
        FormatArg::Jsonl => ExportFormat::Jsonl,
        FormatArg::Ocsf => ExportFormat::Ocsf,
    };
    let mut out = Tracked {
        inner: BufWriter::new(io::stdout().lock()),
        written: 0,
        error: None,
    };
    let result = reader.export(format, &mut out);
    let flushed = out.flush();
    if let Some(e) = &out.error {
        return Err(Fail::output(e));
    }
    match (result, flushed) {
        (Ok(_), Ok(())) => Ok(ExitCode::SUCCESS),
        (Ok(_), Err(e)) => Err(Fail::output(&e)),
        // The log changed after it verified.
        (Err(e), _) if out.written > 0 => Err(noted(
            log_fail(log, &e),
            "the events already written to standard output are incomplete: discard them",
        )),
        (Err(e), _) => Err(log_fail(log, &e)),
    }
}

fn checkpoint(args: &CheckpointArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    if args.public_key {
        print_line(&checkpoint_public_key(&ring))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(log) = &args.log else {
        return Err(Fail::usage("--log FILE is required"));
    };
    require_log(log)?;
    let sink = FileSink::open(&ring, log, Durability::Fsync, &SystemClock)
        .map_err(|e| log_fail(log, &e))?;
    let cp = sink
        .checkpoint(&SystemClock)
        .map_err(|e| log_fail(log, &e))?
        .ok_or_else(|| {
            Fail::refused(format!(
                "{}: the log holds no record, so there is nothing to checkpoint",
                log.display()
            ))
        })?;
    print_line(&cp.to_json())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `line` and a newline to standard output.
fn print_line(line: &str) -> Result<(), Fail> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| Fail::output(&e))
}
