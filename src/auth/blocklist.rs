//! Blocklists of source addresses (TWSE-7.1.l: "login attempts from blocklisted IPs, e.g.
//! F-ISAC lists").

use std::io::{BufRead, Read as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// The longest line accepted, in bytes (comments included; the line ending excluded).
pub const MAX_BLOCKLIST_LINE_BYTES: usize = 1024;
/// The most entries one list may hold.
pub const MAX_BLOCKLIST_ENTRIES: usize = 1_000_000;

/// A set of IPv4 and IPv6 ranges with O(log n) lookup: the blocklist of TWSE-7.1.l ("login
/// attempts from blocklisted IPs, e.g. F-ISAC lists").
///
/// A blocklist is loaded from text with one entry per line: a single IPv4 or IPv6 address
/// or a CIDR range, `#` starting a comment (a whole line or the rest of one), blank lines
/// ignored. Entries are merged into sorted, disjoint ranges, so a lookup is a binary search
/// whatever the size of the list. Parsing never panics: any other line is an error naming its
/// line number (and not its content), and lines and lists are bounded in size.
///
/// An address is looked up in its canonical form: an IPv4-mapped IPv6 address
/// (`::ffff:192.0.2.1`) matches IPv4 entries. A CIDR with host bits set (`10.1.2.3/8`) covers
/// its whole network (`10.0.0.0/8`), as routers read it.
///
/// ```
/// use twsec::auth::Blocklist;
///
/// let list = Blocklist::parse(
///     "# F-ISAC feed, 2026-03-02\n\
///      203.0.113.0/24   # campaign A\n\
///      198.51.100.7\n\
///      \n\
///      2001:db8:bad::/48\n",
/// )?;
/// assert!(list.contains("203.0.113.99".parse().unwrap()));
/// assert!(list.contains("::ffff:198.51.100.7".parse().unwrap()));
/// assert!(list.contains("2001:db8:bad:1::2".parse().unwrap()));
/// assert!(!list.contains("198.51.100.8".parse().unwrap()));
///
/// let err = Blocklist::parse("192.0.2.0/24\n192.0.2.0/33\n").unwrap_err();
/// assert_eq!(err.line(), Some(2));
/// # Ok::<(), twsec::auth::BlocklistError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Blocklist {
    /// Sorted, disjoint, non-adjacent inclusive ranges.
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

/// Why a blocklist could not be loaded. Messages name the line, never its content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlocklistError {
    /// A line is not a comment, blank, an address or a CIDR range.
    #[error("blocklist line {line}: {reason}")]
    Line {
        /// The line number, from 1.
        line: usize,
        /// What is wrong with it.
        reason: LineError,
    },
    /// The list has more than [`MAX_BLOCKLIST_ENTRIES`] entries.
    #[error("blocklist line {line}: more than {MAX_BLOCKLIST_ENTRIES} entries")]
    TooManyEntries {
        /// The line of the first entry too many.
        line: usize,
    },
    /// The file could not be read.
    #[error("blocklist file: {0}")]
    Io(String),
}

impl BlocklistError {
    /// The line number the error is about, from 1.
    pub fn line(&self) -> Option<usize> {
        match self {
            BlocklistError::Line { line, .. } | BlocklistError::TooManyEntries { line } => {
                Some(*line)
            }
            BlocklistError::Io(_) => None,
        }
    }
}

/// What is wrong with one line of a blocklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// Longer than [`MAX_BLOCKLIST_LINE_BYTES`].
    #[error("line longer than {MAX_BLOCKLIST_LINE_BYTES} bytes")]
    TooLong,
    /// Not UTF-8.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// Not an IPv4 or IPv6 address.
    #[error("not an IP address or CIDR range")]
    BadAddress,
    /// The prefix length is not a number up to 32 (IPv4) or 128 (IPv6).
    #[error("bad CIDR prefix length")]
    BadPrefix,
}

/// One entry, as an inclusive range.
enum Range {
    V4(u32, u32),
    V6(u128, u128),
}

