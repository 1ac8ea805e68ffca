//! Telling account owners, through another channel, about security events on their account
//! (TWSE-7.1.k: wrong password or account locked; certificate applied for or renewed; profile
//! changed; login from an unusual source; password reset or reissued).

use std::collections::VecDeque;
use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::auth::alert::{Alert, AlertKind, digest64};
use crate::auth::anomaly::ObservedOutcome;
use crate::auth::anomaly::country::CountryCode;
use crate::auth::anomaly::store::{AnomalyStore as _, MemoryAnomalyStore, WindowKey};
use crate::clock::Clock;

/// An event the owner of an account is told about (TWSE-7.1.k).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OwnerEvent {
    /// A wrong password was entered for the account.
    FailedPassword {
        /// Where the attempt came from.
        source_ip: Option<IpAddr>,
    },
    /// The account was locked after failed attempts.
    Locked {
        /// When it unlocks by itself, if it does.
        #[serde(default, with = "time::serde::rfc3339::option")]
        until: Option<OffsetDateTime>,
    },
    /// A certificate was applied for.
    CertificateApplied,
    /// A certificate was renewed.
    CertificateRenewed,
    /// Personal data on the account changed.
    ProfileChanged {
        /// What changed, in the application's words (`"e-mail"`, `"phone"`); no values.
        field: String,
    },
    /// A successful login from an unusual source.
    UnusualSource {
        /// The source address.
        source_ip: IpAddr,
        /// Its country, if known.
        country: Option<CountryCode>,
        /// The alert that found it unusual.
        reason: AlertKind,
    },
    /// The password was reset (forgotten-password flow).
    PasswordReset,
    /// A new password was issued (by an administrator or by post).
    PasswordReissued,
}

impl OwnerEvent {
    /// The stable code, e.g. `"AUTH-NOTIFY-FAILED-PASSWORD"`.
    pub fn code(&self) -> &'static str {
        match self {
            OwnerEvent::FailedPassword { .. } => "AUTH-NOTIFY-FAILED-PASSWORD",
            OwnerEvent::Locked { .. } => "AUTH-NOTIFY-LOCKED",
            OwnerEvent::CertificateApplied => "AUTH-NOTIFY-CERTIFICATE-APPLIED",
            OwnerEvent::CertificateRenewed => "AUTH-NOTIFY-CERTIFICATE-RENEWED",
            OwnerEvent::ProfileChanged { .. } => "AUTH-NOTIFY-PROFILE-CHANGED",
            OwnerEvent::UnusualSource { .. } => "AUTH-NOTIFY-UNUSUAL-SOURCE",
            OwnerEvent::PasswordReset => "AUTH-NOTIFY-PASSWORD-RESET",
            OwnerEvent::PasswordReissued => "AUTH-NOTIFY-PASSWORD-REISSUED",
        }
    }

    /// The notice in English.
    pub fn message(&self) -> String {
        let tail = "If this was not you, contact us at once.";
        match self {
            OwnerEvent::FailedPassword { source_ip } => match source_ip {
                Some(ip) => {
                    format!("A wrong password was entered for your account from {ip}. {tail}")
                }
                None => format!("A wrong password was entered for your account. {tail}"),
            },
            OwnerEvent::Locked { until } => match until {
                Some(t) => format!(
                    "Your account was locked after failed logins, until {} (UTC). {tail}",
                    fmt_time(*t)
                ),
                None => format!("Your account was locked after failed logins. {tail}"),
            },
            OwnerEvent::CertificateApplied => {
                format!("A certificate was applied for on your account. {tail}")
            }
            OwnerEvent::CertificateRenewed => {
                format!("The certificate of your account was renewed. {tail}")
            }
            OwnerEvent::ProfileChanged { field } => {
                format!(
                    "Your account details were changed ({}). {tail}",
                    clean(field)
                )
            }
            OwnerEvent::UnusualSource {
                source_ip, country, ..
            } => match country {
                Some(c) => format!(
                    "Your account was logged into from an unusual source: {source_ip} ({c}). {tail}"
                ),
                None => format!(
                    "Your account was logged into from an unusual source: {source_ip}. {tail}"
                ),
            },
            OwnerEvent::PasswordReset => format!("The password of your account was reset. {tail}"),
            OwnerEvent::PasswordReissued => {
                format!("A new password was issued for your account. {tail}")
            }
        }
    }

    /// The notice in Traditional Chinese.
    pub fn message_zh(&self) -> String {
        let tail = "若非本人操作，請立即與我們聯絡。";
        match self {
            OwnerEvent::FailedPassword { source_ip } => match source_ip {
                Some(ip) => format!("您的帳號有來自 {ip} 的密碼錯誤登入。{tail}"),
                None => format!("您的帳號有密碼錯誤的登入。{tail}"),
            },
            OwnerEvent::Locked { until } => match until {
                Some(t) => format!(
                    "您的帳號因登入失敗已被鎖定至 {}（UTC）。{tail}",
                    fmt_time(*t)
                ),
                None => format!("您的帳號因登入失敗已被鎖定。{tail}"),
            },
            OwnerEvent::CertificateApplied => format!("您的帳號已申請憑證。{tail}"),
            OwnerEvent::CertificateRenewed => format!("您的帳號憑證已展期。{tail}"),
            OwnerEvent::ProfileChanged { field } => {
                format!("您的帳號基本資料已變更（{}）。{tail}", clean(field))
            }
            OwnerEvent::UnusualSource {
                source_ip, country, ..
            } => match country {
                Some(c) => format!("您的帳號自異常來源登入：{source_ip}（{c}）。{tail}"),
                None => format!("您的帳號自異常來源登入：{source_ip}。{tail}"),
            },
            OwnerEvent::PasswordReset => format!("您的帳號密碼已重設。{tail}"),
            OwnerEvent::PasswordReissued => format!("您的帳號已補發新密碼。{tail}"),
        }
    }

    /// The owner notice an alert calls for, with the account to send it to: a *successful*
    /// login that the detector found unusual (from a blocklisted address or a foreign country,
    /// from a source trying many accounts, from a new country, or outside permitted hours).
    /// Failed attempts are notified by the login flow as [`OwnerEvent::FailedPassword`].
    pub fn for_alert(alert: &Alert) -> Option<(&str, OwnerEvent)> {
        let unusual = matches!(
            alert.kind,
            AlertKind::BlocklistedIp
                | AlertKind::ForeignCountry
                | AlertKind::IpManyAccounts
                | AlertKind::AccountCountries
                | AlertKind::OutsideHours
        );
        if !unusual || alert.outcome != Some(ObservedOutcome::Success) {
            return None;
        }
        let account = alert.account.as_deref()?;
        let source_ip = alert.source_ip?;
        Some((
            account,
            OwnerEvent::UnusualSource {
                source_ip,
                country: alert.countries.last().copied(),
                reason: alert.kind,
            },
        ))
    }
}

fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(time::UtcOffset::UTC).unwrap_or(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// An application-supplied label, cut short and stripped of control characters.
fn clean(field: &str) -> String {
    field.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// Tells account owners about [`OwnerEvent`]s through another channel (TWSE-7.1.k).
///
/// The login flow and the account screens call a [`Notifier`] with an [`OwnerEvent`]; the
/// application's adapter sends it by e-mail, SMS or app push (never on the channel the event
/// happened on, so that a thief holding the session cannot hide it). [`OwnerEvent::message`]
/// and [`OwnerEvent::message_zh`] give ready texts in English and Traditional Chinese.
/// [`RecordingNotifier`] keeps events in memory for tests; [`DedupNotifier`] sends one notice
/// per account and event kind per window, so that a password-guessing flood does not become a
/// flood of e-mails (TXG-24.7.2).
///
/// ```
/// use std::sync::Arc;
/// use time::{Duration, macros::datetime};
/// use twsec::auth::{DedupNotifier, Notifier, OwnerEvent, RecordingNotifier};
/// use twsec::clock::ManualClock;
///
/// let clock = Arc::new(ManualClock::new(datetime!(2026-03-02 09:00 UTC)));
/// let notifier = DedupNotifier::new(RecordingNotifier::new(), Duration::minutes(15), clock.clone());
/// let failed = OwnerEvent::FailedPassword { source_ip: Some("192.0.2.1".parse().unwrap()) };
/// for _ in 0..10 {
///     notifier.notify("amy", &failed);
///     clock.advance(Duration::minutes(1));
/// }
/// notifier.notify("amy", &OwnerEvent::PasswordReset);
/// let sent = notifier.inner().events();
/// assert_eq!(sent.len(), 2);
/// assert!(sent[0].1.message_zh().contains("密碼錯誤"));
/// ```
///
/// Sending must not fail or slow the operation that caused the event: an adapter for e-mail or
/// SMS queues the notice and reports its own delivery failures.
pub trait Notifier: Send + Sync {
    /// Tells the owner of `account` about `event`.
    fn notify(&self, account: &str, event: &OwnerEvent);
}

impl<N: Notifier + ?Sized> Notifier for &N {
    fn notify(&self, account: &str, event: &OwnerEvent) {
        (**self).notify(account, event);
    }
}

impl<N: Notifier + ?Sized> Notifier for Arc<N> {
    fn notify(&self, account: &str, event: &OwnerEvent) {
        (**self).notify(account, event);
    }
}

impl<N: Notifier + ?Sized> Notifier for Box<N> {
    fn notify(&self, account: &str, event: &OwnerEvent) {
        (**self).notify(account, event);
    }
}

/// A notifier that calls a closure (the adapter to a mailer or an SMS gateway).
pub struct NotifyCallback<F>(F);

impl<F: Fn(&str, &OwnerEvent) + Send + Sync> NotifyCallback<F> {
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        Self(f)
    }
}

impl<F: Fn(&str, &OwnerEvent) + Send + Sync> Notifier for NotifyCallback<F> {
    fn notify(&self, account: &str, event: &OwnerEvent) {
        (self.0)(account, event);
    }
}

impl<F> fmt::Debug for NotifyCallback<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotifyCallback").finish_non_exhaustive()
    }
}

