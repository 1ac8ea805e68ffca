//! Fuzz target: sealed configuration values (`Keyring::open`, `SealedString::new`, serde) never
//! panic on any text, and a value that opens round-trips. See `sealed_common.rs`; the committed
//! corpus in `corpus-regressions/sealed_decoder/` is replayed on stable by
//! `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run sealed_decoder fuzz/corpus/sealed_decoder fuzz/corpus-regressions/sealed_decoder -- -max_total_time=60
//! ```

#![no_main]

#[path = "sealed_common.rs"]
mod sealed_common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| sealed_common::check_input(data));
