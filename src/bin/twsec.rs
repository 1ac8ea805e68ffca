//! `twsec`: check, hash and generate passwords against a Taiwanese regulation profile.
//!
//! ```text
//! twsec password check --profile NAME [--account NAME] [--personal KEY=VALUE]... [--lang zh-TW|en] [--json]
//! twsec password hash [--profile NAME] [--pepper-file FILE --pepper-id ID]
//! twsec password generate --profile NAME [--account NAME] [--personal KEY=VALUE]...
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
//! # Exit status
//! * 0: accepted / done.
//! * 1: the password was refused (rejected by `check`; empty, too long or not UTF-8 for `hash`).
//! * 2: the command could not run: usage error, unknown profile, malformed `--personal`, unknown
//!   personal key, bad birthday, unusable pepper file, I/O error.
//!
//! Errors are written to standard error as `twsec: <reason>`.

use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use twsec::control::ProfileName;
use twsec::password::{Lang, PersonalInfo};

// The root of a binary in `src/bin/` looks for modules in `src/bin/`: point at `src/bin/twsec/`.
#[path = "twsec/commands.rs"]
mod commands;
#[path = "twsec/input.rs"]
mod input;
#[path = "twsec/pepper.rs"]
mod pepper;
#[path = "twsec/personal.rs"]
mod personal;

/// Check, hash and generate passwords against a Taiwanese regulation profile.
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

/// Exit status 1: the password was refused.
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
