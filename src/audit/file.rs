//! The embedded audit sink: an HMAC-SHA-256-chained JSON Lines file, rotated by size and/or
//! day with the chain continuing across files.
//!
//! One record a line, one format for every event (MOE-42.1.5):
//!
//! ```text
//! {"seq":1,"chain":"<64 hex>","event":{…}}
//! ```
//!
//! `chain` is HMAC-SHA-256 under the keyring's
//! [`Purpose::AuditChain`](crate::crypto::Purpose::AuditChain) sub-key of the exact bytes of
//! `event` as written, the sequence number (8 bytes, big-endian) and the previous record's
//! chain value (32 zero bytes before the first record). Changing, deleting, inserting,
//! duplicating or reordering any record breaks the chain or the sequence at that record
//! (KHH-12.2, TXG-24.2.10, A10-AU 中). Removing records from the end is detectable with a
//! [`Checkpoint`] kept elsewhere.
//!
//! Files of a log at `audit.jsonl`: the active file `audit.jsonl`; rotated files
//! `audit.jsonl.<first sequence number, 20 digits>`; signed checkpoints
//! `audit.jsonl.checkpoints` (one written at every rotation, so that verification can start
//! after pruned files). One process writes a log at a time.

use std::fs::{File, OpenOptions};
use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use time::{Date, OffsetDateTime, UtcOffset};

use super::chain::{ChainKey, GENESIS, hex};
use super::checkpoint::{self, Checkpoint, Signer};
use super::event::{Actor, AuditEvent, Outcome, Target};
use super::kind::EventKind;
use super::read::{
    Layout, Walk, first_seq, last_record, layout, rotated_name, start_of, walk_file,
};
use crate::clock::Clock;
use crate::control::ControlId;
use crate::crypto::Keyring;

/// When an append is on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Durability {
    /// `fsync` after every event: an append that returned `Ok` survives a crash.
    Fsync,
    /// Group commit: concurrent appends share one `fsync`; each append returns only after an
    /// `fsync` that covers it, so it is as durable as [`Durability::Fsync`] at a fraction of the
    /// cost when many threads append at once. [`FileSink::submit`] lets one thread keep many
    /// appends in flight.
    GroupCommit,
    /// Written to the operating system, synced by it later: survives a crash of the process,
    /// not of the machine.
    OsBuffered,
}

