//! Account-name rules (control ACC-NAME; MOE-12.9.5, TWSE-8.3.g).

use super::PersonalInfo;
use super::normalize::{has_invalid_chars, nfkc};
use super::personal::alnum_fold;
use super::violation::{CheckReport, ViolationCode};
use crate::identifier;

/// Default and administrator account names that are refused (after NFKC, lower case, and with
/// trailing digits removed: `Admin01` is refused too).
pub const DEFAULT_ACCOUNT_NAMES: &[&str] = &[
    "administrator",
    "admin",
    "root",
    "sa",
    "sysadmin",
    "system",
    "sys",
    "superuser",
    "supervisor",
    "manager",
    "operator",
    "guest",
    "test",
    "tester",
    "demo",
    "default",
    "user",
    "webmaster",
    "dba",
    "oracle",
    "postgres",
    "mysql",
    "sql",
    "backup",
    "support",
    "service",
    "anonymous",
    "public",
    "master",
    "owner",
    "adm",
    "sysop",
    "ftp",
    "www",
    "web",
];

/// Largest account name accepted, in characters.
const MAX_NAME_CHARS: usize = 256;

/// Checks an account name: it may not be or contain a valid national ID or UI number (nor the
/// holder's own ID from `personal`), may not be or contain an organisation code from `personal`,
/// and may not be a default or administrator name. Returns every violation.
///
/// ```
/// use twsec::password::{check_account_name, PersonalInfo};
///
/// let school = PersonalInfo::new().org_code("193501");
/// assert_eq!(check_account_name("A123456789", &school).codes(), ["ACC-NAME-ID"]);
/// assert_eq!(check_account_name("Administrator", &school).codes(), ["ACC-NAME-DEFAULT"]);
/// assert_eq!(check_account_name("t193501", &school).codes(), ["ACC-NAME-ORG-CODE"]);
/// assert!(check_account_name("chen.mingde", &school).is_accepted());
/// ```
pub fn check_account_name(name: &str, personal: &PersonalInfo) -> CheckReport {
    let mut report = CheckReport::default();
    if name.len() > MAX_NAME_CHARS * 4 {
        report.push(ViolationCode::AccountNameInvalid);
        return report;
    }
    let n = nfkc(name);
    let trimmed = n.trim();
    if trimmed.is_empty()
        || trimmed.chars().count() > MAX_NAME_CHARS
        || has_invalid_chars(trimmed)
        || trimmed != n
    {
        report.push(ViolationCode::AccountNameInvalid);
    }
    let upper = n.to_ascii_uppercase();
    let folded = alnum_fold(&n);
    if identifier::find_ids(&upper).next().is_some()
        || personal
            .national_ids()
            .any(|id| id.len() >= 9 && folded.contains(id))
    {
        report.push(ViolationCode::AccountNameId);
    }
    let lower = n.to_lowercase();
    let base =
        lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_' || c == '-' || c == '.');
    if DEFAULT_ACCOUNT_NAMES.contains(&lower.as_str()) || DEFAULT_ACCOUNT_NAMES.contains(&base) {
        report.push(ViolationCode::AccountNameDefault);
    }
    if personal.org_codes().any(|code| folded.contains(code)) {
        report.push(ViolationCode::AccountNameOrgCode);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_table() {
        let p = PersonalInfo::new()
            .org_code("193501")
            .national_id("F131104093");
        let table: &[(&str, &[&str])] = &[
            ("A123456789", &["ACC-NAME-ID"]),
            ("a123456789", &["ACC-NAME-ID"]),
            ("Ａ１２３４５６７８９", &["ACC-NAME-ID"]),
            ("user-A800000014", &["ACC-NAME-ID"]),
            ("AA00000009", &["ACC-NAME-ID"]),
            ("admin", &["ACC-NAME-DEFAULT"]),
            ("ADMINISTRATOR", &["ACC-NAME-DEFAULT"]),
            ("root", &["ACC-NAME-DEFAULT"]),
            ("sa", &["ACC-NAME-DEFAULT"]),
            ("Admin01", &["ACC-NAME-DEFAULT"]),
            ("ｒｏｏｔ", &["ACC-NAME-DEFAULT"]),
            ("193501", &["ACC-NAME-ORG-CODE"]),
            ("ntu193501x", &["ACC-NAME-ORG-CODE"]),
            ("", &["ACC-NAME-INVALID"]),
            ("   ", &["ACC-NAME-INVALID"]),
            (" alice", &["ACC-NAME-INVALID"]),
            ("ali\nce", &["ACC-NAME-INVALID"]),
        ];
        for (name, expected) in table {
            assert_eq!(check_account_name(name, &p).codes(), *expected, "{name:?}");
        }
        let huge = "x".repeat(100_000);
        assert_eq!(check_account_name(&huge, &p).codes(), ["ACC-NAME-INVALID"]);
    }

    #[test]
    fn ordinary_names_pass() {
        let p = PersonalInfo::new().org_code("193501");
        for ok in [
            "chen.mingde",
            "wang_xiaoming",
            "陳小明",
            "sam",
            "rooter",
            "adminton",
        ] {
            assert!(check_account_name(ok, &p).is_accepted(), "{ok}");
        }
    }
}
