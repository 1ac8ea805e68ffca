//! Chunks encrypted or decrypted in parallel and handed on in order.
//!
//! STREAM chunks are independent given their positions. The calling thread reads each chunk and
//! hands it to the [`Pipeline`]; worker threads encrypt or decrypt it in place; the calling
//! thread takes the results back in order and writes them. Whenever it would wait for a result,
//! the calling thread runs a queued chunk itself, so all threads (the caller and the workers:
//! the available parallelism, at most [`MAX_THREADS`]) stay busy, and the reading and writing,
//! which only the caller can do, overlap with the encryption.
//!
//! Memory stays bounded: at most [`PIPELINE_BYTES`] of chunk buffers per pipeline. With chunks
//! too large for two buffers in that room, or a single CPU, each chunk is handled at once on the
//! calling thread, one at a time, as before.
//!
//! The workers start with the first chunk and are stopped and joined when the [`Pipeline`] is
//! dropped: no thread outlives the backup operation.

use std::collections::VecDeque;
use std::num::NonZero;
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::thread::JoinHandle;

use zeroize::Zeroizing;

/// Most bytes of chunk buffers (each a chunk and its tag) a pipeline uses.
pub(super) const PIPELINE_BYTES: usize = 6 * 1024 * 1024;
/// Most threads working on one pipeline: the caller and up to three workers.
const MAX_THREADS: usize = 4;
/// Chunks in flight per thread: enough that no thread waits for work while the caller reads and
/// writes, few enough that the chunks in flight stay in the CPU caches.
const CHUNKS_PER_THREAD: usize = 2;

/// A chunk buffer: a chunk and its tag, wiped on drop.
pub(super) type Buffer = Zeroizing<Vec<u8>>;

#[cfg(test)]
thread_local! {
    /// Unit tests: (most chunks in flight, worker threads) to use on this thread instead of the
    /// defaults; `(0, 0)` handles each chunk at once on the calling thread.
    pub(super) static TEST_LIMITS: std::cell::Cell<Option<(usize, usize)>> =
        const { std::cell::Cell::new(None) };
}

/// Threads to work on a pipeline, the caller included: the available parallelism, at most
/// [`MAX_THREADS`]; asked once (it reads the CPU affinity and cgroup quota).
fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, NonZero::get)
            .min(MAX_THREADS)
    })
}

type Job = Box<dyn FnOnce() + Send>;

/// Runs a job on each chunk buffer, in parallel, and hands the results back in order.
pub(super) struct Pipeline<R> {
    /// Capacity of each buffer: a chunk and its tag.
    frame: usize,
    /// Most chunks in flight; 0 when chunks are handled on the calling thread.
    limit: usize,
    /// Worker threads to start.
    workers_wanted: usize,
    /// Jobs for the workers, once started.
    jobs: Option<mpsc::Sender<Job>>,
    /// The workers' end of `jobs`, for the calling thread to take a job while it would wait.
    queue: Option<Arc<Mutex<mpsc::Receiver<Job>>>>,
    workers: Vec<JoinHandle<()>>,
    /// The chunks pushed and not yet handed back, oldest first: each one's buffer and result
    /// arrive on its own channel when done.
    pending: VecDeque<mpsc::Receiver<(Buffer, R)>>,
    /// Buffers handed back, for the next chunks.
    free: Vec<Buffer>,
}

