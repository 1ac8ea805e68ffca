//! End-to-end tests of `twsec keygen`, `seal`, `unseal` and `backup`: inputs on stdin or in
//! temporary files, results compared with the library's own answers.
#![cfg(feature = "cli")]

use std::io::Write as _;
use std::path::Path;
use std::process::Output;

use secrecy::{ExposeSecret as _, SecretString};
use twsec::crypto::{Keyring, MasterKey, PassphraseKeyFile};

#[path = "support/cli.rs"]
mod support;
use support::{TempDir, assert_fails, assert_ok, status, stderr, twsec, twsec_env};

/// `twsec keygen --out DIR/name`; returns the key ID printed.
fn keygen(dir: &TempDir, name: &str) -> String {
    let out = twsec(&["keygen", "--out", &dir.arg(name)], b"");
    let id = String::from_utf8(assert_ok(&out)).expect("UTF-8");
    id.strip_suffix('\n').expect("one line").to_owned()
}

const PASSPHRASE: &str = "correct horse 電池 staple";
const PASSPHRASE_VAR: &str = "TWSEC_TEST_PASSPHRASE";

/// `twsec keygen --passphrase --out DIR/name` with [`PASSPHRASE`]; returns the key ID printed.
fn keygen_passphrase(dir: &TempDir, name: &str) -> String {
    let stdin = format!("{PASSPHRASE}\n");
    let out = twsec(
        &["keygen", "--passphrase", "--out", &dir.arg(name)],
        stdin.as_bytes(),
    );
    let id = String::from_utf8(assert_ok(&out)).expect("UTF-8");
    id.strip_suffix('\n').expect("one line").to_owned()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `twsec seal --key-file DIR/key --context CONTEXT` of `plaintext`; returns the sealed line.
fn seal(dir: &TempDir, key: &str, context: &str, plaintext: &[u8]) -> String {
    let out = twsec(
        &["seal", "--key-file", &dir.arg(key), "--context", context],
        plaintext,
    );
    String::from_utf8(assert_ok(&out)).expect("UTF-8")
}

// ---------------------------------------------------------------------------------------------
// keygen

#[test]
fn keygen_creates_a_private_key_file_and_refuses_to_overwrite() {
    let dir = TempDir::new();
    let id = keygen(&dir, "k");
    assert_eq!(id.len(), 16);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let key = MasterKey::load(&dir.path("k")).expect("the library loads the key file");
    assert_eq!(key.id().to_string(), id);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path("k")), 0o600);

    let before = std::fs::read(dir.path("k")).expect("read");
    let out = twsec(&["keygen", "--out", &dir.arg("k")], b"");
    let err = assert_fails(&out, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(dir.path("k")).expect("read"), before);

    // Two keys differ.
    let other = keygen(&dir, "k2");
    assert_ne!(id, other);
    // A file in a missing directory.
    let out = twsec(&["keygen", "--out", &dir.arg("missing/k")], b"");
    assert_fails(&out, 2);
    // `--out` is required.
    assert_eq!(status(&twsec(&["keygen"], b"")), 2);
}

#[test]
fn keygen_with_a_passphrase() {
    let dir = TempDir::new();
    let id = keygen_passphrase(&dir, "pk");
    let text = std::fs::read_to_string(dir.path("pk")).expect("read");
    assert!(!text.contains(PASSPHRASE));
    let file = PassphraseKeyFile::parse(&text).expect("a passphrase key file");
    assert_eq!(file.id().to_string(), id);
    let key = file
        .derive(&SecretString::from(PASSPHRASE))
        .expect("the passphrase derives the key");
    assert_eq!(key.id().to_string(), id);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path("pk")), 0o600);

    // Too short: refused (1), no file; the passphrase is not repeated.
    let out = twsec(
        &["keygen", "--passphrase", "--out", &dir.arg("short")],
        b"tooshort\n",
    );
    let err = assert_fails(&out, 1);
    assert!(err.contains("passphrase too short"), "{err}");
    assert!(!err.contains("tooshort"));
    assert!(!dir.path("short").exists());
    // Not UTF-8: refused.
    let out = twsec(
        &["keygen", "--passphrase", "--out", &dir.arg("bad")],
        b"\xff\xfe long enough passphrase",
    );
    assert_fails(&out, 1);
    assert!(!dir.path("bad").exists());
    // An existing file is refused before the passphrase is read.
    let out = twsec(
        &["keygen", "--passphrase", "--out", &dir.arg("pk")],
        format!("{PASSPHRASE}\n").as_bytes(),
    );
    assert_fails(&out, 2);
}

