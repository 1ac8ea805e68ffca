//! Fuzz target: any bytes read as a backup never panic, `verify` and `decrypt` agree, and only
//! genuine backups open. See `backup_common.rs`; the committed corpus in
//! `corpus-regressions/backup_reader/` (genuine small backups under the test key, and damaged
//! ones) is replayed on stable by `tests/fuzz_regressions.rs`.
//!
//! ```text
//! cargo +nightly fuzz run backup_reader fuzz/corpus/backup_reader fuzz/corpus-regressions/backup_reader -- -max_total_time=60
//! ```

#![no_main]

#[path = "backup_common.rs"]
mod backup_common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| backup_common::check_input(data));
