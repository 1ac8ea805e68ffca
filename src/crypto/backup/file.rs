//! Backups to and from files: written to a temporary file in the target directory, synced, and
//! renamed onto the target only once the final chunk has verified.

use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use tempfile::NamedTempFile;

use super::{BackupError, BackupOptions, BackupSummary};
use crate::crypto::Keyring;

/// The directory of `path` (the current directory for a bare file name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn output_exists(path: &Path) -> BackupError {
    BackupError::OutputExists(path.display().to_string())
}

/// Whether anything (a file, a directory, even a dangling symbolic link) is at `path`.
fn occupied(path: &Path) -> Result<bool, BackupError> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Runs `write` on a new temporary file (mode 0600 on Unix) next to `target`, syncs it, and
/// renames it onto `target`: replacing what is there when `replace`, refusing otherwise. On any
/// error the temporary file is removed and `target` is left as it was.
fn write_atomically(
    target: &Path,
    replace: bool,
    write: impl FnOnce(&mut File) -> Result<BackupSummary, BackupError>,
) -> Result<BackupSummary, BackupError> {
    let dir = dir_of(target);
    let mut tmp = NamedTempFile::new_in(dir)?;
    let summary = write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    let persisted = if replace {
        tmp.persist(target)
    } else {
        tmp.persist_noclobber(target)
    };
    // On failure the error holds the temporary file, and dropping it removes it.
    persisted.map_err(|e| match e.error.kind() {
        ErrorKind::AlreadyExists => output_exists(target),
        _ => BackupError::Io(e.error),
    })?;
    sync_dir(dir);
    Ok(summary)
}

/// Makes the rename durable. Best effort: the file's contents are already synced, and once the
/// rename is done, reporting an error would wrongly suggest that nothing was written.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        d.sync_all().ok();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates `target` from what `write` writes, atomically: see [`super::write_new_file`].
pub(super) fn write_new_file(
    target: &Path,
    write: impl FnOnce(&mut File) -> Result<BackupSummary, BackupError>,
) -> Result<BackupSummary, BackupError> {
    if occupied(target)? {
        return Err(output_exists(target));
    }
    write_atomically(target, false, write)
}

pub(super) fn encrypt_file(
    keyring: &Keyring,
    input: &Path,
    output: &Path,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    options.checked_chunk_size()?;
    // Refuse an occupied output before opening the input (as write_new_file would after).
    if occupied(output)? {
        return Err(output_exists(output));
    }
    let src = File::open(input)?;
    write_atomically(output, false, |out| {
        super::encrypt(keyring, src, out, options)
    })
}

pub(super) fn decrypt_file(
    keyring: &Keyring,
    input: &Path,
    output: &Path,
) -> Result<BackupSummary, BackupError> {
    if occupied(output)? {
        return Err(output_exists(output));
    }
    let src = File::open(input)?;
    write_atomically(output, false, |out| super::decrypt(keyring, src, out))
}

pub(super) fn rewrap_file(
    keyring: &Keyring,
    input: &Path,
    output: &Path,
    options: &BackupOptions,
) -> Result<BackupSummary, BackupError> {
    options.checked_chunk_size()?;
    let src = File::open(input)?;
    let in_place =
        occupied(output)? && std::fs::canonicalize(output)? == std::fs::canonicalize(input)?;
    if in_place {
        // Replace the file itself, not a symbolic link that leads to it.
        let target = std::fs::canonicalize(input)?;
        write_atomically(&target, true, |out| {
            super::rewrap(keyring, src, out, options)
        })
    } else if occupied(output)? {
        Err(output_exists(output))
    } else {
        write_atomically(output, false, |out| {
            super::rewrap(keyring, src, out, options)
        })
    }
}
