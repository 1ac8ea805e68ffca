//! Fuzz target: `ResetToken::parse` never panics, accepts exactly the 64-character base64url
//! tokens and is deterministic. See `reset_common.rs`; the committed corpus in
//! `corpus-regressions/reset_token/` is replayed on stable by `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run reset_token fuzz/corpus/reset_token fuzz/corpus-regressions/reset_token -- -max_total_time=60
//! ```

#![no_main]

#[path = "reset_common.rs"]
mod reset_common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| reset_common::check_input(data));
