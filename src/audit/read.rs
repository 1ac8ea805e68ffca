//! Reading a log: the walk that checks every record, the files of a rotated log, [`verify`]
//! and the [`AuditReader`] capability.

use std::fs::File;
use std::io::{BufRead, BufReader, Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use time::OffsetDateTime;

use super::chain::{ChainKey, GENESIS, unhex};
use super::checkpoint::{self, Checkpoint, Signer};
use super::error::{AuditError, VerifyReport};
use super::event::AuditEvent;
use super::ocsf::to_ocsf;
use crate::crypto::Keyring;

/// Longest line accepted when reading a log; longer ones are reported as malformed.
pub(crate) const MAX_LINE: usize = 1024 * 1024;

/// One record line as stored: `{"seq":N,"chain":"<hex>","event":{…}}`.
#[derive(Deserialize)]
pub(crate) struct RecordIn<'a> {
    pub(crate) seq: u64,
    pub(crate) chain: &'a str,
    #[serde(borrow)]
    pub(crate) event: &'a RawValue,
}

/// Just the time of an event, for rotation and retention.
#[derive(Deserialize)]
struct EventTime {
    #[serde(with = "time::serde::rfc3339")]
    time: OffsetDateTime,
}

/// The time of a stored event, if it has a readable one.
pub(crate) fn event_time(event: &RawValue) -> Option<OffsetDateTime> {
    serde_json::from_str::<EventTime>(event.get())
        .ok()
        .map(|e| e.time)
}

/// The chain state while walking a log: the last good record and the keys that may have
/// chained it (the active key first; a retired one is tried when the current one fails, so a
/// log spans a master-key rotation).
pub(crate) struct Walk {
    keys: Vec<ChainKey>,
    pub(crate) seq: u64,
    pub(crate) chain: [u8; 32],
}

impl Walk {
    pub(crate) fn new(keyring: &Keyring, seq: u64, chain: [u8; 32]) -> Self {
        Self::with_keys(ChainKey::candidates(keyring), seq, chain)
    }

    fn with_keys(keys: Vec<ChainKey>, seq: u64, chain: [u8; 32]) -> Self {
        Self { keys, seq, chain }
    }

    /// Checks a record against the state; advances on success.
    fn step(&mut self, line: u64, record: &RecordIn<'_>) -> Result<(), AuditError> {
        let next = self
            .seq
            .checked_add(1)
            .ok_or(AuditError::Malformed { line })?;
        if record.seq != next {
            return Err(AuditError::Sequence {
                line,
                expected: next,
                found: record.seq,
            });
        }
        let event = record.event.get().as_bytes();
        for i in 0..self.keys.len() {
            let expected = self.keys[i].link(&self.chain, next, event);
            if ChainKey::matches(record.chain, &expected) {
                self.keys.swap(0, i);
                self.seq = next;
                self.chain = expected;
                return Ok(());
            }
        }
        Err(AuditError::Modified { line, seq: next })
    }
}

/// How a walk over one file ended: bytes of good records, and the first problem.
pub(crate) struct FileEnd {
    pub(crate) good_len: u64,
    pub(crate) problem: Option<AuditError>,
    /// Time of the first good record.
    pub(crate) first_time: Option<OffsetDateTime>,
}

/// Walks the records of `reader`, calling `each` with every good one.
pub(crate) fn walk_reader(
    walk: &mut Walk,
    mut reader: impl BufRead,
    mut each: impl FnMut(u64, &RecordIn<'_>) -> Result<(), AuditError>,
) -> Result<FileEnd, AuditError> {
    let mut end = FileEnd {
        good_len: 0,
        problem: None,
        first_time: None,
    };
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(end);
        }
        number += 1;
        if line.last() != Some(&b'\n') {
            end.problem = Some(if n > MAX_LINE {
                AuditError::Malformed { line: number }
            } else {
                AuditError::Truncated { line: number }
            });
            return Ok(end);
        }
        let Ok(record) = serde_json::from_slice::<RecordIn<'_>>(&line[..line.len() - 1]) else {
            end.problem = Some(AuditError::Malformed { line: number });
            return Ok(end);
        };
        if let Err(e) = walk.step(number, &record) {
            end.problem = Some(e);
            return Ok(end);
        }
        if number == 1 {
            end.first_time = event_time(record.event);
        }
        each(number, &record)?;
        end.good_len += n as u64;
    }
}

