//! The embedded audit sink: an HMAC-SHA-256-chained JSON Lines file.
//!
//! One record a line, one format for every event (MOE-42.1.5):
//!
//! ```text
//! {"seq":1,"chain":"<64 hex>","event":{…}}
//! ```
//!
//! `chain` is HMAC-SHA-256 under the keyring's [`Purpose::AuditChain`] sub-key of the previous
//! record's chain value (32 zero bytes before the first record), the sequence number (8 bytes,
//! big-endian) and the exact bytes of `event` as written. Changing, deleting, inserting,
//! duplicating or reordering any record breaks the chain or the sequence at that record
//! (KHH-12.2, TXG-24.2.10, A10-AU 中). Removing records from the end is only detectable with a
//! checkpoint kept elsewhere.

use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, BufReader, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::chain::{ChainKey, GENESIS, hex};
use super::event::{Actor, AuditEvent, Outcome};
use super::kind::EventKind;
use crate::clock::Clock;
use crate::control::ControlId;
use crate::crypto::Keyring;

/// Longest line accepted when reading a log; longer ones are reported as malformed.
const MAX_LINE: usize = 1024 * 1024;

/// When an append is on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// `fsync` after every event: an append that returned `Ok` survives a crash.
    Fsync,
    /// Group commit: concurrent appends share one `fsync`; each append returns only after an
    /// `fsync` that covers it, so it is as durable as [`Durability::Fsync`] at a fraction of the
    /// cost when many threads append at once.
    GroupCommit,
    /// Written to the operating system, synced by it later: survives a crash of the process,
    /// not of the machine.
    OsBuffered,
}

/// Why a log failed verification, at which record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading or writing the log failed.
    #[error("audit log I/O: {0}")]
    Io(String),
    /// A record was changed (its chain value does not match).
    #[error("audit log record {seq} (line {line}) was modified")]
    Modified {
        /// Line number, from 1.
        line: u64,
        /// The sequence number the record should have.
        seq: u64,
    },
    /// The sequence jumps: records were deleted, inserted, duplicated or reordered here.
    #[error(
        "audit log line {line}: expected record {expected}, found {found} (records deleted, inserted or reordered)"
    )]
    Sequence {
        /// Line number, from 1.
        line: u64,
        /// The sequence number expected.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// A line is not a record (or is cut off).
    #[error("audit log line {line} is not a complete record")]
    Malformed {
        /// Line number, from 1.
        line: u64,
    },
    /// The log ends in a partial record (a torn write); [`FileSink::open`] repairs this.
    #[error("audit log is truncated inside line {line}")]
    Truncated {
        /// Line number, from 1.
        line: u64,
    },
}

impl From<std::io::Error> for AuditError {
    fn from(e: std::io::Error) -> Self {
        AuditError::Io(e.to_string())
    }
}

/// The result of a successful verification.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Records in the log.
    pub records: u64,
    /// The chain value of the last record (hex), to compare with a checkpoint.
    pub head: String,
}

#[derive(Deserialize)]
struct RecordIn<'a> {
    seq: u64,
    chain: &'a str,
    #[serde(borrow)]
    event: &'a RawValue,
}

