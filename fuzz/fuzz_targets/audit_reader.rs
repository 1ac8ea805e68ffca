//! Fuzz target: the audit-log verifier never panics on any bytes and reports problems at a line
//! that exists. See `audit_common.rs`; the committed corpus in
//! `corpus-regressions/audit_reader/` is replayed on stable by `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run audit_reader fuzz/corpus/audit_reader fuzz/corpus-regressions/audit_reader -- -max_total_time=60
//! ```

#![no_main]

#[path = "audit_common.rs"]
mod audit_common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| audit_common::check_input(data));
