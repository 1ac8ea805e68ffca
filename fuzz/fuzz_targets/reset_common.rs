//! Invariants of the reset-token parser, shared by the fuzz target
//! (`fuzz_targets/reset_token.rs`, nightly, libFuzzer) and the regression test that replays the
//! committed corpus on stable (`tests/fuzz_regressions.rs`). Uses only `twsec` and `std`.
//!
//! Input bytes that are not UTF-8 are read lossily. A token parses exactly when it is
//! [`TOKEN_TEXT_LEN`] base64url characters; parsing is deterministic, the ID is the first
//! [`TOKEN_ID_BYTES`] decoded bytes, and changing one character changes the digest.

use twsec::auth::reset::{ResetToken, TOKEN_ID_BYTES, TOKEN_TEXT_LEN, TokenError};

/// The value of one base64url character.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64url without padding whose length is a multiple of 4.
fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for quad in text.chunks(4) {
        let mut n = 0u32;
        for &c in quad {
            n = n << 6 | u32::from(sextet(c)?);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..]);
    }
    Some(out)
}

/// Parses one fuzz input as a token and checks what comes back.
pub(crate) fn check_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let well_formed = text.len() == TOKEN_TEXT_LEN && text.bytes().all(|b| sextet(b).is_some());
    match ResetToken::parse(&text) {
        Ok(token) => {
            assert!(well_formed, "accepted a malformed token");
            let again = ResetToken::parse(&text);
            assert!(
                again.is_ok_and(|t| t.id() == token.id() && t.digest() == token.digest()),
                "parsing twice gave different tokens"
            );
            let bytes = decode(text.as_bytes());
            assert!(
                bytes.is_some_and(
                    |b| b.len() == 48 && b[..TOKEN_ID_BYTES] == token.id().as_bytes()[..]
                ),
                "the ID is not the first {TOKEN_ID_BYTES} bytes"
            );
            // Another last character: another secret, another digest, the same ID.
            let mut other = text.clone().into_owned().into_bytes();
            other[TOKEN_TEXT_LEN - 1] = if other[TOKEN_TEXT_LEN - 1] == b'A' {
                b'B'
            } else {
                b'A'
            };
            let other = String::from_utf8(other).unwrap_or_default();
            assert!(
                ResetToken::parse(&other)
                    .is_ok_and(|t| t.id() == token.id() && t.digest() != token.digest()),
                "changing the secret left the digest"
            );
        }
        Err(TokenError::Length) => {
            assert_ne!(
                text.len(),
                TOKEN_TEXT_LEN,
                "length error at the right length"
            );
        }
        Err(TokenError::Encoding) => {
            assert!(
                text.len() == TOKEN_TEXT_LEN && !well_formed,
                "encoding error for a well-formed token"
            );
        }
        Err(other) => unreachable!("unexpected error {other:?}"),
    }
}
