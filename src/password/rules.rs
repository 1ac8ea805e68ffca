//! The password rules: [`PasswordPolicy::check`].

use super::PersonalInfo;
use super::common;
use super::normalize::{MAX_BYTES_PER_CHAR, has_invalid_chars, nfkc_secret};
use super::personal::alnum_fold;
use super::policy::{CharClass, PasswordPolicy};
use super::violation::{CheckReport, ViolationCode};
use crate::identifier;

/// Keyboard rows and orderings in which a run counts as sequential (forward or backward).
const SEQUENCES: [&str; 7] = [
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "!@#$%^&*()",
];

fn follows(a: char, b: char) -> bool {
    let (mut ab, mut bb) = ([0u8; 4], [0u8; 4]);
    if !a.is_ascii() || !b.is_ascii() {
        return false;
    }
    let pair = [
        a.encode_utf8(&mut ab).as_bytes()[0],
        b.encode_utf8(&mut bb).as_bytes()[0],
    ];
    SEQUENCES
        .iter()
        .any(|line| line.as_bytes().windows(2).any(|w| w == pair))
}

/// Longest run of one character (case-insensitive), and longest sequential run.
fn runs(lower: &[char]) -> (usize, usize) {
    let (mut rep, mut fwd, mut bwd) = (1usize, 1usize, 1usize);
    let (mut max_rep, mut max_seq) = (
        usize::from(!lower.is_empty()),
        usize::from(!lower.is_empty()),
    );
    for w in lower.windows(2) {
        let (a, b) = (w[0], w[1]);
        rep = if a == b { rep + 1 } else { 1 };
        fwd = if follows(a, b) { fwd + 1 } else { 1 };
        bwd = if follows(b, a) { bwd + 1 } else { 1 };
        max_rep = max_rep.max(rep);
        max_seq = max_seq.max(fwd).max(bwd);
    }
    (max_rep, max_seq)
}

impl PasswordPolicy {
    /// Checks `candidate` against every rule that needs no stored hash and returns *all*
    /// violations: length (PW-LENGTH), characters (PW-NORMALIZATION), classes (PW-CLASSES),
    /// repeats (PW-REPEATED), sequences (PW-SEQUENTIAL), the common-password list (PW-COMMON),
    /// personal information and national IDs (PW-PERSONAL-INFO). History and same-as-previous
    /// need the stored hashes: see [`crate::account::Accounts::change_password`].
    ///
    /// The candidate is normalised to NFKC first. Input longer than the policy could ever accept
    /// is refused with `PW-LENGTH-MAX` alone, in constant time.
    ///
    /// ```
    /// use twsec::password::{PasswordPolicy, PersonalInfo};
    ///
    /// let policy = PasswordPolicy::default();
    /// let me = PersonalInfo::new().account("alice");
    /// let report = policy.check("alice1234", &me);
    /// assert_eq!(report.codes(), ["PW-LENGTH-MIN", "PW-CLASSES", "PW-SEQUENTIAL", "PW-PERSONAL-INFO"]);
    /// assert!(policy.check("Tw-水餃-Lantern-47", &me).is_accepted());
    /// ```
    pub fn check(&self, candidate: &str, personal: &PersonalInfo) -> CheckReport {
        let mut report = CheckReport::default();
        if candidate.len() > self.max_length.saturating_mul(MAX_BYTES_PER_CHAR) {
            report.push(ViolationCode::TooLong {
                max: self.max_length,
            });
            return report;
        }
        let pw = nfkc_secret(candidate);
        let chars = zeroize::Zeroizing::new(pw.chars().collect::<Vec<char>>());
        let len = chars.len();

        if len < self.min_length {
            report.push(ViolationCode::TooShort {
                min: self.min_length,
            });
        }
        if len > self.max_length {
            report.push(ViolationCode::TooLong {
                max: self.max_length,
            });
        }
        if has_invalid_chars(&pw) {
            report.push(ViolationCode::InvalidCharacters);
        }

        // Classes.
        let present = chars
            .iter()
            .fold(0u8, |acc, &c| acc | CharClass::of(c).bit());
        let missing: Vec<Vec<CharClass>> = self
            .classes
            .required
            .iter()
            .filter(|group| !group.iter().any(|c| present & c.bit() != 0))
            .cloned()
            .collect();
        let distinct = present.count_ones();
        if !missing.is_empty() || distinct < u32::from(self.classes.min_classes) {
            report.push(ViolationCode::MissingClasses {
                missing,
                min_classes: self.classes.min_classes,
            });
        }

        // Repeats and sequences, case-insensitive.
        let lower = zeroize::Zeroizing::new(
            chars
                .iter()
                .flat_map(|c| c.to_lowercase())
                .collect::<Vec<char>>(),
        );
        let (rep, seq) = runs(&lower);
        if let Some(max) = self.max_repeated.filter(|&m| rep > m) {
            report.push(ViolationCode::Repeated { max });
        }
        if let Some(max) = self.max_sequential.filter(|&m| seq > m) {
            report.push(ViolationCode::Sequential { max });
        }

        if self.reject_common && common::is_common(&pw) {
            report.push(ViolationCode::Common);
        }

        if self.reject_personal_info {
            personal_violations(&pw, personal, &mut report);
        }
        report
    }
}

