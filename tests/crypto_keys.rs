//! Key files, passphrase keys, sub-keys, keyrings and sealed values through the public API.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use twsec::crypto::{
    KeyError, KeyId, Keyring, MasterKey, PassphraseKeyFile, Purpose, SealError, SealedString,
};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "twsec-crypto-keys-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixed_key(byte: u8) -> MasterKey {
    MasterKey::from_bytes(SecretBox::new(Box::new([byte; 32])))
}

#[test]
fn key_file_round_trip_with_private_mode() {
    let dir = TempDir::new();
    let path = dir.path("master.key");
    let key = MasterKey::generate();
    key.write_new(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let loaded = MasterKey::load(&path).unwrap();
    assert_eq!(loaded.id(), key.id());
    // Never overwritten.
    assert!(matches!(
        MasterKey::generate().write_new(&path),
        Err(KeyError::Exists(_))
    ));
    assert_eq!(MasterKey::load(&path).unwrap().id(), key.id());
    // Debug shows the ID only.
    let dbg = format!("{key:?}");
    assert!(dbg.contains(&key.id().to_string()) && dbg.contains("REDACTED"));
    let text = key.to_key_file();
    let b64 = text
        .expose_secret()
        .lines()
        .last()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap();
    assert!(!dbg.contains(b64));
}

#[cfg(unix)]
#[test]
fn group_or_world_accessible_key_files_are_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = TempDir::new();
    let path = dir.path("master.key");
    MasterKey::generate().write_new(&path).unwrap();
    for mode in [0o640, 0o604, 0o644, 0o660, 0o666, 0o610] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let err = MasterKey::load(&path).unwrap_err();
        assert!(
            matches!(err, KeyError::Permissions { .. }),
            "{mode:o}: {err}"
        );
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    assert!(MasterKey::load(&path).is_ok());
}

#[test]
fn key_file_negative_table() {
    let good = fixed_key(1).to_key_file();
    let good = good.expose_secret();
    let line = good.lines().last().unwrap();
    let (head, b64) = line.rsplit_once(':').unwrap();
    let other_id = fixed_key(2).id().to_string();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("# only a comment\n".into(), "no key line"),
        (format!("{line}\n{line}\n"), "two key lines"),
        (
            line.replace("twsec-key:v1:", "twsec-key:v2:"),
            "unknown version",
        ),
        (
            line.replace("twsec-key:v1:", "other-key:v1:"),
            "unknown header",
        ),
        (format!("{head}:{}", &b64[..b64.len() - 4]), "short key"),
        (format!("{head}:{b64}AAAA"), "long key"),
        (format!("{head}:!!!notbase64!!!"), "not base64"),
        (
            line.replacen(&fixed_key(1).id().to_string(), &other_id, 1),
            "ID of another key",
        ),
        (
            line.replacen(&fixed_key(1).id().to_string(), "zz", 1),
            "bad ID",
        ),
        (head.to_string(), "no key"),
    ];
    for (text, why) in cases {
        assert!(MasterKey::parse_key_file(&text).is_err(), "{why}");
    }
    assert!(matches!(
        MasterKey::parse_key_file(&line.replacen(&fixed_key(1).id().to_string(), &other_id, 1)),
        Err(KeyError::IdMismatch { .. })
    ));
    assert_eq!(
        MasterKey::parse_key_file(good).unwrap().id(),
        fixed_key(1).id()
    );
}

#[test]
fn passphrase_keys_derive_again_and_refuse_wrong_passphrases() {
    let dir = TempDir::new();
    let path = dir.path("pass.key");
    let pass = SecretString::from("correct horse battery staple");
    assert!(matches!(
        PassphraseKeyFile::create(&SecretString::from("short")),
        Err(KeyError::WeakPassphrase)
    ));
    let (file, key) = PassphraseKeyFile::create(&pass).unwrap();
    file.write_new(&path).unwrap();
    assert_eq!(file.id(), key.id());
    let again = MasterKey::load_with_passphrase(&path, &pass).unwrap();
    assert_eq!(again.id(), key.id());
    // Full-width input of the same passphrase (NFKC) derives the same key.
    let wide = SecretString::from("ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ ｓｔａｐｌｅ");
    assert_eq!(file.derive(&wide).unwrap().id(), key.id());
    assert!(matches!(
        MasterKey::load_with_passphrase(&path, &SecretString::from("wrong horse battery staple")),
        Err(KeyError::WrongPassphrase(_))
    ));
    // A passphrase file is not loaded as a key file.
    assert!(matches!(
        MasterKey::load(&path),
        Err(KeyError::NeedsPassphrase(_))
    ));
    // Tampered parameters are bounded.
    let text = file.to_text();
    for (from, to) in [
        ("m=65536", "m=4294967295"),
        ("t=3", "t=100000"),
        ("p=1", "p=0"),
        ("argon2id", "scrypt"),
    ] {
        assert!(
            PassphraseKeyFile::parse(&text.replace(from, to)).is_err(),
            "{to}"
        );
    }
    assert_eq!(PassphraseKeyFile::parse(&text).unwrap(), file);
}

