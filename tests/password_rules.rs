//! Password rules through the public API: every rule, every profile, negative tables, properties.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use proptest::prelude::*;
use secrecy::ExposeSecret;
use time::macros::date;
use twsec::control::{Profile, ProfileName};
use twsec::password::{PasswordPolicy, PersonalInfo, common_list_len};

fn codes(policy: &PasswordPolicy, pw: &str) -> Vec<&'static str> {
    policy.check(pw, &PersonalInfo::new()).codes()
}

#[test]
fn length_rules() {
    for name in ProfileName::ALL {
        let p = Profile::named(name).password;
        let ok_len = "Kq7#".repeat(p.min_length.div_ceil(4) + 1);
        let short: String = "Kq7#wZ9!mB2$xR5%".chars().take(p.min_length - 1).collect();
        assert!(
            codes(&p, &short).contains(&"PW-LENGTH-MIN"),
            "{name}: {short}"
        );
        assert!(!codes(&p, &ok_len).contains(&"PW-LENGTH-MIN"), "{name}");
        let long = "Kq7#wZ9!".repeat(p.max_length / 8 + 1);
        assert!(codes(&p, &long).contains(&"PW-LENGTH-MAX"), "{name}");
    }
    // Length counts characters after NFKC, not bytes: 12 CJK characters are 12, not 36.
    let mut p = PasswordPolicy::default();
    p.classes = twsec::password::ClassRule::none();
    assert!(!codes(&p, "臺北市大安區羅斯福路四段").contains(&"PW-LENGTH-MIN"));
    assert!(codes(&p, "臺北市大安區羅斯福路").contains(&"PW-LENGTH-MIN"));
    // A megabyte is refused alone, without other work.
    assert_eq!(codes(&p, &"x".repeat(1 << 20)), ["PW-LENGTH-MAX"]);
}

#[test]
fn class_rules_per_profile() {
    let table: &[(ProfileName, &str, bool)] = &[
        (ProfileName::Taipei, "lantern-river-kite", false),
        (ProfileName::Taipei, "Lantern-River-Kite", false),
        (ProfileName::Taipei, "Lantern-River-K9te", true),
        (ProfileName::Moe, "lanternriver9", false),
        (ProfileName::Moe, "lantern-river9", true),
        (ProfileName::TwseCustomer, "kiteriver", false),
        (ProfileName::TwseCustomer, "kite&river", true),
        (ProfileName::TwseCustomer, "kite9river", true),
        (ProfileName::TwseCustomer, "80467913", false),
        (ProfileName::Nist, "lanternriverkitecloud", true),
        (ProfileName::Strictest, "LANTERN-RIVER-K9TE", false),
        (ProfileName::Strictest, "Lantern-River-K9te", true),
    ];
    for (name, pw, accepted) in table {
        let p = Profile::named(*name).password;
        let has = codes(&p, pw).contains(&"PW-CLASSES");
        assert_eq!(!has, *accepted, "{name}: {pw}");
    }
}

#[test]
fn common_and_keyboard_passwords() {
    assert!(common_list_len() >= 10_000);
    let mut p = PasswordPolicy::default();
    // Only the common rule matters here.
    p.min_length = 6;
    p.classes = twsec::password::ClassRule::none();
    p.max_sequential = None;
    p.max_repeated = None;
    for pw in [
        "1qaz2wsx",
        "ZAQ12WSX",
        "iloveyou520",
        "P@ssw0rd",
        "p@$$w0rd",
        "Ｐ＠ｓｓｗ０ｒｄ",
        "password",
        "Password2024!",
        "qwertyuiop",
        "1q2w3e4r",
        "woaini1314",
        "5201314",
        "taipei101",
        "!!dragon99",
        "1qaz@WSX",
    ] {
        assert!(codes(&p, pw).contains(&"PW-COMMON"), "{pw}");
    }
    for pw in ["Vq8#mZt2!rLp", "黃金-Kf7@wq", "Lantern-River-K9te"] {
        assert!(!codes(&p, pw).contains(&"PW-COMMON"), "{pw}");
    }
}

#[test]
fn repeats_and_sequences() {
    let p = PasswordPolicy::default();
    let table: &[(&str, &[&str])] = &[
        ("Lantern-Rivvver9", &[]),
        ("Lantern-Rivvvver9", &["PW-REPEATED"]),
        ("Lantern-RIVvvver9", &["PW-REPEATED"]),
        ("Lantern-River-789", &[]),
        ("Lantern-River-6789", &["PW-SEQUENTIAL"]),
        ("Lantern-River-9876", &["PW-SEQUENTIAL"]),
        ("Lantern-Riv-WXYZ9", &["PW-SEQUENTIAL"]),
        ("Lantern-Riv-asdf9", &["PW-SEQUENTIAL"]),
        ("Lantern-Riv-poiu9", &["PW-SEQUENTIAL"]),
        ("Lantern-Riv-7890x", &["PW-SEQUENTIAL"]),
    ];
    for (pw, expected) in table {
        let got: Vec<_> = codes(&p, pw)
            .into_iter()
            .filter(|c| *c == "PW-REPEATED" || *c == "PW-SEQUENTIAL")
            .collect();
        assert_eq!(got, *expected, "{pw}");
    }
}

