//! Security alerts: what the anomaly detector raises, and where alerts go (TXG-27.2).
//!
//! The alert model; the sinks are in `alert/sink.rs`.

mod sink;

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};

use crate::auth::anomaly::ObservedOutcome;
use crate::auth::anomaly::country::CountryCode;
use crate::control::clause::{self, ClauseId};

pub use sink::{
    AlertCallback, AlertError, AlertFile, AlertSink, DEFAULT_MEMORY_ALERTS, DedupSink,
    MemoryAlertSink,
};

/// How urgent an alert is, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Worth a look in the daily review.
    Notice,
    /// Likely an attack on one account or from one source.
    Warning,
    /// An attack under way; act now.
    High,
    /// A likely compromise (a successful login from a blocklisted source).
    Critical,
}

macro_rules! alert_kinds {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident,
        [$($clause:ident),*], $en:literal, $zh:literal;)*) => {
        /// What an alert is about; each kind has a stable code used in files and audit events.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum AlertKind {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl AlertKind {
            /// Every kind.
            pub const ALL: &'static [AlertKind] = &[$(AlertKind::$variant,)*];

            /// The stable code, e.g. `"AUTH-ANOMALY-IP-MANY-ACCOUNTS"`.
            pub const fn code(self) -> &'static str {
                match self { $(AlertKind::$variant => $code,)* }
            }

            /// The severity the detector gives this kind.
            pub const fn severity(self) -> Severity {
                match self { $(AlertKind::$variant => Severity::$severity,)* }
            }

            /// The register clauses this alert serves.
            pub const fn clauses(self) -> &'static [ClauseId] {
                match self { $(AlertKind::$variant => &[$(clause::$clause),*],)* }
            }

            /// A one-line title in English.
            pub const fn title(self) -> &'static str {
                match self { $(AlertKind::$variant => $en,)* }
            }

            /// A one-line title in Traditional Chinese.
            pub const fn title_zh(self) -> &'static str {
                match self { $(AlertKind::$variant => $zh,)* }
            }
        }
    };
}

alert_kinds! {
    /// One source address tried many distinct accounts in a window (TWSE-7.1.l).
    IpManyAccounts = "AUTH-ANOMALY-IP-MANY-ACCOUNTS", High, [TWSE_7_1_L, TXG_27_2],
        "One source address tried many accounts", "同一來源 IP 嘗試登入多個帳號";
    /// Many distinct accounts failed to log in system-wide in a short time (TWSE-7.1.c.b).
    ManyFailingAccounts = "AUTH-ANOMALY-MANY-FAILING-ACCOUNTS", High,
        [TWSE_7_1_C_B, TXG_27_2, TXG_24_7_2],
        "Many accounts failed to log in in a short time", "短時間內多個帳號登入失敗";
    /// One account reached the wrong-password threshold (TWSE-7.1.c.b: 3 wrong passwords).
    AccountFailures = "AUTH-ANOMALY-ACCOUNT-FAILURES", Warning, [TWSE_7_1_C_B, TXG_27_2],
        "Repeated wrong passwords on one account", "單一帳號連續密碼錯誤";
    /// One account logged in from different countries in a window (TWSE-7.1.l).
    AccountCountries = "AUTH-ANOMALY-ACCOUNT-COUNTRIES", High, [TWSE_7_1_L],
        "One account logged in from different countries", "同一帳號於短期間內自不同國家登入";
    /// A login attempt from a blocklisted address or range (TWSE-7.1.l).
    BlocklistedIp = "AUTH-ANOMALY-BLOCKLISTED-IP", High, [TWSE_7_1_L, TXG_27_2],
        "Login attempt from a blocklisted address", "來自黑名單 IP 的登入嘗試";
    /// A login attempt from a country outside the permitted list (TWSE-7.1.l: foreign IPs).
    ForeignCountry = "AUTH-ANOMALY-FOREIGN-COUNTRY", Warning, [TWSE_7_1_L],
        "Login attempt from a country not permitted", "來自非允許國家的登入嘗試";
    /// A login attempt outside the permitted hours (TWSE-7.1.c.b).
    OutsideHours = "AUTH-ANOMALY-OUTSIDE-HOURS", Warning, [TWSE_7_1_C_B],
        "Login attempt outside permitted hours", "非允許時段的登入嘗試";
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Who or what an alert is about; alerts are de-duplicated per (kind, subject).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Subject {
    /// One source address.
    Ip(IpAddr),
    /// A network, for IPv6 sources grouped by prefix (an attacker holds a whole /64).
    Network {
        /// The network address.
        addr: IpAddr,
        /// Its prefix length.
        prefix: u8,
    },
    /// One account (its name cut to [`MAX_ACCOUNT_CHARS`]).
    Account(String),
    /// The whole system.
    System,
}

/// Account names in alerts are cut to this many characters, so that an attacker cannot make
/// alert records large.
pub const MAX_ACCOUNT_CHARS: usize = 128;

pub(crate) fn cut_account(account: &str) -> String {
    match account.char_indices().nth(MAX_ACCOUNT_CHARS) {
        Some((end, _)) => account[..end].to_owned(),
        None => account.to_owned(),
    }
}

/// A 64-bit digest of labelled parts, the same in every process (store keys and members).
pub(crate) fn digest64(label: &str, parts: &[&[u8]]) -> u64 {
    let mut h = Sha256::new();
    h.update(label.as_bytes());
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    let out = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&out[..8]);
    u64::from_be_bytes(first)
}