#[test]
fn subkeys_differ_by_purpose_and_salt() {
    let key = fixed_key(9);
    let a = key.subkey(Purpose::ConfigSeal, &[]);
    let b = key.subkey(Purpose::Backup, &[]);
    let c = key.subkey(Purpose::Backup, b"salt");
    let d = key.subkey(Purpose::AuditChain, &[]);
    let e = key.subkey(Purpose::Pii, &[]);
    let all = [
        a.expose_secret(),
        b.expose_secret(),
        c.expose_secret(),
        d.expose_secret(),
        e.expose_secret(),
    ];
    for (i, x) in all.iter().enumerate() {
        for y in &all[i + 1..] {
            assert_ne!(x, y);
        }
    }
    // Deterministic.
    assert_eq!(
        key.subkey(Purpose::Pii, &[]).expose_secret(),
        e.expose_secret()
    );
    assert_eq!(format!("{e:?}"), "SubKey([REDACTED])");
}

#[test]
fn key_ids_parse_and_print() {
    let id = fixed_key(3).id();
    assert_eq!(KeyId::parse(&id.to_string()), Some(id));
    assert_eq!(id.to_string().len(), 16);
    for bad in [
        "",
        "0123",
        "0123456789abcdeg",
        "0123456789ABCDEF0",
        "0123456789ABCDEF",
    ] {
        assert_eq!(KeyId::parse(bad), None, "{bad}");
    }
}

#[test]
fn sealed_values_round_trip_and_rotate() {
    let old = Keyring::new(fixed_key(1));
    let sealed = old.seal_str("db.password", "pä$$wörd 密碼").unwrap();
    assert!(sealed.starts_with(&format!("twsec:v1:{}:", fixed_key(1).id())));
    assert_eq!(
        old.open_str("db.password", &sealed)
            .unwrap()
            .expose_secret(),
        "pä$$wörd 密碼"
    );
    // Two seals of the same value differ (random nonce).
    assert_ne!(
        sealed,
        old.seal_str("db.password", "pä$$wörd 密碼").unwrap()
    );
    // After rotation: new values under the new key, old ones still open.
    let ring = Keyring::new(fixed_key(2)).with_retired(fixed_key(1));
    assert_eq!(ring.ids(), [fixed_key(2).id(), fixed_key(1).id()]);
    assert_eq!(
        ring.open_str("db.password", &sealed)
            .unwrap()
            .expose_secret(),
        "pä$$wörd 密碼"
    );
    assert!(
        ring.seal_str("x", "y")
            .unwrap()
            .contains(&fixed_key(2).id().to_string())
    );
    // Without the old key: unknown key, named by ID.
    let new_only = Keyring::new(fixed_key(2));
    assert_eq!(
        new_only.open_str("db.password", &sealed).map(|_| ()),
        Err(SealError::UnknownKey(fixed_key(1).id()))
    );
}

#[test]
fn sealed_value_negative_table() {
    let ring = Keyring::new(fixed_key(1));
    let sealed = ring
        .seal(Purpose::ConfigSeal, "f", b"secret-value")
        .unwrap();
    let (head, b64) = sealed.rsplit_once(':').unwrap();
    // Every single-character change of the base64 body is refused.
    for i in 0..b64.len() {
        let mut chars: Vec<char> = b64.chars().collect();
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let tampered = format!("{head}:{}", chars.into_iter().collect::<String>());
        let r = ring.open(Purpose::ConfigSeal, "f", &tampered);
        assert!(
            matches!(r, Err(SealError::Authentication | SealError::Malformed)),
            "position {i}"
        );
    }
    let cases = [
        ("", SealError::Malformed),
        ("twsec:v1:", SealError::Malformed),
        ("twsec:v2:0000000000000000:AAAA", SealError::Malformed),
        ("twsec:v1:nothex:AAAA", SealError::Malformed),
        (&*format!("{head}:"), SealError::Malformed),
        (&*format!("{head}:AAAA"), SealError::Malformed),
        (
            &*format!("{head}:{}", &b64[..b64.len() - 4]),
            SealError::Authentication,
        ),
    ];
    for (s, e) in cases {
        assert_eq!(
            ring.open(Purpose::ConfigSeal, "f", s).map(|_| ()),
            Err(e),
            "{s:?}"
        );
    }
    // Wrong purpose or context.
    assert_eq!(
        ring.open(Purpose::Pii, "f", &sealed).map(|_| ()),
        Err(SealError::Authentication)
    );
    assert_eq!(
        ring.open(Purpose::ConfigSeal, "g", &sealed).map(|_| ()),
        Err(SealError::Authentication)
    );
    // Oversized input is refused before decoding.
    let huge = format!("{head}:{}", "A".repeat(1 << 20));
    assert_eq!(
        ring.open(Purpose::ConfigSeal, "f", &huge).map(|_| ()),
        Err(SealError::Malformed)
    );
    assert_eq!(
        ring.seal(Purpose::ConfigSeal, "f", &vec![0; 65 * 1024]),
        Err(SealError::Plaintext)
    );
    // Errors never quote the value.
    for e in [SealError::Malformed, SealError::Authentication] {
        assert!(!e.to_string().contains("secret-value"));
    }
}

