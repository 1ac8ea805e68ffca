#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]
//! Multi-factor authentication: TOTP known-answer vectors (RFC 6238 Appendix B, RFC 4226
//! Appendix D), replay protection under concurrency, skew, recovery codes, the two-of-three rule
//! (TWSE-7.1.d) and the different-factor rule for sensitive operations (TWSE-7.1.e.a).

use std::sync::{Arc, Barrier};

use proptest::prelude::*;
use secrecy::{ExposeSecret, SecretString};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use twsec::auth::mfa::{
    AuthFactors, CustomFactor, Factor, FactorId, FactorKind, MemoryReplayStore, MfaDecision,
    MfaRefusal, MfaSetupError, ProvisioningUri, RecoveryCodes, StandardFactor, TotpEnrolment,
    TotpReplayStore, Unavailable, VerifyError,
};
use twsec::auth::totp::{TotpAlgorithm, TotpParams, TotpSecret, TotpStep};
use twsec::clock::{Clock, ManualClock};
use twsec::control::clause;
use twsec::crypto::{Keyring, MasterKey, SealError};
use twsec::password::Lang;

const SEED_SHA1: &[u8] = b"12345678901234567890";
const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

fn params(algorithm: TotpAlgorithm, digits: u8) -> TotpParams {
    TotpParams::builder()
        .algorithm(algorithm)
        .digits(digits)
        .build()
        .unwrap()
}

fn ring() -> Keyring {
    Keyring::new(MasterKey::generate())
}

/// An enrolment of the RFC seed for `account`, and its parameters.
fn enrolled(ring: &Keyring, account: &str, params: TotpParams, clock: &dyn Clock) -> TotpEnrolment {
    let secret = TotpSecret::from_bytes(SEED_SHA1.to_vec()).unwrap();
    TotpEnrolment::from_secret(ring, account, &secret, params, clock).unwrap()
}

fn code(params: &TotpParams, when: OffsetDateTime) -> SecretString {
    let secret = TotpSecret::from_bytes(SEED_SHA1.to_vec()).unwrap();
    params.code_at(&secret, when).unwrap()
}

#[test]
fn rfc6238_appendix_b_vectors() {
    use TotpAlgorithm::{Sha1, Sha256, Sha512};
    // RFC 6238 Appendix B: (time, T in hex, TOTP, mode); 8 digits, X = 30 s, T0 = 0.
    let vectors: [(i64, u64, &str, TotpAlgorithm); 18] = [
        (59, 0x1, "94287082", Sha1),
        (59, 0x1, "46119246", Sha256),
        (59, 0x1, "90693936", Sha512),
        (1111111109, 0x23523EC, "07081804", Sha1),
        (1111111109, 0x23523EC, "68084774", Sha256),
        (1111111109, 0x23523EC, "25091201", Sha512),
        (1111111111, 0x23523ED, "14050471", Sha1),
        (1111111111, 0x23523ED, "67062674", Sha256),
        (1111111111, 0x23523ED, "99943326", Sha512),
        (1234567890, 0x273EF07, "89005924", Sha1),
        (1234567890, 0x273EF07, "91819424", Sha256),
        (1234567890, 0x273EF07, "93441116", Sha512),
        (2000000000, 0x3F940AA, "69279037", Sha1),
        (2000000000, 0x3F940AA, "90698825", Sha256),
        (2000000000, 0x3F940AA, "38618901", Sha512),
        (20000000000, 0x27BC86AA, "65353130", Sha1),
        (20000000000, 0x27BC86AA, "77737706", Sha256),
        (20000000000, 0x27BC86AA, "47863826", Sha512),
    ];
    for (time, t, expected, algorithm) in vectors {
        let seed = match algorithm {
            Sha1 => SEED_SHA1,
            Sha256 => SEED_SHA256,
            _ => SEED_SHA512,
        };
        let secret = TotpSecret::from_bytes(seed.to_vec()).unwrap();
        let p = params(algorithm, 8);
        let when = at(time);
        assert_eq!(p.step_at(when), Some(TotpStep::new(t)), "T at {time}");
        let got = p.code_at(&secret, when).unwrap();
        assert_eq!(got.expose_secret(), expected, "{algorithm:?} at {time}");
        assert_eq!(
            p.verify(&secret, expected, when, None),
            Ok(TotpStep::new(t)),
            "{algorithm:?} at {time}"
        );
    }
}

#[test]
fn rfc4226_appendix_d_hotp_vectors() {
    let expected = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    let secret = TotpSecret::from_bytes(SEED_SHA1.to_vec()).unwrap();
    let p = TotpParams::default();
    for (counter, code) in (0u64..).zip(expected) {
        assert_eq!(
            p.code_for_step(&secret, TotpStep::new(counter))
                .expose_secret(),
            code
        );
    }
}

