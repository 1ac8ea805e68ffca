//! `--pepper-file` and `--pepper-id` into a [`Pepper`].

use std::fs::File;
use std::path::Path;

use secrecy::SecretSlice;
use twsec::password::Pepper;
use zeroize::Zeroizing;

use crate::Fail;
use crate::input::read_bounded;

/// Loads the pepper: the file's raw bytes, 16 to 64 of them. On Unix the file must be a regular
/// file that neither group nor others may access.
pub(crate) fn load(path: &Path, id: &str) -> Result<Pepper, Fail> {
    let shown = path.display();
    let file = File::open(path)
        .map_err(|e| Fail::usage(format!("cannot open pepper file {shown}: {e}")))?;
    // The metadata of the opened file, not of the path: nothing can swap it in between.
    let meta = file
        .metadata()
        .map_err(|e| Fail::usage(format!("cannot read pepper file {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(Fail::usage(format!(
            "pepper file {shown} is not a regular file"
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(Fail::usage(format!(
                "pepper file {shown} is accessible by group or others (mode {mode:04o}); \
                 run chmod 600 on it"
            )));
        }
    }
    let range = format!("{} to {} bytes", Pepper::MIN_LEN, Pepper::MAX_LEN);
    let mut buf = Zeroizing::new(vec![0u8; Pepper::MAX_LEN + 1]);
    let len = read_bounded(&file, &mut buf, Pepper::MAX_LEN)
        .map_err(|e| Fail::usage(format!("cannot read pepper file {shown}: {e}")))?;
    if !(Pepper::MIN_LEN..=Pepper::MAX_LEN).contains(&len) {
        return Err(Fail::usage(format!(
            "pepper file {shown} must hold {range}"
        )));
    }
    // An exact-size copy: `SecretSlice::from(Vec)` could reallocate and leave a copy unwiped.
    let secret: Box<[u8]> = Box::from(&buf[..len]);
    Pepper::new(id, SecretSlice::from(secret)).map_err(|e| Fail::usage(e.to_string()))
}
