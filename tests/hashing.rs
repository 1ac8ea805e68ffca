//! Argon2id hashing, pepper, needs_rehash, defensive parsing, the bounded pool.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use secrecy::SecretSlice;
use twsec::password::{
    HashError, HashParams, Hasher, HasherConfig, PasswordHash, Pepper, Verification,
};

fn pepper(id: &str, byte: u8) -> Pepper {
    Pepper::new(id, SecretSlice::from(vec![byte; 32])).unwrap()
}

fn hasher() -> Hasher {
    Hasher::new(HasherConfig::default()).unwrap()
}

#[test]
fn hash_is_argon2id_phc_without_pepper() {
    let h = hasher();
    let a = h.hash("Lantern-River-K9te").unwrap();
    let b = h.hash("Lantern-River-K9te").unwrap();
    assert!(
        a.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        a.as_phc()
    );
    assert_ne!(a, b, "salts are random");
    assert_eq!(
        h.verify("Lantern-River-K9te", &a).unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
    assert_eq!(
        h.verify("Lantern-River-K9tE", &a).unwrap(),
        Verification::Mismatch
    );
    assert!(!format!("{a:?}").contains(a.as_phc()));
    // With a pepper the PHC string names the pepper's ID and contains no pepper bytes.
    let peppered = Hasher::new(HasherConfig::default().pepper(pepper("k1", 7))).unwrap();
    let p = peppered.hash("Lantern-River-K9te").unwrap();
    assert!(p.as_phc().contains("keyid="), "{}", p.as_phc());
    assert!(
        peppered
            .verify("Lantern-River-K9te", &p)
            .unwrap()
            .is_match()
    );
    // The same password under another pepper, or none, does not verify.
    let other = Hasher::new(HasherConfig::default().pepper(pepper("k1", 8))).unwrap();
    assert_eq!(
        other.verify("Lantern-River-K9te", &p).unwrap(),
        Verification::Mismatch
    );
    assert_eq!(
        h.verify("Lantern-River-K9te", &p),
        Err(HashError::UnknownPepper)
    );
}

#[test]
fn full_width_verifies_against_half_width() {
    let h = hasher();
    let stored = h.hash("Ｌａｎｔｅｒｎ－Ｒｉｖｅｒ９").unwrap();
    assert!(h.verify("Lantern-River9", &stored).unwrap().is_match());
    let stored = h.hash("Lantern-River9").unwrap();
    assert!(
        h.verify("Ｌａｎｔｅｒｎ－Ｒｉｖｅｒ９", &stored)
            .unwrap()
            .is_match()
    );
    // Composed and decomposed accents alike.
    let stored = h.hash("caf\u{e9}-Lantern9").unwrap();
    assert!(
        h.verify("cafe\u{301}-Lantern9", &stored)
            .unwrap()
            .is_match()
    );
}

#[test]
fn pepper_rotation_and_needs_rehash() {
    let old = Hasher::new(HasherConfig::default().pepper(pepper("2025", 1))).unwrap();
    let stored = old.hash("Lantern-River-K9te").unwrap();
    let mut cfg = HasherConfig::default().pepper(pepper("2026", 2));
    cfg.retired_peppers.push(pepper("2025", 1));
    let new = Hasher::new(cfg).unwrap();
    assert_eq!(
        new.verify("Lantern-River-K9te", &stored).unwrap(),
        Verification::Match { needs_rehash: true }
    );
    let fresh = new.hash("Lantern-River-K9te").unwrap();
    assert_eq!(new.needs_rehash(&fresh), Ok(false));
    // Unpeppered hashes verify but need a rehash once a pepper is configured.
    let plain = hasher().hash("Lantern-River-K9te").unwrap();
    assert_eq!(
        new.verify("Lantern-River-K9te", &plain).unwrap(),
        Verification::Match { needs_rehash: true }
    );
    // Weaker parameters and other variants need a rehash.
    for weak in [
        // argon2i and argon2d, and weaker m/t; all made with known parameters.
        "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
        "$argon2id$v=19$m=8192,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
        "$argon2id$v=19$m=19456,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
        "$argon2id$v=16$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
    ] {
        assert_eq!(
            hasher().needs_rehash(&PasswordHash::from_phc(weak)),
            Ok(true),
            "{weak}"
        );
    }
    // Duplicate pepper IDs are a configuration error.
    let mut dup = HasherConfig::default().pepper(pepper("a", 1));
    dup.retired_peppers.push(pepper("a", 2));
    assert!(matches!(Hasher::new(dup), Err(HashError::InvalidConfig(_))));
}

#[test]
fn malformed_stored_hashes_are_errors() {
    let h = hasher();
    let bad = [
        "",
        "plaintext-password",
        "$2b$12$abcdefghijklmnopqrstuuJ9Cq2d7b1Xo0r3YwPp0bVt6m4yqzW2",
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ",
        "$argon2id$v=19$m=4294967295,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
        "$argon2id$v=19$m=19456,t=100000,p=1$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
        "$argon2id$v=19$m=19456,t=2,p=255$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGk",
        "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
        "$argon2id$v=19$m=19456,t=2,p=1,keyid=####$c29tZXNhbHRzb21lc2FsdA$iGa3b8HlH+x6Li8t2zKKsTx0yuhZi7M1Vb4mV4RHHsM",
    ];
    for b in bad {
        let stored = PasswordHash::from_phc(b);
        assert_eq!(h.verify("x", &stored), Err(HashError::Malformed), "{b}");
        assert_eq!(h.needs_rehash(&stored), Err(HashError::Malformed), "{b}");
    }
    // Oversized input is refused before hashing.
    let huge = "x".repeat(1 << 20);
    assert_eq!(h.hash(&huge), Err(HashError::InputTooLong));
}

#[test]
fn invalid_configuration_is_an_error() {
    assert!(matches!(
        Hasher::new(HasherConfig::new(HashParams::new(8192, 2, 1))),
        Err(HashError::InvalidConfig(_))
    ));
    assert!(matches!(
        Hasher::new(HasherConfig::default().workers(0)),
        Err(HashError::InvalidConfig(_))
    ));
    assert!(Pepper::new("", SecretSlice::from(vec![1; 32])).is_err());
    assert!(Pepper::new("toolongid", SecretSlice::from(vec![1; 32])).is_err());
    assert!(Pepper::new("k1", SecretSlice::from(vec![1; 8])).is_err());
    assert!(!format!("{:?}", pepper("k1", 0x41)).contains("AAAA"));
}

#[test]
fn async_api_and_concurrency_bound() {
    let h = Hasher::new(HasherConfig::default().workers(2)).unwrap();
    assert_eq!(h.workers(), 2);
    let stored = futures_executor::block_on(h.hash_async("Lantern-River-K9te")).unwrap();
    let v = futures_executor::block_on(h.verify_async("Lantern-River-K9te", &stored)).unwrap();
    assert!(v.is_match());
    // Many concurrent callers all complete.
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let h = h.clone();
            std::thread::spawn(move || h.hash(&format!("Lantern-River-{i}")).unwrap())
        })
        .collect();
    for t in handles {
        assert!(t.join().unwrap().as_phc().starts_with("$argon2id$"));
    }
}

