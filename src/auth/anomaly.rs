//! Anomaly detection on logins (TWSE-7.1.c.b, TWSE-7.1.l, TXG-27.2, TXG-24.7.2).
//!
//! The detector itself: observations in, de-duplicated alerts out. The public overview is on
//! [`AnomalyDetector`].

pub(crate) mod country;
mod hours;
mod policy;
pub(crate) mod store;

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::auth::alert::{Alert, AlertKind, AlertSink, Severity, Subject, cut_account, digest64};
use crate::auth::blocklist::Blocklist;
use crate::clock::Clock;

pub use country::{CountryCode, CountryCodeError, CountryResolver};
pub use hours::{MAX_RANGES_PER_DAY, ScheduleError, TAIPEI, WeeklySchedule};
pub use policy::{
    AnomalyPolicy, AnomalyPolicyError, Counted, MAX_THRESHOLD, MAX_WINDOW, MIN_DISTINCT_THRESHOLD,
    WindowRule,
};
pub use store::{
    AnomalyStore, DEFAULT_MAX_TRACKED_KEYS, MAX_MEMBERS_PER_KEY, MIN_TRACKED_KEYS,
    MemoryAnomalyStore, WindowKey,
};

/// The outcome of a login attempt. Closed on purpose: an attempt that is neither (a challenge
/// still pending) is observed once it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservedOutcome {
    /// The credentials were accepted.
    Success,
    /// The credentials were refused (wrong password, unknown account, locked account).
    Failure,
}

/// One login attempt, as the detector sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Observation<'a> {
    /// The account named in the attempt (existing or not), as the login flow normalised it.
    pub account: &'a str,
    /// The source address.
    pub ip: IpAddr,
    /// Whether it succeeded.
    pub outcome: ObservedOutcome,
    /// When it happened.
    pub at: OffsetDateTime,
    /// The source's country, if the application knows it; otherwise the detector asks its
    /// [`CountryResolver`].
    pub country: Option<CountryCode>,
}

impl<'a> Observation<'a> {
    /// An attempt on `account` from `ip` now, by `clock`.
    pub fn new(account: &'a str, ip: IpAddr, outcome: ObservedOutcome, clock: &dyn Clock) -> Self {
        Self {
            account,
            ip,
            outcome,
            at: clock.now(),
            country: None,
        }
    }

    /// Sets the source's country.
    pub fn with_country(mut self, country: CountryCode) -> Self {
        self.country = Some(country);
        self
    }

    /// Sets the time (replaying a log).
    pub fn observed_at(mut self, at: OffsetDateTime) -> Self {
        self.at = at;
        self
    }
}

/// Detects login anomalies and raises de-duplicated alerts (TWSE-7.1.c.b, TWSE-7.1.l,
/// TXG-27.2, TXG-24.7.2).
///
/// A detector is an [`AnomalyPolicy`] plus state in an [`AnomalyStore`]. The login
/// flow feeds it one [`Observation`] per attempt (account, source address, outcome, time from
/// the injected [`Clock`], optional country) and gets back the [`Alert`]s that observation
/// raised, already de-duplicated per (kind, subject) per [`AnomalyPolicy::dedup_window`]:
///
/// | alert | when |
/// |---|---|
/// | `AUTH-ANOMALY-IP-MANY-ACCOUNTS` | one source tries ≥ N distinct accounts in a window |
/// | `AUTH-ANOMALY-MANY-FAILING-ACCOUNTS` | ≥ N distinct accounts fail system-wide in a window |
/// | `AUTH-ANOMALY-ACCOUNT-FAILURES` | one account fails N times in a window ("3 wrong passwords") |
/// | `AUTH-ANOMALY-ACCOUNT-COUNTRIES` | one account logs in from ≥ N countries in a window |
/// | `AUTH-ANOMALY-BLOCKLISTED-IP` | any attempt from a [`Blocklist`]ed address or range |
/// | `AUTH-ANOMALY-FOREIGN-COUNTRY` | an attempt from a country outside the permitted list |
/// | `AUTH-ANOMALY-OUTSIDE-HOURS` | an attempt outside the [`WeeklySchedule`] (Taiwan time) |
///
/// Countries come from the observation or from the application's [`CountryResolver`].
/// The detector is `Send + Sync`: share one (in an `Arc`) between all request threads.
///
/// In a login flow: after the attempt is decided, call [`AnomalyDetector::observe_to`] with the
/// application's [`AlertSink`]; for each alert returned, [`OwnerEvent::for_alert`] says whether
/// the account's owner is to be told (TWSE-7.1.k).
///
/// [`OwnerEvent::for_alert`]: crate::auth::OwnerEvent::for_alert
///
/// ```
/// use std::sync::Arc;
/// use time::{Duration, macros::datetime};
/// use twsec::auth::{
///     AlertKind, AnomalyDetector, AnomalyPolicy, Blocklist, ObservedOutcome, MemoryAlertSink,
///     Observation,
/// };
/// use twsec::clock::ManualClock;
///
/// let clock = ManualClock::new(datetime!(2026-03-02 09:00 +8));
/// let detector = AnomalyDetector::new(AnomalyPolicy::default())?
///     .with_blocklist(Blocklist::parse("203.0.113.0/24\n")?);
/// let alerts = MemoryAlertSink::new();
///
/// // One address tries five accounts within ten minutes.
/// let ip = "198.51.100.20".parse()?;
/// for user in ["amy", "ben", "cai", "dan", "eve"] {
///     let seen = Observation::new(user, ip, ObservedOutcome::Failure, &clock);
///     detector.observe_to(&seen, &alerts);
///     clock.advance(Duration::minutes(1));
/// }
/// let kinds: Vec<_> = alerts.take().into_iter().map(|a| a.kind).collect();
/// assert_eq!(kinds, [AlertKind::IpManyAccounts]);
///
/// // A blocklisted address.
/// let seen = Observation::new("amy", "203.0.113.9".parse()?, ObservedOutcome::Success, &clock);
/// assert_eq!(detector.observe(&seen)[0].kind, AlertKind::BlocklistedIp);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Memory is bounded by the store (by default a [`MemoryAnomalyStore`] of
/// [`DEFAULT_MAX_TRACKED_KEYS`] keys): each source, account and alert subject is one key, and
/// each key holds at most the rule's threshold of members.
pub struct AnomalyDetector {
    policy: AnomalyPolicy,
    store: Arc<dyn AnomalyStore>,
    blocklist: RwLock<Arc<Blocklist>>,
    resolver: Option<Arc<dyn CountryResolver>>,
}

