//! Fuzz target: the blocklist parser never panics on any bytes, reports errors at a line that
//! exists, agrees between `Blocklist::read` and `Blocklist::parse`, and contains every entry it
//! accepted. See `blocklist_common.rs`; the committed corpus in
//! `corpus-regressions/blocklist_parser/` is replayed on stable by `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run blocklist_parser fuzz/corpus/blocklist_parser fuzz/corpus-regressions/blocklist_parser -- -max_total_time=60
//! ```

#![no_main]

#[path = "blocklist_common.rs"]
mod blocklist_common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| blocklist_common::check_input(data));
