//! Regulation profiles: presets as data.

use serde::Serialize;
use time::Duration;

use crate::account::AccountPolicy;
use crate::password::{CharClass, ClassRule, PasswordPolicy};

/// The levels of 附表十 (資通系統防護基準).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Annex10Level {
    /// 普.
    Normal,
    /// 中.
    Medium,
    /// 高.
    High,
}

/// The name of a preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum ProfileName {
    /// `taipei`: 臺北市政府 outsourcing requirements (TPE).
    #[serde(rename = "taipei")]
    Taipei,
    /// `moe`: 教育部 outsourcing rules (MOE).
    #[serde(rename = "moe")]
    Moe,
    /// `twse-staff`: securities firms, staff and administrators (TWSE).
    #[serde(rename = "twse-staff")]
    TwseStaff,
    /// `twse-customer`: securities firms, customers (TWSE-8.3.f).
    #[serde(rename = "twse-customer")]
    TwseCustomer,
    /// `annex10-normal`, `annex10-medium`, `annex10-high`: 附表十 levels.
    #[serde(rename = "annex10")]
    Annex10(Annex10Level),
    /// `nist`: NIST SP 800-63B-4, single-factor passwords.
    #[serde(rename = "nist")]
    Nist,
    /// `strictest`: the union of every Taiwanese rule above.
    #[serde(rename = "strictest")]
    Strictest,
}

impl ProfileName {
    /// Every preset, in this order.
    pub const ALL: [ProfileName; 9] = [
        ProfileName::Taipei,
        ProfileName::Moe,
        ProfileName::TwseStaff,
        ProfileName::TwseCustomer,
        ProfileName::Annex10(Annex10Level::Normal),
        ProfileName::Annex10(Annex10Level::Medium),
        ProfileName::Annex10(Annex10Level::High),
        ProfileName::Nist,
        ProfileName::Strictest,
    ];

    /// The CLI name, e.g. `"twse-staff"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProfileName::Taipei => "taipei",
            ProfileName::Moe => "moe",
            ProfileName::TwseStaff => "twse-staff",
            ProfileName::TwseCustomer => "twse-customer",
            ProfileName::Annex10(Annex10Level::Normal) => "annex10-normal",
            ProfileName::Annex10(Annex10Level::Medium) => "annex10-medium",
            ProfileName::Annex10(Annex10Level::High) => "annex10-high",
            ProfileName::Nist => "nist",
            ProfileName::Strictest => "strictest",
        }
    }
}

impl std::fmt::Display for ProfileName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a preset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown profile {0:?}; known: taipei, moe, twse-staff, twse-customer, annex10-normal, annex10-medium, annex10-high, nist, strictest"
)]
pub struct UnknownProfile(pub String);

impl std::str::FromStr for ProfileName {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProfileName::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownProfile(s.chars().take(64).collect()))
    }
}

/// A regulation preset that configures every module at once.
///
/// | profile | min length | classes | history | max age | min age | dormancy |
/// |---|---|---|---|---|---|---|
/// | `taipei` | 12 | upper + lower + digit | 3 | 90 d | 1 d | 365 d |
/// | `moe` | 8 | 3 of 5 | 3 | 180 d | 1 d | 365 d |
/// | `twse-staff` | 8 | 3 of 5 | 3 | 90 d | 1 d | 180 d |
/// | `twse-customer` | 6 | letter + (digit or symbol) | 1 | 365 d, reminder at 90 d | — | 365 d |
/// | `annex10-normal` | 8 | 3 of 5 | 3 | 90 d | 1 d | — |
/// | `annex10-medium` / `-high` | 8 | 3 of 5 | 3 | 90 d | 1 d | 365 d |
/// | `nist` | 15 | none | 0 | — | — | — |
/// | `strictest` | 12 | upper + lower + digit, 3 of 5 | 3 | 90 d | 1 d | 180 d |
///
/// Every profile refuses common and keyboard passwords, personal information, long runs and
/// sequences, and the current password as the new one; hashes with argon2id at OWASP parameters
/// or stronger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Profile {
    /// Which preset.
    pub name: ProfileName,
    /// Password rules.
    pub password: PasswordPolicy,
    /// Account lifecycle rules.
    pub account: AccountPolicy,
    /// How long audit logs are kept before [`FileSink::prune`](crate::audit::FileSink::prune)
    /// may remove them: 6 months (184 days) under KHH-12.3 and A10-AU, 3 years (1,096 days)
    /// under TWSE-8.4.c.
    pub audit_retention: Duration,
}

