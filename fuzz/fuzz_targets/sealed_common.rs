//! Invariants of the sealed-value decoders, shared by the fuzz target
//! (`fuzz_targets/sealed_decoder.rs`, nightly, libFuzzer) and the regression test that replays
//! the committed corpus on stable (`tests/fuzz_regressions.rs`). Uses only `twsec`, `secrecy`
//! and `serde_json`, which both packages have.
//!
//! # Input layout
//! `[context US] sealed`, where US is U+001F (unit separator); without one the context is
//! [`DEFAULT_CONTEXT`]. Invalid UTF-8 is decoded lossily. The seed corpus holds genuine values
//! sealed with [`keyring`] so the fuzzer gets past the key lookup.

use secrecy::{ExposeSecret, SecretBox};
use twsec::crypto::{Keyring, MasterKey, Purpose, SealError, SealedString};

/// The context (configuration field) used when the input names none.
pub(crate) const DEFAULT_CONTEXT: &str = "database.password";

/// The keyring every input is opened with: one key of 32 bytes of 7.
pub(crate) fn keyring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([7u8; 32]))))
}

/// Decodes one input every way a sealed value can be decoded and asserts every invariant.
pub(crate) fn check_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (context, sealed) = text
        .split_once('\u{1f}')
        .unwrap_or((DEFAULT_CONTEXT, &text));
    let ring = keyring();

    match ring.open(Purpose::ConfigSeal, context, sealed) {
        Ok(plain) => {
            // It opens only for its purpose and context, and seals and opens again.
            let plain = plain.expose_secret();
            let again = ring
                .seal(Purpose::ConfigSeal, context, plain)
                .expect("what opened can be sealed again");
            let reopened = ring
                .open(Purpose::ConfigSeal, context, &again)
                .expect("a fresh seal opens");
            assert_eq!(reopened.expose_secret(), plain, "round trip");
            assert!(
                ring.open(Purpose::Backup, context, sealed).is_err(),
                "other purpose"
            );
            let other = format!("{context}.other");
            assert!(
                ring.open(Purpose::ConfigSeal, &other, sealed).is_err(),
                "other field"
            );
            if sealed == sealed.trim() {
                let wrapped = SealedString::new(sealed).expect("a value that opens has the shape");
                assert_eq!(wrapped.key_id(), Some(ring.active().id()));
            }
        }
        Err(e) => assert!(
            matches!(
                e,
                SealError::Malformed | SealError::UnknownKey(_) | SealError::Authentication
            ),
            "unexpected error opening untrusted text: {e:?}"
        ),
    }

    let wrapped = SealedString::new(sealed);
    if let Ok(w) = &wrapped {
        assert_eq!(w.as_str(), sealed);
        assert!(w.key_id().is_some(), "a well-formed value names its key");
        // Debug shows the key, never the value.
        assert_eq!(
            format!("{w:?}"),
            format!("SealedString(key {:?})", w.key_id()),
            "Debug shows more than the key"
        );
        let json = serde_json::to_string(w).expect("serialises");
        let back: SealedString = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(&back, w);
    }

    // As a JSON string in a config file: the same verdict, and an error that does not repeat it.
    let json = serde_json::to_string(sealed).expect("a string serialises");
    let parsed: Result<SealedString, _> = serde_json::from_str(&json);
    assert_eq!(parsed.is_ok(), wrapped.is_ok(), "serde and new disagree");
    if let Err(e) = parsed {
        let message = e.to_string();
        assert!(
            message.starts_with(NOT_SEALED),
            "unexpected deserialisation error: {message}"
        );
        if sealed.len() >= 16 && !NOT_SEALED.contains(sealed) {
            assert!(
                !message.contains(sealed),
                "the error repeats the value: {message}"
            );
        }
    }
    // The raw bytes as any JSON document: never a panic.
    let _ = serde_json::from_slice::<SealedString>(data);
}

/// The message of a failed deserialisation, which an input may happen to quote.
const NOT_SEALED: &str = "not a twsec sealed value (expected twsec:v1:<key-id>:<base64>)";
