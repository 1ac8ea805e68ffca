//! Rotation by size and day with the chain running on, and retention pruning.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::{OffsetDateTime, UtcOffset};

use super::{AuditError, Durability, FileSink, State, open_active};
use crate::audit::checkpoint;
use crate::audit::event::{Actor, AuditEvent, Outcome, Target};
use crate::audit::kind::EventKind;
use crate::audit::read::{last_record, layout, rotated_name};
use crate::clock::Clock;
use crate::control::ControlId;

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

/// Makes a rename or a new file in `path`'s directory durable.
pub(super) fn sync_dir(path: &Path) -> Result<(), AuditError> {
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
    /// Rotates before writing a record of about `line_len` bytes at `time` if the size or the
    /// day says so. The old file is synced and renamed, a checkpoint of its last record is
    /// written, and a new active file started; the chain runs on.
    pub(super) fn rotate_if_due(
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
}
