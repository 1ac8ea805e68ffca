//! End-to-end tests of the `twsec` binary: the password goes in on stdin, results are compared
//! with the library's own answers.
#![cfg(feature = "cli")]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use secrecy::SecretSlice;
use time::macros::date;
use twsec::control::Profile;
use twsec::password::{
    HashError, Hasher, HasherConfig, Lang, PasswordHash, Pepper, PersonalInfo, check_account_name,
};

#[path = "support/cli.rs"]
mod support;
use support::{status, stderr, stdout, twsec};

/// `twsec password check ARGS` with `stdin`.
fn check(args: &[&str], stdin: &[u8]) -> Output {
    twsec(&[&["password", "check"], args].concat(), stdin)
}

/// The `CODE<TAB>message` lines of a rejection.
fn lines(out: &Output) -> Vec<(String, String)> {
    stdout(out)
        .lines()
        .map(|l| {
            let (code, msg) = l.split_once('\t').expect("CODE<TAB>message");
            (code.to_owned(), msg.to_owned())
        })
        .collect()
}

fn codes(out: &Output) -> Vec<String> {
    lines(out).into_iter().map(|(c, _)| c).collect()
}

fn assert_secret_not_shown(out: &Output, password: &str) {
    assert!(!stdout(out).contains(password), "stdout shows the password");
    assert!(!stderr(out).contains(password), "stderr shows the password");
}