/// Walks a log: every complete line is checked; returns the last good (seq, chain), the byte
/// length of the complete records, and the first problem if any.
fn scan(keys: &mut [ChainKey], path: &Path) -> Result<Scan, AuditError> {
    match File::open(path) {
        Ok(f) => scan_reader(keys, BufReader::new(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((0, GENESIS, 0, None)),
        Err(e) => Err(e.into()),
    }
}

/// What [`scan_reader`] found: last good sequence number and chain value, byte length of the
/// good records, and the first problem.
type Scan = (u64, [u8; 32], u64, Option<AuditError>);

/// `keys` are the candidate chain keys; the first record decides which one the log uses, and
/// `keys` is left holding that one first.
fn scan_reader(
    keys: &mut [ChainKey],
    mut reader: impl std::io::BufRead,
) -> Result<Scan, AuditError> {
    let (mut seq, mut chain, mut good_len) = (0u64, GENESIS, 0u64);
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok((seq, chain, good_len, None));
        }
        number += 1;
        if line.last() != Some(&b'\n') {
            let err = if n > MAX_LINE {
                AuditError::Malformed { line: number }
            } else {
                AuditError::Truncated { line: number }
            };
            return Ok((seq, chain, good_len, Some(err)));
        }
        let Ok(record) = serde_json::from_slice::<RecordIn<'_>>(&line[..line.len() - 1]) else {
            return Ok((
                seq,
                chain,
                good_len,
                Some(AuditError::Malformed { line: number }),
            ));
        };
        let Some(next) = seq.checked_add(1) else {
            return Ok((
                seq,
                chain,
                good_len,
                Some(AuditError::Malformed { line: number }),
            ));
        };
        if record.seq != next {
            let err = AuditError::Sequence {
                line: number,
                expected: next,
                found: record.seq,
            };
            return Ok((seq, chain, good_len, Some(err)));
        }
        let event = record.event.get().as_bytes();
        if number == 1 {
            // The first record picks the key: the active one, or a retired one it was written with.
            if let Some(i) = keys
                .iter()
                .position(|k| ChainKey::matches(record.chain, &k.link(&chain, next, event)))
            {
                keys.swap(0, i);
            }
        }
        let expected = keys[0].link(&chain, record.seq, event);
        if !ChainKey::matches(record.chain, &expected) {
            let err = AuditError::Modified {
                line: number,
                seq: next,
            };
            return Ok((seq, chain, good_len, Some(err)));
        }
        seq = record.seq;
        chain = expected;
        good_len += n as u64;
    }
}

/// Verifies a whole log: `Ok` with the record count and head, or the first bad record.
pub fn verify(keyring: &Keyring, path: &Path) -> Result<VerifyReport, AuditError> {
    report(scan(&mut ChainKey::candidates(keyring), path)?)
}

/// Verifies a log read from `reader` (a copy, a pipe), as [`verify`] does a file.
pub fn verify_reader(
    keyring: &Keyring,
    reader: impl std::io::Read,
) -> Result<VerifyReport, AuditError> {
    report(scan_reader(
        &mut ChainKey::candidates(keyring),
        BufReader::new(reader),
    )?)
}

fn report(scan: Scan) -> Result<VerifyReport, AuditError> {
    match scan {
        (records, chain, _, None) => Ok(VerifyReport {
            records,
            head: hex(&chain),
        }),
        (_, _, _, Some(err)) => Err(err),
    }
}

struct State {
    file: File,
    /// Last sequence number written.
    seq: u64,
    chain: [u8; 32],
    /// Bytes of complete records in the file.
    bytes: u64,
    /// Last sequence number known to be on disk.
    synced: u64,
    /// A group-commit `fsync` is running.
    syncing: bool,
}

/// An append-only, HMAC-chained JSON Lines audit log. Appends from many threads are serialised;
/// sequence numbers are dense.
pub struct FileSink {
    path: PathBuf,
    key: ChainKey,
    durability: Durability,
    state: Mutex<State>,
    /// Signalled when a group-commit `fsync` finishes.
    synced: Condvar,
    /// A second handle on the file, so a group commit can `fsync` without holding the lock.
    sync_handle: File,
}

impl std::fmt::Debug for FileSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSink")
            .field("path", &self.path)
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