fn parse_entry(text: &str) -> Result<Range, LineError> {
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| LineError::BadAddress)?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u32>().map_err(|_| LineError::BadPrefix)?
        }
        Some(_) => return Err(LineError::BadPrefix),
    };
    if prefix > max {
        return Err(LineError::BadPrefix);
    }
    Ok(match addr {
        IpAddr::V4(a) => {
            let host = u32::MAX.checked_shr(prefix).unwrap_or(0);
            let start = u32::from(a) & !host;
            Range::V4(start, start | host)
        }
        IpAddr::V6(a) => {
            let host = u128::MAX.checked_shr(prefix).unwrap_or(0);
            let start = u128::from(a) & !host;
            // An IPv4-mapped range (::ffff:0:0/96 and longer) is an IPv4 range.
            const MAPPED: u128 = 0xffff_0000_0000;
            if prefix >= 96 && start >> 32 == MAPPED >> 32 {
                let host4 = u32::try_from(host).unwrap_or(u32::MAX);
                let start4 = u32::try_from(start & u128::from(u32::MAX)).unwrap_or(0);
                Range::V4(start4, start4 | host4)
            } else {
                Range::V6(start, start | host)
            }
        }
    })
}

/// Sorts and merges overlapping or adjacent ranges.
fn merge<T: Copy + Ord>(ranges: &mut Vec<(T, T)>, next: impl Fn(T) -> Option<T>) {
    ranges.sort_unstable();
    let mut merged: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for &(start, end) in ranges.iter() {
        match merged.last_mut() {
            Some(last) if next(last.1).is_none_or(|after| start <= after) => {
                last.1 = last.1.max(end);
            }
            _ => merged.push((start, end)),
        }
    }
    *ranges = merged;
}

fn lookup<T: Copy + Ord>(ranges: &[(T, T)], x: T) -> bool {
    let i = ranges.partition_point(|&(start, _)| start <= x);
    i > 0 && x <= ranges[i - 1].1
}

/// Collects entries line by line.
#[derive(Default)]
struct Builder {
    list: Blocklist,
    entries: usize,
}

impl Builder {
    fn line(&mut self, number: usize, line: &str) -> Result<(), BlocklistError> {
        let fail = |reason| BlocklistError::Line {
            line: number,
            reason,
        };
        if line.len() > MAX_BLOCKLIST_LINE_BYTES {
            return Err(fail(LineError::TooLong));
        }
        let text = line.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            return Ok(());
        }
        if self.entries >= MAX_BLOCKLIST_ENTRIES {
            return Err(BlocklistError::TooManyEntries { line: number });
        }
        match parse_entry(text).map_err(fail)? {
            Range::V4(s, e) => self.list.v4.push((s, e)),
            Range::V6(s, e) => self.list.v6.push((s, e)),
        }
        self.entries += 1;
        Ok(())
    }

    fn finish(mut self) -> Blocklist {
        merge(&mut self.list.v4, |x| x.checked_add(1));
        merge(&mut self.list.v6, |x| x.checked_add(1));
        self.list
    }
}

impl Blocklist {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a list from text (`\n` or `\r\n` line endings).
    pub fn parse(text: &str) -> Result<Self, BlocklistError> {
        let mut b = Builder::default();
        for (i, line) in text.split('\n').enumerate() {
            b.line(i + 1, line.strip_suffix('\r').unwrap_or(line))?;
        }
        Ok(b.finish())
    }

    /// Reads a list from `reader`, holding at most one line of [`MAX_BLOCKLIST_LINE_BYTES`] in memory
    /// besides the list itself.
    pub fn read(mut reader: impl BufRead) -> Result<Self, BlocklistError> {
        let io = |e: std::io::Error| BlocklistError::Io(e.to_string());
        let mut b = Builder::default();
        let mut buf = Vec::with_capacity(MAX_BLOCKLIST_LINE_BYTES + 2);
        for number in 1.. {
            buf.clear();
            // Room for the longest line, its "\r\n", and one byte to tell it is too long.
            let limit = (MAX_BLOCKLIST_LINE_BYTES + 3) as u64;
            let n = reader
                .by_ref()
                .take(limit)
                .read_until(b'\n', &mut buf)
                .map_err(io)?;
            if n == 0 {
                break;
            }
            let ended = buf.last() == Some(&b'\n');
            if ended {
                buf.pop();
            }
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            if buf.len() > MAX_BLOCKLIST_LINE_BYTES {
                return Err(BlocklistError::Line {
                    line: number,
                    reason: LineError::TooLong,
                });
            }
            let line = std::str::from_utf8(&buf).map_err(|_| BlocklistError::Line {
                line: number,
                reason: LineError::NotUtf8,
            })?;
            b.line(number, line)?;
        }
        Ok(b.finish())
    }