// ---------------------------------------------------------------------------------------------
// key files

#[cfg(unix)]
#[test]
fn a_key_file_others_can_access_is_refused() {
    let dir = TempDir::new();
    keygen(&dir, "k");
    let sealed = seal(&dir, "k", "", b"s3cret");
    for m in [0o644, 0o640, 0o604, 0o660, 0o602] {
        chmod(&dir.path("k"), m);
        for args in [
            &["seal", "--key-file", &dir.arg("k")][..],
            &["unseal", "--key-file", &dir.arg("k")],
        ] {
            let out = twsec(args, sealed.as_bytes());
            let err = assert_fails(&out, 2);
            assert!(err.contains("chmod 600"), "{err}");
            assert!(!err.contains("s3cret"));
        }
    }
    chmod(&dir.path("k"), 0o400);
    let out = twsec(&["unseal", "--key-file", &dir.arg("k")], sealed.as_bytes());
    assert_eq!(assert_ok(&out), b"s3cret\n");
}

#[test]
fn unusable_key_files_exit_2() {
    let dir = TempDir::new();
    let write = |name: &str, text: &str| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(dir.path(name)).expect("create");
        file.write_all(text.as_bytes()).expect("write");
    };
    write("empty", "");
    write("garbage", "not a key\n");
    // A valid-looking line whose ID does not match the key.
    write(
        "mismatch",
        "twsec-key:v1:0000000000000000:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    );
    for name in ["empty", "garbage", "mismatch", "missing"] {
        let out = twsec(&["seal", "--key-file", &dir.arg(name)], b"x");
        let err = assert_fails(&out, 2);
        assert!(err.contains(&dir.arg(name)), "{err}");
    }
    // A directory is not a key file.
    let out = twsec(&["seal", "--key-file", &dir.arg("")], b"x");
    assert_fails(&out, 2);
    // `--key-file` is required.
    assert_eq!(status(&twsec(&["seal"], b"x")), 2);
    assert_eq!(status(&twsec(&["unseal"], b"x")), 2);
}

// ---------------------------------------------------------------------------------------------
// seal / unseal

#[test]
fn seal_and_unseal_round_trip() {
    let dir = TempDir::new();
    let id = keygen(&dir, "k");
    let ring = Keyring::new(MasterKey::load(&dir.path("k")).expect("load"));
    let key = dir.arg("k");
    for (plaintext, context) in [
        ("s3cret-db-password", "database.password"),
        ("資料庫密碼：水餃🥟 ünïcödé", "db.密碼"),
        ("with inner\nnewline and  spaces ", ""),
        ("x", "smtp"),
    ] {
        for input in [format!("{plaintext}\n"), plaintext.to_owned()] {
            let sealed = seal(&dir, "k", context, input.as_bytes());
            let line = sealed.strip_suffix('\n').expect("one line");
            assert!(!line.contains('\n'));
            assert!(line.starts_with(&format!("twsec:v1:{id}:")), "{line}");
            assert!(plaintext.len() < 8 || !line.contains(plaintext));
            // The library opens it with the same context.
            let opened = ring.open_str(context, line).expect("library opens it");
            assert_eq!(opened.expose_secret(), plaintext);

            let mut args = vec!["unseal", "--key-file", &key];
            if !context.is_empty() {
                args.extend(["--context", context]);
            }
            // Surrounding whitespace is ignored.
            for sealed_input in [sealed.clone(), format!("  {line}\r\n\n")] {
                let out = twsec(&args, sealed_input.as_bytes());
                assert_eq!(assert_ok(&out), format!("{plaintext}\n").as_bytes());
            }
        }
    }
    // Each sealing uses a fresh nonce.
    assert_ne!(seal(&dir, "k", "", b"same"), seal(&dir, "k", "", b"same"));
}