/// Walks one file (a missing file has no records).
pub(crate) fn walk_file(
    walk: &mut Walk,
    path: &Path,
    each: impl FnMut(u64, &RecordIn<'_>) -> Result<(), AuditError>,
) -> Result<FileEnd, AuditError> {
    match File::open(path) {
        Ok(f) => walk_reader(walk, BufReader::new(f), each),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileEnd {
            good_len: 0,
            problem: None,
            first_time: None,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The files of a log at `path`: rotated ones (`<name>.<first seq, 20 digits>`, oldest first),
/// the active one (`path`) and the checkpoints (`<name>.checkpoints`).
#[derive(Debug)]
pub(crate) struct Layout {
    pub(crate) rotated: Vec<(u64, PathBuf)>,
    pub(crate) active: PathBuf,
    pub(crate) checkpoints: PathBuf,
    pub(crate) name: String,
}

pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The name a rotated file whose first record is `first` gets.
pub(crate) fn rotated_name(path: &Path, first: u64) -> PathBuf {
    sibling(path, &format!(".{first:020}"))
}

pub(crate) fn layout(path: &Path) -> Result<Layout, AuditError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| AuditError::Io(format!("{} is not a file name", path.display())))?
        .to_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut rotated = Vec::new();
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry?;
                let file_name = entry.file_name();
                let Some(rest) = file_name
                    .to_str()
                    .and_then(|n| n.strip_prefix(name.as_str()))
                    .and_then(|n| n.strip_prefix('.'))
                else {
                    continue;
                };
                if rest.len() == 20
                    && rest.bytes().all(|b| b.is_ascii_digit())
                    && let Ok(first) = rest.parse::<u64>()
                {
                    rotated.push((first, entry.path()));
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    rotated.sort();
    Ok(Layout {
        rotated,
        active: path.to_owned(),
        checkpoints: sibling(path, ".checkpoints"),
        name,
    })
}

/// A record's sequence number, chain value and event time, as stored.
pub(crate) type StoredRecord = (u64, [u8; 32], Option<OffsetDateTime>);

/// A visitor of verified events.
type EachEvent<'a> = &'a mut dyn FnMut(u64, &AuditEvent) -> Result<(), AuditError>;

/// The last complete record of a file, as stored.
pub(crate) fn last_record(path: &Path) -> Result<Option<StoredRecord>, AuditError> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let len = file.metadata()?.len();
    let from = len.saturating_sub(MAX_LINE as u64 + 1);
    file.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    // Only complete lines: drop a partial last one.
    let complete = match tail.iter().rposition(|&b| b == b'\n') {
        Some(i) => &tail[..i],
        None => return Ok(None),
    };
    let last = complete.rsplit(|&b| b == b'\n').next().unwrap_or_default();
    let bad = || AuditError::Io(format!("{}: last record unreadable", path.display()));
    let record: RecordIn<'_> = serde_json::from_slice(last).map_err(|_| bad())?;
    let chain = unhex(record.chain).ok_or_else(bad)?;
    Ok(Some((record.seq, chain, event_time(record.event))))
}

/// The sequence number of the first record of a file, if it has a complete first line.
pub(crate) fn first_seq(path: &Path) -> Result<Option<u64>, AuditError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut line = Vec::new();
    BufReader::new(file)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Ok(None);
    }
    Ok(
        serde_json::from_slice::<RecordIn<'_>>(&line[..line.len() - 1])
            .ok()
            .map(|r| r.seq),
    )
}

/// Where a walk starts for a log whose first record present is `first`: after the checkpoint
/// at `first - 1` if there is one (older files were pruned), else at the beginning — so a log
/// missing its first records without such a checkpoint fails at its first line.
pub(crate) fn start_of(first: u64, checkpoints: &[Checkpoint]) -> (u64, [u8; 32]) {
    checkpoints
        .iter()
        .rev()
        .filter(|c| first > 1 && c.seq == first - 1)
        .find_map(|c| unhex(&c.chain))
        .map_or((0, GENESIS), |chain| (first - 1, chain))
}

