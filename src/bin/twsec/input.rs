//! Bounded reading of the password from standard input.

use std::io::{self, Read};

use zeroize::Zeroizing;

/// Most bytes of password input read; anything longer is refused without reading it all.
pub(crate) const MAX_INPUT_BYTES: usize = 64 * 1024;

/// Slack at the end of the read buffer. `Stdin` keeps an 8 KiB buffer of its own that is never
/// wiped; it is bypassed when the caller's buffer is at least that large, so the free part of
/// ours always is.
const BYPASS_SLACK: usize = 8 * 1024;

/// What standard input held.
pub(crate) enum Input {
    /// The password, without one trailing `\n` or `\r\n`.
    Password(Zeroizing<String>),
    /// More than [`MAX_INPUT_BYTES`].
    TooLong,
    /// Not UTF-8.
    NotUtf8,
}

/// Reads from `r` into `buf` until end of input or until `limit` bytes are exceeded; returns
/// the number of bytes read (more than `limit` means "too long").
pub(crate) fn read_bounded(mut r: impl Read, buf: &mut [u8], limit: usize) -> io::Result<usize> {
    let mut len = 0;
    while len <= limit && len < buf.len() {
        match r.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(len)
}

/// Reads a password: at most [`MAX_INPUT_BYTES`], one trailing newline removed, UTF-8.
pub(crate) fn read_password(r: impl Read) -> io::Result<Input> {
    let mut buf = Zeroizing::new(vec![0u8; MAX_INPUT_BYTES + 1 + BYPASS_SLACK]);
    let mut len = read_bounded(r, &mut buf, MAX_INPUT_BYTES)?;
    if len > MAX_INPUT_BYTES {
        return Ok(Input::TooLong);
    }
    if buf[..len].ends_with(b"\n") {
        len -= 1;
        if buf[..len].ends_with(b"\r") {
            len -= 1;
        }
    }
    // Truncating keeps the allocation; the bytes beyond `len` are wiped with it on drop.
    buf.truncate(len);
    match String::from_utf8(std::mem::take(&mut *buf)) {
        Ok(s) => Ok(Input::Password(Zeroizing::new(s))),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Ok(Input::NotUtf8)
        }
    }
}