impl<R: Send + 'static> Pipeline<R> {
    /// A pipeline for chunks of up to `frame` bytes (with their tags).
    pub(super) fn new(frame: usize) -> Self {
        // One more buffer is being filled while these are in flight.
        let limits = (
            (PIPELINE_BYTES / frame.max(1))
                .saturating_sub(1)
                .min(CHUNKS_PER_THREAD * threads()),
            threads() - 1,
        );
        #[cfg(test)]
        let limits = TEST_LIMITS.get().unwrap_or(limits);
        let (mut limit, workers) = limits;
        if workers == 0 {
            limit = 0;
        }
        Self {
            frame,
            limit,
            workers_wanted: workers,
            jobs: None,
            queue: None,
            workers: Vec::new(),
            pending: VecDeque::new(),
            free: Vec::new(),
        }
    }

    /// An empty buffer with room for a chunk and its tag.
    pub(super) fn buffer(&mut self) -> Buffer {
        // Allocated once at full size: a buffer that grew would leave copies of its contents
        // behind, unwiped.
        self.free
            .pop()
            .unwrap_or_else(|| Zeroizing::new(Vec::with_capacity(self.frame)))
    }

    /// Gives back a buffer that [`next`](Self::next) returned, for the next chunks.
    pub(super) fn recycle(&mut self, mut buf: Buffer) {
        buf.clear();
        self.free.push(buf);
    }

    /// Runs `work` on the chunk in `buf`: on a worker thread, or at once when chunks are handled
    /// on the calling thread.
    pub(super) fn push(
        &mut self,
        mut buf: Buffer,
        work: impl FnOnce(&mut Vec<u8>) -> R + Send + 'static,
    ) {
        let (done, result) = mpsc::sync_channel(1);
        let job = move || {
            let r = work(&mut buf);
            // The receiver is gone only if the pipeline was dropped (after an error).
            done.send((buf, r)).ok();
        };
        match self.jobs() {
            Some(jobs) => {
                if let Err(mpsc::SendError(job)) = jobs.send(Box::new(job)) {
                    // Not while `queue` holds the receiving end; run it here all the same.
                    job();
                }
            }
            None => job(),
        }
        self.pending.push_back(result);
    }

    /// The sender of jobs, starting the workers on first use; `None` when chunks are handled
    /// on the calling thread.
    fn jobs(&mut self) -> Option<&mpsc::Sender<Job>> {
        if self.limit > 0 && self.jobs.is_none() {
            let (sender, receiver) = mpsc::channel::<Job>();
            let receiver = Arc::new(Mutex::new(receiver));
            for _ in 0..self.workers_wanted {
                let receiver = Arc::clone(&receiver);
                let worker = std::thread::Builder::new()
                    .name("twsec-backup".to_owned())
                    .spawn(move || {
                        loop {
                            // The lock is held only while waiting for a job.
                            let job = match receiver.lock() {
                                Ok(jobs) => jobs.recv(),
                                Err(_) => return,
                            };
                            match job {
                                Ok(job) => job(),
                                Err(_) => return,
                            }
                        }
                    });
                match worker {
                    Ok(worker) => self.workers.push(worker),
                    Err(_) => break,
                }
            }
            if self.workers.is_empty() {
                // No thread could be started: handle chunks here.
                self.limit = 0;
            } else {
                self.jobs = Some(sender);
                self.queue = Some(receiver);
            }
        }
        self.jobs.as_ref()
    }

    /// The oldest chunk and its result, once done. Waits for it when `drain` is set or too many
    /// chunks are in flight; otherwise returns `None` unless it is already done. `None` when no
    /// chunk is pending.
    pub(super) fn next(&mut self, drain: bool) -> Option<(Buffer, R)> {
        let wait = drain || self.pending.len() > self.limit;
        let result = self.pending.front()?;
        let done = if wait {
            loop {
                match result.try_recv() {
                    Ok(done) => break Some(done),
                    Err(mpsc::TryRecvError::Disconnected) => break None,
                    Err(mpsc::TryRecvError::Empty) => {}
                }
                // Rather than wait, run a queued job here (perhaps this very chunk's).
                let job = self
                    .queue
                    .as_ref()
                    .and_then(|queue| queue.try_lock().ok()?.try_recv().ok());
                match job {
                    Some(job) => job(),
                    None => break result.recv().ok(),
                }
            }
        } else {
            match result.try_recv() {
                Ok(done) => Some(done),
                Err(mpsc::TryRecvError::Empty) => return None,
                Err(mpsc::TryRecvError::Disconnected) => None,
            }
        };
        self.pending.pop_front();
        if done.is_none() {
            // Its worker panicked: raise the panic here.
            self.stop();
        }
        Some(done.expect("a backup worker thread stopped without a result"))
    }
}

impl<R> Pipeline<R> {
    /// Stops the workers once they have run the jobs already sent, and joins them, raising a
    /// worker's panic (unless this thread is already panicking).
    fn stop(&mut self) {
        self.jobs = None;
        for worker in self.workers.drain(..) {
            if let Err(panic) = worker.join()
                && !std::thread::panicking()
            {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

impl<R> Drop for Pipeline<R> {
    fn drop(&mut self) {
        self.stop();
    }
}