/// Why a log failed verification (at which record), or why an append failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading or writing the log failed.
    #[error("audit log I/O: {0}")]
    Io(String),
    /// A record was changed (its chain value does not match).
    #[error("audit log record {seq} (line {line}) was modified")]
    Modified {
        /// Line number in its file, from 1.
        line: u64,
        /// The sequence number the record should have.
        seq: u64,
    },
    /// The sequence jumps: records were deleted, inserted, duplicated or reordered here.
    #[error(
        "audit log line {line}: expected record {expected}, found {found} (records deleted, inserted or reordered)"
    )]
    Sequence {
        /// Line number in its file, from 1.
        line: u64,
        /// The sequence number expected.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// A line is not a record (or is cut off).
    #[error("audit log line {line} is not a complete record")]
    Malformed {
        /// Line number in its file, from 1.
        line: u64,
    },
    /// The log ends in a partial record (a torn write); [`FileSink::open`] repairs this.
    #[error("audit log is truncated inside line {line}")]
    Truncated {
        /// Line number, from 1.
        line: u64,
    },
    /// Records were removed from the end: a checkpoint covers more than the log holds.
    #[error("audit log ends at record {head} but a checkpoint covers record {checkpoint}")]
    BehindCheckpoint {
        /// The checkpoint's sequence number.
        checkpoint: u64,
        /// The log's last record.
        head: u64,
    },
    /// The log disagrees with a checkpoint, or a checkpoint is not genuine.
    #[error("audit checkpoint at record {seq}: {reason}")]
    CheckpointMismatch {
        /// The checkpoint's sequence number.
        seq: u64,
        /// What disagrees.
        reason: String,
    },
    /// The checkpoints kept beside the log are damaged or were not signed by the keyring:
    /// they are evidence too, so the log is refused.
    #[error("audit checkpoints {file}: {reason}")]
    BadCheckpoints {
        /// The checkpoints file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A problem in a rotated file of the log.
    #[error("{file}: {error}")]
    InFile {
        /// The rotated file.
        file: String,
        /// The problem, with line numbers in that file.
        error: Box<AuditError>,
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
    /// Records in the log (in every file still present).
    pub records: u64,
    /// The first sequence number present (1 unless older files were pruned).
    pub first: u64,
    /// The last sequence number.
    pub last: u64,
    /// The chain value of the last record (hex), to compare with a checkpoint.
    pub head: String,
    /// Files walked (rotated ones and the active one).
    pub files: usize,
}

/// How a [`FileSink`] writes: durability and rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogOptions {
    /// When an append is on disk.
    pub durability: Durability,
    /// Rotate before a record would take the active file past this many bytes.
    pub rotate_bytes: Option<u64>,
    /// Rotate when the day (at this offset, e.g. +08:00 for Taiwan) of an event differs from
    /// the day of the active file's first record.
    pub rotate_daily: Option<UtcOffset>,
}

impl LogOptions {
    /// No rotation.
    pub fn new(durability: Durability) -> Self {
        Self {
            durability,
            rotate_bytes: None,
            rotate_daily: None,
        }
    }

    /// Rotates when the active file would grow past `bytes` (at least one record a file).
    #[must_use]
    pub fn rotate_at_bytes(mut self, bytes: u64) -> Self {
        self.rotate_bytes = Some(bytes);
        self
    }

    /// Rotates at midnight at `offset` (`time::macros::offset!(+8)` for Taiwan).
    #[must_use]
    pub fn rotate_daily(mut self, offset: UtcOffset) -> Self {
        self.rotate_daily = Some(offset);
        self
    }
}

impl From<Durability> for LogOptions {
    fn from(durability: Durability) -> Self {
        Self::new(durability)
    }
}

/// What [`FileSink::prune`] removed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PruneReport {
    /// The rotated files removed, oldest first.
    pub files: Vec<PathBuf>,
    /// The records they held (first and last sequence numbers), if any were removed.
    pub records: Option<(u64, u64)>,
    /// The sequence number of the audit event that records the pruning.
    pub recorded_as: Option<u64>,
}

struct State {
    file: File,
    /// A handle for group-commit `fsync`s outside the lock.
    sync_handle: Arc<File>,
    /// Sequence number of the active file's first record (the next one if it is empty).
    file_first: u64,
    /// Day of the active file's first record, for daily rotation.
    file_day: Option<Date>,
    /// Last sequence number written.
    seq: u64,
    chain: [u8; 32],
    /// Bytes of complete records in the active file.
    bytes: u64,
    /// Last sequence number known to be on disk.
    synced: u64,
    /// A group-commit `fsync` is running.
    syncing: bool,
    /// Set when an `fsync` failed: what was written may not be on disk, and the page cache
    /// cannot be trusted to retry, so the sink refuses further appends until reopened.
    failed: Option<String>,
    /// A partial line from a crash lies beyond `bytes`; the next write covers its start and
    /// then cuts the rest.
    trim: bool,
}

/// An append-only, HMAC-chained JSON Lines audit log. Appends from many threads are serialised;
/// sequence numbers are dense. One `FileSink` at a time writes a log: it holds an exclusive
/// lock on `<name>.lock` (released when it is dropped or its process dies), and a second open
/// — from this process or another — fails instead of forking the chain.
pub struct FileSink {
    layout: Layout,
    /// Holds the writer's lock for the sink's lifetime.
    _lock: File,
    signer: Signer,
    key: ChainKey,
    options: LogOptions,
    state: Mutex<State>,
    /// Signalled when a group-commit `fsync` finishes.
    synced: Condvar,
    /// Appends between `submit` and the end of their [`Pending`]: when others are under way, a
    /// group commit waits briefly for their records before it syncs.
    in_flight: AtomicUsize,
}

