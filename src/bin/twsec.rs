//! `twsec`: check, hash and generate passwords against a Taiwanese regulation profile; create
//! key files, seal configuration secrets and encrypt backups; append to, verify, export and
//! checkpoint tamper-evident audit logs.
//!
//! ```text
//! twsec password check --profile NAME [--account NAME] [--personal KEY=VALUE]... [--lang zh-TW|en] [--json]
//! twsec password hash [--profile NAME] [--pepper-file FILE --pepper-id ID]
//! twsec password generate --profile NAME [--account NAME] [--personal KEY=VALUE]...
//! twsec keygen --out FILE [--passphrase]
//! twsec seal   KEYS [--context NAME]
//! twsec unseal KEYS [OLD-KEYS] [--context NAME]
//! twsec backup encrypt KEYS [--chunk-size BYTES] IN [OUT]
//! twsec backup decrypt KEYS [OLD-KEYS] IN [OUT]
//! twsec backup verify  KEYS [OLD-KEYS] IN
//! twsec backup rewrap  KEYS [OLD-KEYS] [--chunk-size BYTES] IN [OUT]
//! twsec audit append     --log FILE KEYS [--durability fsync|group-commit|os-buffered]
//! twsec audit verify     --log FILE KEYS [--checkpoint FILE --public-key HEX]
//! twsec audit export     --log FILE KEYS --format jsonl|ocsf
//! twsec audit checkpoint --log FILE KEYS
//! twsec audit checkpoint KEYS --public-key
//!
//! KEYS:     --key-file FILE [--passphrase-env VAR]
//! OLD-KEYS: --old-key-file FILE... [--old-passphrase-env VAR]
//! ```
//!
//! # Input
//! The password is read from standard input, never from the command line (where `ps` and shell
//! history would show it). One trailing newline (`\n` or `\r\n`) is removed; nothing else is
//! trimmed. At most 64 KiB are read. The password is kept in memory that is wiped on drop and
//! never appears in any message.
//!
//! # `check`
//! Prints nothing and exits 0 when the password is accepted. When it is refused, prints one line
//! per violation, `CODE<TAB>message`, and exits 1. Messages are in Traditional Chinese (`zh-TW`,
//! the default: the users of these systems are in Taiwan) or English (`--lang en`). `--json`
//! prints the report instead (`{"accepted":false,"violations":[{"code":…,"control":…,
//! "message":{"zh-TW":…,"en":…},…}]}`, also when accepted). Input that is too long is reported
//! as `PW-LENGTH-MAX`, input that is not UTF-8 as `PW-CHARACTERS`. `--account NAME` is both
//! compared with the password and checked as an account name (`ACC-NAME-*` violations).
//!
//! `--personal KEY=VALUE` (repeatable) names what the password must not contain: `name`,
//! `email`, `phone`, `birthday` (`YYYY-MM-DD`; Gregorian and ROC forms are refused),
//! `national_id`, `school_code` and `org_code` (both an organisation code). `-` may be written
//! for `_` in keys.
//!
//! # `hash`
//! Prints the argon2id PHC string of the password, with the cost parameters of `--profile`
//! (default `strictest`). It does not check the password against the policy. With
//! `--pepper-file FILE --pepper-id ID` the file's raw bytes (16 to 64 bytes, no newline is
//! removed) are the pepper and the hash records `keyid=ID`; on Unix the file must not be
//! accessible by group or others (`chmod 600`).
//!
//! # `generate`
//! Prints one random password that the profile accepts and that contains none of the
//! `--account` and `--personal` information.
//!
//! # `keygen`
//! Creates `--out FILE` (mode 0600; an existing file is never overwritten) holding a new random
//! 256-bit key, and prints its key ID (16 hex digits). With `--passphrase` the key is derived
//! with argon2id from a passphrase read from standard input (one trailing newline removed, at
//! most 64 KiB, at least 12 characters); the file then keeps only the salt and the parameters.
//!
//! # Key files
//! `--key-file FILE` is the key for new data (`seal`, `backup encrypt`, `backup rewrap`); in
//! `unseal`, `backup decrypt` and `backup verify` it is simply one key that may open the input.
//! `--old-key-file FILE` (repeatable) adds a retired key, which opens what it sealed or
//! encrypted and is never used for new data. On Unix a key file that group or others may access
//! is refused (`chmod 600`). A passphrase key file takes its passphrase from the environment
//! variable named by `--passphrase-env VAR` (never from the command line, and not from standard
//! input, which carries the data); passphrase key files among `--old-key-file` take theirs from
//! `--old-passphrase-env VAR`, or else from `--passphrase-env`. A key file that is not a
//! passphrase key file ignores them.
//!
//! # `seal` and `unseal`
//! `seal` reads a secret from standard input (one trailing newline removed, at most 64 KiB,
//! UTF-8: sealed configuration secrets are opened as strings) and prints the sealed string
//! `twsec:v1:<key-id>:<base64>` (AES-256-GCM under the key's configuration sub-key). The
//! `--context NAME` (default: empty), such as the name of the configuration field, is bound into
//! the sealed string: `unseal` must be given the same context, and the application opens it with
//! `SealedString::open(&keyring, NAME)`. `unseal` reads the sealed string from standard input
//! (surrounding whitespace ignored) and prints the secret followed by one newline.
//!
//! # `backup`
//! Streaming AES-256-GCM (`twsec::crypto::backup`): any size, memory bounded by the chunk size.
//! IN and OUT are files, or `-` for standard input and output; OUT defaults to `-`. An OUT file
//! is never overwritten (except by `rewrap` when OUT is IN itself: the backup is then replaced
//! only once it has been rewrapped in full). It is written to a temporary file in its directory
//! (mode 0600) and renamed to OUT only on success: a damaged backup leaves no plaintext behind.
//! After writing to a file, `encrypt`, `decrypt` and `rewrap` print the line of `verify` without
//! its `sha256=` (only the restore test hashes the plaintext); after writing to standard output
//! they print nothing.
//!
//! * `encrypt`: IN encrypted under `--key-file`. `--chunk-size BYTES` (64 to 4M; `K` and `M`
//!   suffixes count KiB and MiB; default 256K). A backup is not written to a terminal.
//! * `decrypt`: the plaintext of IN. To standard output each chunk is written only after it has
//!   authenticated, but a later failure cannot take back the chunks already written: the exit
//!   status is then 1 and the message says how many bytes were written and must be discarded.
//!   Decrypt to a file to get all or nothing.
//! * `verify`: the restore test: decrypts and authenticates IN, discards the plaintext, prints
//!   `ok bytes=<size> chunks=<n> key=<key-id> sha256=<hex>` (the SHA-256 of the plaintext, as
//!   `sha256sum` prints it).
//! * `rewrap`: IN re-encrypted under `--key-file` (key rotation); the key that encrypted IN is
//!   given with `--old-key-file`. `--chunk-size` as for `encrypt` (the default, not IN's); not
//!   written to a terminal either.
//!
//! # `audit`
//! The HMAC-chained JSON Lines log of `twsec::audit::FileSink` (see `twsec audit <command>
//! --help` for details). `append` reads JSON events from standard input, one a line (`kind`,
//! `actor`, `source_ip`, `outcome`, optional `detail`, `target`, `system`, `function`, `host`),
//! checks them all and only then appends them all: a bad line appends nothing and is named by
//! its number. `verify` walks the log and its rotated files and prints `intact: N records …`,
//! or the first bad record; with `--checkpoint FILE --public-key HEX` it also checks the log
//! against a checkpoint kept on another system. `export` prints the verified events as JSON
//! Lines or OCSF. `checkpoint` prints a signed checkpoint (one JSON line) to copy elsewhere, or
//! with `--public-key` the key that verifies it. Only one process writes a log at a time.
//!
//! # Exit status
//! * 0: accepted / done.
//! * 1: the input was refused: the password (rejected by `check`; empty, too long or not UTF-8
//!   for `hash`); the passphrase of `keygen` (too short, too long, not UTF-8); the secret of
//!   `seal` (too long, not UTF-8); a sealed string or a backup that is malformed, altered,
//!   truncated, followed by other data, or made with a key that was not given (unknown key ID);
//!   an audit event line (`audit append`), an audit log, its checkpoints or a checkpoint that
//!   does not verify.
//! * 2: the command could not run: usage error, unknown profile, malformed `--personal`, unknown
//!   personal key, bad birthday, unusable pepper file, unusable key file (missing, malformed,
//!   accessible by group or others, wrong or missing passphrase), output file that exists, I/O
//!   error.
//!
//! Errors are written to standard error as `twsec: <reason>`; no message contains a password,
//! secret, passphrase, key or plaintext.

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use twsec::control::ProfileName;
use twsec::password::{Lang, PersonalInfo};

