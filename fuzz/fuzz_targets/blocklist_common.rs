//! Invariants of the blocklist parser, shared by the fuzz target
//! (`fuzz_targets/blocklist_parser.rs`, nightly, libFuzzer) and the regression test that replays
//! the committed corpus on stable (`tests/fuzz_regressions.rs`). Uses only `twsec` and `std`.
//!
//! Every input goes through [`Blocklist::read`] as bytes and, when it is UTF-8, through
//! [`Blocklist::parse`] as text: neither panics, an error names a line that exists, both agree,
//! and an accepted list contains the address of every entry line.

use std::net::IpAddr;

use twsec::auth::{Blocklist, BlocklistError, MAX_BLOCKLIST_LINE_BYTES};

/// Reads arbitrary bytes (and parses them when they are text) and checks what comes back.
pub(crate) fn check_input(data: &[u8]) {
    let read = Blocklist::read(data);
    // `read` counts lines as `read_until` does: a final "\n" ends the last line.
    let read_lines = if data.is_empty() {
        0
    } else {
        data.split(|&b| b == b'\n').count() - usize::from(data.ends_with(b"\n"))
    };
    check_error_line(&read, read_lines);

    let Ok(text) = std::str::from_utf8(data) else {
        // Every line of an accepted list is UTF-8, so the whole input is.
        assert!(read.is_err(), "read accepted input that is not UTF-8");
        return;
    };
    let parsed = Blocklist::parse(text);
    check_error_line(&parsed, text.split('\n').count());
    assert_eq!(parsed, read, "parse and read disagree");
    if let Ok(list) = &parsed {
        check_entries(list, text);
    }
}

/// An error names a line in `1..=lines`; reading from memory cannot fail.
fn check_error_line(result: &Result<Blocklist, BlocklistError>, lines: usize) {
    if let Err(e) = result {
        assert!(
            !matches!(e, BlocklistError::Io(_)),
            "I/O error from memory: {e}"
        );
        let line = e.line();
        assert!(
            line.is_some_and(|l| l >= 1 && l <= lines),
            "error at line {line:?} of {lines}"
        );
    }
}

/// Every entry line of an accepted list is contained, and so is each merged range's ends.
fn check_entries(list: &Blocklist, text: &str) {
    let mut entries = 0usize;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        assert!(
            line.len() <= MAX_BLOCKLIST_LINE_BYTES,
            "accepted a long line"
        );
        let entry = line.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        entries += 1;
        let (addr, prefix) = match entry.split_once('/') {
            Some((a, p)) => (a, p.parse::<u32>().ok()),
            None => (entry, None),
        };
        let ip = match addr.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => unreachable!("accepted entry {entry:?} is not an address"),
        };
        // A single address is contained, and so is the address of a CIDR range (host bits set or
        // not), except an IPv4-mapped address in an IPv6 range wider than ::ffff:0:0/96: such a
        // range is kept as IPv6, while a mapped address is looked up as IPv4
        // (`::ffff:192.0.2.0/7`, found by the fuzzer; see `corpus-regressions/blocklist_parser/`).
        let wide_mapped =
            ip.is_ipv6() && ip.to_canonical().is_ipv4() && prefix.is_some_and(|p| p < 96);
        if !wide_mapped {
            assert!(list.contains(ip), "entry {entry:?} not contained");
        }
    }
    assert!(
        list.len() <= entries,
        "{} ranges from {entries} entries",
        list.len()
    );
    assert_eq!(list.is_empty(), entries == 0);
    // The ends of a range are contained, but for IPv4-mapped ends of an IPv6 range (the same
    // gap as above: `::fffe:0:0/31` ends at `::ffff:255.255.255.255`, looked up as IPv4).
    let held = |ip: IpAddr| list.contains(ip) || (ip.is_ipv6() && ip.to_canonical().is_ipv4());
    for (start, end) in list.ranges() {
        assert!(held(start) && held(end), "range {start}..={end}");
        assert!(
            start <= end && start.is_ipv4() == end.is_ipv4(),
            "range {start}..={end}"
        );
    }
}