#[test]
fn unseal_refuses_with_exit_1_and_never_shows_the_secret() {
    let dir = TempDir::new();
    keygen(&dir, "k");
    keygen(&dir, "other");
    let secret = "top-secret-水餃-value";
    let sealed = seal(&dir, "k", "db.password", secret.as_bytes());
    let line = sealed.trim_end();
    let (head, body) = line.rsplit_once(':').expect("twsec:v1:<id>:<b64>");

    let unseal = |key: &str, context: &str, input: &str| {
        twsec(
            &["unseal", "--key-file", &dir.arg(key), "--context", context],
            input.as_bytes(),
        )
    };
    let check_refused = |out: &Output, expected: &str| {
        let err = assert_fails(out, 1);
        assert!(err.contains(expected), "{err}");
        assert!(!err.contains(secret), "{err}");
    };

    // Wrong context.
    check_refused(&unseal("k", "smtp.password", line), "does not authenticate");
    check_refused(&unseal("k", "", line), "does not authenticate");
    // Another key: its ID is not the one in the sealed value.
    check_refused(&unseal("other", "db.password", line), "not in the keyring");
    // Tampered: one base64 character in the middle changed.
    let mut tampered: Vec<char> = body.chars().collect();
    let mid = tampered.len() / 2;
    tampered[mid] = if tampered[mid] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    check_refused(
        &unseal("k", "db.password", &format!("{head}:{tampered}")),
        "does not authenticate",
    );
    // Truncated: still base64, but the tag does not match.
    check_refused(
        &unseal("k", "db.password", &line[..line.len() - 8]),
        "does not authenticate",
    );
    // Truncated to a partial base64 quantum.
    check_refused(
        &unseal("k", "db.password", &line[..line.len() - 3]),
        "not a twsec sealed value",
    );
    // Malformed.
    let too_long = format!("{head}:{}", "A".repeat(300 * 1024));
    for bad in [
        "",
        "\n",
        "hello",
        "twsec:v1:",
        "twsec:v2:0011223344556677:AAAA",
        "twsec:v1:nothex:AAAA",
        "twsec:v1:0011223344556677:not base64!",
        "twsec:v1:0011223344556677:AAAA",
        too_long.as_str(),
    ] {
        check_refused(&unseal("k", "db.password", bad), "not a twsec sealed value");
    }
    // Not UTF-8.
    let out = twsec(
        &["unseal", "--key-file", &dir.arg("k")],
        b"twsec:v1:\xff\xfe",
    );
    assert_fails(&out, 1);
    // And the right key and context still open it.
    let out = unseal("k", "db.password", line);
    assert_eq!(assert_ok(&out), format!("{secret}\n").as_bytes());
}

#[test]
fn seal_refuses_input_it_cannot_seal() {
    let dir = TempDir::new();
    keygen(&dir, "k");
    let args = ["seal", "--key-file", &dir.arg("k")];
    let out = twsec(&args, &vec![b'a'; 64 * 1024 + 1]);
    let err = assert_fails(&out, 1);
    assert!(err.contains("too long"), "{err}");
    let out = twsec(&args, b"caf\xe9");
    let err = assert_fails(&out, 1);
    assert!(err.contains("UTF-8"), "{err}");
}

