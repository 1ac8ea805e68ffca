//! A bounded pool of hashing threads: [`Hasher`].
//!
//! Argon2 is deliberately slow and memory-hungry, so hashing runs on a fixed number of worker
//! threads owned by the [`Hasher`]: at most `workers` hashes run at once (peak memory
//! `workers × m_cost`), further requests wait in a bounded queue, and a full queue is refused with
//! [`HashError::Overloaded`] instead of growing without limit. The async methods never block the
//! executor thread: they hand the work to the pool and await a one-shot reply.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use super::hash::{Engine, HashError, HashParams, PasswordHash, Pepper, Scratch, Verification};

type Job = Box<dyn FnOnce(&Engine, &mut Scratch) + Send>;

/// How to build a [`Hasher`].
///
/// # Defaults
/// | field | default |
/// |---|---|
/// | `params` | [`HashParams::default`] (argon2id m = 19 MiB, t = 2, p = 1) |
/// | `workers` | the number of CPUs, at most [`HasherConfig::DEFAULT_MAX_WORKERS`] |
/// | `queue` | [`HasherConfig::DEFAULT_QUEUE`] waiting requests |
/// | `pepper` | none |
#[derive(Debug)]
#[non_exhaustive]
pub struct HasherConfig {
    /// Cost parameters of new hashes.
    pub params: HashParams,
    /// Concurrent hashes (threads); memory peaks at `workers × params.m_cost_kib` KiB.
    pub workers: usize,
    /// Requests that may wait for a worker before [`HashError::Overloaded`].
    pub queue: usize,
    /// The pepper used for new hashes.
    pub pepper: Option<Pepper>,
    /// Earlier peppers, still accepted for verification (the hash then `needs_rehash`).
    pub retired_peppers: Vec<Pepper>,
}

impl HasherConfig {
    /// Default cap of worker threads.
    pub const DEFAULT_MAX_WORKERS: usize = 8;
    /// Default queue length.
    pub const DEFAULT_QUEUE: usize = 1024;

    /// Defaults with the given parameters.
    pub fn new(params: HashParams) -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self {
            params,
            workers: cpus.min(Self::DEFAULT_MAX_WORKERS),
            queue: Self::DEFAULT_QUEUE,
            pepper: None,
            retired_peppers: Vec::new(),
        }
    }

    /// Sets the active pepper.
    #[must_use]
    pub fn pepper(mut self, pepper: Pepper) -> Self {
        self.pepper = Some(pepper);
        self
    }

    /// Sets the number of workers.
    #[must_use]
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }
}

impl Default for HasherConfig {
    fn default() -> Self {
        Self::new(HashParams::default())
    }
}

/// Argon2id hashing and verification on a bounded worker pool. Cheap to clone (shared pool).
///
/// ```
/// use twsec::password::{Hasher, HasherConfig};
///
/// let hasher = Hasher::new(HasherConfig::default())?;
/// let hash = hasher.hash("correct horse battery staple")?;
/// assert!(hash.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
/// assert!(hasher.verify("correct horse battery staple", &hash)?.is_match());
/// // Full-width input from a Chinese IME verifies against its half-width form (NFKC).
/// let hash = hasher.hash("Ｐａｓｓ１２３")?;
/// assert!(hasher.verify("Pass123", &hash)?.is_match());
/// # Ok::<(), twsec::password::HashError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Hasher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    engine: Arc<Engine>,
    jobs: SyncSender<Job>,
    workers: usize,
}

fn worker(engine: Arc<Engine>, jobs: Arc<Mutex<Receiver<Job>>>) {
    let mut scratch = Scratch::default();
    loop {
        let job = {
            let rx = jobs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            rx.recv()
        };
        match job {
            Ok(job) => job(&engine, &mut scratch),
            // The Hasher was dropped: no more work will come.
            Err(_) => return,
        }
    }
}

impl Hasher {
    /// Starts the worker threads.
    pub fn new(config: HasherConfig) -> Result<Self, HashError> {
        if config.workers == 0 || config.workers > 256 {
            return Err(HashError::InvalidConfig("workers must be 1..=256"));
        }
        let engine = Arc::new(Engine::new(
            config.params,
            config.pepper,
            config.retired_peppers,
        )?);
        let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(config.queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..config.workers {
            let (e, r) = (Arc::clone(&engine), Arc::clone(&rx));
            std::thread::Builder::new()
                .name(format!("twsec-hash-{i}"))
                .spawn(move || worker(e, r))
                .map_err(|_| HashError::InvalidConfig("cannot start hashing threads"))?;
        }
        Ok(Self {
            inner: Arc::new(Inner {
                engine,
                jobs: tx,
                workers: config.workers,
            }),
        })
    }

    /// Number of concurrent hashes.
    pub fn workers(&self) -> usize {
        self.inner.workers
    }

    fn submit<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine, &mut Scratch) -> T + Send + 'static,
    ) -> Result<oneshot::Receiver<T>, HashError> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |engine, scratch| {
            // The caller may have given up (a dropped future); nothing to do then.
            let _ = tx.send(f(engine, scratch));
        });
        match self.inner.jobs.try_send(job) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_)) => Err(HashError::Overloaded),
            Err(TrySendError::Disconnected(_)) => Err(HashError::WorkerGone),
        }
    }

    fn secret(password: &str) -> Zeroizing<String> {
        Zeroizing::new(password.to_owned())
    }

    /// Hashes a password (blocking the calling thread until a worker has done it).
    pub fn hash(&self, password: &str) -> Result<PasswordHash, HashError> {
        let pw = Self::secret(password);
        let rx = self.submit(move |e, s| e.hash(&pw, s))?;
        rx.recv().map_err(|_| HashError::WorkerGone)?
    }

    /// Hashes a password without blocking an async executor.
    pub async fn hash_async(&self, password: &str) -> Result<PasswordHash, HashError> {
        let pw = Self::secret(password);
        let rx = self.submit(move |e, s| e.hash(&pw, s))?;
        rx.await.map_err(|_| HashError::WorkerGone)?
    }

    /// Verifies a password against a stored hash (blocking).
    pub fn verify(&self, password: &str, hash: &PasswordHash) -> Result<Verification, HashError> {
        let (pw, h) = (Self::secret(password), hash.clone());
        let rx = self.submit(move |e, s| e.verify(&pw, &h, s))?;
        rx.recv().map_err(|_| HashError::WorkerGone)?
    }

    /// Verifies a password without blocking an async executor.
    pub async fn verify_async(
        &self,
        password: &str,
        hash: &PasswordHash,
    ) -> Result<Verification, HashError> {
        let (pw, h) = (Self::secret(password), hash.clone());
        let rx = self.submit(move |e, s| e.verify(&pw, &h, s))?;
        rx.await.map_err(|_| HashError::WorkerGone)?
    }

    /// `true` if the password matches any of `hashes` (history check); every hash is tried.
    pub fn matches_any(&self, password: &str, hashes: &[PasswordHash]) -> Result<bool, HashError> {
        let (pw, hs) = (Self::secret(password), hashes.to_vec());
        let rx = self.submit(move |e, s| e.matches_any(&pw, &hs, s))?;
        rx.recv().map_err(|_| HashError::WorkerGone)
    }

    /// `true` when `hash` is weaker than what this hasher produces now (parameters, variant,
    /// pepper); cheap, no hashing.
    pub fn needs_rehash(&self, hash: &PasswordHash) -> Result<bool, HashError> {
        self.inner.engine.needs_rehash(hash)
    }

    /// The parameters of new hashes.
    pub fn params(&self) -> HashParams {
        self.inner.engine.params()
    }
}
