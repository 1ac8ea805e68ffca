//! `twsec backup encrypt|decrypt|verify|rewrap`: streaming encrypted backups.

use std::fs::File;
use std::io::{self, IsTerminal as _, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use twsec::crypto::backup::{
    self, BackupError, BackupOptions, BackupSummary, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE,
};

use crate::Fail;
use crate::keys::{KeyArgs, RingArgs};

/// `twsec backup …`.
#[derive(Debug, Subcommand)]
pub(crate) enum BackupCommand {
    /// Encrypt IN under the key of --key-file into OUT.
    Encrypt(EncryptArgs),
    /// Decrypt the backup IN into OUT; a file OUT appears only once the whole backup verified.
    Decrypt(DecryptArgs),
    /// Decrypt the backup IN, discarding the plaintext (the restore test); prints
    /// `ok bytes=… chunks=… key=… sha256=…`.
    Verify(VerifyArgs),
    /// Re-encrypt the backup IN under the key of --key-file (key rotation) into OUT.
    Rewrap(RewrapArgs),
}

/// The input: a file, or `-` for standard input.
#[derive(Debug, Args)]
struct InArg {
    /// The input file, or - for standard input.
    #[arg(value_name = "IN")]
    input: PathBuf,
}

/// The input and the output.
#[derive(Debug, Args)]
struct InOutArgs {
    #[command(flatten)]
    input: InArg,
    /// The output file, created and never overwritten (`rewrap` may replace IN itself), or -
    /// for standard output.
    #[arg(value_name = "OUT", default_value = "-")]
    output: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct EncryptArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// Plaintext bytes per chunk: 64 to 4M (a K or M suffix counts in KiB or MiB). Default 256K.
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    chunk_size: Option<usize>,
    #[command(flatten)]
    files: InOutArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DecryptArgs {
    #[command(flatten)]
    keys: RingArgs,
    #[command(flatten)]
    files: InOutArgs,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    keys: RingArgs,
    #[command(flatten)]
    input: InArg,
}

#[derive(Debug, Args)]
pub(crate) struct RewrapArgs {
    #[command(flatten)]
    keys: RingArgs,
    /// Plaintext bytes per chunk of the new backup: 64 to 4M (a K or M suffix counts in KiB or
    /// MiB). Default 256K, whatever the input's.
    #[arg(long, value_name = "BYTES", value_parser = parse_size)]
    chunk_size: Option<usize>,
    #[command(flatten)]
    files: InOutArgs,
}

/// A byte count: digits, optionally followed by `K`/`KiB` or `M`/`MiB`.
fn parse_size(s: &str) -> Result<usize, String> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, suffix) = s.split_at(split);
    let unit: usize = match suffix {
        "" => 1,
        "K" | "k" | "KiB" => 1024,
        "M" | "MiB" => 1024 * 1024,
        _ => return Err("expected a number of bytes, such as 65536, 64K or 1M".to_owned()),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| "expected a number of bytes, such as 65536, 64K or 1M".to_owned())
}

fn options(chunk_size: Option<usize>) -> Result<BackupOptions, Fail> {
    match chunk_size {
        None => Ok(BackupOptions::default()),
        Some(n) => BackupOptions::with_chunk_size(n).map_err(|_| {
            Fail::usage(format!(
                "--chunk-size: must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE} bytes"
            ))
        }),
    }
}

/// `-`: standard input or output.
fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A failed backup operation: 1 when the backup itself was refused, 2 otherwise.
fn backup_fail(e: &BackupError) -> Fail {
    match e {
        BackupError::NotABackup
        | BackupError::UnsupportedVersion(_)
        | BackupError::BadHeader(_)
        | BackupError::UnknownKey(_)
        | BackupError::Authentication { .. }
        | BackupError::Truncated
        | BackupError::TrailingData => Fail::refused(e.to_string()),
        _ => Fail::usage(e.to_string()),
    }
}

/// Opens the input file, for a message that names it.
fn open_input(path: &Path) -> Result<File, Fail> {
    File::open(path).map_err(|e| Fail::usage(format!("cannot open {}: {e}", path.display())))
}

/// The input: standard input for `-`, else the file.
fn reader(path: &Path) -> Result<Box<dyn Read>, Fail> {
    if is_std(path) {
        Ok(Box::new(io::stdin().lock()))
    } else {
        Ok(Box::new(open_input(path)?))
    }
}