impl Subject {
    /// A digest of the subject, stable across processes (the de-duplication key).
    pub fn digest(&self) -> u64 {
        match self {
            Subject::Ip(ip) => digest64("ip", &[ip.to_string().as_bytes()]),
            Subject::Network { addr, prefix } => {
                digest64("network", &[addr.to_string().as_bytes(), &[*prefix]])
            }
            Subject::Account(a) => digest64("account", &[a.as_bytes()]),
            Subject::System => digest64("system", &[]),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Ip(ip) => write!(f, "ip {ip}"),
            Subject::Network { addr, prefix } => write!(f, "network {addr}/{prefix}"),
            Subject::Account(a) => write!(f, "account {a:?}"),
            Subject::System => f.write_str("system"),
        }
    }
}

/// One alert, serialised as one JSON object (one line of an [`AlertFile`]).
///
/// ```
/// use time::{Duration, macros::datetime};
/// use twsec::auth::{Alert, AlertKind, Subject};
///
/// let alert = Alert::new(
///     AlertKind::IpManyAccounts,
///     Subject::Ip("192.0.2.7".parse().unwrap()),
///     datetime!(2026-03-02 01:30 UTC),
/// )
/// .with_counts(Duration::minutes(10), 5, 5);
/// let json = serde_json::to_string(&alert).unwrap();
/// assert!(json.contains(r#""kind":"AUTH-ANOMALY-IP-MANY-ACCOUNTS""#));
/// assert!(json.contains(r#""window_secs":600"#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alert {
    /// What happened.
    pub kind: AlertKind,
    /// How urgent it is.
    pub severity: Severity,
    /// Who or what it is about.
    pub subject: Subject,
    /// When it was raised (the time of the observation that crossed the threshold).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The window the count is over; zero for a single event (blocklist, hours, country).
    #[serde(rename = "window_secs", with = "seconds")]
    pub window: Duration,
    /// What was counted in the window (distinct accounts, failures, countries).
    pub count: u32,
    /// The threshold the count reached.
    pub threshold: u32,
    /// The account of the observation that raised it (cut to [`MAX_ACCOUNT_CHARS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The source address of the observation that raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<IpAddr>,
    /// The outcome of the observation that raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ObservedOutcome>,
    /// Countries involved (for the country alerts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<CountryCode>,
}

impl Alert {
    /// An alert of `kind` about `subject` at `at`, with the kind's severity and no counts.
    pub fn new(kind: AlertKind, subject: Subject, at: OffsetDateTime) -> Self {
        Self {
            kind,
            severity: kind.severity(),
            subject,
            at,
            window: Duration::ZERO,
            count: 0,
            threshold: 0,
            account: None,
            source_ip: None,
            outcome: None,
            countries: Vec::new(),
        }
    }

    /// Sets the window, the count and the threshold.
    pub fn with_counts(mut self, window: Duration, count: u32, threshold: u32) -> Self {
        self.window = window;
        self.count = count;
        self.threshold = threshold;
        self
    }

    /// Sets the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sets the observation's account (cut to [`MAX_ACCOUNT_CHARS`]), address and outcome.
    pub fn with_observation(mut self, account: &str, ip: IpAddr, outcome: ObservedOutcome) -> Self {
        self.account = Some(cut_account(account));
        self.source_ip = Some(ip);
        self.outcome = Some(outcome);
        self
    }

    /// Sets the countries involved.
    pub fn with_countries(mut self, countries: Vec<CountryCode>) -> Self {
        self.countries = countries;
        self
    }
}

mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Duration;

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.whole_seconds())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        i64::deserialize(d).map(Duration::seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn codes_are_stable_and_unique() {
        let codes: std::collections::BTreeSet<_> =
            AlertKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), AlertKind::ALL.len());
        for k in AlertKind::ALL {
            assert!(k.code().starts_with("AUTH-ANOMALY-"));
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.code())
            );
            assert!(!k.clauses().is_empty());
        }
    }

    #[test]
    fn alerts_round_trip_and_cut_long_accounts() {
        let long = "a".repeat(10_000);
        let alert = Alert::new(
            AlertKind::AccountCountries,
            Subject::Account(cut_account(&long)),
            datetime!(2026-01-01 00:00 UTC),
        )
        .with_counts(Duration::days(1), 2, 2)
        .with_observation(
            &long,
            "2001:db8::1".parse().unwrap(),
            ObservedOutcome::Success,
        )
        .with_countries(vec![CountryCode::TAIWAN, "JP".parse().unwrap()]);
        assert_eq!(alert.account.as_ref().unwrap().len(), MAX_ACCOUNT_CHARS);
        let json = serde_json::to_string(&alert).unwrap();
        assert!(!json.contains('\n'));
        assert_eq!(serde_json::from_str::<Alert>(&json).unwrap(), alert);
        assert_eq!(cut_account("帳號"), "帳號");
        assert_ne!(
            Subject::System.digest(),
            Subject::Account(String::new()).digest()
        );
    }
}
