//! Where alerts go: the [`AlertSink`] trait and the embedded sinks.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use time::Duration;

use super::Alert;
use crate::auth::anomaly::store::{AnomalyStore as _, MemoryAnomalyStore, WindowKey};

/// Receives alerts (TXG-27.2: "alert file, e-mail, console, SNMP, run a program").
///
/// An [`Alert`] names its [`AlertKind`](crate::auth::AlertKind) by a stable code
/// (`AUTH-ANOMALY-IP-MANY-ACCOUNTS`), its [`Subject`](crate::auth::Subject) (an address, an
/// account, or the whole system), the window and counts behind it, the time and a
/// [`Severity`](crate::auth::Severity). The crate's sinks are a JSON Lines file
/// ([`AlertFile`]), a closure ([`AlertCallback`]) and memory ([`MemoryAlertSink`]). E-mail, an
/// SNMP trap, the console or running a program are adapters the application writes: each is a
/// few lines around [`AlertSink::alert`], usually an [`AlertCallback`] that queues the alert for
/// a sender thread. [`DedupSink`] lets one alert per (kind, subject) through per window, for
/// alerts raised outside the [`AnomalyDetector`](crate::auth::AnomalyDetector), which
/// de-duplicates its own.
///
/// Delivery must not fail the login that raised the alert, so the method returns nothing: a
/// sink that can fail keeps its own record of failures (as [`AlertFile::failures`] does) or
/// falls back to another channel. It is called on the login path, so an adapter to a slow
/// channel (SMTP, SNMP, a program) should hand the alert to a queue or a thread of its own.
///
/// Implemented for closures through [`AlertCallback`], for `&S`, `Arc<S>`, `Box<S>`, and for
/// slices and `Vec`s of sinks (each gets every alert).
pub trait AlertSink: Send + Sync {
    /// Delivers one alert.
    fn alert(&self, alert: &Alert);
}

impl<S: AlertSink + ?Sized> AlertSink for &S {
    fn alert(&self, alert: &Alert) {
        (**self).alert(alert);
    }
}

impl<S: AlertSink + ?Sized> AlertSink for std::sync::Arc<S> {
    fn alert(&self, alert: &Alert) {
        (**self).alert(alert);
    }
}

impl<S: AlertSink + ?Sized> AlertSink for Box<S> {
    fn alert(&self, alert: &Alert) {
        (**self).alert(alert);
    }
}

impl<S: AlertSink> AlertSink for [S] {
    fn alert(&self, alert: &Alert) {
        for sink in self {
            sink.alert(alert);
        }
    }
}

impl<S: AlertSink> AlertSink for Vec<S> {
    fn alert(&self, alert: &Alert) {
        self.as_slice().alert(alert);
    }
}

/// An alert sink that calls a closure: the adapter for e-mail, SNMP, a console or a program.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use twsec::auth::{AlertCallback, AlertSink};
///
/// let seen = AtomicUsize::new(0);
/// let sink = AlertCallback::new(|alert| {
///     // e.g. queue an e-mail to the security officer with alert.kind.title_zh()
///     let _ = alert;
///     seen.fetch_add(1, Ordering::Relaxed);
/// });
/// # let _ = &sink as &dyn AlertSink;
/// ```
pub struct AlertCallback<F>(F);

impl<F: Fn(&Alert) + Send + Sync> AlertCallback<F> {
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        Self(f)
    }
}

impl<F: Fn(&Alert) + Send + Sync> AlertSink for AlertCallback<F> {
    fn alert(&self, alert: &Alert) {
        (self.0)(alert);
    }
}

impl<F> std::fmt::Debug for AlertCallback<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertCallback").finish_non_exhaustive()
    }
}

/// Failure to write an alert file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AlertError {
    /// The file could not be opened or written.
    #[error("alert file: {0}")]
    Io(String),
}

impl From<std::io::Error> for AlertError {
    fn from(e: std::io::Error) -> Self {
        AlertError::Io(e.to_string())
    }
}

/// The alert file of TXG-27.2: JSON Lines, one [`Alert`] per line, opened for appending and
/// created with mode 0600 (owner only) on Unix. Each alert is written with one `write` and
/// synced to disk before [`AlertFile::append`] returns (alerts are rare once de-duplicated).
///
/// ```
/// use time::macros::datetime;
/// use twsec::auth::{Alert, AlertFile, AlertKind, AlertSink, Subject};
///
/// let dir = tempfile::tempdir()?;
/// let file = AlertFile::open(&dir.path().join("alerts.jsonl"))?;
/// file.alert(&Alert::new(AlertKind::BlocklistedIp, Subject::System, datetime!(2026-01-01 0:00 UTC)));
/// assert_eq!(file.failures(), 0);
/// let text = std::fs::read_to_string(file.path())?;
/// assert_eq!(text.lines().count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AlertFile {
    path: PathBuf,
    file: Mutex<File>,
    failures: AtomicU64,
}