#[test]
fn unseal_with_a_retired_key() {
    let dir = TempDir::new();
    keygen(&dir, "old");
    keygen(&dir, "new");
    let sealed = seal(&dir, "old", "api.token", b"tok-123");
    let args = [
        "unseal",
        "--key-file",
        &dir.arg("new"),
        "--old-key-file",
        &dir.arg("old"),
        "--context",
        "api.token",
    ];
    assert_eq!(assert_ok(&twsec(&args, sealed.as_bytes())), b"tok-123\n");
    // Without the old key it is not in the keyring.
    let out = twsec(&args[..3], sealed.as_bytes());
    assert_fails(&out, 1);
}

#[test]
fn passphrase_key_files_take_the_passphrase_from_the_environment() {
    let dir = TempDir::new();
    let id = keygen_passphrase(&dir, "pk");
    let key = dir.arg("pk");
    let env = [(PASSPHRASE_VAR, PASSPHRASE)];
    let secret = "pässwörd-🔑";

    let out = twsec_env(
        &[
            "seal",
            "--key-file",
            &key,
            "--passphrase-env",
            PASSPHRASE_VAR,
            "--context",
            "c",
        ],
        secret.as_bytes(),
        &env,
    );
    let sealed = String::from_utf8(assert_ok(&out)).expect("UTF-8");
    assert!(sealed.starts_with(&format!("twsec:v1:{id}:")));
    let unseal_args = [
        "unseal",
        "--key-file",
        &key,
        "--passphrase-env",
        PASSPHRASE_VAR,
        "--context",
        "c",
    ];
    let out = twsec_env(&unseal_args, sealed.as_bytes(), &env);
    assert_eq!(assert_ok(&out), format!("{secret}\n").as_bytes());

    // Wrong passphrase: the key file cannot be used (2); nothing of either passphrase shown.
    let wrong = "a wrong but long passphrase";
    let out = twsec_env(&unseal_args, sealed.as_bytes(), &[(PASSPHRASE_VAR, wrong)]);
    let err = assert_fails(&out, 2);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(!err.contains(wrong) && !err.contains(PASSPHRASE) && !err.contains(secret));
    // Variable not set, or empty.
    let out = twsec(&unseal_args, sealed.as_bytes());
    let err = assert_fails(&out, 2);
    assert!(err.contains("not set"), "{err}");
    let out = twsec_env(&unseal_args, sealed.as_bytes(), &[(PASSPHRASE_VAR, "")]);
    assert_fails(&out, 2);
    // No --passphrase-env.
    let out = twsec_env(&unseal_args[..3], sealed.as_bytes(), &env);
    let err = assert_fails(&out, 2);
    assert!(err.contains("--passphrase-env"), "{err}");
    // A retired passphrase key file with its own variable.
    keygen(&dir, "new");
    let out = twsec_env(
        &[
            "unseal",
            "--key-file",
            &dir.arg("new"),
            "--old-key-file",
            &key,
            "--old-passphrase-env",
            "OLD_PASS",
            "--context",
            "c",
        ],
        sealed.as_bytes(),
        &[("OLD_PASS", PASSPHRASE)],
    );
    assert_eq!(assert_ok(&out), format!("{secret}\n").as_bytes());
}