#[test]
fn sealed_string_in_a_config_file() {
    #[derive(serde::Deserialize, Debug)]
    struct Config {
        db_password: SealedString,
    }
    let ring = Keyring::new(fixed_key(4));
    let sealed = ring.seal_str("db_password", "hunter2-but-longer").unwrap();
    let cfg: Config = serde_json::from_str(&format!(r#"{{"db_password":"{sealed}"}}"#)).unwrap();
    assert_eq!(cfg.db_password.key_id(), Some(fixed_key(4).id()));
    assert_eq!(
        cfg.db_password
            .open(&ring, "db_password")
            .unwrap()
            .expose_secret(),
        "hunter2-but-longer"
    );
    // Opening as another field names the field and not the value.
    let err = cfg.db_password.open(&ring, "smtp_password").unwrap_err();
    assert_eq!(err.field, "smtp_password");
    assert!(
        err.to_string()
            .starts_with("config field `smtp_password`: "),
        "{err}"
    );
    assert!(!format!("{cfg:?}").contains(&sealed));
    // A plaintext left in the config by mistake is refused without being quoted.
    let err = serde_json::from_str::<Config>(r#"{"db_password":"hunter2-plaintext"}"#).unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert!(
        err.to_string().contains("not a twsec sealed value"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn seal_open_round_trip(data in proptest::collection::vec(any::<u8>(), 0..2048), ctx in "\\PC{0,40}") {
        let ring = Keyring::new(fixed_key(5));
        let sealed = ring.seal(Purpose::Pii, &ctx, &data).unwrap();
        let opened = ring.open(Purpose::Pii, &ctx, &sealed).unwrap();
        prop_assert_eq!(opened.expose_secret(), &data[..]);
    }

    #[test]
    fn open_never_panics(s in "\\PC{0,200}") {
        let ring = Keyring::new(fixed_key(5));
        let _ = ring.open(Purpose::ConfigSeal, "f", &s);
        let _ = SealedString::new(s);
    }
}

#[test]
fn load_any_reads_both_kinds_and_names_the_file() {
    let dir = TempDir::new();
    let plain = dir.path("plain.key");
    let pass_path = dir.path("pass.key");
    let key = MasterKey::generate();
    key.write_new(&plain).unwrap();
    let pass = SecretString::from("correct horse battery staple");
    let (file, derived) = PassphraseKeyFile::create(&pass).unwrap();
    file.write_new(&pass_path).unwrap();
    assert_eq!(MasterKey::load_any(&plain, None).unwrap().id(), key.id());
    assert_eq!(
        MasterKey::load_any(&plain, Some(&pass)).unwrap().id(),
        key.id()
    );
    assert_eq!(
        MasterKey::load_any(&pass_path, Some(&pass)).unwrap().id(),
        derived.id()
    );
    assert!(
        matches!(MasterKey::load_any(&pass_path, None), Err(KeyError::NeedsPassphrase(p)) if p.contains("pass.key"))
    );
    // A malformed file is named in the error.
    let junk = dir.path("junk.key");
    MasterKey::generate().write_new(&junk).unwrap();
    std::fs::write(&junk, "not a key\n").unwrap();
    let err = MasterKey::load(&junk).unwrap_err();
    assert!(matches!(err, KeyError::MalformedFile { .. }), "{err}");
    assert!(err.to_string().contains("junk.key"), "{err}");
    // A missing file too.
    let err = MasterKey::load(&dir.path("missing.key")).unwrap_err();
    assert!(err.to_string().contains("missing.key"), "{err}");
}
