//! Group commit: one `fsync` for the appends of many threads, and appends in flight.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, Instant};

use super::{AuditError, Durability, FileSink, State};

impl FileSink {
    /// Waits until an `fsync` covers `seq`: the first waiter to find none running starts one
    /// for everything written so far; the others wait for it.
    pub(super) fn group_commit(&self, seq: u64) -> Result<u64, AuditError> {
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
}

/// How long a group commit waits for more records in one round.
const GATHER_WINDOW: Duration = Duration::from_micros(20);
/// At most this many rounds (so at most 100 µs added to an `fsync` of about 200 µs).
const GATHER_ROUNDS: usize = 5;

/// Counts an append in flight while it lives.
#[derive(Debug)]
pub(super) struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    pub(super) fn enter(counter: &'a AtomicUsize) -> Self {
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
    pub(super) sink: &'s FileSink,
    pub(super) seq: u64,
    pub(super) _in_flight: InFlight<'s>,
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
