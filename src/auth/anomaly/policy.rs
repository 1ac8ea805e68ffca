//! The anomaly policy: which rules run, with named defaults and bounds.

use serde::{Deserialize, Serialize};
use time::Duration;

use super::country::CountryCode;
use super::hours::WeeklySchedule;
use crate::auth::anomaly::ObservedOutcome;

/// A count that must be reached within a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WindowRule {
    /// The count that raises the alert.
    pub threshold: u32,
    /// The sliding window it is counted over.
    pub window: Duration,
}

impl WindowRule {
    /// `threshold` within `window`.
    pub const fn new(threshold: u32, window: Duration) -> Self {
        Self { threshold, window }
    }
}

/// Which login outcomes a rule counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Counted {
    /// Failed attempts only.
    Failures,
    /// Successful logins only.
    Successes,
    /// Every attempt.
    All,
}

impl Counted {
    /// Whether `outcome` is counted.
    pub fn includes(self, outcome: ObservedOutcome) -> bool {
        matches!(
            (self, outcome),
            (Counted::All, _)
                | (Counted::Failures, ObservedOutcome::Failure)
                | (Counted::Successes, ObservedOutcome::Success)
        )
    }
}

/// What the [`AnomalyDetector`](crate::auth::AnomalyDetector) looks for. A rule set to `None`
/// is off.
///
/// # Defaults
/// | field | default | alert | clause |
/// |---|---|---|---|
/// | `ip_many_accounts` | 5 distinct accounts in 10 min | `AUTH-ANOMALY-IP-MANY-ACCOUNTS` | TWSE-7.1.l, TXG-27.2 |
/// | `ip_many_accounts_counted` | all attempts | | |
/// | `ipv6_prefix` | 64 (an IPv6 source counts as its /64) | | |
/// | `many_failing_accounts` | 20 distinct failing accounts in 5 min | `AUTH-ANOMALY-MANY-FAILING-ACCOUNTS` | TWSE-7.1.c.b, TXG-24.7.2 |
/// | `account_failures` | 3 failures in 24 h, cleared by a success | `AUTH-ANOMALY-ACCOUNT-FAILURES` | TWSE-7.1.c.b ("3 wrong passwords") |
/// | `account_countries` | 2 distinct countries in 24 h | `AUTH-ANOMALY-ACCOUNT-COUNTRIES` | TWSE-7.1.l |
/// | `account_countries_counted` | successful logins | | |
/// | `permitted_countries` | none (off) | `AUTH-ANOMALY-FOREIGN-COUNTRY` | TWSE-7.1.l ("foreign IPs") |
/// | `permitted_hours` | none (off) | `AUTH-ANOMALY-OUTSIDE-HOURS` | TWSE-7.1.c.b |
/// | `dedup_window` | 1 h: one alert per (kind, subject) per hour | | TXG-27.2 |
///
/// Attempts from a blocklisted address always alert when the detector has a blocklist
/// (`AUTH-ANOMALY-BLOCKLISTED-IP`, TWSE-7.1.l).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AnomalyPolicy {
    /// Distinct accounts one source may try in a window.
    pub ip_many_accounts: Option<WindowRule>,
    /// Which attempts count for `ip_many_accounts`.
    pub ip_many_accounts_counted: Counted,
    /// IPv6 sources are grouped by this prefix for `ip_many_accounts` (one subscriber holds a
    /// whole /64 and can rotate addresses in it at will).
    pub ipv6_prefix: u8,
    /// Distinct accounts failing system-wide in a window.
    pub many_failing_accounts: Option<WindowRule>,
    /// Failed attempts on one account in a window; a successful login clears the count.
    pub account_failures: Option<WindowRule>,
    /// Distinct countries one account may log in from in a window.
    pub account_countries: Option<WindowRule>,
    /// Which attempts count for `account_countries`.
    pub account_countries_counted: Counted,
    /// Countries logins may come from; an attempt from another known country alerts.
    pub permitted_countries: Option<Vec<CountryCode>>,
    /// When logins are permitted; an attempt at another time alerts.
    pub permitted_hours: Option<WeeklySchedule>,
    /// An alert with the same kind and subject is raised at most once per this window.
    pub dedup_window: Duration,
}

/// The smallest threshold for a rule that counts distinct accounts or countries (one would
/// alert on every login).
pub const MIN_DISTINCT_THRESHOLD: u32 = 2;
/// The largest threshold of any rule (it is also the number of members kept per key).
pub const MAX_THRESHOLD: u32 = 1000;
/// The longest window of any rule and of de-duplication.
pub const MAX_WINDOW: Duration = Duration::days(31);

