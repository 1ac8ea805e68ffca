//! Running the `twsec` binary in the CLI tests (`tests/cli*.rs`), and the temporary
//! directories they work in. Each test file uses a part of these helpers.
#![allow(dead_code, reason = "each CLI test file uses a part of these helpers")]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs `twsec args…` with `stdin` piped in and `env` added to its environment. The input is
/// written from a thread and write errors are ignored: the binary may stop reading early (the
/// password commands after 64 KiB) or never read.
pub(crate) fn twsec_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twsec"));
    command
        .args(args)
        .env_remove("TWSEC_TEST_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("spawn twsec");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for twsec");
    writer.join().expect("stdin writer");
    out
}

/// Runs `twsec args…` with `stdin` piped in.
pub(crate) fn twsec(args: &[&str], stdin: &[u8]) -> Output {
    twsec_env(args, stdin, &[])
}

pub(crate) fn status(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts exit status `code`, nothing on stdout and one `twsec: …` line on stderr; returns it.
#[track_caller]
pub(crate) fn assert_fails(out: &Output, code: i32) -> String {
    let err = stderr(out);
    assert_eq!(status(out), code, "{err}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", stdout(out));
    assert!(err.starts_with("twsec: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

/// Asserts exit status 0 and an empty stderr; returns stdout.
#[track_caller]
pub(crate) fn assert_ok(out: &Output) -> Vec<u8> {
    assert_eq!(status(out), 0, "{}", stderr(out));
    assert!(out.stderr.is_empty(), "{}", stderr(out));
    out.stdout.clone()
}

/// A private temporary directory (removed with its contents on drop) whose paths are UTF-8
/// command-line arguments.
pub(crate) struct TempDir(tempfile::TempDir);

impl TempDir {
    pub(crate) fn new() -> Self {
        Self(
            tempfile::Builder::new()
                .prefix("twsec-cli-")
                .tempdir()
                .expect("create temp dir"),
        )
    }

    /// The path of `name` in the directory, as a command-line argument.
    pub(crate) fn arg(&self, name: &str) -> String {
        self.path(name)
            .into_os_string()
            .into_string()
            .expect("temp path is UTF-8")
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    pub(crate) fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).expect("read file")
    }

    pub(crate) fn write(&self, name: &str, contents: &[u8]) {
        std::fs::write(self.path(name), contents).expect("write file");
    }

    pub(crate) fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }
}