impl fmt::Debug for AnomalyDetector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnomalyDetector")
            .field("policy", &self.policy)
            .field("store", &self.store)
            .field("blocklist_ranges", &self.blocklist().len())
            .field("resolver", &self.resolver)
            .finish()
    }
}

fn threshold_reached(members: usize, threshold: u32) -> Option<u32> {
    let count = u32::try_from(members).unwrap_or(u32::MAX);
    (count >= threshold).then_some(count)
}

fn cap(threshold: u32) -> usize {
    usize::try_from(threshold).unwrap_or(MAX_MEMBERS_PER_KEY)
}

impl AnomalyDetector {
    /// A detector for `policy` with an in-memory store, no blocklist and no country resolver.
    pub fn new(policy: AnomalyPolicy) -> Result<Self, AnomalyPolicyError> {
        policy.validate()?;
        Ok(Self {
            policy,
            store: Arc::new(MemoryAnomalyStore::new()),
            blocklist: RwLock::new(Arc::new(Blocklist::new())),
            resolver: None,
        })
    }

    /// Keeps state in `store` (a bounded in-memory store of another size, or a shared backend).
    pub fn with_store(mut self, store: Arc<dyn AnomalyStore>) -> Self {
        self.store = store;
        self
    }

    /// Alerts on attempts from the addresses in `blocklist`.
    pub fn with_blocklist(self, blocklist: Blocklist) -> Self {
        self.replace_blocklist(blocklist);
        self
    }

