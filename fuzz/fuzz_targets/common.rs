//! Invariants of the password and account-name rules, shared by the fuzz target
//! (`fuzz_targets/password_check.rs`, nightly, libFuzzer) and the regression test that replays
//! the committed corpus on stable (`tests/fuzz_regressions.rs`). Uses only `twsec`,
//! `serde_json` and `time`, which both packages have.
//!
//! # Input layout
//! `[selector byte] candidate [US account [US name [US email [US phone [US birthday
//! [US national_id [US org_code]]]]]]]`, where US is U+001F (unit separator) and the selector
//! picks one of [`ProfileName::ALL`] (modulo its length). The birthday field is used when its
//! first eight ASCII digits form a valid `YYYYMMDD` date. Nothing is hashed: argon2 is far too
//! slow to fuzz and is not where untrusted text is parsed.

use time::{Date, Month};
use twsec::control::{Profile, ProfileName};
use twsec::password::{CheckReport, PasswordPolicy, PersonalInfo, check_account_name};

/// Separates the candidate and the personal-information fields.
pub(crate) const FIELD_SEPARATOR: char = '\u{1f}';

/// Runs the rules on one fuzz input and asserts every invariant (a failed assertion is a crash).
pub(crate) fn check_input(data: &[u8]) {
    let (selector, rest) = data.split_first().map_or((0, data), |(s, r)| (*s, r));
    let profile = ProfileName::ALL[usize::from(selector) % ProfileName::ALL.len()];
    let policy = Profile::named(profile).password;
    match std::str::from_utf8(rest) {
        Ok(text) => check_text(&policy, text),
        Err(e) => {
            // The raw path on the valid prefix, then the lossy path on everything.
            let prefix = std::str::from_utf8(&rest[..e.valid_up_to()])
                .expect("valid_up_to delimits valid UTF-8");
            check_text(&policy, prefix);
            let lossy = String::from_utf8_lossy(rest);
            assert!(
                lossy.contains('\u{FFFD}'),
                "lossy decoding of invalid UTF-8 marks it"
            );
            check_text(&policy, &lossy);
        }
    }
}

fn birthday(field: &str) -> Option<Date> {
    let digits: Vec<u32> = field
        .chars()
        .filter_map(|c| c.to_digit(10))
        .take(8)
        .collect();
    if digits.len() < 8 || !field.is_ascii() {
        return None;
    }
    let num = |ds: &[u32]| ds.iter().fold(0u32, |acc, d| acc * 10 + d);
    let year = i32::try_from(num(&digits[..4])).ok()?;
    let month = Month::try_from(u8::try_from(num(&digits[4..6])).ok()?).ok()?;
    let day = u8::try_from(num(&digits[6..8])).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

fn personal_info(fields: &[&str]) -> PersonalInfo {
    let field = |i: usize| fields.get(i).copied();
    let mut info = PersonalInfo::new();
    if let Some(f) = field(0) {
        info = info.account(f);
    }
    if let Some(f) = field(1) {
        info = info.name(f);
    }
    if let Some(f) = field(2) {
        info = info.email(f);
    }
    if let Some(f) = field(3) {
        info = info.phone(f);
    }
    if let Some(date) = field(4).and_then(birthday) {
        info = info.birthday(date);
    }
    if let Some(f) = field(5) {
        info = info.national_id(f);
    }
    if let Some(f) = field(6) {
        info = info.org_code(f);
    }
    info
}

fn check_text(policy: &PasswordPolicy, text: &str) {
    let mut parts = text.split(FIELD_SEPARATOR);
    let candidate = parts.next().unwrap_or_default();
    let fields: Vec<&str> = parts.take(7).collect();
    let personal = personal_info(&fields);

    let report = policy.check(candidate, &personal);
    assert_report(&report, "PW-");
    let codes = report.codes();
    // History and same-as-previous need stored hashes: `check` never reports them.
    assert!(
        !codes.contains(&"PW-HISTORY") && !codes.contains(&"PW-SAME-AS-PREVIOUS"),
        "check reported a hash-based rule: {codes:?}"
    );
    assert!(
        !(codes.contains(&"PW-LENGTH-MIN") && codes.contains(&"PW-LENGTH-MAX")),
        "both too short and too long: {codes:?}"
    );
    // Control characters and U+FFFD (from lossy decoding) survive NFKC and are refused, unless
    // the input is refused outright as too long.
    let bad_char = candidate.chars().any(|c| c.is_control() || c == '\u{FFFD}');
    if bad_char && candidate.len() <= policy.max_length {
        assert!(
            report.has("PW-CHARACTERS"),
            "control character accepted: {codes:?}"
        );
    }

    // Account names: the account field when there is one, and the candidate as a name too.
    for name in fields.first().into_iter().chain([&candidate]) {
        let report = check_account_name(name, &personal);
        assert_report(&report, "ACC-NAME-");
        if name.is_empty() {
            assert!(
                report.has("ACC-NAME-INVALID"),
                "empty account name accepted"
            );
        }
    }
}

fn assert_report(report: &CheckReport, prefix: &str) {
    assert_eq!(
        report.is_accepted(),
        report.violations.is_empty(),
        "accepted flag disagrees"
    );
    for (i, v) in report.violations.iter().enumerate() {
        assert!(
            v.code_str().starts_with(prefix),
            "{} lacks {prefix}",
            v.code_str()
        );
        assert!(
            !report.violations[..i].contains(v),
            "duplicate violation {}",
            v.code_str()
        );
        for lang in [twsec::password::Lang::ZhTw, twsec::password::Lang::En] {
            assert!(
                !v.message(lang).is_empty(),
                "{} has no message",
                v.code_str()
            );
        }
    }

    let json = serde_json::to_value(report).expect("report serialises");
    assert_eq!(
        json["accepted"],
        serde_json::Value::Bool(report.is_accepted())
    );
    let listed = json["violations"].as_array().expect("violations array");
    assert_eq!(listed.len(), report.violations.len());
    for (j, v) in listed.iter().zip(&report.violations) {
        assert_eq!(j["code"].as_str(), Some(v.code_str()));
    }
    serde_json::to_string(report).expect("report serialises to text");
}