/// Verifies a whole log: every rotated file and the active one, chained across files, and
/// against the checkpoints kept beside it (`<name>.checkpoints`): `Ok` with the record count
/// and head, or the first bad record. An error in a rotated file comes wrapped in
/// [`AuditError::InFile`].
///
/// Verification only tells whether the log is intact; reading the events takes an
/// [`AuditReader`].
pub fn verify(keyring: &Keyring, path: &Path) -> Result<VerifyReport, AuditError> {
    AuditReader::open(keyring, path)?.verify()
}

/// Verifies one log file read from `reader` (a copy, a pipe) that starts at record 1, as
/// [`verify`] does a log without rotated files or checkpoints.
pub fn verify_reader(
    keyring: &Keyring,
    reader: impl std::io::Read,
) -> Result<VerifyReport, AuditError> {
    let mut walk = Walk::new(keyring, 0, GENESIS);
    let end = walk_reader(&mut walk, BufReader::new(reader), |_, _| Ok(()))?;
    match end.problem {
        None => Ok(VerifyReport::new(1, walk.seq, &walk.chain, 1)),
        Some(e) => Err(e),
    }
}

/// Export formats of [`AuditReader::export`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportFormat {
    /// The events as recorded, one JSON object a line.
    Jsonl,
    /// Each event mapped to its OCSF class ([`to_ocsf`]), one a line.
    Ocsf,
}

/// The capability to read an audit log (A10-AU: only authorised users read logs).
///
/// The writer, [`FileSink`](super::FileSink), cannot read events back; reading takes an
/// `AuditReader`, and opening one takes the keyring, so only key holders read. Give the
/// capability only to the auditor role, and record the access (a `sensitive_read` event) in
/// the application's trail. Every event an `AuditReader` hands out has passed the chain check.
///
/// ```
/// use twsec::audit::{Actor, AuditEvent, AuditReader, Durability, EventKind, ExportFormat, FileSink, Outcome};
/// use twsec::clock::SystemClock;
/// use twsec::crypto::{Keyring, MasterKey};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("audit.jsonl");
/// let ring = Keyring::new(MasterKey::generate());
/// let sink = FileSink::open(&ring, &path, Durability::Fsync, &SystemClock)?;
/// sink.append(&AuditEvent::new(EventKind::SysStartup, Outcome::Success, Actor::system(), &SystemClock))?;
///
/// let reader = AuditReader::open(&ring, &path)?;
/// let mut ocsf = Vec::new();
/// let report = reader.export(ExportFormat::Ocsf, &mut ocsf)?;
/// assert_eq!(report.records, 1);
/// assert!(String::from_utf8(ocsf)?.contains("\"class_uid\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AuditReader {
    keys: Vec<ChainKey>,
    signer: Signer,
    layout: Layout,
}

impl std::fmt::Debug for AuditReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditReader")
            .field("log", &self.layout.active)
            .finish_non_exhaustive()
    }
}

impl AuditReader {
    /// A reader of the log at `path` (its rotated files and checkpoints included).
    pub fn open(keyring: &Keyring, path: &Path) -> Result<Self, AuditError> {
        Ok(Self {
            keys: ChainKey::candidates(keyring),
            signer: Signer::of(keyring),
            layout: layout(path)?,
        })
    }