/// Default number of notices [`RecordingNotifier::new`] keeps.
pub const DEFAULT_RECORDED_NOTICES: usize = 1024;

/// Keeps the most recent notices in memory, for tests and for an application that polls them.
/// Bounded: past its capacity the oldest notice is dropped and counted.
#[derive(Debug)]
pub struct RecordingNotifier {
    events: Mutex<VecDeque<(String, OwnerEvent)>>,
    capacity: usize,
    dropped: AtomicU64,
}

impl RecordingNotifier {
    /// Keeps up to [`DEFAULT_RECORDED_NOTICES`] notices.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_RECORDED_NOTICES)
    }

    /// Keeps up to `capacity` notices (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            events: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
        }
    }

    /// The notices kept, oldest first, as (account, event).
    pub fn events(&self) -> Vec<(String, OwnerEvent)> {
        self.lock().iter().cloned().collect()
    }

    /// The events kept for `account`, oldest first.
    pub fn events_for(&self, account: &str) -> Vec<OwnerEvent> {
        self.lock()
            .iter()
            .filter(|(a, _)| a == account)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// Removes and returns the notices kept.
    pub fn take(&self) -> Vec<(String, OwnerEvent)> {
        self.lock().drain(..).collect()
    }

    /// Notices dropped because the recorder was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<(String, OwnerEvent)>> {
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for RecordingNotifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&self, account: &str, event: &OwnerEvent) {
        let mut events = self.lock();
        if events.len() >= self.capacity {
            events.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        events.push_back((account.to_owned(), event.clone()));
    }
}

/// Sends one notice per (account, event code) per window to the inner notifier; the rest are
/// dropped. Memory is bounded as in [`MemoryAnomalyStore`].
pub struct DedupNotifier<N> {
    inner: N,
    window: Duration,
    clock: Arc<dyn Clock>,
    seen: MemoryAnomalyStore,
}

impl<N: Notifier> DedupNotifier<N> {
    /// De-duplicates notices to `inner` per `window`, timed by `clock`.
    pub fn new(inner: N, window: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            window,
            clock,
            seen: MemoryAnomalyStore::new(),
        }
    }

    /// The notifier notices go to.
    pub fn inner(&self) -> &N {
        &self.inner
    }
}

impl<N: Notifier> Notifier for DedupNotifier<N> {
    fn notify(&self, account: &str, event: &OwnerEvent) {
        let key = WindowKey::Notified(digest64(
            "notified",
            &[account.as_bytes(), event.code().as_bytes()],
        ));
        if self.seen.claim(key, self.clock.now(), self.window) {
            self.inner.notify(account, event);
        }
    }
}

impl<N> fmt::Debug for DedupNotifier<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DedupNotifier")
            .field("window", &self.window)
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn every_event_has_a_code_and_two_messages() {
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let events = [
            OwnerEvent::FailedPassword {
                source_ip: Some(ip),
            },
            OwnerEvent::FailedPassword { source_ip: None },
            OwnerEvent::Locked {
                until: Some(datetime!(2026-01-01 08:15 +8)),
            },
            OwnerEvent::Locked { until: None },
            OwnerEvent::CertificateApplied,
            OwnerEvent::CertificateRenewed,
            OwnerEvent::ProfileChanged {
                field: "e-mail\n\u{1b}[31m".into(),
            },
            OwnerEvent::UnusualSource {
                source_ip: ip,
                country: Some(CountryCode::TAIWAN),
                reason: AlertKind::AccountCountries,
            },
            OwnerEvent::PasswordReset,
            OwnerEvent::PasswordReissued,
        ];
        for e in &events {
            assert!(e.code().starts_with("AUTH-NOTIFY-"));
            assert!(!e.message().chars().any(char::is_control), "{e:?}");
            assert!(!e.message_zh().chars().any(char::is_control), "{e:?}");
            let json = serde_json::to_string(e).unwrap();
            assert_eq!(&serde_json::from_str::<OwnerEvent>(&json).unwrap(), e);
        }
        assert!(events[2].message().contains("2026-01-01 00:15"));
    }

    #[test]
    fn recorder_is_bounded() {
        let r = RecordingNotifier::with_capacity(2);
        for _ in 0..3 {
            r.notify("amy", &OwnerEvent::PasswordReset);
        }
        assert_eq!(r.events().len(), 2);
        assert_eq!(r.dropped(), 1);
        assert_eq!(r.events_for("amy").len(), 2);
        assert!(r.events_for("ben").is_empty());
        assert_eq!(r.take().len(), 2);
    }
}