#[test]
fn help_lists_the_crypto_commands() {
    let out = twsec(&["--help"], b"");
    let help = String::from_utf8(assert_ok(&out)).expect("UTF-8");
    for command in ["keygen", "seal", "unseal"] {
        assert!(help.contains(command), "{help}");
    }
    for args in [
        &["keygen", "--help"][..],
        &["seal", "-h"],
        &["unseal", "--help"],
    ] {
        assert_eq!(status(&twsec(args, b"")), 0, "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// backup

/// `n` bytes of recognisable text (so that a leak in a message would be seen).
fn dump(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 64);
    let mut i = 0u64;
    while out.len() < n {
        out.extend_from_slice(format!("row {i}: 客戶 secret-row-{i:08}\n").as_bytes());
        i += 1;
    }
    out.truncate(n);
    out
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The summary line `encrypt`, `decrypt` and `rewrap` print when they wrote to a file.
fn summary(data: &[u8], chunks: usize, key: &str) -> String {
    format!("ok bytes={} chunks={chunks} key={key}\n", data.len())
}

/// The summary line of `verify` (the restore test): the same, with the plaintext's SHA-256.
fn verified(data: &[u8], chunks: usize, key: &str) -> String {
    format!(
        "ok bytes={} chunks={chunks} key={key} sha256={}\n",
        data.len(),
        sha256_hex(data)
    )
}

/// Writes `contents` to a new file in `dir`.
fn put(dir: &TempDir, name: &str, contents: &[u8]) {
    std::fs::write(dir.path(name), contents).expect("write");
}

fn get(dir: &TempDir, name: &str) -> Vec<u8> {
    std::fs::read(dir.path(name)).expect("read")
}

/// The names in `dir`, sorted: no temporary file may be left behind.
fn names(dir: &TempDir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.path(""))
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("UTF-8"))
        .collect();
    names.sort();
    names
}

/// Asserts that the output shows nothing of the plaintext rows.
#[track_caller]
fn assert_no_plaintext(out: &Output) {
    assert!(!stderr(out).contains("secret-row"), "{}", stderr(out));
}

#[test]
fn backup_round_trip_file_to_file() {
    let dir = TempDir::new();
    let id = keygen(&dir, "k");
    let data = dump(1000 * 1024 + 17);
    put(&dir, "db.sql", &data);
    // Default chunks: 256 KiB.
    let chunks = data.len().div_ceil(256 * 1024);
    let expected = summary(&data, chunks, &id);

    let out = twsec(
        &[
            "backup",
            "encrypt",
            "--key-file",
            &dir.arg("k"),
            &dir.arg("db.sql"),
            &dir.arg("db.twsec"),
        ],
        b"",
    );
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    let encrypted = get(&dir, "db.twsec");
    assert!(encrypted.len() > data.len());
    assert!(!encrypted.windows(10).any(|w| w == b"secret-row"));

    // The library reads it too.
    let ring = Keyring::new(MasterKey::load(&dir.path("k")).expect("load"));
    let checked = twsec::crypto::backup::verify(&ring, &encrypted[..]).expect("library verifies");
    assert_eq!(checked.sha256_hex(), Some(sha256_hex(&data)));

    let out = twsec(
        &[
            "backup",
            "verify",
            "--key-file",
            &dir.arg("k"),
            &dir.arg("db.twsec"),
        ],
        b"",
    );
    assert_eq!(
        String::from_utf8(assert_ok(&out)).expect("UTF-8"),
        verified(&data, chunks, &id)
    );

    let out = twsec(
        &[
            "backup",
            "decrypt",
            "--key-file",
            &dir.arg("k"),
            &dir.arg("db.twsec"),
            &dir.arg("restored.sql"),
        ],
        b"",
    );
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    assert!(get(&dir, "restored.sql") == data);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path("restored.sql")), 0o600);
    assert_eq!(names(&dir), ["db.sql", "db.twsec", "k", "restored.sql"]);
}

#[test]
fn backup_round_trip_through_stdin_and_stdout() {
    let dir = TempDir::new();
    let id = keygen(&dir, "k");
    let key = dir.arg("k");
    for data in [dump(0), dump(1), dump(5000), dump(70_000)] {
        // stdin -> stdout (OUT defaults to -), 1 KiB chunks.
        let out = twsec(
            &[
                "backup",
                "encrypt",
                "--key-file",
                &key,
                "--chunk-size",
                "1K",
                "-",
            ],
            &data,
        );
        let encrypted = assert_ok(&out);
        let out = twsec(
            &["backup", "decrypt", "--key-file", &key, "-", "-"],
            &encrypted,
        );
        assert!(assert_ok(&out) == data);
        let out = twsec(&["backup", "verify", "--key-file", &key, "-"], &encrypted);
        let chunks = data.len().div_ceil(1024).max(1);
        assert_eq!(
            String::from_utf8(assert_ok(&out)).expect("UTF-8"),
            verified(&data, chunks, &id)
        );
    }

    // stdin -> file, file -> stdout, stdin -> file.
    let data = dump(300_000);
    let out = twsec(
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            "-",
            &dir.arg("b.twsec"),
        ],
        &data,
    );
    let expected = summary(&data, 2, &id);
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    let out = twsec(
        &["backup", "decrypt", "--key-file", &key, &dir.arg("b.twsec")],
        b"",
    );
    assert!(assert_ok(&out) == data);
    let out = twsec(
        &[
            "backup",
            "decrypt",
            "--key-file",
            &key,
            "-",
            &dir.arg("b.sql"),
        ],
        &get(&dir, "b.twsec"),
    );
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    assert!(get(&dir, "b.sql") == data);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path("b.sql")), 0o600);
    assert_eq!(names(&dir), ["b.sql", "b.twsec", "k"]);
}

