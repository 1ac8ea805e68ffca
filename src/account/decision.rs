//! The login-time decision: [`evaluate`].

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::policy::AccountPolicy;
use super::record::{AccountRecord, AccountStatus, DisableReason, MustChangeReason};
use crate::control::ControlId;

/// Something to tell the user after a successful login.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "notice")]
#[non_exhaustive]
pub enum Notice {
    /// The password expires soon (ACC-MAX-AGE).
    ExpiresSoon {
        /// When it expires.
        #[serde(with = "time::serde::rfc3339")]
        expires_at: OffsetDateTime,
        /// Whole days left (rounded up).
        days_left: i64,
    },
    /// The password is old enough that a change is recommended (TWSE-8.3.f: customers are reminded
    /// after three months).
    ChangeRecommended {
        /// When it was last changed.
        #[serde(with = "time::serde::rfc3339")]
        changed_at: OffsetDateTime,
    },
}

/// Why a login is refused even with the right password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "refusal")]
#[non_exhaustive]
pub enum Refusal {
    /// The account is disabled.
    Disabled {
        /// Why.
        reason: DisableReason,
    },
    /// Unused for the dormancy period; the account must be disabled (see
    /// [`Accounts::enforce`](super::Accounts::enforce)) and re-enabled by an operator.
    Dormant,
    /// A temporary or emergency account past its end.
    AccountExpired,
    /// A random initial or reset password that was not changed in time.
    TemporaryPasswordExpired,
}

impl Refusal {
    /// A stable public code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Disabled { .. } => "ACC-DISABLED",
            Refusal::Dormant => "ACC-DORMANT",
            Refusal::AccountExpired => "ACC-EXPIRED",
            Refusal::TemporaryPasswordExpired => "ACC-TEMPORARY-PASSWORD-EXPIRED",
        }
    }

    /// The control behind the refusal.
    pub fn control(self) -> ControlId {
        match self {
            Refusal::Disabled { .. } | Refusal::AccountExpired => ControlId::AccDisable,
            Refusal::Dormant => ControlId::AccDormancy,
            Refusal::TemporaryPasswordExpired => ControlId::PwInitial,
        }
    }
}

/// What the application does with a login whose password was right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
#[non_exhaustive]
pub enum LoginDecision {
    /// Let the user in, showing the notice if any.
    Allowed {
        /// Expiry warning or change reminder.
        notice: Option<Notice>,
    },
    /// Let the user do nothing but change the password.
    MustChange {
        /// Why.
        reason: MustChangeReason,
    },
    /// Refuse.
    Refused {
        /// Why.
        reason: Refusal,
    },
}

impl LoginDecision {
    /// `true` for [`LoginDecision::Allowed`].
    pub fn is_allowed(&self) -> bool {
        matches!(self, LoginDecision::Allowed { .. })
    }
}

/// The dormancy deadline of a record: last activity plus the dormancy period.
pub(crate) fn dormant_since(
    policy: &AccountPolicy,
    record: &AccountRecord,
) -> Option<OffsetDateTime> {
    policy.dormancy.map(|d| record.last_activity() + d)
}

/// Decides a login for `record` at `now` (pure: the record is not changed).
///
/// Order: disabled → account expired → dormant → temporary password expired → must change →
/// password expired → allowed (with an expiry warning or change reminder).
pub fn evaluate(
    policy: &AccountPolicy,
    record: &AccountRecord,
    now: OffsetDateTime,
) -> LoginDecision {
    let refuse = |reason| LoginDecision::Refused { reason };
    if let AccountStatus::Disabled { reason, .. } = record.status {
        return refuse(Refusal::Disabled { reason });
    }
    if record.expires_at.is_some_and(|end| now >= end) {
        return refuse(Refusal::AccountExpired);
    }
    if dormant_since(policy, record).is_some_and(|deadline| now >= deadline) {
        return refuse(Refusal::Dormant);
    }
    let cred = &record.credential;
    if let Some(mc) = &cred.must_change {
        if mc.expires_at.is_some_and(|end| now >= end) {
            return refuse(Refusal::TemporaryPasswordExpired);
        }
        return LoginDecision::MustChange { reason: mc.reason };
    }
    if let Some(max) = policy.max_age {
        let expires_at = cred.changed_at + max;
        if now >= expires_at {
            return LoginDecision::MustChange {
                reason: MustChangeReason::Expired,
            };
        }
        if now >= expires_at - policy.expiry_warning {
            let left = expires_at - now;
            let days_left = (left + Duration::DAY - Duration::NANOSECOND).whole_days();
            return LoginDecision::Allowed {
                notice: Some(Notice::ExpiresSoon {
                    expires_at,
                    days_left,
                }),
            };
        }
    }
    if policy
        .change_reminder
        .is_some_and(|r| now >= cred.changed_at + r)
    {
        return LoginDecision::Allowed {
            notice: Some(Notice::ChangeRecommended {
                changed_at: cred.changed_at,
            }),
        };
    }
    LoginDecision::Allowed { notice: None }
}