/// Counts the bytes written through it.
struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Runs `write` into standard output. A failure after output was written says that it is
/// incomplete.
fn to_stdout(
    write: impl FnOnce(&mut dyn Write) -> Result<BackupSummary, BackupError>,
) -> Result<BackupSummary, Fail> {
    let mut out = Counting {
        inner: io::stdout().lock(),
        written: 0,
    };
    let result = write(&mut out).and_then(|summary| {
        out.flush()?;
        Ok(summary)
    });
    result.map_err(|e| {
        let mut fail = backup_fail(&e);
        if out.written > 0 {
            fail.reason.push_str(&format!(
                "; the {} bytes already written to standard output are incomplete: discard them",
                out.written
            ));
        }
        fail
    })
}

/// The ways a command reaches its output.
struct Ops<F, S> {
    /// File to file: the library's atomic `*_file` function.
    files: F,
    /// A stream to a stream.
    stream: S,
}

/// Runs a backup operation from `input` to `output` (either may be `-`). Returns the summary
/// and whether it went to a file.
fn run<F, S>(
    input: &Path,
    output: &Path,
    binary: bool,
    ops: Ops<F, S>,
) -> Result<Option<BackupSummary>, Fail>
where
    F: FnOnce(&Path, &Path) -> Result<BackupSummary, BackupError>,
    S: FnOnce(Box<dyn Read>, &mut dyn Write) -> Result<BackupSummary, BackupError>,
{
    if is_std(output) {
        if binary && io::stdout().is_terminal() {
            return Err(Fail::usage(
                "refusing to write a backup to a terminal; give OUT or redirect standard output",
            ));
        }
        let src = reader(input)?;
        to_stdout(|out| (ops.stream)(src, out)).map(|_| None)
    } else if is_std(input) {
        let src = reader(input)?;
        backup::write_new_file(output, |out| (ops.stream)(src, out))
            .map(Some)
            .map_err(|e| backup_fail(&e))
    } else {
        // Open it once for a message naming it; the library opens it again.
        drop(open_input(input)?);
        (ops.files)(input, output)
            .map(Some)
            .map_err(|e| backup_fail(&e))
    }
}

/// Prints `ok bytes=… chunks=… key=…`, and ` sha256=…` after it when the summary has the
/// digest (only `verify` computes it).
fn print_summary(summary: &BackupSummary) -> Result<(), Fail> {
    let mut line = format!(
        "ok bytes={} chunks={} key={}",
        summary.plaintext_bytes, summary.chunks, summary.key_id
    );
    if let Some(sha256) = summary.sha256_hex() {
        line.push_str(" sha256=");
        line.push_str(&sha256);
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| Fail::output(&e))
}

/// Prints the summary of what went to a file (nothing after output to standard output).
fn done(summary: Option<BackupSummary>) -> Result<ExitCode, Fail> {
    if let Some(summary) = summary {
        print_summary(&summary)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_command(command: &BackupCommand) -> Result<ExitCode, Fail> {
    match command {
        BackupCommand::Encrypt(args) => encrypt(args),
        BackupCommand::Decrypt(args) => decrypt(args),
        BackupCommand::Verify(args) => verify(args),
        BackupCommand::Rewrap(args) => rewrap(args),
    }
}

fn encrypt(args: &EncryptArgs) -> Result<ExitCode, Fail> {
    let options = options(args.chunk_size)?;
    let ring = args.key.keyring()?;
    let ops = Ops {
        files: |i: &Path, o: &Path| backup::encrypt_file(&ring, i, o, &options),
        stream: |i: Box<dyn Read>, o: &mut dyn Write| backup::encrypt(&ring, i, o, &options),
    };
    done(run(&args.files.input.input, &args.files.output, true, ops)?)
}

fn decrypt(args: &DecryptArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    let ops = Ops {
        files: |i: &Path, o: &Path| backup::decrypt_file(&ring, i, o),
        stream: |i: Box<dyn Read>, o: &mut dyn Write| backup::decrypt(&ring, i, o),
    };
    done(run(
        &args.files.input.input,
        &args.files.output,
        false,
        ops,
    )?)
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, Fail> {
    let ring = args.keys.keyring()?;
    let src = reader(&args.input.input)?;
    let summary = backup::verify(&ring, src).map_err(|e| backup_fail(&e))?;
    print_summary(&summary)?;
    Ok(ExitCode::SUCCESS)
}

fn rewrap(args: &RewrapArgs) -> Result<ExitCode, Fail> {
    let options = options(args.chunk_size)?;
    let ring = args.keys.keyring()?;
    let ops = Ops {
        files: |i: &Path, o: &Path| backup::rewrap_file(&ring, i, o, &options),
        stream: |i: Box<dyn Read>, o: &mut dyn Write| backup::rewrap(&ring, i, o, &options),
    };
    done(run(&args.files.input.input, &args.files.output, true, ops)?)
}
