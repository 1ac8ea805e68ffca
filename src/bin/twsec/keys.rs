//! Key files on the command line: `keygen`, and `--key-file` / `--old-key-file` /
//! `--passphrase-env` into a [`Keyring`].

use std::io::{self, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use secrecy::SecretString;
use twsec::crypto::{KeyError, KeyId, Keyring, MIN_PASSPHRASE_CHARS, MasterKey, PassphraseKeyFile};

use crate::Fail;
use crate::input::{self, Input};

/// `twsec keygen`.
#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// The new key file; created with mode 0600, never overwritten.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Derive the key from a passphrase read from standard input (one trailing newline
    /// removed); the file keeps only the salt and the argon2id parameters.
    #[arg(long)]
    passphrase: bool,
}

/// One key file: the key for new data (sealing, encrypting), or any key that opens the input.
#[derive(Debug, Args)]
pub(crate) struct KeyArgs {
    /// The key file (from `twsec keygen`, with or without `--passphrase`). It must not be
    /// accessible by group or others (chmod 600).
    #[arg(long, value_name = "FILE")]
    key_file: PathBuf,
    /// The environment variable holding the passphrase of a passphrase key file (the passphrase
    /// is never taken from the command line).
    #[arg(long, value_name = "VAR")]
    passphrase_env: Option<String>,
}

/// The active key file and retired ones: the keys that may open the input.
#[derive(Debug, Args)]
pub(crate) struct RingArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// A retired key file (repeatable): opens what it sealed or encrypted, never used for new
    /// data.
    #[arg(long, value_name = "FILE")]
    old_key_file: Vec<PathBuf>,
    /// The environment variable holding the passphrase of the passphrase key files among
    /// `--old-key-file` (default: the one of `--passphrase-env`).
    #[arg(long, value_name = "VAR", requires = "old_key_file")]
    old_passphrase_env: Option<String>,
}

impl KeyArgs {
    /// The keyring holding this one key.
    pub(crate) fn keyring(&self) -> Result<Keyring, Fail> {
        Ok(Keyring::new(load(
            &self.key_file,
            self.passphrase_env.as_deref(),
            "--passphrase-env",
        )?))
    }
}

impl RingArgs {
    /// The keyring: `--key-file` active, every `--old-key-file` retired.
    pub(crate) fn keyring(&self) -> Result<Keyring, Fail> {
        let mut ring = self.key.keyring()?;
        let (env, option) = match &self.old_passphrase_env {
            Some(var) => (Some(var.as_str()), "--old-passphrase-env"),
            None => (self.key.passphrase_env.as_deref(), "--passphrase-env"),
        };
        for path in &self.old_key_file {
            ring = ring.with_retired(load(path, env, option)?);
        }
        Ok(ring)
    }
}

/// Loads a key file; a passphrase key file takes its passphrase from the variable `env`
/// (named by the option `option`, for messages).
fn load(path: &Path, env: Option<&str>, option: &str) -> Result<MasterKey, Fail> {
    match MasterKey::load(path) {
        Ok(key) => Ok(key),
        Err(KeyError::NeedsPassphrase(_)) => {
            let shown = path.display();
            let Some(var) = env else {
                return Err(Fail::usage(format!(
                    "key file {shown} is a passphrase key file; name the environment variable \
                     holding its passphrase with {option} VAR"
                )));
            };
            let passphrase = passphrase_from_env(var, option)?;
            MasterKey::load_with_passphrase(path, &passphrase).map_err(|e| key_fail(path, e))
        }
        Err(e) => Err(key_fail(path, e)),
    }
}

/// The passphrase in the environment variable `var`.
fn passphrase_from_env(var: &str, option: &str) -> Result<SecretString, Fail> {
    if var.is_empty() || var.contains(['=', '\0']) {
        return Err(Fail::usage(format!(
            "{option}: not an environment variable name"
        )));
    }
    match std::env::var(var) {
        Ok(value) if value.is_empty() => Err(Fail::usage(format!(
            "environment variable {var} (from {option}) is empty"
        ))),
        Ok(value) => Ok(SecretString::from(value)),
        Err(std::env::VarError::NotPresent) => Err(Fail::usage(format!(
            "environment variable {var} (from {option}) is not set"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(Fail::usage(format!(
            "environment variable {var} (from {option}) is not valid UTF-8"
        ))),
    }
}

/// A key file that could not be used: exit status 2, a reason that names the file, never the
/// key.
fn key_fail(path: &Path, e: KeyError) -> Fail {
    let shown = path.display();
    match e {
        // These name the file themselves.
        KeyError::Io { .. } | KeyError::Permissions { .. } | KeyError::Exists(_) => {
            Fail::usage(e.to_string())
        }
        KeyError::NeedsPassphrase(_) => {
            Fail::usage(format!("key file {shown} is a passphrase key file"))
        }
        KeyError::WeakPassphrase => Fail::refused(format!(
            "passphrase too short: at least {MIN_PASSPHRASE_CHARS} characters"
        )),
        other => Fail::usage(format!("key file {shown}: {other}")),
    }
}

/// Writes `id` and a newline to standard output.
fn print_id(id: KeyId) -> Result<(), Fail> {
    let mut out = io::stdout().lock();
    writeln!(out, "{id}").map_err(|e| Fail::output(&e))?;
    out.flush().map_err(|e| Fail::output(&e))
}

/// Reads the passphrase for `keygen --passphrase` from standard input.
fn read_passphrase() -> Result<SecretString, Fail> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        let _ = writeln!(
            io::stderr().lock(),
            "twsec: reading the passphrase from standard input (it is echoed); end with Enter \
             and Ctrl-D"
        );
    }
    let input = input::read_password(stdin.lock())
        .map_err(|e| Fail::usage(format!("cannot read standard input: {e}")))?;
    match input {
        Input::Password(pw) => Ok(SecretString::from(pw.as_str())),
        Input::TooLong => Err(Fail::refused(format!(
            "passphrase too long: at most {} bytes",
            input::MAX_INPUT_BYTES
        ))),
        Input::NotUtf8 => Err(Fail::refused("passphrase is not valid UTF-8")),
    }
}

pub(crate) fn keygen(args: &KeygenArgs) -> Result<ExitCode, Fail> {
    let path = &args.out;
    let id = if args.passphrase {
        // Refuse an existing file before the passphrase is typed and the key derived;
        // `write_new` refuses it again if it appears in between.
        if path.symlink_metadata().is_ok() {
            return Err(key_fail(path, KeyError::Exists(path.display().to_string())));
        }
        let passphrase = read_passphrase()?;
        let (file, _key) = PassphraseKeyFile::create(&passphrase).map_err(|e| key_fail(path, e))?;
        file.write_new(path).map_err(|e| key_fail(path, e))?;
        file.id()
    } else {
        let key = MasterKey::generate();
        key.write_new(path).map_err(|e| key_fail(path, e))?;
        key.id()
    };
    print_id(id)?;
    Ok(ExitCode::SUCCESS)
}