// The root of a binary in `src/bin/` looks for modules in `src/bin/`: point at `src/bin/twsec/`.
#[path = "twsec/audit.rs"]
mod audit;
#[path = "twsec/backup.rs"]
mod backup;
#[path = "twsec/commands.rs"]
mod commands;
#[path = "twsec/input.rs"]
mod input;
#[path = "twsec/keys.rs"]
mod keys;
#[path = "twsec/pepper.rs"]
mod pepper;
#[path = "twsec/personal.rs"]
mod personal;
#[path = "twsec/seal.rs"]
mod seal;

/// Check, hash and generate passwords against a Taiwanese regulation profile; key files, sealed
/// configuration secrets and encrypted backups.
#[derive(Debug, Parser)]
#[command(name = "twsec", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Password policy: check, hash, generate.
    #[command(subcommand)]
    Password(PasswordCommand),
    /// Create a key file (mode 0600) and print its key ID.
    Keygen(keys::KeygenArgs),
    /// Seal the secret on stdin for a configuration file; prints `twsec:v1:…`.
    Seal(seal::SealArgs),
    /// Open the sealed value on stdin; prints the secret.
    Unseal(seal::UnsealArgs),
    /// Encrypted backups: encrypt, decrypt, verify, rewrap.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Tamper-evident audit log: append, verify, export, checkpoint.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

