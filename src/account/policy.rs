//! Account policy as data with named bounds.

use serde::{Deserialize, Serialize};
use time::Duration;

/// Password age, dormancy and temporary-password rules.
///
/// # Defaults
/// | field | default | clause |
/// |---|---|---|
/// | `max_age` | 90 days | TWSE-8.3.f (staff), A10-IA-2 |
/// | `min_age` | 1 day | MOE-12.9.2, A10-IA-2 |
/// | `expiry_warning` | 14 days | — |
/// | `change_reminder` | none | TWSE-8.3.f (customers: 3 months) |
/// | `dormancy` | 365 days | TPE-7.6, A10-AC-1 |
/// | `temporary_password_validity` | 7 days | TWSE-8.3.d (at most one month) |
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountPolicy {
    /// A password older than this must be changed at the next login; `None`: no expiry.
    pub max_age: Option<Duration>,
    /// A user may not change the password again within this time (an administrator's reset
    /// and forced changes are exempt); `None`: no minimum.
    pub min_age: Option<Duration>,
    /// Warn this long before `max_age` is reached.
    pub expiry_warning: Duration,
    /// Remind (without forcing) after this age.
    pub change_reminder: Option<Duration>,
    /// Disable accounts unused this long; `None`: never.
    pub dormancy: Option<Duration>,
    /// Lifetime of random initial and reset passwords.
    pub temporary_password_validity: Duration,
}

/// Longest validity of a temporary password (TWSE-8.3.d: one month).
pub const MAX_TEMPORARY_PASSWORD_VALIDITY: Duration = Duration::days(31);

impl Default for AccountPolicy {
    fn default() -> Self {
        Self {
            max_age: Some(Duration::days(90)),
            min_age: Some(Duration::days(1)),
            expiry_warning: Duration::days(14),
            change_reminder: None,
            dormancy: Some(Duration::days(365)),
            temporary_password_validity: Duration::days(7),
        }
    }
}

/// An account-policy setting outside its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountPolicyError {
    /// A duration is zero or negative.
    #[error("{0} must be positive")]
    NotPositive(&'static str),
    /// `min_age` is not below `max_age`, or the warning is not shorter than `max_age`.
    #[error("min_age and expiry_warning must be shorter than max_age")]
    AgeOrder,
    /// Temporary passwords may live at most one month.
    #[error("temporary_password_validity above one month")]
    TemporaryTooLong,
}

impl AccountPolicy {
    /// Checks every setting against its bound.
    pub fn validate(&self) -> Result<(), AccountPolicyError> {
        let positive = |d: Option<Duration>, name| match d {
            Some(d) if !d.is_positive() => Err(AccountPolicyError::NotPositive(name)),
            _ => Ok(()),
        };
        positive(self.max_age, "max_age")?;
        positive(self.min_age, "min_age")?;
        positive(self.change_reminder, "change_reminder")?;
        positive(self.dormancy, "dormancy")?;
        positive(
            Some(self.temporary_password_validity),
            "temporary_password_validity",
        )?;
        if self.expiry_warning.is_negative() {
            return Err(AccountPolicyError::NotPositive("expiry_warning"));
        }
        if let Some(max) = self.max_age
            && (self.min_age.is_some_and(|min| min >= max) || self.expiry_warning >= max)
        {
            return Err(AccountPolicyError::AgeOrder);
        }
        if self.temporary_password_validity > MAX_TEMPORARY_PASSWORD_VALIDITY {
            return Err(AccountPolicyError::TemporaryTooLong);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        AccountPolicy::default().validate().unwrap();
        let base = AccountPolicy::default();
        let bad = [
            (
                AccountPolicy {
                    max_age: Some(Duration::ZERO),
                    ..base.clone()
                },
                AccountPolicyError::NotPositive("max_age"),
            ),
            (
                AccountPolicy {
                    dormancy: Some(Duration::days(-1)),
                    ..base.clone()
                },
                AccountPolicyError::NotPositive("dormancy"),
            ),
            (
                AccountPolicy {
                    min_age: Some(Duration::days(90)),
                    ..base.clone()
                },
                AccountPolicyError::AgeOrder,
            ),
            (
                AccountPolicy {
                    expiry_warning: Duration::days(120),
                    ..base.clone()
                },
                AccountPolicyError::AgeOrder,
            ),
            (
                AccountPolicy {
                    temporary_password_validity: Duration::days(32),
                    ..base.clone()
                },
                AccountPolicyError::TemporaryTooLong,
            ),
            (
                AccountPolicy {
                    temporary_password_validity: Duration::ZERO,
                    ..base.clone()
                },
                AccountPolicyError::NotPositive("temporary_password_validity"),
            ),
        ];
        for (p, e) in bad {
            assert_eq!(p.validate(), Err(e));
        }
    }
}