#[test]
fn accepted_password_exits_0_and_prints_nothing() {
    let pw = "Lantern-Rive9-水餃";
    assert!(
        Profile::moe()
            .password
            .check(pw, &PersonalInfo::new())
            .is_accepted()
    );
    let out = check(&["--profile", "moe"], pw.as_bytes());
    assert_eq!(status(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty());
}

#[test]
fn rejection_lists_every_code_with_zh_tw_messages_by_default() {
    let pw = "1qaz2wsx";
    let expected = Profile::moe().password.check(pw, &PersonalInfo::new());
    assert!(expected.has("PW-COMMON"));
    assert!(expected.violations.len() >= 2);

    let out = check(&["--profile", "moe"], b"1qaz2wsx\n");
    assert_eq!(status(&out), 1);
    let got = lines(&out);
    assert_eq!(got.len(), expected.violations.len());
    for ((code, msg), v) in got.iter().zip(&expected.violations) {
        assert_eq!(code, v.code_str());
        assert_eq!(*msg, v.message(Lang::ZhTw));
    }
    assert!(stdout(&out).ends_with('\n'));
    assert_secret_not_shown(&out, pw);
}

#[test]
fn lang_en_gives_english_messages() {
    let pw = "1qaz2wsx";
    let expected = Profile::moe().password.check(pw, &PersonalInfo::new());
    for lang in ["en", "EN"] {
        let out = twsec(
            &["password", "check", "--profile", "moe", "--lang", lang],
            pw.as_bytes(),
        );
        assert_eq!(status(&out), 1);
        let got = lines(&out);
        assert_eq!(got.len(), expected.violations.len());
        for ((code, msg), v) in got.iter().zip(&expected.violations) {
            assert_eq!(code, v.code_str());
            assert_eq!(*msg, v.message(Lang::En));
            assert!(msg.is_ascii());
        }
    }
    let zh = check(&["--profile", "moe", "--lang", "zh-TW"], pw.as_bytes());
    assert_eq!(lines(&zh)[0].1, expected.violations[0].message(Lang::ZhTw));
    let bad = check(&["--profile", "moe", "--lang", "fr"], pw.as_bytes());
    assert_eq!(status(&bad), 2);
}

#[test]
fn one_trailing_newline_is_stripped_an_inner_one_is_kept() {
    let args = ["password", "check", "--profile", "moe"];
    for input in [
        "Lantern-Rive9-水餃\n",
        "Lantern-Rive9-水餃\r\n",
        "Lantern-Rive9-水餃",
    ] {
        let out = twsec(&args, input.as_bytes());
        assert_eq!(status(&out), 0, "{input:?}: {}", stdout(&out));
    }
    for input in [
        "Lantern\nRive9-水餃\n",
        "Lantern-Rive9-水餃\n\n",
        "Lantern-Rive9-水餃\r\r\n",
    ] {
        let out = twsec(&args, input.as_bytes());
        assert_eq!(status(&out), 1, "{input:?}");
        assert!(
            codes(&out).contains(&"PW-CHARACTERS".to_owned()),
            "{input:?}"
        );
    }
    // Leading and trailing spaces are part of the password.
    let spaced = " Lantern-Rive9-水餃 ";
    assert!(
        Profile::moe()
            .password
            .check(spaced, &PersonalInfo::new())
            .is_accepted()
    );
    let out = twsec(&args, spaced.as_bytes());
    assert_eq!(status(&out), 0);
}

#[test]
fn empty_input_is_checked_like_an_empty_password() {
    let expected = Profile::moe().password.check("", &PersonalInfo::new());
    let out = check(&["--profile", "moe"], b"\n");
    assert_eq!(status(&out), 1);
    assert_eq!(codes(&out), expected.codes());
}

#[test]
fn personal_information_is_refused() {
    let pw = "Alice-Lantern-47x";
    let moe = Profile::moe().password;
    assert!(moe.check(pw, &PersonalInfo::new()).is_accepted());
    let email = PersonalInfo::new().email("alice.chen@example.tw");
    assert_eq!(moe.check(pw, &email).codes(), ["PW-PERSONAL-INFO"]);

    let base = ["password", "check", "--profile", "moe"];
    let out = twsec(&base, pw.as_bytes());
    assert_eq!(status(&out), 0);
    let out = twsec(
        &[&base[..], &["--personal", "email=alice.chen@example.tw"]].concat(),
        pw.as_bytes(),
    );
    assert_eq!(status(&out), 1);
    assert_eq!(codes(&out), ["PW-PERSONAL-INFO"]);
    assert_secret_not_shown(&out, pw);
    assert!(
        !stdout(&out).contains("alice"),
        "the personal data is not repeated"
    );
}

#[test]
fn birthday_in_roc_form_is_refused() {
    let pw = "Lantern-790131x"; // 民國 79 年 1 月 31 日
    let moe = Profile::moe().password;
    assert!(moe.check(pw, &PersonalInfo::new()).is_accepted());
    let info = PersonalInfo::new().birthday(date!(1990 - 01 - 31));
    assert_eq!(moe.check(pw, &info).codes(), ["PW-PERSONAL-INFO"]);

    let args = [
        "password",
        "check",
        "--profile",
        "moe",
        "--personal",
        "birthday=1990-01-31",
    ];
    for input in ["Lantern-790131x", "Lantern-0790131x", "Lantern-19900131x"] {
        let out = twsec(&args, input.as_bytes());
        assert_eq!(status(&out), 1, "{input}");
        assert_eq!(codes(&out), ["PW-PERSONAL-INFO"], "{input}");
    }
}

#[test]
fn every_personal_key_is_accepted() {
    let args = [
        "password",
        "check",
        "--profile",
        "moe",
        "--personal",
        "name=陳愛麗",
        "--personal",
        "name=Alice Chen",
        "--personal",
        "email=alice.chen@example.tw",
        "--personal",
        "phone=+886 912-345-678",
        "--personal",
        "birthday=1990-01-31",
        "--personal",
        "national_id=A123456789",
        "--personal",
        "school_code=193501",
        "--personal",
        "org_code=382100",
        "--personal",
        "org-code=A1B2C3",
    ];
    let out = twsec(&args, "Lantern-Rive9-水餃".as_bytes());
    assert_eq!(status(&out), 0, "{}", stderr(&out));
    let info = PersonalInfo::new().org_code("193501").org_code("382100");
    for (pw, code) in [
        ("Chen-Lantern-47x", "PW-PERSONAL-INFO"),
        ("Lantern-0912345678", "PW-PERSONAL-INFO"),
        ("Lantern-193501-x", "PW-PERSONAL-INFO"),
        ("Lantern-382100-x", "PW-PERSONAL-INFO"),
    ] {
        let out = twsec(&args, pw.as_bytes());
        assert_eq!(status(&out), 1, "{pw}");
        assert!(
            codes(&out).contains(&code.to_owned()),
            "{pw}: {:?}",
            codes(&out)
        );
    }
    // school_code and org_code are both organisation codes, also for the account-name rule.
    let expected = check_account_name("t193501", &info);
    assert_eq!(expected.codes(), ["ACC-NAME-ORG-CODE"]);
    let out = twsec(
        &[&args[..], &["--account", "t193501"]].concat(),
        "Lantern-Rive9-水餃".as_bytes(),
    );
    assert_eq!(status(&out), 1);
    assert_eq!(codes(&out), ["ACC-NAME-ORG-CODE"]);
}

#[test]
fn account_name_is_checked_and_compared() {
    let ok = "Lantern-Rive9-水餃";
    let out = check(&["--profile", "moe", "--account", "admin"], ok.as_bytes());
    assert_eq!(status(&out), 1);
    assert_eq!(codes(&out), ["ACC-NAME-DEFAULT"]);

    let out = check(
        &["--profile", "moe", "--account", "chen.mingde"],
        ok.as_bytes(),
    );
    assert_eq!(status(&out), 0);

    // The password may not contain the account name; password violations come first.
    let pw = "Chenmingde-47x";
    let out = check(
        &["--profile", "moe", "--account", "chen.mingde"],
        pw.as_bytes(),
    );
    assert_eq!(status(&out), 1);
    assert_eq!(codes(&out), ["PW-PERSONAL-INFO"]);
    let out = check(
        &["--profile", "moe", "--account", "root", "--lang", "en"],
        b"1qaz2wsx",
    );
    let mut expected = Profile::moe()
        .password
        .check("1qaz2wsx", &PersonalInfo::new().account("root"))
        .codes();
    expected.push("ACC-NAME-DEFAULT");
    assert_eq!(codes(&out), expected);
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &[],
        &["password"],
        &["password", "nope"],
        &["password", "check"],
        &["password", "check", "--profile", "nope"],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--personal",
            "alice",
        ],
        &["password", "check", "--profile", "moe", "--personal", "=x"],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--personal",
            "name=",
        ],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--personal",
            "shoe_size=42",
        ],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--personal",
            "birthday=1990/01/31",
        ],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--personal",
            "birthday=1990-02-30",
        ],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--personal",
            "birthday=79-01-31",
        ],
        &[
            "password",
            "check",
            "--profile",
            "moe",
            "--password",
            "hunter2",
        ],
        &["password", "hash", "--profile", "nope"],
        &["password", "hash", "--pepper-id", "k1"],
        &["password", "generate"],
        &[
            "password",
            "generate",
            "--profile",
            "moe",
            "--personal",
            "x=y",
        ],
    ];
    for args in cases {
        let out = twsec(args, b"Lantern-Rive9-x\n");
        assert_eq!(status(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
        if args.len() > 2 {
            assert!(
                stderr(&out).starts_with("twsec: "),
                "{args:?}: {}",
                stderr(&out)
            );
        }
        assert_secret_not_shown(&out, "Lantern-Rive9-x");
    }
    // The value of a personal entry is not repeated in the error.
    let out = check(
        &["--profile", "moe", "--personal", "birthday=A123456789"],
        b"",
    );
    assert_eq!(status(&out), 2);
    assert!(!stderr(&out).contains("A123456789"), "{}", stderr(&out));
}

#[test]
fn the_password_never_appears_in_any_output() {
    let cases: &[(&[&str], &str)] = &[
        (&["password", "check", "--profile", "moe"], "1qaz2wsx"),
        (
            &["password", "check", "--profile", "moe", "--lang", "en"],
            "P@ssw0rd",
        ),
        (
            &["password", "check", "--profile", "moe", "--json"],
            "qwerty123",
        ),
        (
            &[
                "password",
                "check",
                "--profile",
                "strictest",
                "--account",
                "alice",
            ],
            "alice1234",
        ),
        (
            &["password", "check", "--profile", "nist", "--json"],
            "Tr0ub4dor&3",
        ),
        (&["password", "check", "--profile", "moe"], "short"),
        (&["password", "hash"], "Zq7-Zq7-Zq7-xx"),
    ];
    for (args, pw) in cases {
        let out = twsec(args, pw.as_bytes());
        assert_secret_not_shown(&out, pw);
    }
}

#[test]
fn json_report() {
    let pw = "1qaz2wsx";
    let expected = Profile::moe()
        .password
        .check(pw, &PersonalInfo::new().account("admin"));
    let out = check(
        &["--profile", "moe", "--json", "--account", "admin"],
        pw.as_bytes(),
    );
    assert_eq!(status(&out), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["accepted"], false);
    let got: Vec<&str> = json["violations"]
        .as_array()
        .expect("violations is an array")
        .iter()
        .map(|v| v["code"].as_str().expect("code is a string"))
        .collect();
    let mut want = expected.codes();
    want.push("ACC-NAME-DEFAULT");
    assert_eq!(got, want);
    assert_eq!(
        json["violations"][0]["message"]["zh-TW"],
        expected.violations[0].message(Lang::ZhTw)
    );
    assert_eq!(
        json["violations"][0]["message"]["en"],
        expected.violations[0].message(Lang::En)
    );

    let ok = check(
        &["--profile", "moe", "--json"],
        "Lantern-Rive9-水餃".as_bytes(),
    );
    assert_eq!(status(&ok), 0);
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("stdout is JSON");
    assert_eq!(
        json,
        serde_json::json!({"accepted": true, "violations": []})
    );
}

#[test]
fn one_mebibyte_of_input_is_refused_quickly() {
    let big = vec![b'a'; 1024 * 1024];
    let start = Instant::now();
    let out = check(&["--profile", "moe"], &big);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(status(&out), 1);
    assert_eq!(codes(&out), ["PW-LENGTH-MAX"]);

    let out = check(&["--profile", "moe", "--json"], &big);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["violations"][0]["code"], "PW-LENGTH-MAX");
    assert_eq!(
        json["violations"][0]["max"],
        Profile::moe().password.max_length
    );

    let out = twsec(&["password", "hash"], &big);
    assert_eq!(status(&out), 1);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out), "twsec: password too long\n");

    // Longer than the policy allows but within the read limit: the library decides.
    let long = vec![b'a'; 20_000];
    let out = check(&["--profile", "moe"], &long);
    assert_eq!(codes(&out), ["PW-LENGTH-MAX"]);
    let out = twsec(&["password", "hash"], &long);
    assert_eq!(status(&out), 1);
}

