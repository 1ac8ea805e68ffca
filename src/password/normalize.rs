//! Unicode normalisation of passwords (control PW-NORMALIZATION).
//!
//! Passwords are normalised to NFKC before they are checked and before they are hashed. Chinese
//! input methods switch between half-width and full-width forms (`Ｐａｓｓ１２３` vs `Pass123`);
//! NFKC maps both to one form, so a user who typed the full-width form at sign-up can still log in
//! from a device that sends half-width, and the rules judge what the user meant. NFKC (rather than
//! NFC) is the choice of RFC 8265's OpaqueString profile for width mapping and of NIST SP
//! 800-63B §5.1.1.2; the cost is that a few compatibility characters (such as `ﬁ` and `fi`) verify
//! against each other, which does not weaken a password in practice.

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// An upper bound of UTF-8 bytes per character of NFKC output that input may have: anything
/// longer than `max_length * MAX_BYTES_PER_CHAR` bytes is certainly over the limit and is refused
/// before normalisation, so that a megabyte of input costs O(1).
pub(crate) const MAX_BYTES_PER_CHAR: usize = 16;

/// Hard cap of input bytes for hashing and verifying, whatever the policy.
pub(crate) const MAX_HASH_INPUT_BYTES: usize = super::policy::MAX_MAX_LENGTH * MAX_BYTES_PER_CHAR;

/// NFKC of `s`.
pub(crate) fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// NFKC of a secret, in memory that is wiped on drop.
pub(crate) fn nfkc_secret(s: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    out.extend(s.nfkc());
    out
}

/// `true` if the password contains characters that are refused: control characters (including
/// CR, LF, TAB and NUL), unassigned-looking noncharacters and the replacement character.
pub(crate) fn has_invalid_chars(s: &str) -> bool {
    s.chars().any(|c| {
        c.is_control()
            || c == '\u{FFFD}'
            || matches!(c as u32, 0xFDD0..=0xFDEF)
            || (c as u32 & 0xFFFE) == 0xFFFE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_becomes_half_width() {
        assert_eq!(nfkc("Ｐａｓｓ１２３！"), "Pass123!");
        assert_eq!(nfkc("ｔａｉｐｅｉ"), "taipei");
        assert_eq!(*nfkc_secret("Ａ１"), "A1");
    }

    #[test]
    fn composed_and_decomposed_agree() {
        assert_eq!(nfkc("e\u{301}"), nfkc("\u{e9}"));
    }

    #[test]
    fn invalid_characters() {
        for bad in [
            "a\nb",
            "a\0b",
            "tab\t",
            "\u{FFFD}",
            "\u{FDD0}",
            "x\u{FFFF}",
            "\u{7f}",
        ] {
            assert!(has_invalid_chars(bad), "{bad:?}");
        }
        for ok in ["pass word", "密碼Abc1", "Ωmega!"] {
            assert!(!has_invalid_chars(ok), "{ok:?}");
        }
    }
}
