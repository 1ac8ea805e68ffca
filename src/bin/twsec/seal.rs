//! `twsec seal` and `twsec unseal`: configuration secrets as `twsec:v1:…` sealed strings.

use std::io::{self, IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::Args;
use secrecy::ExposeSecret as _;
use twsec::crypto::{MAX_SEALED_PLAINTEXT, Purpose, SealError};

use crate::Fail;
use crate::input::{self, Input};
use crate::keys::{KeyArgs, RingArgs};

/// Most bytes of sealed text read by `unseal`: far more than the longest sealed value (about
/// 87 KiB for the largest plaintext); anything longer is refused as malformed.
const MAX_SEALED_INPUT: usize = 256 * 1024;

/// `twsec seal`.
#[derive(Debug, Args)]
pub(crate) struct SealArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// What the secret is for (such as the configuration field's name), bound into the sealed
    /// value: `unseal` must be given the same context.
    #[arg(long, value_name = "NAME", default_value = "")]
    context: String,
}

/// `twsec unseal`.
#[derive(Debug, Args)]
pub(crate) struct UnsealArgs {
    #[command(flatten)]
    keys: RingArgs,
    /// The context the value was sealed for.
    #[arg(long, value_name = "NAME", default_value = "")]
    context: String,
}

/// Tells a user at a terminal what standard input is expected to hold.
fn hint(what: &str) {
    if io::stdin().is_terminal() {
        let _ = writeln!(
            io::stderr().lock(),
            "twsec: reading {what} from standard input (it is echoed); end with Enter and Ctrl-D"
        );
    }
}

fn seal_fail(e: &SealError) -> Fail {
    Fail::refused(e.to_string())
}

pub(crate) fn seal(args: &SealArgs) -> Result<ExitCode, Fail> {
    let ring = args.key.keyring()?;
    hint("the secret");
    let input = input::read_password(io::stdin().lock())
        .map_err(|e| Fail::usage(format!("cannot read standard input: {e}")))?;
    let secret = match input {
        Input::Password(secret) => secret,
        Input::TooLong => {
            return Err(Fail::refused(format!(
                "secret too long: at most {MAX_SEALED_PLAINTEXT} bytes"
            )));
        }
        // Sealed configuration secrets are opened as strings (`SealedString::open`).
        Input::NotUtf8 => return Err(Fail::refused("secret is not valid UTF-8")),
    };
    let sealed = ring
        .seal(Purpose::ConfigSeal, &args.context, secret.as_bytes())
        .map_err(|e| seal_fail(&e))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{sealed}").map_err(|e| Fail::output(&e))?;
    out.flush().map_err(|e| Fail::output(&e))?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn unseal(args: &UnsealArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    hint("the sealed value");
    let mut buf = vec![0u8; MAX_SEALED_INPUT + 1];
    let len = input::read_bounded(io::stdin().lock(), &mut buf, MAX_SEALED_INPUT)
        .map_err(|e| Fail::usage(format!("cannot read standard input: {e}")))?;
    if len > MAX_SEALED_INPUT {
        return Err(seal_fail(&SealError::Malformed));
    }
    let text = std::str::from_utf8(&buf[..len]).map_err(|_| seal_fail(&SealError::Malformed))?;
    let plaintext = ring
        .open(Purpose::ConfigSeal, &args.context, text.trim())
        .map_err(|e| seal_fail(&e))?;
    // One newline ends the secret, as `seal` removed one.
    let mut out = io::stdout().lock();
    out.write_all(plaintext.expose_secret())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| Fail::output(&e))?;
    out.flush().map_err(|e| Fail::output(&e))?;
    Ok(ExitCode::SUCCESS)
}
