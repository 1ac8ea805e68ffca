//! Fuzz target: the password and account-name rules never panic and their reports are
//! consistent. See `common.rs`; the committed corpus in `corpus-regressions/password_check/` is
//! replayed on stable by `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run password_check fuzz/corpus-regressions/password_check -- -max_total_time=120
//! ```

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_input(data));