    /// The checkpoints kept beside the log, oldest first, each checked to be signed by the
    /// keyring.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>, AuditError> {
        checkpoint::load(&self.layout.checkpoints, &self.signer)
    }

    /// Verifies the whole log and the checkpoints beside it (see [`verify`]).
    pub fn verify(&self) -> Result<VerifyReport, AuditError> {
        let checkpoints = self.checkpoints()?;
        self.walk(&checkpoints, None)
    }

    /// Verifies the log against a checkpoint kept elsewhere, after checking its signature with
    /// `public_key` (hex, from [`checkpoint_public_key`](super::checkpoint_public_key)): the log
    /// must still hold record `checkpoint.seq` with that chain value.
    pub fn verify_against(
        &self,
        checkpoint: &Checkpoint,
        public_key: &str,
    ) -> Result<VerifyReport, AuditError> {
        if !checkpoint.verify_signature(public_key) {
            return Err(AuditError::CheckpointMismatch {
                seq: checkpoint.seq,
                reason: "signature does not verify with the trusted public key".into(),
            });
        }
        if checkpoint.log != self.layout.name {
            return Err(AuditError::CheckpointMismatch {
                seq: checkpoint.seq,
                reason: format!(
                    "checkpoint is for log {}, not {}",
                    checkpoint.log, self.layout.name
                ),
            });
        }
        self.walk(std::slice::from_ref(checkpoint), None)
    }

    /// Calls `each` with every record (sequence number and event) in order, each after its
    /// chain value checked; stops at the first bad record with its error.
    pub fn for_each(
        &self,
        mut each: impl FnMut(u64, &AuditEvent) -> Result<(), AuditError>,
    ) -> Result<VerifyReport, AuditError> {
        let checkpoints = self.checkpoints()?;
        self.walk(&checkpoints, Some(&mut each))
    }

    /// Writes every event to `out` in `format`, one a line, and returns the verification
    /// report. Stops with an error at the first bad record (what was written before it is
    /// intact).
    pub fn export(
        &self,
        format: ExportFormat,
        mut out: impl std::io::Write,
    ) -> Result<VerifyReport, AuditError> {
        self.for_each(|_, event| {
            let line = match format {
                ExportFormat::Jsonl => serde_json::to_vec(event),
                ExportFormat::Ocsf => serde_json::to_vec(&to_ocsf(event)),
            }
            .map_err(|e| AuditError::Io(e.to_string()))?;
            out.write_all(&line)?;
            out.write_all(b"\n")?;
            Ok(())
        })
    }

    /// The walk over every file, checking `checkpoints` on the way; with `each`, every event
    /// is parsed and handed to it.
    fn walk(
        &self,
        checkpoints: &[Checkpoint],
        mut each: Option<EachEvent<'_>>,
    ) -> Result<VerifyReport, AuditError> {
        let mut files: Vec<&Path> = self
            .layout
            .rotated
            .iter()
            .map(|(_, p)| p.as_path())
            .collect();
        files.push(&self.layout.active);
        let mut first = None;
        for f in &files {
            if let Some(s) = first_seq(f)? {
                first = Some(s);
                break;
            }
        }
        let (start, chain) = start_of(first.unwrap_or(1), checkpoints);
        let mut walk = Walk::with_keys(self.keys.clone(), start, chain);
        let last_index = files.len() - 1;
        for (i, path) in files.iter().enumerate() {
            let end = walk_file(&mut walk, path, |line, record| {
                if let Some(cp) = checkpoints.iter().find(|c| c.seq == record.seq)
                    && !ChainKey::matches(&cp.chain, &unhex(record.chain).unwrap_or_default())
                {
                    return Err(AuditError::CheckpointMismatch {
                        seq: record.seq,
                        reason: "the record's chain value differs from the checkpoint's".into(),
                    });
                }
                match each.as_mut() {
                    Some(each) => {
                        let event: AuditEvent = serde_json::from_str(record.event.get())
                            .map_err(|_| AuditError::Malformed { line })?;
                        each(record.seq, &event)
                    }
                    None => Ok(()),
                }
            })
            .map_err(|e| in_file(e, path, i < last_index))?;
            if let Some(problem) = end.problem {
                return Err(in_file(problem, path, i < last_index));
            }
        }
        if let Some(cp) = checkpoints.iter().max_by_key(|c| c.seq)
            && cp.seq > walk.seq
        {
            return Err(AuditError::BehindCheckpoint {
                checkpoint: cp.seq,
                head: walk.seq,
            });
        }
        Ok(VerifyReport::new(
            start + 1,
            walk.seq,
            &walk.chain,
            files.len(),
        ))
    }
}

/// Errors in rotated files name the file; the active file's errors stay as they are.
fn in_file(error: AuditError, path: &Path, rotated: bool) -> AuditError {
    match error {
        AuditError::Io(_) | AuditError::CheckpointMismatch { .. } | AuditError::InFile { .. } => {
            error
        }
        other if rotated => AuditError::InFile {
            file: path.display().to_string(),
            error: Box::new(other),
        },
        other => other,
    }
}