#[test]
fn damaged_backups_are_refused_with_exit_1_and_leave_no_plaintext() {
    let dir = TempDir::new();
    keygen(&dir, "k");
    let key = dir.arg("k");
    let data = dump(600_000);
    put(&dir, "db.sql", &data);
    let out = twsec(
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            &dir.arg("db.sql"),
            &dir.arg("ok.twsec"),
        ],
        b"",
    );
    assert_ok(&out);
    let good = get(&dir, "ok.twsec");

    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x01;
    let mut header_flipped = good.clone();
    header_flipped[20] ^= 0x80;
    let mut trailing = good.clone();
    trailing.extend_from_slice(b"extra");
    let cases: [(&str, Vec<u8>, &str); 7] = [
        ("flipped", flipped, "does not authenticate"),
        ("header", header_flipped, ""),
        ("cut", good[..good.len() - 10].to_vec(), ""),
        ("cut-header", good[..30].to_vec(), "truncated"),
        ("trailing", trailing, ""),
        ("plain", data[..1000].to_vec(), "not a twsec backup"),
        ("empty", Vec::new(), ""),
    ];
    for (name, bytes, reason) in &cases {
        let file = format!("{name}.twsec");
        put(&dir, &file, bytes);
        let restored = format!("{name}.sql");
        // File to file: refused, and nothing at OUT.
        let out = twsec(
            &[
                "backup",
                "decrypt",
                "--key-file",
                &key,
                &dir.arg(&file),
                &dir.arg(&restored),
            ],
            b"",
        );
        let err = assert_fails(&out, 1);
        assert!(err.contains(reason), "{name}: {err}");
        assert_no_plaintext(&out);
        assert!(!dir.path(&restored).exists(), "{name}");
        // Stdin to file: the same.
        let out = twsec(
            &[
                "backup",
                "decrypt",
                "--key-file",
                &key,
                "-",
                &dir.arg(&restored),
            ],
            bytes,
        );
        assert_fails(&out, 1);
        assert!(!dir.path(&restored).exists(), "{name}");
        // Verify.
        let out = twsec(
            &["backup", "verify", "--key-file", &key, &dir.arg(&file)],
            b"",
        );
        assert_fails(&out, 1);
        // To stdout: refused; what was already written is called incomplete.
        let out = twsec(
            &["backup", "decrypt", "--key-file", &key, &dir.arg(&file)],
            b"",
        );
        assert_eq!(status(&out), 1, "{name}");
        assert_no_plaintext(&out);
        let err = stderr(&out);
        assert_eq!(
            err.contains("incomplete"),
            !out.stdout.is_empty(),
            "{name}: {err}"
        );
        assert!(data.starts_with(&out.stdout), "{name}");
    }
    // The flipped byte is in the middle: the first chunk came out before the failure.
    let out = twsec(
        &[
            "backup",
            "decrypt",
            "--key-file",
            &key,
            &dir.arg("flipped.twsec"),
        ],
        b"",
    );
    assert_eq!(out.stdout.len(), 256 * 1024);
    // No temporary file was left.
    let mut expected: Vec<String> = cases.iter().map(|(n, _, _)| format!("{n}.twsec")).collect();
    expected.extend(["db.sql", "k", "ok.twsec"].map(String::from));
    expected.sort();
    assert_eq!(names(&dir), expected);
}