#[test]
fn invalid_utf8_is_refused() {
    for input in [
        &b"Lantern-\xff\xfe-47x"[..],
        b"\xc3\x28",
        b"\xed\xa0\x80abc",
    ] {
        let out = check(&["--profile", "moe"], input);
        assert_eq!(status(&out), 1);
        assert_eq!(codes(&out), ["PW-CHARACTERS"]);
        assert!(out.stderr.is_empty());

        let out = twsec(&["password", "hash"], input);
        assert_eq!(status(&out), 1);
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains("UTF-8"), "{}", stderr(&out));
    }
}

#[test]
fn hash_prints_a_phc_string_the_library_verifies() {
    let pw = "Lantern-Rive9-水餃";
    let out = twsec(&["password", "hash"], format!("{pw}\r\n").as_bytes());
    assert_eq!(status(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let phc = text.strip_suffix('\n').expect("one line");
    assert!(!phc.contains('\n'));
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!phc.contains("keyid="));

    let hasher = Hasher::new(HasherConfig::default()).expect("hasher");
    let stored = PasswordHash::from_phc(phc);
    assert!(hasher.verify(pw, &stored).expect("verify").is_match());
    assert!(
        !hasher
            .verify(&format!("{pw}\r\n"), &stored)
            .expect("verify")
            .is_match()
    );
    assert!(
        !hasher
            .verify("Lantern-Rive9", &stored)
            .expect("verify")
            .is_match()
    );

    let again = twsec(&["password", "hash", "--profile", "moe"], pw.as_bytes());
    assert_eq!(status(&again), 0);
    assert_ne!(stdout(&again), text, "a fresh salt each time");
}

#[test]
fn hash_refuses_an_empty_password() {
    for input in [&b""[..], b"\n", b"\r\n"] {
        let out = twsec(&["password", "hash"], input);
        assert_eq!(status(&out), 1);
        assert!(out.stdout.is_empty());
        assert_eq!(stderr(&out), "twsec: empty password\n");
    }
}

/// A file under the temp dir with a unique name, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &[u8], mode: u32) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "twsec-cli-test-{}-{}-{}.pepper",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let path = std::env::temp_dir().join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).expect("create temp file");
        file.write_all(contents).expect("write temp file");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .expect("chmod temp file");
        }
        #[cfg(not(unix))]
        let _ = mode;
        Self(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("temp path is UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const PEPPER: &[u8] = b"0123456789abcdef\x00\xff\x10\n-pepper-bytes-";

#[test]
fn hash_with_a_pepper_file() {
    let file = TempFile::new(PEPPER, 0o600);
    let pw = "Lantern-Rive9-水餃";
    let out = twsec(
        &[
            "password",
            "hash",
            "--pepper-file",
            file.arg(),
            "--pepper-id",
            "k1",
        ],
        pw.as_bytes(),
    );
    assert_eq!(status(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let phc = text.trim_end_matches('\n');
    assert!(
        phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1,keyid="),
        "{phc}"
    );
    let stored = PasswordHash::from_phc(phc);

    // The file's raw bytes, newline included, are the pepper.
    let pepper = Pepper::new("k1", SecretSlice::from(PEPPER.to_vec())).expect("pepper");
    let hasher = Hasher::new(HasherConfig::default().pepper(pepper)).expect("hasher");
    assert!(hasher.verify(pw, &stored).expect("verify").is_match());

    let other = Pepper::new("k1", SecretSlice::from(vec![7u8; 32])).expect("pepper");
    let hasher = Hasher::new(HasherConfig::default().pepper(other)).expect("hasher");
    assert!(!hasher.verify(pw, &stored).expect("verify").is_match());

    let unpeppered = Hasher::new(HasherConfig::default()).expect("hasher");
    assert_eq!(
        unpeppered.verify(pw, &stored),
        Err(HashError::UnknownPepper)
    );
}

#[cfg(unix)]
#[test]
fn a_pepper_file_others_can_read_is_refused() {
    for mode in [0o644, 0o640, 0o604, 0o660, 0o602] {
        let file = TempFile::new(PEPPER, mode);
        let out = twsec(
            &[
                "password",
                "hash",
                "--pepper-file",
                file.arg(),
                "--pepper-id",
                "k1",
            ],
            b"Lantern-Rive9",
        );
        assert_eq!(status(&out), 2, "{mode:o}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(err.starts_with("twsec: pepper file "), "{err}");
        assert!(err.contains("chmod 600"), "{err}");
    }
    let file = TempFile::new(PEPPER, 0o400);
    let out = twsec(
        &[
            "password",
            "hash",
            "--pepper-file",
            file.arg(),
            "--pepper-id",
            "k1",
        ],
        b"Lantern-Rive9",
    );
    assert_eq!(status(&out), 0, "{}", stderr(&out));
}

#[test]
fn unusable_peppers_are_refused() {
    let short = TempFile::new(&[1u8; 15], 0o600);
    let long = TempFile::new(&[1u8; 65], 0o600);
    let good = TempFile::new(PEPPER, 0o600);
    let missing =
        std::env::temp_dir().join(format!("twsec-cli-test-{}-missing", std::process::id()));
    let missing = missing.to_str().expect("UTF-8 path");
    let cases: &[&[&str]] = &[
        &["--pepper-file", short.arg(), "--pepper-id", "k1"],
        &["--pepper-file", long.arg(), "--pepper-id", "k1"],
        &["--pepper-file", missing, "--pepper-id", "k1"],
        &["--pepper-file", good.arg(), "--pepper-id", "bad id"],
        &["--pepper-file", good.arg(), "--pepper-id", "waytoolongid"],
        &["--pepper-file", good.arg()],
    ];
    for extra in cases {
        let out = twsec(
            &[&["password", "hash"][..], extra].concat(),
            b"Lantern-Rive9",
        );
        assert_eq!(status(&out), 2, "{extra:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{extra:?}");
        assert!(stderr(&out).starts_with("twsec: "), "{extra:?}");
    }
    let dir = std::env::temp_dir();
    let out = twsec(
        &[
            "password",
            "hash",
            "--pepper-file",
            dir.to_str().expect("UTF-8"),
            "--pepper-id",
            "k1",
        ],
        b"x",
    );
    assert_eq!(status(&out), 2);
}

#[test]
fn generate_meets_the_profile_and_differs_each_time() {
    let policy = Profile::twse_customer().password;
    let run = || {
        let out = twsec(&["password", "generate", "--profile", "twse-customer"], b"");
        assert_eq!(status(&out), 0, "{}", stderr(&out));
        assert!(out.stderr.is_empty());
        let text = stdout(&out);
        text.strip_suffix('\n').expect("one line").to_owned()
    };
    let (a, b) = (run(), run());
    for pw in [&a, &b] {
        assert!(!pw.contains('\n'));
        assert_eq!(pw.chars().count(), policy.generated_length);
        assert!(policy.check(pw, &PersonalInfo::new()).is_accepted(), "{pw}");
    }
    assert_ne!(a, b);
}

#[test]
fn generate_avoids_the_identity_given() {
    let args = [
        "password",
        "generate",
        "--profile",
        "strictest",
        "--account",
        "alice",
        "--personal",
        "email=alice.chen@example.tw",
        "--personal",
        "birthday=1990-01-31",
    ];
    let info = PersonalInfo::new()
        .account("alice")
        .email("alice.chen@example.tw")
        .birthday(date!(1990 - 01 - 31));
    let policy = Profile::strictest().password;
    for _ in 0..3 {
        let out = twsec(&args, b"");
        assert_eq!(status(&out), 0, "{}", stderr(&out));
        let pw = stdout(&out);
        let pw = pw.trim_end_matches('\n');
        assert!(policy.check(pw, &info).is_accepted(), "{pw}");
    }
}

#[test]
fn help_and_version_exit_0() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["password", "check", "--help"],
        &["password", "hash", "-h"],
    ] {
        let out = twsec(args, b"");
        assert_eq!(status(&out), 0, "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}