/// PW-PERSONAL-INFO: containment of any token, case-insensitive, separators ignored, and reversed.
fn personal_violations(pw: &str, personal: &PersonalInfo, report: &mut CheckReport) {
    let lower: String = pw.chars().flat_map(char::to_lowercase).collect();
    let forms = zeroize::Zeroizing::new({
        let folded = common::fold(&lower);
        let stripped = alnum_fold(&lower);
        let rev = |s: &str| s.chars().rev().collect::<String>();
        [rev(&folded), rev(&stripped), folded, stripped]
    });
    let mut fields = Vec::new();
    for (field, token) in personal.tokens() {
        if !fields.contains(&field) && forms.iter().any(|f| f.contains(token)) {
            fields.push(field);
        }
    }
    for field in fields {
        report.push(ViolationCode::PersonalInfo { field });
    }
    let upper = zeroize::Zeroizing::new(pw.to_ascii_uppercase());
    if identifier::find_ids(&upper).next().is_some() {
        report.push(ViolationCode::ContainsNationalId);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::ClassRule;

    fn codes(policy: &PasswordPolicy, pw: &str) -> Vec<&'static str> {
        policy.check(pw, &PersonalInfo::new()).codes()
    }

    #[test]
    fn runs_are_measured() {
        let v = |s: &str| runs(&s.chars().collect::<Vec<_>>());
        assert_eq!(v(""), (0, 0));
        assert_eq!(v("a"), (1, 1));
        assert_eq!(v("aaab"), (3, 2));
        assert_eq!(v("xabcdx"), (1, 4));
        assert_eq!(v("x4321x"), (1, 4));
        assert_eq!(v("qwer"), (1, 4));
        assert_eq!(v("lkjh"), (1, 4));
        assert_eq!(v("7890"), (1, 4));
        assert_eq!(v("!@#$"), (1, 4));
        assert_eq!(v("abab"), (1, 2));
        assert_eq!(v("密密密"), (3, 1));
    }

    #[test]
    fn negative_table() {
        let p = PasswordPolicy::default();
        let table: &[(&str, &[&str])] = &[
            ("Ab1", &["PW-LENGTH-MIN"]),
            ("alllowercase-long", &["PW-CLASSES"]),
            ("ALLUPPERCASE-LONG", &["PW-CLASSES"]),
            ("Tw-Lantern-Rive", &["PW-CLASSES"]),
            ("Tw-Laaaantern-47", &["PW-REPEATED"]),
            ("Tw-Lantern-4567", &["PW-SEQUENTIAL"]),
            ("Tw-Lan-qwer-x47", &["PW-SEQUENTIAL"]),
            ("Tw-Lantern\n-47", &["PW-CHARACTERS"]),
            ("Tw-Lantern-K294753010", &["PW-NATIONAL-ID"]),
            ("Tw-Lantern-e283917469", &["PW-NATIONAL-ID"]),
            ("P@ssw0rd", &["PW-LENGTH-MIN", "PW-COMMON"]),
            ("1qaz2wsx", &["PW-LENGTH-MIN", "PW-CLASSES", "PW-COMMON"]),
        ];
        for (pw, expected) in table {
            assert_eq!(codes(&p, pw), *expected, "{pw}");
        }
    }

    #[test]
    fn too_long_input_is_refused_before_normalising() {
        let p = PasswordPolicy::default();
        let huge = "a".repeat(1 << 20);
        assert_eq!(codes(&p, &huge), ["PW-LENGTH-MAX"]);
        let over = "Tw-Lantern-47-".repeat(10);
        assert!(codes(&p, &over).contains(&"PW-LENGTH-MAX"));
    }

    #[test]
    fn full_width_input_is_judged_as_half_width() {
        let p = PasswordPolicy::default();
        assert!(
            p.check("Ｔｗ－Ｌａｎｔｅｒｎ－４７", &PersonalInfo::new())
                .is_accepted()
        );
        assert_eq!(
            codes(&p, "Ｐ＠ｓｓｗ０ｒｄ"),
            ["PW-LENGTH-MIN", "PW-COMMON"]
        );
    }

    #[test]
    fn class_groups() {
        let p = PasswordPolicy {
            min_length: 6,
            classes: ClassRule::none()
                .and_one_of(&[CharClass::Upper, CharClass::Lower])
                .and_one_of(&[CharClass::Digit, CharClass::Symbol]),
            ..PasswordPolicy::default()
        };
        assert!(p.check("kite&river", &PersonalInfo::new()).is_accepted());
        assert!(p.check("kite7river", &PersonalInfo::new()).is_accepted());
        assert_eq!(codes(&p, "kiteriver"), ["PW-CLASSES"]);
        assert_eq!(codes(&p, "80467913"), ["PW-CLASSES"]);
    }

    #[test]
    fn personal_info_containment_reversed_and_separated() {
        let p = PasswordPolicy::default();
        let me = PersonalInfo::new()
            .account("alice")
            .email("kuo.mingde@example.tw")
            .phone("0912-345-678")
            .birthday(time::macros::date!(1990 - 01 - 31))
            .national_id("F131104093")
            .org_code("193501")
            .name("陳愛麗");
        let check = |pw: &str| p.check(pw, &me).codes();
        assert_eq!(check("Tw-ALICE-Lantern-47"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-ecila-Lantern-47"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-@lice-Lantern-47"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-Mingde-Lantern-47"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-Lantern-0912-345-678"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-Lantern-1990/01/31"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-Lantern-79.01.31"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-Lantern-193501"), ["PW-PERSONAL-INFO"]);
        assert_eq!(check("Tw-愛麗-Lantern-47"), ["PW-PERSONAL-INFO"]);
        // The supplied ID even when embedded without its letter.
        assert_eq!(check("Tw-Lantern-131104093"), ["PW-PERSONAL-INFO"]);
        assert!(check("Tw-Lantern-River-47").is_empty());
    }
}