#[test]
fn backup_under_another_key_is_refused_with_exit_1() {
    let dir = TempDir::new();
    let id = keygen(&dir, "k");
    keygen(&dir, "other");
    let data = dump(10_000);
    let out = twsec(
        &["backup", "encrypt", "--key-file", &dir.arg("k"), "-"],
        &data,
    );
    let encrypted = assert_ok(&out);
    put(&dir, "b.twsec", &encrypted);
    for args in [
        &["backup", "verify", "--key-file", &dir.arg("other"), "-"][..],
        &["backup", "decrypt", "--key-file", &dir.arg("other"), "-"],
        &[
            "backup",
            "decrypt",
            "--key-file",
            &dir.arg("other"),
            "-",
            &dir.arg("out"),
        ],
    ] {
        let out = twsec(args, &encrypted);
        let err = assert_fails(&out, 1);
        assert!(
            err.contains(&id) && err.contains("not in the keyring"),
            "{err}"
        );
    }
    assert!(!dir.path("out").exists());
}

#[test]
fn backup_usage_errors_exit_2() {
    let dir = TempDir::new();
    keygen(&dir, "k");
    let key = dir.arg("k");
    put(&dir, "in", b"data");
    put(&dir, "exists", b"keep me");
    let cases: &[&[&str]] = &[
        // OUT exists: never overwritten.
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            &dir.arg("in"),
            &dir.arg("exists"),
        ],
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            "-",
            &dir.arg("exists"),
        ],
        &[
            "backup",
            "decrypt",
            "--key-file",
            &key,
            "-",
            &dir.arg("exists"),
        ],
        // Missing input.
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            &dir.arg("missing"),
            &dir.arg("o"),
        ],
        &["backup", "verify", "--key-file", &key, &dir.arg("missing")],
        // Chunk size out of range or not a number.
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            "--chunk-size",
            "63",
            "-",
        ],
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            "--chunk-size",
            "5M",
            "-",
        ],
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            "--chunk-size",
            "lots",
            "-",
        ],
        &[
            "backup",
            "rewrap",
            "--key-file",
            &key,
            "--chunk-size",
            "0",
            "-",
        ],
        // Missing arguments; no retired keys for new data.
        &["backup", "encrypt", "--key-file", &key],
        &["backup", "encrypt", "-"],
        &[
            "backup",
            "encrypt",
            "--key-file",
            &key,
            "--old-key-file",
            &key,
            "-",
        ],
        &["backup"],
    ];
    for args in cases {
        let out = twsec(args, b"stdin data");
        assert_eq!(status(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr(&out).starts_with("twsec: ") || args.len() == 1,
            "{args:?}"
        );
    }
    assert_eq!(get(&dir, "exists"), b"keep me");
    assert!(!dir.path("o").exists());
    #[cfg(unix)]
    {
        chmod(&dir.path("k"), 0o644);
        let out = twsec(&["backup", "encrypt", "--key-file", &key, "-"], b"data");
        let err = assert_fails(&out, 2);
        assert!(err.contains("chmod 600"), "{err}");
    }
}