#[test]
fn personal_information_table() {
    let p = Profile::moe().password;
    let me = PersonalInfo::new()
        .account("mingde.chen")
        .name("Chen Mingde")
        .name("陳明德")
        .email("mdchen@example.edu.tw")
        .phone("+886 912 345 678")
        .birthday(date!(1988 - 07 - 15))
        .national_id("K294753010")
        .org_code("193501");
    let table: &[(&str, &str)] = &[
        ("Mingde-Kite-47", "name"),
        ("Kite-EDGNIM-47", "name (reversed)"),
        ("Kite-明德-47x", "Chinese given name"),
        ("Kite-mdchen-47", "e-mail local part"),
        ("Kite-0912345678", "mobile"),
        ("Kite-912-345-678", "mobile without trunk 0, separated"),
        ("Kite-1988.07.15", "Gregorian birthday"),
        ("Kite-770715-x", "ROC birthday"),
        ("Kite-077.07.15", "ROC birthday, 3-digit year"),
        ("Kite-k294753010", "own national ID, lower case"),
        ("Kite-193501-xy", "school code"),
        ("Kite-Mingde.Chen", "account"),
    ];
    for (pw, why) in table {
        assert!(p.check(pw, &me).has("PW-PERSONAL-INFO"), "{why}: {pw}");
    }
    assert!(p.check("Lantern-River-K9te", &me).is_accepted());
    // Any valid ID is refused, not only the holder's own; an invalid checksum is not an ID.
    assert!(
        p.check("Kite-E283917469", &PersonalInfo::new())
            .has("PW-NATIONAL-ID")
    );
    assert!(
        p.check("Kite-A800000014", &PersonalInfo::new())
            .has("PW-NATIONAL-ID")
    );
    assert!(
        !p.check("Kite-E283917468", &PersonalInfo::new())
            .has("PW-NATIONAL-ID")
    );
    // Messages never contain the matched value.
    for v in p.check("Mingde-Kite-47", &me).violations {
        for lang in [twsec::password::Lang::En, twsec::password::Lang::ZhTw] {
            assert!(!v.message(lang).to_lowercase().contains("mingde"));
        }
    }
}

#[test]
fn check_reports_every_violation_and_serialises() {
    let p = Profile::strictest().password;
    let me = PersonalInfo::new().account("alice");
    let report = p.check("alice1111", &me);
    assert_eq!(
        report.codes(),
        [
            "PW-LENGTH-MIN",
            "PW-CLASSES",
            "PW-REPEATED",
            "PW-PERSONAL-INFO"
        ]
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["accepted"], false);
    assert_eq!(json["violations"].as_array().unwrap().len(), 4);
    assert_eq!(json["violations"][0]["code"], "PW-LENGTH-MIN");
    assert_eq!(json["violations"][0]["min"], 12);
    assert!(
        json["violations"][3]["message"]["zh-TW"]
            .as_str()
            .unwrap()
            .contains("帳號")
    );
    assert!(!json.to_string().contains("alice1111"));
}

#[test]
fn generated_passwords_satisfy_every_profile() {
    let me = PersonalInfo::new()
        .account("mingde")
        .name("Chen Mingde")
        .birthday(date!(1988 - 07 - 15));
    for name in ProfileName::ALL {
        let p = Profile::named(name).password;
        let a = p.generate(&me).unwrap();
        let b = p.generate(&me).unwrap();
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_eq!(a.expose_secret().chars().count(), p.generated_length);
        assert!(p.check(a.expose_secret(), &me).is_accepted(), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_password_always_satisfies_its_policy(profile in 0usize..ProfileName::ALL.len(), extra in 0usize..40) {
        let mut p = Profile::named(ProfileName::ALL[profile]).password;
        p.generated_length = (p.generated_length + extra).min(p.max_length);
        let me = PersonalInfo::new().account("proptest");
        let pw = p.generate(&me).unwrap();
        prop_assert!(p.check(pw.expose_secret(), &me).is_accepted());
    }

    #[test]
    fn check_is_total_and_consistent(pw in "\\PC{0,80}", profile in 0usize..ProfileName::ALL.len()) {
        let p = Profile::named(ProfileName::ALL[profile]).password;
        let r = p.check(&pw, &PersonalInfo::new().name("Chen Mingde"));
        prop_assert_eq!(r.is_accepted(), r.violations.is_empty());
        for v in &r.violations {
            prop_assert!(v.code_str().starts_with("PW-"));
        }
    }

    #[test]
    fn full_width_and_half_width_are_judged_alike(pw in "[!-~]{1,40}") {
        let wide: String = pw.chars().map(|c| char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()).collect();
        let p = PasswordPolicy::default();
        prop_assert_eq!(p.check(&pw, &PersonalInfo::new()), p.check(&wide, &PersonalInfo::new()));
    }
}

/// The README's clause coverage table lists every control with exactly the catalogue's clauses.
#[test]
fn readme_coverage_table_matches_catalogue() {
    let readme = include_str!("../README.md");
    for info in twsec::control::catalogue() {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", info.id)))
            .unwrap_or_else(|| panic!("README has no row for {}", info.id));
        let cited = row.rsplit('|').nth(1).unwrap().trim();
        let expected: Vec<_> = info.clauses.iter().map(|c| c.as_str()).collect();
        assert_eq!(cited, expected.join(", "), "{}", info.id);
    }
}
