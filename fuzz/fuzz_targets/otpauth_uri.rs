//! Fuzz target: `ProvisioningUri::parse` never panics, and what it accepts writes back
//! (`to_uri`) to a URI that parses to the same values. See `otpauth_common.rs`; the committed
//! corpus in `corpus-regressions/otpauth_uri/` is replayed on stable by
//! `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run otpauth_uri fuzz/corpus/otpauth_uri fuzz/corpus-regressions/otpauth_uri -- -max_total_time=60
//! ```

#![no_main]

#[path = "otpauth_common.rs"]
mod otpauth_common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| otpauth_common::check_input(data));