    /// Resolves the country of observations that carry none.
    pub fn with_country_resolver(mut self, resolver: Arc<dyn CountryResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// Swaps the blocklist while the detector is in use (a daily F-ISAC feed); observations
    /// under way finish with the old list.
    pub fn replace_blocklist(&self, blocklist: Blocklist) {
        *self
            .blocklist
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(blocklist);
    }

    /// The blocklist in use.
    pub fn blocklist(&self) -> Arc<Blocklist> {
        Arc::clone(
            &self
                .blocklist
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// The policy.
    pub fn policy(&self) -> &AnomalyPolicy {
        &self.policy
    }

    /// Records `seen` and returns the alerts it raises that were not already raised for the
    /// same kind and subject within [`AnomalyPolicy::dedup_window`].
    pub fn observe(&self, seen: &Observation<'_>) -> Vec<Alert> {
        let p = &self.policy;
        let at = seen.at;
        let ip = seen.ip.to_canonical();
        let account = digest64("account", &[seen.account.as_bytes()]);
        let failed = seen.outcome == ObservedOutcome::Failure;
        let new = |kind, subject| {
            Alert::new(kind, subject, at).with_observation(seen.account, ip, seen.outcome)
        };
        let account_subject = || Subject::Account(cut_account(seen.account));
        let mut raised = Vec::new();

        if self.blocklist().contains(ip) {
            let severity = if failed {
                Severity::High
            } else {
                Severity::Critical
            };
            raised.push(new(AlertKind::BlocklistedIp, Subject::Ip(ip)).with_severity(severity));
        }

        if let Some(rule) = p.ip_many_accounts
            && p.ip_many_accounts_counted.includes(seen.outcome)
        {
            let (network, subject) = self.source_network(ip);
            let members = self.store.add_member(
                WindowKey::IpAccounts(network),
                account,
                at,
                rule.window,
                cap(rule.threshold),
            );
            if let Some(count) = threshold_reached(members.len(), rule.threshold) {
                raised.push(new(AlertKind::IpManyAccounts, subject).with_counts(
                    rule.window,
                    count,
                    rule.threshold,
                ));
            }
        }

        if let Some(rule) = p.many_failing_accounts
            && failed
        {
            let members = self.store.add_member(
                WindowKey::FailingAccounts,
                account,
                at,
                rule.window,
                cap(rule.threshold),
            );
            if let Some(count) = threshold_reached(members.len(), rule.threshold) {
                raised.push(
                    new(AlertKind::ManyFailingAccounts, Subject::System).with_counts(
                        rule.window,
                        count,
                        rule.threshold,
                    ),
                );
            }
        }

        if let Some(rule) = p.account_failures {
            let key = WindowKey::AccountFailures(account);
            if failed {
                // Every failure is its own member; a random ID keeps them apart across instances
                // sharing a store.
                let members = self.store.add_member(
                    key,
                    rand::random(),
                    at,
                    rule.window,
                    cap(rule.threshold),
                );
                if let Some(count) = threshold_reached(members.len(), rule.threshold) {
                    raised.push(
                        new(AlertKind::AccountFailures, account_subject()).with_counts(
                            rule.window,
                            count,
                            rule.threshold,
                        ),
                    );
                }
            } else {
                self.store.forget(key);
            }
        }

        let country = seen
            .country
            .or_else(|| self.resolver.as_ref().and_then(|r| r.country(ip)));
        if let Some(country) = country {
            if let Some(rule) = p.account_countries
                && p.account_countries_counted.includes(seen.outcome)
            {
                let members = self.store.add_member(
                    WindowKey::AccountCountries(account),
                    country.to_member(),
                    at,
                    rule.window,
                    cap(rule.threshold),
                );
                if let Some(count) = threshold_reached(members.len(), rule.threshold) {
                    let mut countries: Vec<_> = members
                        .into_iter()
                        .filter_map(CountryCode::from_member)
                        .collect();
                    countries.sort_unstable();
                    raised.push(
                        new(AlertKind::AccountCountries, account_subject())
                            .with_counts(rule.window, count, rule.threshold)
                            .with_countries(countries),
                    );
                }
            }
            if let Some(permitted) = &p.permitted_countries
                && !permitted.contains(&country)
            {
                raised.push(
                    new(AlertKind::ForeignCountry, Subject::Ip(ip)).with_countries(vec![country]),
                );
            }
        }

        if let Some(hours) = &p.permitted_hours
            && !hours.is_permitted(at)
        {
            raised.push(new(AlertKind::OutsideHours, account_subject()));
        }

        raised.retain(|alert| {
            let key = WindowKey::Raised {
                kind: alert.kind,
                subject: alert.subject.digest(),
            };
            self.store.claim(key, at, p.dedup_window)
        });
        raised
    }

    /// [`AnomalyDetector::observe`], then delivers each alert to `sink`.
    pub fn observe_to(&self, seen: &Observation<'_>, sink: &dyn AlertSink) -> Vec<Alert> {
        let alerts = self.observe(seen);
        for alert in &alerts {
            sink.alert(alert);
        }
        alerts
    }

    /// The key and subject of a source for `ip_many_accounts`: an IPv6 address counts as its
    /// network.
    fn source_network(&self, ip: IpAddr) -> (IpAddr, Subject) {
        match ip {
            IpAddr::V6(v6) if self.policy.ipv6_prefix < 128 => {
                let host = u128::MAX
                    .checked_shr(u32::from(self.policy.ipv6_prefix))
                    .unwrap_or(0);
                let addr = IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !host));
                (
                    addr,
                    Subject::Network {
                        addr,
                        prefix: self.policy.ipv6_prefix,
                    },
                )
            }
            _ => (ip, Subject::Ip(ip)),
        }
    }
}