impl AlertFile {
    /// Opens `path` for appending, creating it with mode 0600 if it does not exist (an existing
    /// file keeps its mode).
    pub fn open(path: &Path) -> Result<Self, AlertError> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
            failures: AtomicU64::new(0),
        })
    }

    /// Appends `alert` as one line and syncs it.
    pub fn append(&self, alert: &Alert) -> Result<(), AlertError> {
        let mut line = serde_json::to_vec(alert).map_err(|e| AlertError::Io(e.to_string()))?;
        line.push(b'\n');
        // One writer at a time, so that lines never interleave.
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.write_all(&line)?;
        file.sync_data()?;
        Ok(())
    }

    /// Alerts that [`AlertSink::alert`] failed to write since the file was opened.
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AlertSink for AlertFile {
    fn alert(&self, alert: &Alert) {
        if self.append(alert).is_err() {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Default number of alerts [`MemoryAlertSink::new`] keeps.
pub const DEFAULT_MEMORY_ALERTS: usize = 1024;

/// Keeps the most recent alerts in memory: for tests, and for an application's console or
/// health page. Bounded: past its capacity the oldest alert is dropped and counted.
#[derive(Debug)]
pub struct MemoryAlertSink {
    alerts: Mutex<VecDeque<Alert>>,
    capacity: usize,
    dropped: AtomicU64,
}

impl MemoryAlertSink {
    /// Keeps up to [`DEFAULT_MEMORY_ALERTS`] alerts.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_MEMORY_ALERTS)
    }

    /// Keeps up to `capacity` alerts (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            alerts: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
        }
    }

    /// The alerts kept, oldest first.
    pub fn alerts(&self) -> Vec<Alert> {
        self.lock().iter().cloned().collect()
    }

    /// Removes and returns the alerts kept, oldest first.
    pub fn take(&self) -> Vec<Alert> {
        self.lock().drain(..).collect()
    }

    /// Alerts dropped because the sink was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Alert>> {
        self.alerts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for MemoryAlertSink {
    fn default() -> Self {
        Self::new()
    }
}

impl AlertSink for MemoryAlertSink {
    fn alert(&self, alert: &Alert) {
        let mut alerts = self.lock();
        if alerts.len() >= self.capacity {
            alerts.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        alerts.push_back(alert.clone());
    }
}

/// Lets one alert per (kind, subject) through to the inner sink per window, measured on
/// [`Alert::at`]: a flood becomes one alert per window. Memory is bounded as in
/// [`MemoryAnomalyStore`].
///
/// [`AnomalyDetector`](crate::auth::AnomalyDetector) already de-duplicates what it returns;
/// this wrapper is for alerts an application raises itself, or for a sink shared by several
/// detectors.
///
/// ```
/// use time::{Duration, macros::datetime};
/// use twsec::auth::{Alert, AlertKind, AlertSink, DedupSink, MemoryAlertSink, Subject};
///
/// let sink = DedupSink::new(MemoryAlertSink::new(), Duration::minutes(10));
/// let at = datetime!(2026-01-01 00:00 UTC);
/// for minute in 0..30 {
///     let a = Alert::new(AlertKind::ManyFailingAccounts, Subject::System, at + Duration::minutes(minute));
///     sink.alert(&a);
/// }
/// assert_eq!(sink.inner().alerts().len(), 3);
/// ```
pub struct DedupSink<S> {
    inner: S,
    window: Duration,
    seen: MemoryAnomalyStore,
}

impl<S: AlertSink> DedupSink<S> {
    /// De-duplicates alerts to `inner` per `window`.
    pub fn new(inner: S, window: Duration) -> Self {
        Self {
            inner,
            window,
            seen: MemoryAnomalyStore::new(),
        }
    }

    /// The sink alerts go to.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S: AlertSink> AlertSink for DedupSink<S> {
    fn alert(&self, alert: &Alert) {
        let key = WindowKey::Raised {
            kind: alert.kind,
            subject: alert.subject.digest(),
        };
        if self.seen.claim(key, alert.at, self.window) {
            self.inner.alert(alert);
        }
    }
}

impl<S> std::fmt::Debug for DedupSink<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupSink")
            .field("window", &self.window)
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::alert::{AlertKind, Subject};
    use time::macros::datetime;

    #[test]
    fn memory_sink_is_bounded() {
        let sink = MemoryAlertSink::with_capacity(2);
        for minute in 0..5 {
            sink.alert(&Alert::new(
                AlertKind::OutsideHours,
                Subject::System,
                datetime!(2026-01-01 00:00 UTC) + Duration::minutes(minute),
            ));
        }
        assert_eq!(sink.alerts().len(), 2);
        assert_eq!(sink.dropped(), 3);
        assert_eq!(sink.take().len(), 2);
        assert!(sink.alerts().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn alert_file_is_owner_only_and_appends() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alerts.jsonl");
        let a = Alert::new(
            AlertKind::BlocklistedIp,
            Subject::Ip("192.0.2.1".parse().unwrap()),
            datetime!(2026-01-01 00:00 UTC),
        );
        AlertFile::open(&path).unwrap().alert(&a);
        let file = AlertFile::open(&path).unwrap();
        file.alert(&a);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for line in lines {
            assert_eq!(serde_json::from_str::<Alert>(line).unwrap(), a);
        }
    }
}