    /// Reads a list from the file at `path`.
    pub fn load(path: &Path) -> Result<Self, BlocklistError> {
        let file = std::fs::File::open(path).map_err(|e| BlocklistError::Io(e.to_string()))?;
        Self::read(std::io::BufReader::new(file))
    }

    /// Whether `ip` is in the list.
    ///
    /// Addresses are compared in canonical form: an IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`) is looked up as the IPv4 address it carries, so it matches IPv4
    /// entries and single IPv4-mapped entries, but not an IPv6 range written wider than the
    /// mapped block (`::/0`, `::ffff:192.0.2.0/7`): such a range blocks IPv6 clients only.
    /// List IPv4 ranges to block IPv4 clients (found by the `blocklist_parser` fuzz target).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip.to_canonical() {
            IpAddr::V4(a) => lookup(&self.v4, u32::from(a)),
            IpAddr::V6(a) => lookup(&self.v6, u128::from(a)),
        }
    }

    /// The number of disjoint ranges after merging (not the number of lines).
    pub fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    /// The disjoint ranges, IPv4 then IPv6, each as its first and last address.
    pub fn ranges(&self) -> impl Iterator<Item = (IpAddr, IpAddr)> + '_ {
        let v4 = self
            .v4
            .iter()
            .map(|&(s, e)| (Ipv4Addr::from(s).into(), Ipv4Addr::from(e).into()));
        let v6 = self
            .v6
            .iter()
            .map(|&(s, e)| (Ipv6Addr::from(s).into(), Ipv6Addr::from(e).into()));
        v4.chain(v6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn merges_overlapping_and_adjacent_ranges() {
        let list = Blocklist::parse(
            "10.0.0.0/25\n10.0.0.128/25\n10.0.0.5\n0.0.0.0/0\n::/0\n::ffff:192.0.2.0/120\n",
        )
        .unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.contains(ip("255.255.255.255")));
        assert!(list.contains(ip("ffff::1")));
        let list = Blocklist::parse("10.1.2.3/8\n11.0.0.0/8\n::ffff:192.0.2.0/120").unwrap();
        assert_eq!(
            list.ranges().collect::<Vec<_>>(),
            vec![
                (ip("10.0.0.0"), ip("11.255.255.255")),
                (ip("192.0.2.0"), ip("192.0.2.255"))
            ]
        );
    }

    #[test]
    fn bad_lines_are_named() {
        let cases = [
            ("1.2.3.4\nnope\n", 2, LineError::BadAddress),
            ("1.2.3.4/\n", 1, LineError::BadPrefix),
            ("1.2.3.4/+8\n", 1, LineError::BadPrefix),
            ("::/129\n", 1, LineError::BadPrefix),
            ("1.2.3.4 5.6.7.8\n", 1, LineError::BadAddress),
            ("fe80::1%eth0\n", 1, LineError::BadAddress),
        ];
        for (text, line, reason) in cases {
            assert_eq!(
                Blocklist::parse(text),
                Err(BlocklistError::Line { line, reason }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn reader_bounds_lines_and_checks_utf8() {
        let long = format!("# ok\n{}\n", "#".repeat(MAX_BLOCKLIST_LINE_BYTES + 1));
        assert_eq!(
            Blocklist::read(long.as_bytes()).unwrap_err().line(),
            Some(2)
        );
        let exact = format!("1.2.3.4 {}\r\n", "#".repeat(MAX_BLOCKLIST_LINE_BYTES - 8));
        assert_eq!(Blocklist::read(exact.as_bytes()).unwrap().len(), 1);
        assert_eq!(
            Blocklist::read(&b"1.2.3.4\n\xff\n"[..]),
            Err(BlocklistError::Line {
                line: 2,
                reason: LineError::NotUtf8
            })
        );
    }
}