#[test]
fn a_code_is_accepted_once() {
    let ring = ring();
    let clock = ManualClock::new(datetime!(2026-03-02 09:00:10 UTC));
    let p = TotpParams::default();

    // State in the record.
    let mut totp = enrolled(&ring, "alice", p, &clock);
    let now_code = code(&p, clock.now());
    let step = totp
        .verify(&ring, "alice", now_code.expose_secret(), &clock)
        .unwrap();
    assert_eq!(Some(step), p.step_at(clock.now()));
    assert_eq!(totp.last_step(), Some(step));
    assert_eq!(
        totp.verify(&ring, "alice", now_code.expose_secret(), &clock),
        Err(VerifyError::Replayed)
    );
    // The previous step's code is still inside the skew window but older than the accepted
    // one: refused as a replay too.
    let previous = code(&p, clock.now() - Duration::seconds(30));
    assert_eq!(
        totp.verify(&ring, "alice", previous.expose_secret(), &clock),
        Err(VerifyError::Replayed)
    );
    // The record keeps the state across a round trip through storage.
    let mut stored: TotpEnrolment =
        serde_json::from_str(&serde_json::to_string(&totp).unwrap()).unwrap();
    assert_eq!(
        stored.verify(&ring, "alice", now_code.expose_secret(), &clock),
        Err(VerifyError::Replayed)
    );
    clock.advance(Duration::seconds(30));
    let next = code(&p, clock.now());
    assert_eq!(
        stored.verify(&ring, "alice", next.expose_secret(), &clock),
        Ok(TotpStep::new(step.value() + 1))
    );

    // State in a shared store: concurrent verifications of one code, exactly one wins.
    let totp = Arc::new(enrolled(&ring, "bob", p, &clock));
    let ring = Arc::new(ring);
    let clock = Arc::new(clock);
    let store = Arc::new(MemoryReplayStore::new());
    const THREADS: usize = 8;
    for round in 0..25 {
        clock.advance(Duration::seconds(30));
        let shared = Arc::new(code(&p, clock.now()).expose_secret().to_owned());
        let barrier = Arc::new(Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (totp, ring, clock, store, shared, barrier) = (
                    Arc::clone(&totp),
                    Arc::clone(&ring),
                    Arc::clone(&clock),
                    Arc::clone(&store),
                    Arc::clone(&shared),
                    Arc::clone(&barrier),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    totp.verify_with(&ring, "bob", &shared, &*clock, &*store)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let accepted = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(accepted, 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .all(|r| r.is_ok() || *r == Err(VerifyError::Replayed)),
            "round {round}: {results:?}"
        );
    }
    // The store holds one entry per enrolment and forgets steps that left the window.
    assert_eq!(store.len(), 1);
    assert_eq!(store.prune(clock.now()), 0);
    assert_eq!(store.prune(clock.now() + Duration::seconds(90)), 1);
    store.forget(totp.id()).unwrap();
}

#[test]
fn a_failing_replay_store_fails_closed() {
    #[derive(Debug)]
    struct Down;
    impl TotpReplayStore for Down {
        fn advance(
            &self,
            _: &str,
            _: TotpStep,
            _: OffsetDateTime,
        ) -> Result<bool, twsec::auth::mfa::ReplayStoreError> {
            Err(twsec::auth::mfa::ReplayStoreError("unreachable".into()))
        }
        fn forget(&self, _: &str) -> Result<(), twsec::auth::mfa::ReplayStoreError> {
            Ok(())
        }
    }
    let ring = ring();
    let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
    let p = TotpParams::default();
    let totp = enrolled(&ring, "alice", p, &clock);
    let err = totp
        .verify_with(
            &ring,
            "alice",
            code(&p, clock.now()).expose_secret(),
            &clock,
            &Down,
        )
        .unwrap_err();
    assert!(matches!(
        err,
        VerifyError::Unavailable(Unavailable::Store(_))
    ));
    assert_eq!(err.code(), "MFA-UNAVAILABLE");
}

#[test]
fn skew_is_honoured() {
    let ring = ring();
    let start = datetime!(2026-03-02 09:00:00 UTC);
    for skew in [0u8, 1, 2] {
        let p = TotpParams::builder().skew(skew).build().unwrap();
        let window = i64::from(skew) * 30;
        // A code from `offset` seconds away from the verifier's clock.
        let check = |offset: i64| {
            let clock = ManualClock::new(start);
            let mut totp = enrolled(&ring, "alice", p, &clock);
            let c = code(&p, start + Duration::seconds(offset));
            totp.verify(&ring, "alice", c.expose_secret(), &clock)
        };
        for offset in [-window, 0, window] {
            assert_eq!(
                check(offset),
                Ok(TotpStep::new(
                    p.step_at(start + Duration::seconds(offset))
                        .unwrap()
                        .value()
                )),
                "skew {skew}, offset {offset}"
            );
        }
        for offset in [-window - 30, window + 30] {
            assert_eq!(
                check(offset),
                Err(VerifyError::Invalid),
                "skew {skew}, offset {offset}"
            );
        }
    }

    // The clock moves, the code stays: accepted up to `skew` steps later, refused after.
    let p = TotpParams::default();
    let clock = ManualClock::new(start);
    let c = code(&p, start);
    let mut totp = enrolled(&ring, "alice", p, &clock);
    clock.advance(Duration::seconds(30));
    assert!(
        totp.verify(&ring, "alice", c.expose_secret(), &clock)
            .is_ok()
    );
    let mut totp = enrolled(&ring, "alice", p, &clock);
    clock.advance(Duration::seconds(30));
    assert_eq!(
        totp.verify(&ring, "alice", c.expose_secret(), &clock),
        Err(VerifyError::Invalid)
    );

    // Before T0 there is no time step: fail closed.
    let p = TotpParams::builder().t0(start).build().unwrap();
    let clock = ManualClock::new(start - Duration::seconds(1));
    let mut totp = enrolled(&ring, "alice", p, &clock);
    assert_eq!(
        totp.verify(&ring, "alice", "123456", &clock),
        Err(VerifyError::Unavailable(Unavailable::ClockBeforeEpoch))
    );
}

#[test]
fn enrolment_round_trip_and_sealing() {
    let ring = ring();
    let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
    let (mut totp, uri) =
        TotpEnrolment::begin(&ring, "元大證券", "alice", TotpParams::default(), &clock).unwrap();
    assert_eq!(uri.secret().len(), 20);
    let text = uri.to_uri();
    let base32 = uri.secret().expose_base32();
    assert_eq!(base32.expose_secret().len(), 32);
    assert!(text.expose_secret().contains(base32.expose_secret()));

    // The record holds no plaintext secret, in JSON or Debug.
    let json = serde_json::to_string(&totp).unwrap();
    let debug = format!("{totp:?} {uri:?}");
    for shown in [&json, &debug] {
        assert!(!shown.contains(base32.expose_secret()), "{shown}");
    }
    assert!(debug.contains("[REDACTED]"));
    assert_eq!(totp.key_id(), Some(ring.active().id()));

    // The app scans the QR code: what it reads produces codes that verify.
    let scanned = ProvisioningUri::parse(text.expose_secret()).unwrap();
    assert_eq!((scanned.issuer(), scanned.account()), ("元大證券", "alice"));
    let c = scanned
        .params()
        .code_at(scanned.secret(), clock.now())
        .unwrap();
    assert!(
        totp.verify(&ring, "alice", c.expose_secret(), &clock)
            .is_ok()
    );

    // A record moved to another account, or opened with another keyring, does not open.
    let moved = totp
        .clone()
        .verify(&ring, "mallory", c.expose_secret(), &clock);
    assert_eq!(
        moved,
        Err(VerifyError::Unavailable(Unavailable::Seal(
            SealError::Authentication
        )))
    );
    let other = Keyring::new(MasterKey::generate());
    assert!(matches!(
        totp.clone()
            .verify(&other, "alice", c.expose_secret(), &clock),
        Err(VerifyError::Unavailable(Unavailable::Seal(
            SealError::UnknownKey(_)
        )))
    ));

    // Key rotation: seal again under the new active key; the retired key is then not needed.
    let key = |b: u8| MasterKey::from_bytes(secrecy::SecretBox::new(Box::new([b; 32])));
    let old_ring = Keyring::new(key(7));
    let mut totp = TotpEnrolment::from_secret(
        &old_ring,
        "alice",
        scanned.secret(),
        TotpParams::default(),
        &clock,
    )
    .unwrap();
    let rotating = Keyring::new(key(9)).with_retired(key(7));
    totp.rekey(&rotating, "alice").unwrap();
    assert_eq!(totp.key_id(), Some(key(9).id()));
    let new_only = Keyring::new(key(9));
    assert!(
        totp.verify(&new_only, "alice", c.expose_secret(), &clock)
            .is_ok()
    );
    assert!(matches!(
        totp.rekey(&old_ring, "alice"),
        Err(MfaSetupError::Seal(SealError::UnknownKey(_)))
    ));
}

#[test]
fn two_of_three_categories() {
    use StandardFactor::{Biometric, DeviceBinding, Password, Pattern, SmsOtp, Totp};
    let set = |factors: &[&dyn Factor]| {
        let mut f = AuthFactors::new();
        for factor in factors {
            f.record(*factor);
        }
        f
    };
    let refused = |kind| MfaDecision::Refused {
        reason: MfaRefusal::SingleCategory { kind },
    };

    assert_eq!(
        AuthFactors::new().check_multi_factor(),
        MfaDecision::Refused {
            reason: MfaRefusal::NoFactor
        }
    );
    // One category, however many factors.
    assert_eq!(
        set(&[&Password]).check_multi_factor(),
        refused(FactorKind::Knowledge)
    );
    assert_eq!(
        set(&[&Password, &Pattern]).check_multi_factor(),
        refused(FactorKind::Knowledge)
    );
    assert_eq!(
        set(&[&Totp, &SmsOtp, &DeviceBinding]).check_multi_factor(),
        refused(FactorKind::Possession)
    );
    assert_eq!(
        set(&[&Biometric]).check_multi_factor(),
        refused(FactorKind::Inherence)
    );
    // The same factor twice is one factor.
    let twice = set(&[&Password, &Password]);
    assert_eq!(twice.len(), 1);
    assert!(!twice.is_multi_factor());

    // Any two categories.
    for pair in [
        [&Password as &dyn Factor, &Totp],
        [&Pattern, &SmsOtp],
        [&Password, &Biometric],
        [&DeviceBinding, &Biometric],
    ] {
        let f = set(&pair);
        assert!(f.check_multi_factor().is_allowed(), "{f:?}");
        assert!(f.is_multi_factor());
    }
    let all = set(&[&Password, &Totp, &Biometric]);
    assert_eq!(all.categories().len(), 3);
    assert!(all.check_multi_factor().is_allowed());

    // Application-defined factors and twsec's own records count by their category.
    let card = CustomFactor::new(FactorId::new("ic-card").unwrap(), FactorKind::Possession);
    assert!(set(&[&Password, &card]).check_multi_factor().is_allowed());
    let ring = ring();
    let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
    let (codes, _) = RecoveryCodes::generate(&ring, "alice", 10, &clock).unwrap();
    let totp = enrolled(&ring, "alice", TotpParams::default(), &clock);
    assert_eq!(codes.kind(), FactorKind::Possession);
    assert_eq!(totp.id().len(), 32);
    assert!(set(&[&Password, &codes]).check_multi_factor().is_allowed());
    assert_eq!(Factor::id(&totp), FactorId::TOTP);

    // Refusals name their clause and have messages in both languages.
    let reason = MfaRefusal::SingleCategory {
        kind: FactorKind::Knowledge,
    };
    assert_eq!(reason.code(), "MFA-SINGLE-CATEGORY");
    assert_eq!(reason.clause(), clause::TWSE_7_1_D);
    for lang in Lang::ALL {
        assert!(!reason.message(lang).is_empty());
    }
    // The session keeps the factors as data.
    let json = serde_json::to_string(&all).unwrap();
    assert_eq!(
        json,
        r#"[{"id":"password","kind":"knowledge"},{"id":"totp","kind":"possession"},{"id":"biometric","kind":"inherence"}]"#
    );
    assert_eq!(serde_json::from_str::<AuthFactors>(&json).unwrap(), all);
    assert!(
        serde_json::from_str::<AuthFactors>(r#"[{"id":"Bad Id","kind":"knowledge"}]"#).is_err()
    );
}

#[test]
fn sensitive_operations_need_a_different_factor() {
    use StandardFactor::{Biometric, DeviceBinding, Password, Pattern, SmsOtp, Totp};
    let login = AuthFactors::new().with(&Password).with(&Totp);

    // Certificate apply/renew (TWSE-7.1.e.a): not a factor used at login.
    for used in [&Password as &dyn Factor, &Totp] {
        let decision = login.authorize_sensitive(used);
        let reason = decision.refusal().unwrap();
        assert_eq!(*reason, MfaRefusal::SameFactorAsLogin { factor: used.id() });
        assert_eq!(reason.code(), "MFA-SAME-FACTOR-AS-LOGIN");
        assert_eq!(reason.clause(), clause::TWSE_7_1_E_A);
    }
    // Any other factor, even of a category already used.
    for other in [&SmsOtp as &dyn Factor, &DeviceBinding, &Biometric, &Pattern] {
        assert_eq!(
            login.authorize_sensitive(other),
            MfaDecision::Allowed,
            "{:?}",
            other.id()
        );
    }
    // A second TOTP device registered as its own factor is a different factor.
    let token = CustomFactor::new(FactorId::new("totp:token").unwrap(), FactorKind::Possession);
    assert!(login.authorize_sensitive(&token).is_allowed());

    // After a password-only login the operation's factor must bring a second category.
    let password_only = AuthFactors::new().with(&Password);
    assert!(password_only.authorize_sensitive(&SmsOtp).is_allowed());
    assert_eq!(
        password_only.authorize_sensitive(&Pattern),
        MfaDecision::Refused {
            reason: MfaRefusal::SingleCategory {
                kind: FactorKind::Knowledge
            }
        }
    );
    // Without a login there is nothing to step up from.
    assert_eq!(
        AuthFactors::new().authorize_sensitive(&SmsOtp).refusal(),
        Some(&MfaRefusal::NoFactor)
    );
    // The decision serialises with its reason code for the audit trail.
    let json = serde_json::to_string(&login.authorize_sensitive(&Totp)).unwrap();
    assert_eq!(
        json,
        r#"{"decision":"refused","reason":{"refusal":"same_factor_as_login","factor":"totp"}}"#
    );
}

#[test]
fn recovery_codes_are_hashed_and_single_use() {
    let ring = ring();
    let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
    let (mut set, codes) = RecoveryCodes::generate(&ring, "alice", 10, &clock).unwrap();
    assert_eq!((set.len(), set.remaining()), (10, 10));
    assert_eq!(codes.len(), 10);
    let alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    for c in &codes {
        let c = c.expose_secret();
        assert_eq!(c.len(), 14, "{c}");
        let groups: Vec<_> = c.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [4, 4, 4]
        );
        assert!(groups.concat().chars().all(|ch| alphabet.contains(ch)));
    }
    let mut distinct: Vec<_> = codes.iter().map(|c| c.expose_secret().to_owned()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10);

    // Only hashes are stored: no code appears in the record or its Debug form.
    let json = serde_json::to_string(&set).unwrap();
    let debug = format!("{set:?}");
    for c in &codes {
        let plain = c.expose_secret().replace('-', "");
        for shown in [&json, &debug] {
            assert!(!shown.contains(&plain) && !shown.contains(c.expose_secret()));
        }
    }
    let again: RecoveryCodes = serde_json::from_str(&json).unwrap();
    assert_eq!(again, set);

    // Wrong account, wrong keyring: refused or unavailable, nothing used up.
    let first = codes[0].expose_secret();
    assert_eq!(
        set.redeem(&ring, "bob", first, &clock),
        Err(VerifyError::Invalid)
    );
    assert!(matches!(
        set.redeem(&Keyring::new(MasterKey::generate()), "alice", first, &clock),
        Err(VerifyError::Unavailable(Unavailable::UnknownKey(_)))
    ));
    assert_eq!(set.remaining(), 10);

    // Each code once, in any case, with spaces, without dashes, or typed full-width.
    let variants = |c: &str, i: usize| match i % 4 {
        0 => c.to_owned(),
        1 => c.to_lowercase(),
        2 => c.replace('-', " "),
        _ => c
            .chars()
            .map(|ch| match ch {
                '-' => '－',
                ch => char::from_u32(ch as u32 - 0x21 + 0xFF01).unwrap(),
            })
            .collect(),
    };
    for (i, c) in codes.iter().enumerate() {
        clock.advance(Duration::minutes(1));
        let typed = variants(c.expose_secret(), i);
        assert_eq!(set.redeem(&ring, "alice", &typed, &clock), Ok(9 - i), "{i}");
        assert_eq!(
            set.redeem(&ring, "alice", c.expose_secret(), &clock),
            Err(if i == 9 {
                VerifyError::Exhausted
            } else {
                VerifyError::Invalid
            })
        );
    }
    assert_eq!(set.remaining(), 0);
    assert_eq!(set.used_at().flatten().count(), 10);
    assert_eq!(
        set.used_at().next().flatten(),
        Some(datetime!(2026-03-02 09:01 UTC))
    );
    // A stored copy taken before use still knows which were used.
    let stored: RecoveryCodes =
        serde_json::from_str(&serde_json::to_string(&set).unwrap()).unwrap();
    assert_eq!(stored.remaining(), 0);

    // Bad input and bad counts.
    let (mut set, _) = RecoveryCodes::generate(&ring, "alice", 1, &clock).unwrap();
    for (input, expected) in [
        ("", VerifyError::WrongLength { expected: 12 }),
        ("ABCD-EFGH", VerifyError::WrongLength { expected: 12 }),
        (
            "ABCD-EFGH-JKLM-N",
            VerifyError::WrongLength { expected: 12 },
        ),
        ("ABCD-EFGH-JKL0", VerifyError::Malformed),
        ("ABCD-EFGH-JKLI", VerifyError::Malformed),
        ("ABCD_EFGH_JKLM", VerifyError::Malformed),
        ("ABCD-EFGH-JKLé", VerifyError::Malformed),
    ] {
        assert_eq!(
            set.redeem(&ring, "alice", input, &clock),
            Err(expected),
            "{input:?}"
        );
    }
    assert_eq!(set.remaining(), 1);
    for count in [0, twsec::auth::mfa::MAX_RECOVERY_CODES + 1] {
        assert_eq!(
            RecoveryCodes::generate(&ring, "alice", count, &clock).unwrap_err(),
            MfaSetupError::RecoveryCount
        );
    }
    // A tampered record does not deserialise.
    let bad = json.replacen("\"salt\":\"", "\"salt\":\"zz", 1);
    assert!(serde_json::from_str::<RecoveryCodes>(&bad).is_err());
}

#[test]
fn bad_totp_input_is_an_error_value() {
    let ring = ring();
    let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
    let p = TotpParams::default();
    let mut totp = enrolled(&ring, "alice", p, &clock);
    for (input, expected) in [
        ("12345a", VerifyError::Malformed),
        ("12 34 5x", VerifyError::Malformed),
        ("123.456", VerifyError::Malformed),
        ("١٢٣٤٥٦", VerifyError::Malformed), // Arabic-Indic digits are not ASCII digits
        ("", VerifyError::WrongLength { expected: 6 }),
        ("12345", VerifyError::WrongLength { expected: 6 }),
        ("1234567", VerifyError::WrongLength { expected: 6 }),
    ] {
        assert_eq!(
            totp.verify(&ring, "alice", input, &clock),
            Err(expected),
            "{input:?}"
        );
    }
    let long = "1".repeat(10_000);
    assert_eq!(
        totp.verify(&ring, "alice", &long, &clock),
        Err(VerifyError::Malformed)
    );
    assert_eq!(totp.last_step(), None);

    // Typing conveniences: spaces, a dash, full-width digits.
    let c = code(&p, clock.now());
    let digits = c.expose_secret();
    let spaced = format!(" {} {} ", &digits[..3], &digits[3..]);
    assert!(totp.clone().verify(&ring, "alice", &spaced, &clock).is_ok());
    let full_width: String = digits
        .chars()
        .map(|d| char::from_u32(d as u32 - u32::from('0') + 0xFF10).unwrap())
        .collect();
    assert!(
        totp.clone()
            .verify(&ring, "alice", &full_width, &clock)
            .is_ok()
    );

    // Parameters out of range.
    for digits in [0u8, 5, 9, 10] {
        assert_eq!(
            TotpParams::builder().digits(digits).build(),
            Err(MfaSetupError::Digits)
        );
    }
    for digits in 6u8..=8 {
        assert_eq!(
            TotpParams::builder()
                .digits(digits)
                .build()
                .unwrap()
                .digits(),
            digits
        );
    }
    assert_eq!(
        TotpParams::builder().period_secs(14).build(),
        Err(MfaSetupError::Period)
    );
    assert_eq!(
        TotpParams::builder().period_secs(301).build(),
        Err(MfaSetupError::Period)
    );
    assert_eq!(
        TotpParams::builder().skew(6).build(),
        Err(MfaSetupError::Skew)
    );

    // Secrets under 160 bits or not base32.
    assert_eq!(
        TotpSecret::from_bytes(vec![7; 19]).unwrap_err(),
        MfaSetupError::SecretLength
    );
    assert_eq!(
        TotpSecret::from_bytes(vec![7; 129]).unwrap_err(),
        MfaSetupError::SecretLength
    );
    assert_eq!(
        TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1").unwrap_err(),
        MfaSetupError::SecretEncoding
    );
    let lower = TotpSecret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
    assert_eq!(lower.expose_secret(), SEED_SHA1);
}

#[test]
fn provisioning_uris_are_checked() {
    let good = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";
    let uri = ProvisioningUri::parse(good).unwrap();
    assert_eq!(*uri.params(), TotpParams::default());
    let uri = ProvisioningUri::parse(&format!(
        "{good}&algorithm=SHA512&digits=8&period=60&image=https%3A%2F%2Fx"
    ))
    .unwrap();
    assert_eq!(uri.params().algorithm(), TotpAlgorithm::Sha512);
    assert_eq!((uri.params().digits(), uri.params().period_secs()), (8, 60));
    // Issuer from the parameter only; spaces after the colon.
    let uri = ProvisioningUri::parse(
        "OTPAUTH://TOTP/ACME%3A%20alice?issuer=ACME&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    )
    .unwrap();
    assert_eq!((uri.issuer(), uri.account()), ("ACME", "alice"));

    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let cases: Vec<(String, MfaSetupError)> = vec![
        // The RFC 4648 example secret of the Key URI format is 80 bits: too short.
        (
            "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example".into(),
            MfaSetupError::SecretLength,
        ),
        (
            format!("otpauth://totp/A:b?secret={}1&issuer=A", &secret[1..]),
            MfaSetupError::SecretEncoding,
        ),
        (
            "otpauth://totp/A:b?secret=%FF&issuer=A".into(),
            MfaSetupError::Uri("component is not UTF-8"),
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=A&digits=9"),
            MfaSetupError::Digits,
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=A&digits=5"),
            MfaSetupError::Digits,
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=A&digits=99999999999"),
            MfaSetupError::Uri("parameter is not a number"),
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=A&digits=-6"),
            MfaSetupError::Uri("parameter is not a number"),
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=A&period=0"),
            MfaSetupError::Period,
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=A&algorithm=MD5"),
            MfaSetupError::Uri("unknown algorithm"),
        ),
        (
            format!("otpauth://hotp/A:b?secret={secret}&issuer=A&counter=0"),
            MfaSetupError::Uri("type is not totp"),
        ),
        (
            format!("https://totp/A:b?secret={secret}"),
            MfaSetupError::Uri("scheme is not otpauth://"),
        ),
        ("otpauth://totp".into(), MfaSetupError::Uri("missing label")),
        (
            "otpauth://totp/A:b?issuer=A".into(),
            MfaSetupError::Uri("missing secret"),
        ),
        (
            format!("otpauth://totp/b?secret={secret}"),
            MfaSetupError::Uri("missing issuer"),
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&issuer=B"),
            MfaSetupError::Uri("issuer prefix and parameter differ"),
        ),
        (
            format!("otpauth://totp/A:b?secret={secret}&secret={secret}&issuer=A"),
            MfaSetupError::Uri("repeated parameter"),
        ),
        (
            format!("otpauth://totp/A:?secret={secret}&issuer=A"),
            MfaSetupError::Label,
        ),
        (
            format!("otpauth://totp/A:b%0A?secret={secret}&issuer=A"),
            MfaSetupError::Label,
        ),
        (
            format!("otpauth://totp/A:b:c?secret={secret}&issuer=A"),
            MfaSetupError::Label,
        ),
        (
            "otpauth://totp/".to_owned() + &"x".repeat(20_000),
            MfaSetupError::Uri("too long"),
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(ProvisioningUri::parse(&uri).unwrap_err(), expected, "{uri}");
    }

    // Building: labels are checked, and authenticator apps cannot take another T0.
    let s = || TotpSecret::from_bytes(SEED_SHA1.to_vec()).unwrap();
    let p = TotpParams::default();
    for (issuer, account) in [
        ("", "a"),
        ("A:B", "a"),
        ("A", ""),
        ("A", "a\u{7}"),
        (" A", "a"),
    ] {
        assert_eq!(
            ProvisioningUri::new(issuer, account, s(), p).unwrap_err(),
            MfaSetupError::Label,
            "{issuer:?} {account:?}"
        );
    }
    let later = TotpParams::builder()
        .t0(datetime!(2000-01-01 00:00 UTC))
        .build()
        .unwrap();
    assert_eq!(
        ProvisioningUri::new("A", "a", s(), later).unwrap_err(),
        MfaSetupError::Epoch
    );
}

#[test]
fn errors_have_stable_codes_and_no_secrets() {
    let verify = [
        VerifyError::Malformed,
        VerifyError::WrongLength { expected: 6 },
        VerifyError::Invalid,
        VerifyError::Replayed,
        VerifyError::Exhausted,
        VerifyError::Unavailable(Unavailable::ClockBeforeEpoch),
    ];
    let codes: Vec<_> = verify.iter().map(VerifyError::code).collect();
    assert_eq!(
        codes,
        [
            "MFA-CODE-MALFORMED",
            "MFA-CODE-LENGTH",
            "MFA-CODE-INVALID",
            "MFA-CODE-REPLAYED",
            "MFA-RECOVERY-EXHAUSTED",
            "MFA-UNAVAILABLE"
        ]
    );
    for e in &verify {
        assert!(e.to_string().starts_with(e.code()), "{e}");
        let zh = e.message(Lang::ZhTw);
        let en = e.message(Lang::En);
        assert!(!zh.is_empty() && !en.is_empty() && zh != en);
        // The user is not told why verification is unavailable.
        assert!(!zh.contains("T0") && !en.contains("T0"));
    }
    // The secret of a URI that failed to parse is not in the error.
    let err = ProvisioningUri::parse(
        "otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A&digits=x",
    )
    .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("GEZDGNBV"));
    assert_eq!(err.code(), "MFA-SETUP-URI");
    let secret = TotpSecret::from_bytes(SEED_SHA1.to_vec()).unwrap();
    assert_eq!(format!("{secret:?}"), "TotpSecret([REDACTED])");
}

proptest! {
    /// RFC 4226 §5.3: every HOTP value, whatever the key and counter, is `digits` decimal digits.
    #[test]
    fn hotp_always_yields_the_configured_digits(
        key in proptest::collection::vec(any::<u8>(), 20..=128),
        counter in any::<u64>(),
        digits in 6u8..=8,
        algorithm in prop_oneof![
            Just(TotpAlgorithm::Sha1),
            Just(TotpAlgorithm::Sha256),
            Just(TotpAlgorithm::Sha512)
        ],
    ) {
        let secret = TotpSecret::from_bytes(key).unwrap();
        let p = params(algorithm, digits);
        let code = p.code_for_step(&secret, TotpStep::new(counter));
        prop_assert_eq!(code.expose_secret().len(), usize::from(digits));
        prop_assert!(code.expose_secret().bytes().all(|b| b.is_ascii_digit()));
    }

    /// A secret survives base32 and the provisioning URI.
    #[test]
    fn secrets_round_trip_through_the_uri(
        key in proptest::collection::vec(any::<u8>(), 20..=128),
        account in "[a-zA-Z0-9@._+ -]{1,40}",
    ) {
        let account = account.trim();
        prop_assume!(!account.is_empty());
        let secret = TotpSecret::from_bytes(key.clone()).unwrap();
        let uri = ProvisioningUri::new("證券商", account, secret, TotpParams::default()).unwrap();
        let back = ProvisioningUri::parse(uri.to_uri().expose_secret()).unwrap();
        prop_assert_eq!(back.secret().expose_secret(), &key[..]);
        prop_assert_eq!(back.account(), account);
        prop_assert_eq!(back.issuer(), "證券商");
    }

    /// Parsing any text returns a value or an error, never a panic.
    #[test]
    fn uri_parsing_never_panics(text in "(otpauth://(totp|hotp)/)?[ -~\u{80}-\u{10ffff}]{0,120}") {
        let _ = ProvisioningUri::parse(&text);
    }

    /// Separators and case in a TOTP code do not matter; anything but digits is malformed.
    #[test]
    fn totp_input_is_normalised(
        seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just("\t")], 7),
        noise in "[a-zA-Z.,/]",
        position in 0usize..6,
    ) {
        let secret = TotpSecret::from_bytes(SEED_SHA1.to_vec()).unwrap();
        let p = TotpParams::default();
        let when = datetime!(2026-03-02 09:00 UTC);
        let c = p.code_at(&secret, when).unwrap();
        let typed: String = seps
            .iter()
            .zip(c.expose_secret().chars().map(Some).chain([None]))
            .flat_map(|(sep, d)| sep.chars().chain(d))
            .collect();
        prop_assert!(p.verify(&secret, &typed, when, None).is_ok(), "{:?}", typed);
        let mut bad = c.expose_secret().to_owned();
        bad.replace_range(position..=position, &noise);
        prop_assert_eq!(p.verify(&secret, &bad, when, None), Err(VerifyError::Malformed));
    }

    /// A recovery code is accepted however its letters are cased and grouped.
    #[test]
    fn recovery_input_is_normalised(
        upper in proptest::collection::vec(any::<bool>(), 12),
        seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just(" - ")], 13),
    ) {
        let ring = Keyring::new(MasterKey::from_bytes(secrecy::SecretBox::new(Box::new([3; 32]))));
        let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
        let (mut set, codes) = RecoveryCodes::generate(&ring, "alice", 1, &clock).unwrap();
        let plain = codes[0].expose_secret().replace('-', "");
        let typed: String = seps
            .iter()
            .zip(plain.chars().zip(&upper).map(|(c, &up)| {
                Some(if up { c } else { c.to_ascii_lowercase() })
            }).chain([None]))
            .flat_map(|(sep, c)| sep.chars().chain(c))
            .collect();
        prop_assert_eq!(set.redeem(&ring, "alice", &typed, &clock), Ok(0), "{:?}", typed);
    }
}
