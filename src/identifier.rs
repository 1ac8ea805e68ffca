//! Taiwanese identifier checksums (`shared/spec/identifiers.md`).
//!
//! A leaf module: the password and account rules use it to refuse national ID and UI numbers, and
//! the personal-data scanner builds on it. Input is taken as written: callers that accept
//! full-width or lower-case text normalise it first (the password rules fold to NFKC upper case).
//!
//! ```
//! use twsec::identifier::{is_national_id, is_ui_number, IdKind, classify};
//!
//! assert!(is_national_id("A123456789"));
//! assert!(!is_national_id("A123456788")); // checksum
//! assert!(is_ui_number("A800000014"));    // new format (since 2021-01-02)
//! assert!(is_ui_number("AA00000009"));    // old format (until 2030-12-31)
//! assert_eq!(classify("A123456789"), Some(IdKind::NationalId));
//! ```

use serde::Serialize;

/// What a 10-character identifier is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdKind {
    /// 國民身分證統一編號: `[A-Z][12]\d{8}`.
    NationalId,
    /// 外來人口統一證號, format issued since 2021-01-02: `[A-Z][89]\d{8}`.
    UiNumberNew,
    /// 外來人口統一證號, old format: `[A-Z][A-D]\d{8}`.
    UiNumberOld,
}

/// Value of an area letter: the index in `ABCDEFGHJKLMNPQRSTUVXYWZIO` plus 10.
fn letter_code(b: u8) -> Option<u32> {
    const ORDER: &[u8; 26] = b"ABCDEFGHJKLMNPQRSTUVXYWZIO";
    ORDER
        .iter()
        .position(|&c| c == b)
        .and_then(|i| u32::try_from(i).ok())
        .map(|i| i + 10)
}

/// Checks the checksum of a 10-byte identifier whose second position has already been reduced
/// to the digit `second`.
fn checksum_ok(id: &[u8; 10], second: u32) -> bool {
    let Some(area) = letter_code(id[0]) else {
        return false;
    };
    let mut sum = area / 10 + (area % 10) * 9 + second * 8;
    for (i, &b) in id[2..].iter().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let d = u32::from(b - b'0');
        // Weights 7,6,5,4,3,2,1 for positions 2..=8, then 1 for the check digit.
        let w = if i == 7 { 1 } else { 7 - i as u32 };
        sum += d * w;
    }
    sum.is_multiple_of(10)
}

/// Classifies `s` as a valid national ID or UI number, checksum included; `None` otherwise.
/// Upper case only: normalise first where lower case is acceptable.
pub fn classify(s: &str) -> Option<IdKind> {
    let id: &[u8; 10] = s.as_bytes().try_into().ok()?;
    if !id[0].is_ascii_uppercase() {
        return None;
    }
    match id[1] {
        b'1' | b'2' => checksum_ok(id, u32::from(id[1] - b'0')).then_some(IdKind::NationalId),
        b'8' | b'9' => checksum_ok(id, u32::from(id[1] - b'0')).then_some(IdKind::UiNumberNew),
        b'A'..=b'D' => {
            // Old UI numbers: the second letter's code, units digit only (A→0 … D→3).
            let code = letter_code(id[1])?;
            checksum_ok(id, code % 10).then_some(IdKind::UiNumberOld)
        }
        _ => None,
    }
}

/// `true` if `s` is a valid national ID (身分證字號).
pub fn is_national_id(s: &str) -> bool {
    classify(s) == Some(IdKind::NationalId)
}

/// `true` if `s` is a valid UI number (統一證號), new or old format.
pub fn is_ui_number(s: &str) -> bool {
    matches!(classify(s), Some(IdKind::UiNumberNew | IdKind::UiNumberOld))
}

/// Finds every valid national ID or UI number inside `s` (ASCII upper case expected), as byte
/// offsets with their kind. Overlapping windows are all examined.
pub fn find_ids(s: &str) -> impl Iterator<Item = (usize, IdKind)> + '_ {
    let bytes = s.as_bytes();
    (0..bytes.len().saturating_sub(9)).filter_map(move |i| {
        let window = bytes.get(i..i + 10)?;
        // Every byte of a match is ASCII, so the window is valid UTF-8 on its own.
        let w = std::str::from_utf8(window).ok()?;
        classify(w).map(|k| (i, k))
    })
}

/// Check digit that completes the first nine characters of a national ID or new-format UI number
/// (`A12345678` → `9`). `None` if the prefix is malformed.
pub fn check_digit(prefix: &str) -> Option<u8> {
    let p = prefix.as_bytes();
    if p.len() != 9 || !p[0].is_ascii_uppercase() {
        return None;
    }
    let mut id = [b'0'; 10];
    id[..9].copy_from_slice(p);
    (0..=9u8).find(|&c| {
        id[9] = b'0' + c;
        std::str::from_utf8(&id).ok().and_then(classify).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_answers_from_the_spec() {
        assert_eq!(classify("A123456789"), Some(IdKind::NationalId));
        assert_eq!(classify("A800000014"), Some(IdKind::UiNumberNew));
        assert_eq!(classify("AA00000009"), Some(IdKind::UiNumberOld));
    }

    #[test]
    fn negative_table() {
        for bad in [
            "A123456788",  // checksum
            "a123456789",  // lower case is not normalised here
            "A323456789",  // second digit
            "A1234567899", // length
            "A12345678",   // length
            "A800000000",  // UI checksum
            "AA00000000",  // old UI checksum
            "FG31104091",  // second letter out of range
            "",
            "1234567890",
            "Ａ123456789", // full-width letter
        ] {
            assert_eq!(classify(bad), None, "{bad}");
        }
    }

    #[test]
    fn irregular_letters() {
        // I=34, O=35, W=32, Z=33: build valid IDs with the check digit and confirm they classify.
        for l in ['I', 'O', 'W', 'Z', 'L', 'R', 'S', 'Y'] {
            let prefix = format!("{l}12345678");
            let c = check_digit(&prefix).expect("some digit completes every prefix");
            assert!(is_national_id(&format!("{prefix}{c}")));
        }
    }

    #[test]
    fn finds_ids_inside_text() {
        let found: Vec<_> = find_ids("XXA123456789YYA800000014").collect();
        assert_eq!(
            found,
            vec![(2, IdKind::NationalId), (14, IdKind::UiNumberNew)]
        );
        assert_eq!(find_ids("short").count(), 0);
    }

    proptest! {
        #[test]
        fn check_digit_always_validates(letter in 0u8..26, sex in prop::sample::select(vec![b'1', b'2', b'8', b'9']), rest in "[0-9]{7}") {
            let prefix = format!("{}{}{}", char::from(b'A' + letter), char::from(sex), rest);
            let c = check_digit(&prefix).expect("a check digit exists");
            let full = format!("{prefix}{c}");
            prop_assert!(classify(&full).is_some());
            // Any other final digit fails.
            for other in (0..=9u8).filter(|&d| d != c) {
                let full = format!("{prefix}{other}");
                prop_assert!(classify(&full).is_none());
            }
        }

        #[test]
        fn classify_never_panics(s in "\\PC{0,12}") {
            let _ = classify(&s);
            let _ = find_ids(&s).count();
        }
    }
}