#[derive(Debug, Subcommand)]
enum PasswordCommand {
    /// Check the password on stdin; prints one `CODE<TAB>message` line per violation.
    ///
    /// Exit status: 0 accepted (nothing printed), 1 rejected, 2 usage error.
    Check(CheckArgs),
    /// Hash the password on stdin with argon2id and print the PHC string.
    Hash(HashArgs),
    /// Print a random password that the profile accepts.
    Generate(GenerateArgs),
}

fn profile_names() -> PossibleValuesParser {
    PossibleValuesParser::new(ProfileName::ALL.map(ProfileName::as_str))
}

/// Who the password belongs to: what it must not contain.
#[derive(Debug, Args)]
struct Identity {
    /// The account name: the password may not contain it, and it is checked as an account name.
    #[arg(long, value_name = "NAME")]
    account: Option<String>,
    /// Personal information the password may not contain (repeatable). Keys: name, email, phone,
    /// birthday (YYYY-MM-DD), national_id, school_code, org_code.
    #[arg(long = "personal", value_name = "KEY=VALUE")]
    personal: Vec<String>,
}

impl Identity {
    fn personal_info(&self) -> Result<PersonalInfo, Fail> {
        personal::parse(self.account.as_deref(), &self.personal)
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The regulation profile.
    #[arg(long, value_name = "NAME", value_parser = profile_names())]
    profile: String,
    #[command(flatten)]
    identity: Identity,
    /// Language of the messages: zh-TW or en.
    #[arg(long, value_name = "LANG", default_value = "zh-TW")]
    lang: Lang,
    /// Print the report as JSON (both languages) instead of lines.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct HashArgs {
    /// The profile whose hashing parameters are used.
    #[arg(long, value_name = "NAME", value_parser = profile_names(), default_value = "strictest")]
    profile: String,
    /// A file whose raw bytes (16 to 64) are the pepper; must not be readable by group or others.
    #[arg(long, value_name = "FILE", requires = "pepper_id")]
    pepper_file: Option<PathBuf>,
    /// The pepper's public ID (1 to 8 ASCII letters or digits), recorded as the PHC `keyid`.
    #[arg(long, value_name = "ID", requires = "pepper_file")]
    pepper_id: Option<String>,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// The regulation profile.
    #[arg(long, value_name = "NAME", value_parser = profile_names())]
    profile: String,
    #[command(flatten)]
    identity: Identity,
}

/// Exit status 1: the input (password, sealed string, backup) was refused.
const REFUSED: u8 = 1;
/// Exit status 2: the command could not run.
const USAGE: u8 = 2;

/// A failure: its exit status and a short reason for standard error.
#[derive(Debug)]
struct Fail {
    status: u8,
    reason: String,
}

impl Fail {
    fn refused(reason: impl Into<String>) -> Self {
        Self {
            status: REFUSED,
            reason: reason.into(),
        }
    }

    fn usage(reason: impl Into<String>) -> Self {
        Self {
            status: USAGE,
            reason: reason.into(),
        }
    }

    fn output(e: &io::Error) -> Self {
        Self::usage(format!("cannot write to standard output: {e}"))
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let result = match cli.command {
        Command::Password(PasswordCommand::Check(args)) => commands::check(&args),
        Command::Password(PasswordCommand::Hash(args)) => commands::hash(&args),
        Command::Password(PasswordCommand::Generate(args)) => commands::generate(&args),
        Command::Keygen(args) => keys::keygen(&args),
        Command::Seal(args) => seal::seal(&args),
        Command::Unseal(args) => seal::unseal(&args),
        Command::Backup(command) => backup::run_command(&command),
        Command::Audit(command) => audit::run_command(&command),
    };
    match result {
        Ok(status) => status,
        Err(fail) => {
            // Nothing more can be done if standard error is gone.
            let _ = writeln!(io::stderr().lock(), "twsec: {}", fail.reason);
            ExitCode::from(fail.status)
        }
    }
}

/// Prints a clap error as `twsec: …` (help and version as clap does) with clap's exit status.
fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let shown_as_is = !e.use_stderr()
        || matches!(
            e.kind(),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
    let status = u8::try_from(e.exit_code()).unwrap_or(USAGE);
    if shown_as_is {
        // Help and version go to stdout; the help shown for a missing subcommand to stderr.
        let _ = e.print();
    } else {
        let text = e.render().to_string();
        let text = text.strip_prefix("error: ").unwrap_or(&text);
        let _ = write!(io::stderr().lock(), "twsec: {text}");
    }
    ExitCode::from(status)
}