impl FileSink {
    /// Opens (or creates, mode 0600) the log at `path`, verifying it. A torn last line — a crash
    /// in the middle of a write — is cut off and a `sys_correction` event saying so is appended;
    /// any other damage is an error (the log is evidence: it is never rewritten).
    pub fn open(
        keyring: &Keyring,
        path: &Path,
        durability: Durability,
        clock: &dyn Clock,
    ) -> Result<Self, AuditError> {
        let mut keys = ChainKey::candidates(keyring);
        let (seq, chain, good_len, problem) = scan(&mut keys, path)?;
        let key = keys.swap_remove(0);
        let torn = match problem {
            None => None,
            Some(AuditError::Truncated { line }) => Some(line),
            Some(other) => return Err(other),
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        if torn.is_some() {
            file.set_len(good_len)?;
            file.sync_all()?;
        }
        file.seek(SeekFrom::End(0))?;
        let sync_handle = file.try_clone()?;
        let sink = Self {
            path: path.to_owned(),
            key,
            durability,
            state: Mutex::new(State {
                file,
                seq,
                chain,
                bytes: good_len,
                synced: seq,
                syncing: false,
            }),
            synced: Condvar::new(),
            sync_handle,
        };
        if let Some(line) = torn {
            let event = AuditEvent::new(
                EventKind::SysCorrection,
                Outcome::Success,
                Actor::system(),
                clock,
            )
            .by_control(ControlId::AudEvent)
            .with_detail(&format!(
                "audit log repaired: a partial record at line {line} (torn write) was removed"
            ));
            sink.append(&event)?;
        }
        Ok(sink)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends an event and returns its sequence number. In [`Durability::Fsync`] and
    /// [`Durability::GroupCommit`] modes the record is on disk when this returns `Ok`. A failed
    /// write is rolled back to the last complete record, so the log stays verifiable.
    pub fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        let event_json = serde_json::to_vec(event).map_err(|e| AuditError::Io(e.to_string()))?;
        let mut state = self.lock();
        let seq = state
            .seq
            .checked_add(1)
            .ok_or_else(|| AuditError::Io("sequence numbers exhausted".into()))?;
        let chain = self.key.link(&state.chain, seq, &event_json);
        // The same bytes `RecordIn` parses: {"seq":N,"chain":"<hex>","event":<event JSON>}.
        let mut line = Vec::with_capacity(event_json.len() + 110);
        write!(
            line,
            "{{\"seq\":{seq},\"chain\":\"{}\",\"event\":",
            hex(&chain)
        )?;
        line.extend_from_slice(&event_json);
        line.extend_from_slice(b"}\n");
        if let Err(e) = state.file.write_all(&line) {
            // Cut a partial line off (disk full, quota) so later records follow a complete one.
            let bytes = state.bytes;
            let _ = state.file.set_len(bytes);
            let _ = state.file.seek(SeekFrom::End(0));
            return Err(e.into());
        }
        state.seq = seq;
        state.chain = chain;
        state.bytes += line.len() as u64;
        match self.durability {
            Durability::OsBuffered => Ok(seq),
            Durability::Fsync => {
                state.file.sync_data()?;
                state.synced = seq;
                Ok(seq)
            }
            Durability::GroupCommit => self.group_commit(state, seq),
        }
    }

    /// Waits until an `fsync` covers `seq`: the first appender to find none running starts one
    /// for everything written so far; the others wait for it.
    fn group_commit<'s>(
        &'s self,
        mut state: MutexGuard<'s, State>,
        seq: u64,
    ) -> Result<u64, AuditError> {
        loop {
            if state.synced >= seq {
                return Ok(seq);
            }
            if state.syncing {
                state = self
                    .synced
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            state.syncing = true;
            let target = state.seq;
            drop(state);
            let result = self.sync_handle.sync_data();
            state = self.lock();
            state.syncing = false;
            if result.is_ok() {
                state.synced = state.synced.max(target);
            }
            self.synced.notify_all();
            result?;
        }
    }

    /// Records appended so far (the last sequence number).
    pub fn len(&self) -> u64 {
        self.lock().seq
    }

    /// `true` when the log holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl super::AuditSink for FileSink {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        FileSink::append(self, event)
    }

    fn describe(&self) -> String {
        format!("file:{}", self.path.display())
    }
}
