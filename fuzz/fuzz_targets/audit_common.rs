//! Invariants of the audit-log verifier, shared by the fuzz target
//! (`fuzz_targets/audit_reader.rs`, nightly, libFuzzer) and the regression test that replays the
//! committed corpus on stable (`tests/fuzz_regressions.rs`). Uses only `twsec` and `secrecy`.
//!
//! The seed corpus holds genuine logs under [`keyring`] (and damaged ones), so the fuzzer starts
//! past the first chain check.

use secrecy::SecretBox;
use twsec::audit::{AuditError, verify_reader};
use twsec::crypto::{Keyring, MasterKey};

/// The keyring every input is verified with: one key of 32 bytes of 7.
pub(crate) fn keyring() -> Keyring {
    Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([7u8; 32]))))
}

/// Verifies arbitrary bytes as a log and checks what comes back.
pub(crate) fn check_input(data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count() as u64;
    match verify_reader(&keyring(), data) {
        Ok(report) => {
            // Every record is one complete line.
            assert!(
                report.records <= lines,
                "{} records in {lines} lines",
                report.records
            );
            assert!(
                data.is_empty() || data.ends_with(b"\n"),
                "accepted a log not ending in a newline"
            );
            assert_eq!(report.head.len(), 64);
        }
        Err(AuditError::Modified { line, seq }) => {
            assert!(
                line >= 1 && line <= lines && seq == line,
                "line {line}, seq {seq}"
            );
        }
        Err(
            AuditError::Malformed { line }
            | AuditError::Truncated { line }
            | AuditError::Sequence { line, .. },
        ) => assert!(line >= 1 && line <= lines, "line {line} of {lines}"),
        // Reading from memory cannot fail, and the verifier returns no other error.
        Err(other) => unreachable!("unexpected error {other:?}"),
    }
}
