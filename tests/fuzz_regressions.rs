//! Replays the committed fuzz corpus (`fuzz/corpus-regressions/password_check/`) through the same
//! invariants as the `password_check` fuzz target, on the stable toolchain and in the normal test
//! suite. Every crash the fuzzer finds goes into that directory, minimised, with its fix (the
//! first one, a panic in `PersonalInfo::national_id` on multi-byte input, is `national-id-10-bytes-non-ascii-first-*` there).

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use std::path::{Path, PathBuf};

/// The files of `fuzz/corpus-regressions/<name>/`, sorted.
fn corpus(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus-regressions")
        .join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the regression corpus directory must exist")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every file through the invariants and names each one that breaks them.
fn replay(files: &[PathBuf]) {
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("corpus file");
            // The assertion message is printed by the panic hook; this names the input.
            std::panic::catch_unwind(|| common::check_input(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "invariants violated by {failed:#?}");
}

#[test]
fn password_check_corpus_holds_invariants() {
    let files = corpus("password_check");
    assert!(
        files.len() >= 10,
        "only {} files in fuzz/corpus-regressions/password_check/: the corpus is missing",
        files.len()
    );
    replay(&files);
}
