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
use std::path::Path;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use time::Date;

use super::chain::{ChainKey, GENESIS, hex};
use super::checkpoint::{self, Checkpoint, Signer};
use super::event::{Actor, AuditEvent, Outcome};
use super::kind::EventKind;
use super::read::{Layout, Walk, first_seq, last_record, layout, start_of, walk_file};
use crate::clock::Clock;
use crate::control::ControlId;
use crate::crypto::Keyring;

mod commit;
mod rotation;

use super::error::AuditError;
use commit::InFlight;
pub use commit::Pending;
pub use rotation::{LogOptions, PruneReport};

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
        format!("file:{}", self.layout.active.display())
    }
}
