//! The tour of twsec's password, account, encryption-at-rest, audit and login-guard controls on
//! the embedded defaults.
//!
//! Run with `cargo run --example quickstart`. No server, no configuration.
#![allow(clippy::print_stdout, reason = "an example prints what it does")]

use secrecy::ExposeSecret;
use std::sync::Arc;
use time::{Duration, macros::date};
use twsec::account::{Accounts, LoginDecision, Transition};

use twsec::audit::{self, AuditEvent, AuditTrail, Durability, FileSink};
use twsec::auth::mfa::{AuthFactors, StandardFactor, TotpEnrolment};
use twsec::auth::totp::TotpParams;
use twsec::auth::{Guard, LockoutPolicy, LoginAttempt, MemoryStore};
use twsec::clock::{Clock, ManualClock};
use twsec::control::Profile;
use twsec::crypto::{Keyring, MasterKey, SealedString, backup};
use twsec::password::{Hasher, HasherConfig, Lang, PersonalInfo, check_account_name};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A regulation profile configures every control at once: here 教育部 (MOE).
    let profile = Profile::moe();
    let policy = &profile.password;
    let clock = ManualClock::new(time::macros::datetime!(2026-03-02 09:00 +08:00));

    println!("== 1. Password policy ({}) ==", profile.name);
    let me = PersonalInfo::new()
        .account("mingde")
        .name("Chen Mingde")
        .email("mdchen@example.edu.tw")
        .birthday(date!(1988 - 07 - 15))
        .org_code("193501");
    for candidate in [
        "1qaz2wsx",
        "Mingde@0715",
        "Ｌａｎｔｅｒｎ－Ｒｉｖｅｒ９",
        "Lantern-River-K9te",
    ] {
        let report = policy.check(candidate, &me);
        if report.is_accepted() {
            println!("  accepted {candidate:?}");
        } else {
            println!("  rejected {candidate:?}:");
            for v in &report.violations {
                println!("    {} {}", v.code_str(), v.message(Lang::ZhTw));
            }
        }
    }
    for name in ["admin", "A123456789", "mingde"] {
        println!(
            "  account name {name:?}: {:?}",
            check_account_name(name, &me).codes()
        );
    }

    println!("== 2. Hashing (argon2id, PHC) ==");
    let hasher = Hasher::new(HasherConfig::new(policy.hashing))?;
    let started = std::time::Instant::now();
    let hash = hasher.hash("Lantern-River-K9te")?;
    println!("  {} ({} ms)", hash.as_phc(), started.elapsed().as_millis());
    println!(
        "  verify: {:?}",
        hasher.verify("Lantern-River-K9te", &hash)?
    );
    println!(
        "  verify full-width form (NFKC): {:?}",
        hasher.verify("Ｌａｎｔｅｒｎ－Ｒｉｖｅｒ－Ｋ９ｔｅ", &hash)?
    );

    println!("== 3. First login ==");
    let accounts = Accounts::new(&profile, hasher)?;
    let new = accounts.create("mingde", &me, clock.now())?;
    // The account events of this tour, for the audit log at the end.
    let mut trail: Vec<Transition> = vec![new.event.clone()];
    println!(
        "  initial password {:?} (random, must change, expires in 7 days)",
        new.initial_password.expose_secret()
    );
    let mut record = new.record;
    println!(
        "  login decision: {:?}",
        accounts.evaluate(&record, clock.now())
    );
    let event = accounts.change_password(&mut record, "Lantern-River-K9te", &me, clock.now())?;
    trail.push(event.clone());
    println!(
        "  changed: {} by {:?} ({})",
        event.event.as_str(),
        event.actor,
        event.reason
    );
    println!(
        "  login decision: {:?}",
        accounts.evaluate(&record, clock.now())
    );
    accounts.record_login(&mut record, clock.now());

    println!("== 4. Dormancy sweep ==");
    let mut records = vec![
        record,
        accounts
            .create("never-used", &PersonalInfo::new(), clock.now())?
            .record,
    ];
    clock.advance(Duration::days(200));
    accounts.record_login(&mut records[0], clock.now());
    clock.advance(Duration::days(200));
    println!("  400 days later (one account logged in on day 200, one never):");
    let swept = accounts.dormancy_sweep(&mut records, clock.now());
    trail.extend(swept.iter().cloned());
    for t in swept {
        println!(
            "  {} {} reason={} actor={:?}",
            t.event.as_str(),
            t.account,
            t.reason,
            t.actor
        );
    }
    for r in &records {
        let decision = accounts.evaluate(r, clock.now());
        let verdict = match decision {
            LoginDecision::Allowed { .. } => "allowed".to_owned(),
            other => format!("{other:?}"),
        };
        println!("  {}: {verdict}", r.account);
    }

    println!("== 5. Encryption at rest ==");
    // In production: `twsec keygen --out master.key`, then `Keyring::load(path, &[])`.
    let ring = Keyring::new(MasterKey::generate());
    let sealed = ring.seal_str("database.password", "db-pass-from-the-vault")?;
    println!("  config: database.password = \"{sealed}\"");
    let field = SealedString::new(sealed)?;
    let opened = field.open(&ring, "database.password")?;
    println!(
        "  unsealed at start-up: {} characters",
        opened.expose_secret().len()
    );
    match field.open(&ring, "smtp.password") {
        Ok(_) => println!("  (unexpected) opened under another field name"),
        Err(e) => println!("  moved to another field: {e}"),
    }
    let dump = b"INSERT INTO accounts VALUES ('mingde', ...);\n".repeat(2_000);
    let mut encrypted = Vec::new();
    let options = backup::BackupOptions::default();
    backup::encrypt(&ring, &dump[..], &mut encrypted, &options)?;
    println!(
        "  backup: {} bytes -> {} bytes encrypted",
        dump.len(),
        encrypted.len()
    );
    let report = backup::verify(&ring, &encrypted[..])?;
    println!(
        "  restore test: ok, {} bytes in {} chunk(s), key {}",
        report.plaintext_bytes, report.chunks, report.key_id
    );
    let mut restored = Vec::new();
    backup::decrypt(&ring, &encrypted[..], &mut restored)?;
    println!("  restored copy identical: {}", restored == dump);
    let last = encrypted.len() - 1;
    encrypted[last] ^= 1;
    match backup::verify(&ring, &encrypted[..]) {
        Ok(_) => println!("  (unexpected) a flipped bit went unnoticed"),
        Err(e) => println!("  one flipped bit: {e}"),
    }

    println!("== 6. Audit trail ==");
    let dir = std::env::temp_dir().join(format!("twsec-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let log = dir.join("audit.jsonl");
    let sink = Arc::new(FileSink::open(&ring, &log, Durability::Fsync, &clock)?);
    // Fail closed (the default): if the log cannot be written, the operation is refused.
    let audit_trail = AuditTrail::new(sink.clone());
    for t in &trail {
        let receipt = audit_trail.record(&AuditEvent::from_transition(t))?;
        println!(
            "  {receipt:?} {} {} ({})",
            t.event.as_str(),
            t.account,
            t.reason
        );
    }
    let checkpoint = sink.checkpoint(&clock)?.ok_or("the log is empty")?;
    println!(
        "  checkpoint to copy elsewhere: record {}, signed by {}…",
        checkpoint.seq,
        &checkpoint.key[..16]
    );
    drop(audit_trail);
    drop(sink);
    let report = audit::verify(&ring, &log)?;
    println!(
        "  verify: intact, {} records, head {}…",
        report.records,
        &report.head[..16]
    );
    let text = std::fs::read_to_string(&log)?;
    std::fs::write(&log, text.replacen("mingde", "mallory", 1))?;
    match audit::verify(&ring, &log) {
        Ok(_) => println!("  (unexpected) an edited record went unnoticed"),
        Err(e) => println!("  after editing one record: {e}"),
    }
    std::fs::remove_dir_all(&dir)?;

    println!("== 7. Login guard ==");
    let guard_clock = Arc::new(ManualClock::new(clock.now()));
    let guard_accounts = Accounts::new(&profile, Hasher::new(HasherConfig::new(policy.hashing))?)?;
    let lin = guard_accounts.create("lin", &PersonalInfo::new(), guard_clock.now())?;
    let mut lin_record = lin.record;
    let guard = Guard::new(
        guard_accounts,
        LockoutPolicy::default(),
        Arc::new(MemoryStore::default()),
        guard_clock.clone(),
    )?;
    let ip = "198.51.100.23".parse()?;
    let wrong = LoginAttempt::new("lin", "Wrong-Guess-2026", ip);
    for i in 1..=4 {
        let outcome = guard.login(&wrong, Some(&mut lin_record))?;
        println!(
            "  wrong password #{i} without a CAPTCHA: {}",
            outcome.public_code()
        );
    }
    for i in 4..=5 {
        let outcome = guard.login(&wrong.with_challenge_passed(), Some(&mut lin_record))?;
        println!(
            "  wrong password #{i} with a CAPTCHA: {}",
            outcome.public_code()
        );
    }
    let right =
        LoginAttempt::new("lin", lin.initial_password.expose_secret(), ip).with_challenge_passed();
    let outcome = guard.login(&right, Some(&mut lin_record))?;
    println!("  right password while locked: {}", outcome.public_code());
    guard_clock.advance(Duration::minutes(15));
    let outcome = guard.login(&right, Some(&mut lin_record))?;
    println!(
        "  right password 15 minutes later: {}",
        outcome.public_code()
    );
    // The second factor: TOTP, enrolled by scanning the otpauth:// URI into an authenticator app.
    let (mut enrolment, uri) = TotpEnrolment::begin(
        &ring,
        "twsec quickstart",
        "lin",
        TotpParams::builder().build()?,
        guard_clock.as_ref(),
    )?;
    let mut factors = AuthFactors::new().with(&StandardFactor::Password);
    let code = uri
        .params()
        .code_at(uri.secret(), guard_clock.now())
        .ok_or("clock before the TOTP epoch")?; // what the app on the phone shows
    let mut enter_code = |factors: &mut AuthFactors| {
        guard.verify_totp(
            "lin",
            ip,
            &mut enrolment,
            &ring,
            code.expose_secret(),
            factors,
        )
    };
    let mfa = enter_code(&mut factors)?;
    println!(
        "  TOTP code: {mfa:?}; multi-factor (2 of 3 categories): {}",
        factors.is_multi_factor()
    );
    let replay = enter_code(&mut factors)?;
    println!("  the same code again: {replay:?}");
    let unknown = guard.login(&LoginAttempt::new("nobody", "Wrong-Guess-2026", ip), None)?;
    println!(
        "  unknown account: {} (the same as a wrong password)",
        unknown.public_code()
    );
    Ok(())
}