impl Default for AnomalyPolicy {
    fn default() -> Self {
        Self {
            ip_many_accounts: Some(WindowRule::new(5, Duration::minutes(10))),
            ip_many_accounts_counted: Counted::All,
            ipv6_prefix: 64,
            many_failing_accounts: Some(WindowRule::new(20, Duration::minutes(5))),
            account_failures: Some(WindowRule::new(3, Duration::hours(24))),
            account_countries: Some(WindowRule::new(2, Duration::hours(24))),
            account_countries_counted: Counted::Successes,
            permitted_countries: None,
            permitted_hours: None,
            dedup_window: Duration::hours(1),
        }
    }
}

/// An anomaly-policy setting outside its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnomalyPolicyError {
    /// A threshold is below its minimum or above [`MAX_THRESHOLD`].
    #[error("{0}: threshold out of range")]
    Threshold(&'static str),
    /// A window is not positive or is longer than [`MAX_WINDOW`].
    #[error("{0}: window must be positive and at most 31 days")]
    Window(&'static str),
    /// `ipv6_prefix` is not between 32 and 128.
    #[error("ipv6_prefix must be between 32 and 128")]
    Ipv6Prefix,
    /// `permitted_countries` is an empty list (every login would alert).
    #[error("permitted_countries is empty")]
    NoPermittedCountry,
}

fn window_ok(name: &'static str, window: Duration) -> Result<(), AnomalyPolicyError> {
    if window.is_positive() && window <= MAX_WINDOW {
        Ok(())
    } else {
        Err(AnomalyPolicyError::Window(name))
    }
}

fn rule_ok(
    name: &'static str,
    rule: Option<WindowRule>,
    min: u32,
) -> Result<(), AnomalyPolicyError> {
    let Some(rule) = rule else { return Ok(()) };
    if !(min..=MAX_THRESHOLD).contains(&rule.threshold) {
        return Err(AnomalyPolicyError::Threshold(name));
    }
    window_ok(name, rule.window)
}

impl AnomalyPolicy {
    /// Checks every setting against its bound.
    pub fn validate(&self) -> Result<(), AnomalyPolicyError> {
        let distinct = MIN_DISTINCT_THRESHOLD;
        rule_ok("ip_many_accounts", self.ip_many_accounts, distinct)?;
        rule_ok(
            "many_failing_accounts",
            self.many_failing_accounts,
            distinct,
        )?;
        rule_ok("account_failures", self.account_failures, 1)?;
        rule_ok("account_countries", self.account_countries, distinct)?;
        window_ok("dedup_window", self.dedup_window)?;
        if !(32..=128).contains(&self.ipv6_prefix) {
            return Err(AnomalyPolicyError::Ipv6Prefix);
        }
        if self.permitted_countries.as_ref().is_some_and(Vec::is_empty) {
            return Err(AnomalyPolicyError::NoPermittedCountry);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        AnomalyPolicy::default().validate().unwrap();
        let base = AnomalyPolicy::default();
        let bad = [
            (
                AnomalyPolicy {
                    ip_many_accounts: Some(WindowRule::new(1, Duration::minutes(1))),
                    ..base.clone()
                },
                AnomalyPolicyError::Threshold("ip_many_accounts"),
            ),
            (
                AnomalyPolicy {
                    account_failures: Some(WindowRule::new(0, Duration::minutes(1))),
                    ..base.clone()
                },
                AnomalyPolicyError::Threshold("account_failures"),
            ),
            (
                AnomalyPolicy {
                    many_failing_accounts: Some(WindowRule::new(
                        MAX_THRESHOLD + 1,
                        Duration::minutes(1),
                    )),
                    ..base.clone()
                },
                AnomalyPolicyError::Threshold("many_failing_accounts"),
            ),
            (
                AnomalyPolicy {
                    account_countries: Some(WindowRule::new(2, Duration::ZERO)),
                    ..base.clone()
                },
                AnomalyPolicyError::Window("account_countries"),
            ),
            (
                AnomalyPolicy {
                    dedup_window: MAX_WINDOW + Duration::SECOND,
                    ..base.clone()
                },
                AnomalyPolicyError::Window("dedup_window"),
            ),
            (
                AnomalyPolicy {
                    ipv6_prefix: 129,
                    ..base.clone()
                },
                AnomalyPolicyError::Ipv6Prefix,
            ),
            (
                AnomalyPolicy {
                    permitted_countries: Some(vec![]),
                    ..base.clone()
                },
                AnomalyPolicyError::NoPermittedCountry,
            ),
        ];
        for (p, e) in bad {
            assert_eq!(p.validate(), Err(e));
        }
    }

    #[test]
    fn counted_outcomes() {
        assert!(Counted::All.includes(ObservedOutcome::Failure));
        assert!(Counted::Failures.includes(ObservedOutcome::Failure));
        assert!(!Counted::Failures.includes(ObservedOutcome::Success));
        assert!(!Counted::Successes.includes(ObservedOutcome::Failure));
    }
}