#[test]
fn rewrap_moves_a_backup_to_a_new_key() {
    let dir = TempDir::new();
    keygen(&dir, "old");
    let new_id = keygen(&dir, "new");
    let data = dump(100_000);
    put(&dir, "db.sql", &data);
    let out = twsec(
        &[
            "backup",
            "encrypt",
            "--key-file",
            &dir.arg("old"),
            &dir.arg("db.sql"),
            &dir.arg("b1"),
        ],
        b"",
    );
    assert_ok(&out);

    // File to file, with a chunk size of its own.
    let out = twsec(
        &[
            "backup",
            "rewrap",
            "--key-file",
            &dir.arg("new"),
            "--old-key-file",
            &dir.arg("old"),
            "--chunk-size",
            "4096",
            &dir.arg("b1"),
            &dir.arg("b2"),
        ],
        b"",
    );
    let expected = summary(&data, data.len().div_ceil(4096), &new_id);
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    // Only the new key is needed now; the old one no longer opens it.
    let out = twsec(
        &[
            "backup",
            "decrypt",
            "--key-file",
            &dir.arg("new"),
            &dir.arg("b2"),
            &dir.arg("r2"),
        ],
        b"",
    );
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    assert!(get(&dir, "r2") == data);
    let out = twsec(
        &[
            "backup",
            "verify",
            "--key-file",
            &dir.arg("old"),
            &dir.arg("b2"),
        ],
        b"",
    );
    assert_fails(&out, 1);
    // Without the old key, the old backup cannot be rewrapped.
    let out = twsec(
        &[
            "backup",
            "rewrap",
            "--key-file",
            &dir.arg("new"),
            &dir.arg("b1"),
            &dir.arg("b3"),
        ],
        b"",
    );
    assert_fails(&out, 1);
    assert!(!dir.path("b3").exists());

    // Stdin to stdout.
    let out = twsec(
        &[
            "backup",
            "rewrap",
            "--key-file",
            &dir.arg("new"),
            "--old-key-file",
            &dir.arg("old"),
            "-",
        ],
        &get(&dir, "b1"),
    );
    let rewrapped = assert_ok(&out);
    let out = twsec(
        &["backup", "decrypt", "--key-file", &dir.arg("new"), "-"],
        &rewrapped,
    );
    assert!(assert_ok(&out) == data);

    // In place: IN and OUT the same file.
    let out = twsec(
        &[
            "backup",
            "rewrap",
            "--key-file",
            &dir.arg("new"),
            "--old-key-file",
            &dir.arg("old"),
            &dir.arg("b1"),
            &dir.arg("b1"),
        ],
        b"",
    );
    assert_ok(&out);
    let out = twsec(
        &[
            "backup",
            "verify",
            "--key-file",
            &dir.arg("new"),
            &dir.arg("b1"),
        ],
        b"",
    );
    let expected = verified(&data, 1, &new_id);
    assert_eq!(String::from_utf8(assert_ok(&out)).expect("UTF-8"), expected);
    assert_eq!(names(&dir), ["b1", "b2", "db.sql", "new", "old", "r2"]);
}

#[test]
fn backups_with_a_passphrase_key_file() {
    let dir = TempDir::new();
    let id = keygen_passphrase(&dir, "pk");
    let env = [(PASSPHRASE_VAR, PASSPHRASE)];
    let data = dump(3000);
    let key = dir.arg("pk");
    let with_key = |args: &[&str]| {
        let mut all = vec!["backup"];
        all.extend_from_slice(&args[..1]);
        all.extend(["--key-file", key.as_str()]);
        all.extend(["--passphrase-env", PASSPHRASE_VAR]);
        all.extend_from_slice(&args[1..]);
        all.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: &[&str], stdin: &[u8], env: &[(&str, &str)]| {
        let args = with_key(args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        twsec_env(&args, stdin, env)
    };
    let encrypted = assert_ok(&run(&["encrypt", "-"], &data, &env));
    let out = run(&["verify", "-"], &encrypted, &env);
    assert_eq!(
        String::from_utf8(assert_ok(&out)).expect("UTF-8"),
        verified(&data, 1, &id)
    );
    assert!(assert_ok(&run(&["decrypt", "-"], &encrypted, &env)) == data);
    let out = run(
        &["decrypt", "-"],
        &encrypted,
        &[(PASSPHRASE_VAR, "not the passphrase")],
    );
    let err = assert_fails(&out, 2);
    assert!(err.contains("wrong passphrase"), "{err}");
}