/// 6 months, counted as the longest six calendar months (KHH-12.3, A10-AU).
const SIX_MONTHS: i64 = 184;
/// 3 years, counted with a leap day (TWSE-8.4.c).
const THREE_YEARS: i64 = 1096;

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn three_of_five() -> ClassRule {
    ClassRule::at_least(3)
}

impl Profile {
    /// A preset by its CLI name.
    pub fn by_name(name: &str) -> Result<Profile, UnknownProfile> {
        name.parse().map(Profile::named)
    }

    /// The preset `name`.
    pub fn named(name: ProfileName) -> Profile {
        match name {
            ProfileName::Taipei => Self::taipei(),
            ProfileName::Moe => Self::moe(),
            ProfileName::TwseStaff => Self::twse_staff(),
            ProfileName::TwseCustomer => Self::twse_customer(),
            ProfileName::Annex10(level) => Self::annex10(level),
            ProfileName::Nist => Self::nist_800_63b(),
            ProfileName::Strictest => Self::strictest(),
        }
    }

    /// 臺北市政府: length ≥ 8 with 12 recommended — twsec uses 12 — with upper, lower and digit
    /// (TPE-7.4); forced change (TPE-7.5); one-year dormancy (TPE-7.6). The period and history
    /// follow 附表十 (A10-IA-2), which binds the agency.
    pub fn taipei() -> Profile {
        Profile {
            name: ProfileName::Taipei,
            audit_retention: days(SIX_MONTHS),
            password: PasswordPolicy {
                min_length: 12,
                classes: ClassRule::all_of(&[CharClass::Upper, CharClass::Lower, CharClass::Digit]),
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: Some(days(90)),
                dormancy: Some(days(365)),
                ..AccountPolicy::default()
            },
        }
    }

    /// 教育部: length ≥ 8 (MOE-12.9.1), change every 180 days with a minimum age of one day
    /// (MOE-12.9.2), no reuse of the last 3 (MOE-12.9.3), no ID, school code or guessable
    /// password (MOE-12.9.5).
    pub fn moe() -> Profile {
        Profile {
            name: ProfileName::Moe,
            audit_retention: days(SIX_MONTHS),
            password: PasswordPolicy {
                min_length: 8,
                classes: three_of_five(),
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: Some(days(180)),
                dormancy: Some(days(365)),
                ..AccountPolicy::default()
            },
        }
    }

    /// Securities firms, staff: change at least every 3 months (TWSE-8.3.f), idle accounts
    /// disabled at the 6-monthly review (TWSE-8.2.f), no simple passwords (TWSE-8.3.g).
    pub fn twse_staff() -> Profile {
        Profile {
            name: ProfileName::TwseStaff,
            audit_retention: days(THREE_YEARS),
            password: PasswordPolicy {
                min_length: 8,
                classes: three_of_five(),
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: Some(days(90)),
                dormancy: Some(days(180)),
                ..AccountPolicy::default()
            },
        }
    }

    /// Securities firms, customers: 優質密碼 — length ≥ 6 with letters and digits or symbols; a
    /// reminder after 3 months; a password unchanged for a year must be changed; the new one may
    /// not equal the previous (TWSE-8.3.f).
    pub fn twse_customer() -> Profile {
        Profile {
            name: ProfileName::TwseCustomer,
            audit_retention: days(THREE_YEARS),
            password: PasswordPolicy {
                min_length: 6,
                classes: ClassRule::none()
                    .and_one_of(&[CharClass::Upper, CharClass::Lower, CharClass::OtherLetter])
                    .and_one_of(&[CharClass::Digit, CharClass::Symbol]),
                history_depth: 1,
                generated_length: 12,
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: Some(days(365)),
                min_age: None,
                change_reminder: Some(days(90)),
                dormancy: Some(days(365)),
                ..AccountPolicy::default()
            },
        }
    }