#[test]
fn full_queue_is_refused_not_grown() {
    // Heavier parameters than the default, so that one hash surely outlasts thread start-up.
    let mut cfg = HasherConfig::new(HashParams::new(64 * 1024, 3, 1)).workers(1);
    cfg.queue = 1;
    let h = Hasher::new(cfg).unwrap();
    // Eight callers at once against one worker and one queue slot: a hash takes tens of
    // milliseconds, so while the first runs and the second waits, the rest are refused at once.
    let start = std::sync::Arc::new(std::sync::Barrier::new(8));
    let outcomes: Vec<_> = (0..8)
        .map(|_| {
            let (h, start) = (h.clone(), std::sync::Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                h.hash("Lantern-River-K9te")
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let ok = outcomes.iter().filter(|r| r.is_ok()).count();
    let refused = outcomes
        .iter()
        .filter(|r| **r == Err(HashError::Overloaded))
        .count();
    assert_eq!(ok + refused, 8, "{outcomes:?}");
    assert!(ok >= 1 && refused >= 1, "ok {ok}, refused {refused}");
    // After the burst the pool serves again.
    assert!(h.hash("Lantern-River-K9te").is_ok());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8))]

    /// Any printable ASCII password hashed in its full-width form verifies in its half-width form
    /// and the other way round (NFKC).
    #[test]
    fn nfkc_variants_verify(pw in "[!-~]{1,24}") {
        let wide: String = pw
            .chars()
            .map(|c| char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap())
            .collect();
        let h = hasher();
        let stored = h.hash(&wide).unwrap();
        proptest::prop_assert!(h.verify(&pw, &stored).unwrap().is_match());
        let stored = h.hash(&pw).unwrap();
        proptest::prop_assert!(h.verify(&wide, &stored).unwrap().is_match());
        let longer = pw.clone() + "x";
        proptest::prop_assert!(!h.verify(&longer, &stored).unwrap().is_match());
    }
}

/// Hashes made by the C reference implementation (libargon2 through Python's argon2-cffi 25.1,
/// `PasswordHasher(time_cost, memory_cost, parallelism, hash_len=32, salt_len=16)`) verify here:
/// the stored format and the computation agree with the reference, whatever parameters the
/// stored hash carries. (The other direction — our PHC strings verifying in argon2-cffi — was
/// checked by hand when this test was written.)
#[test]
fn libargon2_vectors_verify() {
    let h = hasher();
    let vectors = [
        (
            "$argon2id$v=19$m=19456,t=2,p=1$jfO+PA8D3hgvbAHT+B9HuA$9C4vt4fVwh20VMjslyejBs2co1e7mZH6Lr6KIh7dn4w",
            "Lantern-River-K9te",
            false,
        ),
        (
            "$argon2id$v=19$m=19456,t=2,p=1$6fLfr526PSxw1FgSXr1z8g$fYBFVIVPC3gqAuMx7ZSUV3n7l5MsfQhWkuG+9UqNiRQ",
            "水餃-Lantern-47",
            false,
        ),
        (
            "$argon2id$v=19$m=65536,t=3,p=4$R+SsXruolXDM7Eb3EjdR4A$a9cXonkapeadRDBd+jAbEWhgZbWzFJOFOUIp0PoNems",
            "Lantern-River-K9te",
            false,
        ),
        (
            "$argon2i$v=19$m=19456,t=2,p=1$baSu9UjKYKIWOivMU1y6Mw$lH749zPt6PborX8mMSqnvMjAw+SQKl0UVR4HqolD59A",
            "Lantern-River-K9te",
            true,
        ),
    ];
    for (phc, pw, needs_rehash) in vectors {
        let stored = PasswordHash::from_phc(phc);
        assert_eq!(
            h.verify(pw, &stored),
            Ok(Verification::Match { needs_rehash }),
            "{phc}"
        );
        assert_eq!(
            h.verify("Lantern-River-K9tE", &stored),
            Ok(Verification::Mismatch)
        );
    }
}