impl std::fmt::Debug for FileSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSink")
            .field("path", &self.layout.active)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

fn open_active(path: &Path) -> Result<File, AuditError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.seek(SeekFrom::End(0))?;
    Ok(file)
}

/// Takes the exclusive writer's lock of the log at `path`.
fn lock_writer(path: &Path) -> Result<File, AuditError> {
    let lock_path = super::read::sibling(path, ".lock");
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(&lock_path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(AuditError::Io(format!(
            "{} is already open for writing (lock {} held)",
            path.display(),
            lock_path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Makes a rename or a new file in `path`'s directory durable.
fn sync_dir(path: &Path) -> Result<(), AuditError> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl FileSink {
    /// Opens (or creates, mode 0600) the log at `path` without rotation; see
    /// [`FileSink::open_with`].
    pub fn open(
        keyring: &Keyring,
        path: &Path,
        durability: Durability,
        clock: &dyn Clock,
    ) -> Result<Self, AuditError> {
        Self::open_with(keyring, path, LogOptions::new(durability), clock)
    }

    /// Opens (or creates, mode 0600) the log at `path`, checking the active file. A torn last
    /// line — a crash in the middle of a write — is cut off and a `sys_correction` event saying
    /// so is appended; any other damage is an error (the log is evidence: it is never
    /// rewritten). The chain continues from the last rotated file when the active one is new.
    ///
    /// ```
    /// use time::macros::offset;
    /// use twsec::audit::{Durability, FileSink, LogOptions};
    /// use twsec::clock::SystemClock;
    /// use twsec::crypto::{Keyring, MasterKey};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let ring = Keyring::new(MasterKey::generate());
    /// let options = LogOptions::new(Durability::GroupCommit)
    ///     .rotate_at_bytes(64 << 20)
    ///     .rotate_daily(offset!(+8));
    /// let sink = FileSink::open_with(&ring, &dir.path().join("audit.jsonl"), options, &SystemClock)?;
    /// assert!(sink.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(
        keyring: &Keyring,
        path: &Path,
        options: LogOptions,
        clock: &dyn Clock,
    ) -> Result<Self, AuditError> {
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => {
                return Err(AuditError::Io(format!(
                    "{} is not a regular file",
                    path.display()
                )));
            }
            _ => {}
        }
        let layout = layout(path)?;
        let lock = lock_writer(path)?;
        // Where the active file continues from: the last rotated file's last record, or (when
        // every rotated file was pruned) the checkpoint before the active file's first record.
        let (prev_seq, prev_chain) = match layout.rotated.last() {
            Some((_, last)) => match last_record(last)? {
                Some((seq, chain, _)) => (seq, chain),
                None => {
                    return Err(AuditError::Io(format!(
                        "{}: rotated audit file holds no record",
                        last.display()
                    )));
                }
            },
            None => match first_seq(&layout.active)? {
                Some(first) if first > 1 => {
                    let checkpoints = checkpoint::load(&layout.checkpoints, &Signer::of(keyring))?;
                    start_of(first, &checkpoints)
                }
                _ => (0, GENESIS),
            },
        };
        let mut walk = Walk::new(keyring, prev_seq, prev_chain);
        let end = walk_file(&mut walk, &layout.active, |_, _| Ok(()))?;
        let torn = match end.problem {
            None => None,
            Some(AuditError::Truncated { line }) => Some(line),
            Some(other) => return Err(other),
        };
        let mut file = open_active(&layout.active)?;
        if torn.is_some() {
            // The correction record is written over the partial line, and the rest of it cut
            // off after: a crash in between leaves a complete correction and a shorter partial
            // line, which the next open repairs and records again. Cutting first would let a
            // crash remove the partial line without a record of it.
            file.seek(SeekFrom::Start(end.good_len))?;
        }
        let file_day = match (options.rotate_daily, end.first_time) {
            (Some(offset), Some(t)) => Some(t.to_offset(offset).date()),
            _ => None,
        };
        let sync_handle = Arc::new(file.try_clone()?);
        let sink = Self {
            _lock: lock,
            key: ChainKey::of(keyring.active()),
            signer: Signer::of(keyring),
            options,
            state: Mutex::new(State {
                file,
                sync_handle,
                file_first: prev_seq + 1,
                file_day,
                seq: walk.seq,
                chain: walk.chain,
                bytes: end.good_len,
                synced: walk.seq,
                syncing: false,
                failed: None,
                trim: torn.is_some(),
            }),
            synced: Condvar::new(),
            in_flight: AtomicUsize::new(0),
            layout,
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

    /// The path of the active file.
    pub fn path(&self) -> &Path {
        &self.layout.active
    }

    /// Appends an event and returns its sequence number. In [`Durability::Fsync`] and
    /// [`Durability::GroupCommit`] modes the record is on disk when this returns `Ok`. A failed
    /// write is rolled back to the last complete record, so the log stays verifiable.
    pub fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        self.submit(event)?.wait()
    }

    /// Writes an event and returns a [`Pending`] append whose [`Pending::wait`] returns once
    /// it is as durable as the sink promises. With [`Durability::GroupCommit`], a thread can
    /// submit several events and wait for the last: one `fsync` covers them all.
    ///
    /// ```
    /// use twsec::audit::{Actor, AuditEvent, Durability, EventKind, FileSink, Outcome};
    /// use twsec::clock::SystemClock;
    /// use twsec::crypto::{Keyring, MasterKey};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let ring = Keyring::new(MasterKey::generate());
    /// let sink = FileSink::open(&ring, &dir.path().join("audit.jsonl"), Durability::GroupCommit, &SystemClock)?;
    /// let e = AuditEvent::new(EventKind::SensitiveExport, Outcome::Success, Actor::account("op-lin"), &SystemClock);
    /// let pending: Vec<_> = (0..3).map(|_| sink.submit(&e)).collect::<Result<_, _>>()?;
    /// for p in pending {
    ///     p.wait()?; // each is durable once this returns
    /// }
    /// assert_eq!(sink.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit(&self, event: &AuditEvent) -> Result<Pending<'_>, AuditError> {
        let guard = InFlight::enter(&self.in_flight);
        let event_json = serde_json::to_vec(event).map_err(|e| AuditError::Io(e.to_string()))?;
        // The long part of the MAC and the buffer are done before the lock.
        let absorbed = self.key.absorb(&event_json);
        let mut line = Vec::with_capacity(event_json.len() + 120);
        let mut state = self.lock();
        if let Some(why) = &state.failed {
            return Err(AuditError::Io(format!("audit sink failed earlier: {why}")));
        }
        let seq = state
            .seq
            .checked_add(1)
            .ok_or_else(|| AuditError::Io("sequence numbers exhausted".into()))?;
        // The same bytes `RecordIn` parses: {"seq":N,"chain":"<hex>","event":<event JSON>}.
        let line_len = event_json.len() as u64 + 100;
        self.rotate_if_due(&mut state, event.time, line_len)?;
        let chain = absorbed.link(&state.chain, seq);
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
        if state.bytes == 0 {
            state.file_day = self
                .options
                .rotate_daily
                .map(|offset| event.time.to_offset(offset).date());
        }
        state.seq = seq;
        state.chain = chain;
        state.bytes += line.len() as u64;
        if state.trim {
            let bytes = state.bytes;
            if let Err(e) = state
                .file
                .set_len(bytes)
                .and_then(|()| state.file.sync_all())
            {
                state.failed = Some(e.to_string());
                return Err(e.into());
            }
            state.trim = false;
            state.synced = seq;
        }
        if self.options.durability == Durability::Fsync {
            if let Err(e) = state.file.sync_data() {
                state.failed = Some(e.to_string());
                return Err(e.into());
            }
            state.synced = seq;
        }
        Ok(Pending {
            sink: self,
            seq,
            _in_flight: guard,
        })
    }

    /// Rotates before writing a record of about `line_len` bytes at `time` if the size or the
    /// day says so. The old file is synced and renamed, a checkpoint of its last record is
    /// written, and a new active file started; the chain runs on.
    fn rotate_if_due(
        &self,
        state: &mut State,
        time: OffsetDateTime,
        line_len: u64,
    ) -> Result<(), AuditError> {
        if state.bytes == 0 {
            return Ok(());
        }
        let by_size = self
            .options
            .rotate_bytes
            .is_some_and(|max| state.bytes + line_len > max);
        let by_day = match (self.options.rotate_daily, state.file_day) {
            (Some(offset), Some(day)) => time.to_offset(offset).date() != day,
            _ => false,
        };
        if by_size || by_day {
            self.rotate(state, time)
        } else {
            Ok(())
        }
    }

    fn rotate(&self, state: &mut State, time: OffsetDateTime) -> Result<(), AuditError> {
        let fail = |state: &mut State, e: AuditError| {
            state.failed = Some(e.to_string());
            e
        };
        let bytes = state.bytes;
        let trimmed = if state.trim {
            state.file.set_len(bytes)
        } else {
            Ok(())
        };
        if let Err(e) = trimmed.and_then(|()| state.file.sync_all()) {
            return Err(fail(state, e.into()));
        }
        state.trim = false;
        state.synced = state.seq;
        let active = &self.layout.active;
        let rotated = rotated_name(active, state.file_first);
        if let Err(e) = std::fs::rename(active, &rotated) {
            return Err(e.into());
        }
        let cp = self
            .signer
            .sign(&self.layout.name, state.seq, &state.chain, time);
        let next = sync_dir(active)
            .and_then(|()| checkpoint::append(&self.layout.checkpoints, &cp))
            .and_then(|()| open_active(active))
            .and_then(|file| {
                sync_dir(active)?;
                Ok(file)
            })
            .and_then(|file| Ok((Arc::new(file.try_clone()?), file)));
        match next {
            Ok((handle, file)) => {
                state.file = file;
                state.sync_handle = handle;
                state.file_first = state.seq + 1;
                state.file_day = None;
                state.bytes = 0;
                Ok(())
            }
            // The old file is renamed and complete; reopening the sink continues from it.
            Err(e) => Err(fail(state, e)),
        }
    }

    /// Rotates now (if the active file holds any record), e.g. before archiving.
    pub fn rotate_now(&self, clock: &dyn Clock) -> Result<(), AuditError> {
        let mut state = self.lock();
        if state.bytes == 0 {
            return Ok(());
        }
        self.rotate(&mut state, clock.now())
    }

    /// Waits until an `fsync` covers `seq`: the first waiter to find none running starts one
    /// for everything written so far; the others wait for it.
    fn group_commit(&self, seq: u64) -> Result<u64, AuditError> {
        let mut state = self.lock();
        loop {
            if state.synced >= seq {
                return Ok(seq);
            }
            if let Some(why) = &state.failed {
                return Err(AuditError::Io(format!("audit log fsync failed: {why}")));
            }
            if state.syncing {
                state = self
                    .synced
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            state.syncing = true;
            if self.in_flight.load(Ordering::Relaxed) > 1 {
                state = self.gather(state);
            }
            let target = state.seq;
            let handle = Arc::clone(&state.sync_handle);
            drop(state);
            let result = handle.sync_data();
            state = self.lock();
            state.syncing = false;
            match result {
                Ok(()) => state.synced = state.synced.max(target),
                Err(e) => state.failed = Some(e.to_string()),
            }
            self.synced.notify_all();
        }
    }

    /// Lets appends that are under way write their records before a group-commit `fsync`
    /// (PostgreSQL's `commit_delay`): waits in windows of [`GATHER_WINDOW`] while records keep
    /// arriving, at most [`GATHER_ROUNDS`] windows.
    fn gather<'s>(&'s self, mut state: MutexGuard<'s, State>) -> MutexGuard<'s, State> {
        for _ in 0..GATHER_ROUNDS {
            let before = state.seq;
            drop(state);
            let until = Instant::now() + GATHER_WINDOW;
            while Instant::now() < until {
                std::thread::yield_now();
            }
            state = self.lock();
            if state.seq == before {
                break;
            }
        }
        state
    }

    /// Signs a checkpoint of the last record, keeps it beside the log and returns it for
    /// export to another system (A10-AU 高). An empty log has no checkpoint.
    pub fn checkpoint(&self, clock: &dyn Clock) -> Result<Option<Checkpoint>, AuditError> {
        let mut state = self.lock();
        if state.seq == 0 {
            return Ok(None);
        }
        if state.synced < state.seq {
            state.file.sync_data()?;
            state.synced = state.seq;
        }
        let cp = self
            .signer
            .sign(&self.layout.name, state.seq, &state.chain, clock.now());
        checkpoint::append(&self.layout.checkpoints, &cp)?;
        Ok(Some(cp))
    }

    /// Removes rotated files whose last record is older than `keep` (the retention the
    /// profile sets — 6 months under KHH/A10, 3 years under TWSE), oldest first, and only
    /// while a signed checkpoint at each removed file's last record exists (so the rest still
    /// verifies, and truncation stays detectable). Records what it removed as an audit event.
    pub fn prune(
        &self,
        keep: time::Duration,
        clock: &dyn Clock,
    ) -> Result<PruneReport, AuditError> {
        let now = clock.now();
        let state = self.lock();
        let current = layout(&self.layout.active)?;
        let checkpoints = checkpoint::load(&current.checkpoints, &self.signer)?;
        let mut files = Vec::new();
        let mut records: Option<(u64, u64)> = None;
        for (i, (first, path)) in current.rotated.iter().enumerate() {
            let last = current
                .rotated
                .get(i + 1)
                .map_or(state.file_first, |(next, _)| *next)
                .saturating_sub(1);
            let old_enough = match last_record(path)? {
                Some((_, _, Some(t))) => t + keep < now,
                _ => false,
            };
            if !old_enough || !checkpoints.iter().any(|c| c.seq == last) {
                break;
            }
            std::fs::remove_file(path)?;
            files.push(path.clone());
            records = Some((records.map_or(*first, |(a, _)| a), last));
        }
        drop(state);
        let Some((a, b)) = records else {
            return Ok(PruneReport {
                files,
                records: None,
                recorded_as: None,
            });
        };
        sync_dir(&self.layout.active)?;
        let event = AuditEvent::new(
            EventKind::SensitiveDelete,
            Outcome::Success,
            Actor::system(),
            clock,
        )
        .on(Target::new("audit_log", &format!("{}#{a}-{b}", self.layout.name)))
        .by_control(ControlId::AudRetention)
        .with_detail(&format!(
            "retention: removed {} rotated audit file(s) holding records {a}-{b}, older than {} days; a signed checkpoint covers record {b}",
            files.len(),
            keep.whole_days()
        ));
        let seq = self.append(&event)?;
        Ok(PruneReport {
            files,
            records: Some((a, b)),
            recorded_as: Some(seq),
        })
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

/// How long a group commit waits for more records in one round.
const GATHER_WINDOW: Duration = Duration::from_micros(20);
/// At most this many rounds (so at most 100 µs added to an `fsync` of about 200 µs).
const GATHER_ROUNDS: usize = 5;

/// Counts an append in flight while it lives.
#[derive(Debug)]
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// An append written but perhaps not yet durable; see [`FileSink::submit`].
#[must_use = "an append is durable only once `wait` returns Ok"]
#[derive(Debug)]
pub struct Pending<'s> {
    sink: &'s FileSink,
    seq: u64,
    _in_flight: InFlight<'s>,
}

impl Pending<'_> {
    /// The record's sequence number.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Waits until the record is as durable as the sink promises and returns its sequence
    /// number.
    pub fn wait(self) -> Result<u64, AuditError> {
        match self.sink.options.durability {
            Durability::GroupCommit => self.sink.group_commit(self.seq),
            _ => Ok(self.seq),
        }
    }
}

impl super::AuditSink for FileSink {
    fn append(&self, event: &AuditEvent) -> Result<u64, AuditError> {
        FileSink::append(self, event)
    }

    fn describe(&self) -> String {
        format!("file:{}", self.layout.active.display())
    }
}