    /// 附表十 at `level`: history ≥ 3, minimum complexity, minimum and maximum age (A10-IA-2,
    /// with the typical agency choices of 8 characters, 3 classes, 1 and 90 days); idle accounts
    /// disabled from 中 upwards (A10-AC-1), after one year as in TPE-7.6.
    pub fn annex10(level: Annex10Level) -> Profile {
        Profile {
            name: ProfileName::Annex10(level),
            audit_retention: days(SIX_MONTHS),
            password: PasswordPolicy {
                min_length: 8,
                classes: three_of_five(),
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: Some(days(90)),
                dormancy: match level {
                    Annex10Level::Normal => None,
                    Annex10Level::Medium | Annex10Level::High => Some(days(365)),
                },
                ..AccountPolicy::default()
            },
        }
    }

    /// NIST SP 800-63B-4 for a password used alone: at least 15 characters, no composition
    /// rules, no periodic change, a blocklist and context-specific words. Not sufficient for
    /// any Taiwanese rule (they require composition and rotation); for comparison and for
    /// systems outside their scope.
    pub fn nist_800_63b() -> Profile {
        Profile {
            name: ProfileName::Nist,
            audit_retention: days(SIX_MONTHS),
            password: PasswordPolicy {
                min_length: 15,
                classes: ClassRule::none(),
                history_depth: 0,
                reject_same_as_previous: false,
                generated_length: 16,
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: None,
                min_age: None,
                dormancy: None,
                ..AccountPolicy::default()
            },
        }
    }

    /// The union of every Taiwanese rule: the longest minimum length (TPE-7.4's 12), upper,
    /// lower and digit (TPE-7.4) and 3 classes, history 3, 90-day maximum (TWSE staff), 1-day
    /// minimum (MOE), 180-day dormancy (TWSE), every content rule on.
    pub fn strictest() -> Profile {
        Profile {
            name: ProfileName::Strictest,
            audit_retention: days(THREE_YEARS),
            password: PasswordPolicy {
                min_length: 12,
                classes: ClassRule::all_of(&[CharClass::Upper, CharClass::Lower, CharClass::Digit])
                    .with_min_classes(3),
                ..PasswordPolicy::default()
            },
            account: AccountPolicy {
                max_age: Some(days(90)),
                dormancy: Some(days(180)),
                ..AccountPolicy::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_is_valid_and_named() {
        for name in ProfileName::ALL {
            let p = Profile::named(name);
            assert_eq!(p.name, name);
            p.password.validate().unwrap();
            p.account.validate().unwrap();
            assert_eq!(Profile::by_name(name.as_str()).unwrap(), p);
        }
        assert!(Profile::by_name("nope").is_err());
    }

    #[test]
    fn strictest_is_at_least_as_strict_as_every_taiwanese_profile() {
        let s = Profile::strictest();
        for name in ProfileName::ALL
            .into_iter()
            .filter(|n| *n != ProfileName::Nist)
        {
            let p = Profile::named(name);
            assert!(s.password.min_length >= p.password.min_length, "{name}");
            assert!(
                s.password.history_depth >= p.password.history_depth,
                "{name}"
            );
            assert!(
                s.password.classes.min_classes >= p.password.classes.min_classes,
                "{name}"
            );
            let le = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
                (Some(a), Some(b)) => a <= b,
                (Some(_), None) => true,
                (None, _) => false,
            };
            assert!(le(s.account.max_age, p.account.max_age), "{name}");
            assert!(
                le(s.account.dormancy, p.account.dormancy) || p.account.dormancy.is_none(),
                "{name}"
            );
            assert!(s.account.min_age >= p.account.min_age, "{name}");
            assert!(s.account.temporary_password_validity <= p.account.temporary_password_validity);
            assert!(s.audit_retention >= p.audit_retention, "{name}");
        }
    }
}
