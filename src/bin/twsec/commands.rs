//! The subcommands: `password check`, `password hash`, `password generate`.

use std::io::{self, IsTerminal as _, Write as _};
use std::process::ExitCode;

use secrecy::ExposeSecret as _;
use twsec::control::Profile;
use twsec::password::{
    CheckReport, HashError, Hasher, HasherConfig, ViolationCode, check_account_name,
};

use crate::input::{self, Input};
use crate::{CheckArgs, Fail, GenerateArgs, HashArgs, REFUSED, pepper};

fn profile(name: &str) -> Result<Profile, Fail> {
    Profile::by_name(name).map_err(|e| Fail::usage(e.to_string()))
}

/// Reads the password from standard input, telling a user at a terminal how to end it.
fn read_stdin() -> Result<Input, Fail> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        let _ = writeln!(
            io::stderr().lock(),
            "twsec: reading the password from standard input (it is echoed); end with Enter \
             and Ctrl-D"
        );
    }
    input::read_password(stdin.lock())
        .map_err(|e| Fail::usage(format!("cannot read standard input: {e}")))
}

fn report_of(code: ViolationCode) -> CheckReport {
    CheckReport::from_codes([code])
}

pub(crate) fn check(args: &CheckArgs) -> Result<ExitCode, Fail> {
    let policy = profile(&args.profile)?.password;
    let personal = args.identity.personal_info()?;
    let mut report = match read_stdin()? {
        Input::Password(pw) => policy.check(&pw, &personal),
        Input::TooLong => report_of(ViolationCode::TooLong {
            max: policy.max_length,
        }),
        Input::NotUtf8 => report_of(ViolationCode::InvalidCharacters),
    };
    if let Some(account) = &args.identity.account {
        report.extend(check_account_name(account, &personal));
    }

    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &report)
            .map_err(|e| Fail::usage(format!("cannot write to standard output: {e}")))?;
        writeln!(out).map_err(|e| Fail::output(&e))?;
    } else {
        let lang = args.lang;
        for v in &report.violations {
            writeln!(out, "{}\t{}", v.code_str(), v.message(lang)).map_err(|e| Fail::output(&e))?;
        }
    }
    out.flush().map_err(|e| Fail::output(&e))?;
    Ok(if report.is_accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(REFUSED)
    })
}

pub(crate) fn hash(args: &HashArgs) -> Result<ExitCode, Fail> {
    let params = profile(&args.profile)?.password.hashing;
    // One hash: one worker thread is enough.
    let mut config = HasherConfig::new(params).workers(1);
    if let (Some(file), Some(id)) = (&args.pepper_file, &args.pepper_id) {
        config = config.pepper(pepper::load(file, id)?);
    }
    let hasher = Hasher::new(config).map_err(|e| Fail::usage(e.to_string()))?;
    let pw = match read_stdin()? {
        Input::Password(pw) => pw,
        Input::TooLong => return Err(Fail::refused("password too long")),
        Input::NotUtf8 => return Err(Fail::refused("password is not valid UTF-8")),
    };
    if pw.is_empty() {
        return Err(Fail::refused("empty password"));
    }
    let phc = hasher.hash(&pw).map_err(|e| match e {
        HashError::InputTooLong => Fail::refused("password too long"),
        other => Fail::usage(other.to_string()),
    })?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", phc.as_phc()).map_err(|e| Fail::output(&e))?;
    out.flush().map_err(|e| Fail::output(&e))?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn generate(args: &GenerateArgs) -> Result<ExitCode, Fail> {
    let policy = profile(&args.profile)?.password;
    let personal = args.identity.personal_info()?;
    let pw = policy
        .generate(&personal)
        .map_err(|e| Fail::usage(e.to_string()))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", pw.expose_secret()).map_err(|e| Fail::output(&e))?;
    out.flush().map_err(|e| Fail::output(&e))?;
    Ok(ExitCode::SUCCESS)
}
