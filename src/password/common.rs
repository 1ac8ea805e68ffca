//! The bundled list of common, leaked and keyboard-pattern passwords, and the
//! look-up behind the policy's `reject_common` rule.
//!
//! The list is `data/common-passwords.txt`. Its source and licence are in
//! `data/NOTICE.md`. It is compiled into the binary. The first look-up
//! [folds](fold) every entry into a hash set, and the set stays unchanged
//! after that.
//!
//! The callers pass passwords that are already NFKC-normalised.
//! NFKC makes full-width digits and letters ASCII, so `ｐａｓｓｗｏｒｄ` is
//! caught the same way as `password`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The bundled list: one lower-case entry per line, without a header or
/// comments.
const LIST: &str = include_str!("../../data/common-passwords.txt");

/// Substitutions that [`fold`] undoes after it lower-cases the input.
///
/// | from | to  | from | to  | from | to  |
/// |------|-----|------|-----|------|-----|
/// | `@`  | `a` | `!`  | `i` | `5`  | `s` |
/// | `4`  | `a` | `\|` | `i` | `7`  | `t` |
/// | `0`  | `o` | `3`  | `e` | `+`  | `t` |
/// | `1`  | `i` | `$`  | `s` | `8`  | `b` |
/// |      |     |      |     | `9`  | `g` |
///
/// Every pair is ASCII to ASCII. This is the only place where the table is
/// defined. [`FOLD_LUT`] is derived from it.
const FOLD_TABLE: [(u8, u8); 13] = [
    (b'@', b'a'),
    (b'4', b'a'),
    (b'0', b'o'),
    (b'1', b'i'),
    (b'!', b'i'),
    (b'|', b'i'),
    (b'3', b'e'),
    (b'$', b's'),
    (b'5', b's'),
    (b'7', b't'),
    (b'+', b't'),
    (b'8', b'b'),
    (b'9', b'g'),
];

/// Fold map for ASCII: lower-cases the byte, then applies [`FOLD_TABLE`].
/// The map is built at compile time.
const FOLD_LUT: [u8; 128] = build_fold_lut();

/// Builds [`FOLD_LUT`] from [`FOLD_TABLE`].
const fn build_fold_lut() -> [u8; 128] {
    let mut lut = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        lut[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    let mut i = 0;
    while i < FOLD_TABLE.len() {
        let (from, to) = FOLD_TABLE[i];
        lut[from as usize] = to;
        i += 1;
    }
    lut
}

/// Folds a password for blocklist comparison. It lower-cases each character
/// with Unicode `char::to_lowercase`, then undoes the common substitutions in
/// [`FOLD_TABLE`]: `@`/`4`→`a`, `0`→`o`, `1`/`!`/`|`→`i`, `3`→`e`,
/// `$`/`5`→`s`, `7`/`+`→`t`, `8`→`b`, `9`→`g`.
///
/// The list entries and the candidates go through the same fold. For example
/// `P@ssw0rd` becomes `password`, and `123456` becomes `i2eas6` on both
/// sides.
///
/// The input is lower-cased one character at a time, not with
/// `str::to_lowercase`. The only difference is the Greek final sigma: `Σ` is
/// always folded to `σ`, never to `ς`. Every folded character comes from
/// exactly one lower-cased input character.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// Writes [`fold`]`(s)` into `out`, so that a caller can reuse one buffer.
/// The buffer is cleared first.
fn fold_into(s: &str, out: &mut String) {
    out.clear();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(char::from(FOLD_LUT[c as usize]));
        } else {
            // No non-ASCII character lower-cases to an ASCII character in
            // FOLD_TABLE (the only ones that lower-case to ASCII, U+212A
            // KELVIN SIGN and U+0130, give letters), so the table does not
            // apply here.
            out.extend(c.to_lowercase());
        }
    }
}

/// `true` if [`fold`] would change `entry`. Used to keep unchanged entries
/// borrowed from [`LIST`] when the set is built.
fn needs_fold(entry: &str) -> bool {
    entry
        .chars()
        .any(|c| !c.is_ascii() || FOLD_LUT[c as usize] != c as u8)
}

/// The folded entries of [`LIST`], built once on first use.
///
/// Most entries are already folded and are borrowed from the `'static` list.
/// Only entries that contain digits, symbols or upper case get their own
/// allocation.
fn folded_set() -> &'static HashSet<Cow<'static, str>> {
    static SET: OnceLock<HashSet<Cow<'static, str>>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::with_capacity(LIST.len() / 7);
        for line in LIST.lines() {
            let entry = line.trim();
            if entry.is_empty() {
                continue;
            }
            if needs_fold(entry) {
                set.insert(Cow::Owned(fold(entry)));
            } else {
                set.insert(Cow::Borrowed(entry));
            }
        }
        set
    })
}

/// Characters stripped from the ends of a password to find its core:
/// ASCII digits, ASCII punctuation and ASCII white space.
fn is_affix_char(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_ascii_whitespace()
}

/// Shortest core, in characters, that is looked up after stripping.
const MIN_CORE_CHARS: usize = 4;

/// `true` if the password is on the bundled list after [folding](fold).
///
/// It is also `true` if the core of the password folds to a listed entry.
/// The core is what remains after the leading and trailing runs of ASCII
/// digits, ASCII punctuation and ASCII white space are stripped from the
/// lower-cased, unfolded password, and it must have at least 4 characters.
/// This catches `Password2024!` (core `password`) and `!!dragon99` (core
/// `dragon`).
///
/// Three cores are tried: both ends stripped, only the trailing run stripped,
/// and only the leading run stripped. The one-sided cores catch a
/// substitution character at the stripped edge. For example, in `$ecret!`
/// stripping both ends loses the `$`, but the trailing-only core `$ecret`
/// folds to the listed `secret`.
///
/// The caller must pass an NFKC-normalised password. The function allocates
/// one `String` per call and does not allocate per list entry.
pub(crate) fn is_common(nfkc_password: &str) -> bool {
    let set = folded_set();
    let mut buf = String::with_capacity(nfkc_password.len() + 4);

    fold_into(nfkc_password, &mut buf);
    if set.contains(buf.as_str()) {
        return true;
    }

    // ASCII digits, punctuation and white space are unchanged by
    // lower-casing, and lower-casing never produces them from other
    // characters. So stripping the original string gives the same core as
    // stripping its lower-cased form, and folding the core lower-cases it.
    let both = nfkc_password
        .trim_start_matches(is_affix_char)
        .trim_end_matches(is_affix_char);
    let trailing_only = nfkc_password.trim_end_matches(is_affix_char);
    let leading_only = nfkc_password.trim_start_matches(is_affix_char);

    let cores = [both, trailing_only, leading_only];
    for (i, &core) in cores.iter().enumerate() {
        // `core.len()` counts bytes, which are at least as many as the
        // characters, so a core shorter than 4 bytes is too short.
        if core.len() < MIN_CORE_CHARS || core == nfkc_password || cores[..i].contains(&core) {
            continue;
        }
        fold_into(core, &mut buf);
        if buf.chars().count() >= MIN_CORE_CHARS && set.contains(buf.as_str()) {
            return true;
        }
    }
    false
}

/// Number of distinct folded entries in the bundled list. Entries that fold
/// to the same string, such as `password` and `p@ssw0rd`, count once.
pub fn bundled_len() -> usize {
    folded_set().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The Taiwanese and Chinese-speaking favourites that must be on the list.
    const TW_FAVOURITES: &[&str] = &[
        "1qaz2wsx",
        "zaq12wsx",
        "1qazxsw2",
        "2wsx3edc",
        "1q2w3e4r",
        "1qaz@wsx",
        "iloveyou520",
        "5201314",
        "520520",
        "1314520",
        "woaini",
        "woaini1314",
        "woaini520",
        "aini1314",
        "p@ssw0rd",
        "taiwan",
        "taipei",
        "taiwan123",
        "taipei101",
        "qwer1234",
        "asdf1234",
        "zxcv1234",
        "a123456",
        "a123456789",
        "abc123456",
        "123qwe",
        "qweasdzxc",
        "1qaz2wsx3edc",
        "88888888",
        "66666666",
        "168168",
        "5168",
        "iloveu",
        "welcome1",
        "admin123",
        "password1",
        "wangyang",
        "zhangwei",
        "caonima",
        "qazwsx",
        "tw123456",
        "zhuzhu",
        "baobao",
        "jiayou",
        "au4a83",
        "ji394su3",
        "7758521",
        "9527",
    ];

    /// Passwords that look random and are not on the list.
    const STRONG: &[&str] = &[
        "Vq8#mZt2!rLp",
        "黃金-Kf7@wq",
        "correct-Horse-battery-staple-9",
        "zK#4pL!m9Wq2",
        "hT7$-qm3Ruk8",
        "月光下的-Xq93!vz",
        "Nq2!vB8^cWx7",
        "ぬるぽ-Gx4%ty",
        "9-Wumpf-Kleebix-4",
        "tR0ub-LEk8&mZ",
    ];

    /// Replaces letters with look-alike characters, the reverse of the fold.
    fn leet(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                'a' => '@',
                'o' => '0',
                'i' => '1',
                'e' => '3',
                's' => '$',
                't' => '7',
                'b' => '8',
                'g' => '9',
                other => other,
            })
            .collect()
    }

    #[test]
    fn fold_undoes_substitutions() {
        assert_eq!(fold("P@ssw0rd"), "password");
        assert_eq!(fold("123456"), "i2eas6");
        assert_eq!(fold("1qaz2wsx"), "iqaz2wsx");
        assert_eq!(fold("$|!+789"), "siittbg");
        assert_eq!(fold("ÄBC"), "äbc");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn fold_table_is_ascii_lower_case_letters() {
        for (from, to) in FOLD_TABLE {
            assert!(from.is_ascii() && !from.is_ascii_alphabetic());
            assert!(to.is_ascii_lowercase());
        }
    }

    #[test]
    fn list_file_is_clean() {
        let mut seen = HashSet::new();
        for line in LIST.lines() {
            assert!(!line.is_empty(), "empty line in the list");
            assert_eq!(line, line.trim(), "white space around {line:?}");
            assert_eq!(line, line.to_lowercase(), "not lower case: {line:?}");
            assert!(line.chars().count() >= 4, "shorter than 4: {line:?}");
            assert!(seen.insert(line), "duplicate entry {line:?}");
        }
    }

    #[test]
    fn taiwanese_favourites_are_detected() {
        for &p in TW_FAVOURITES {
            assert!(LIST.lines().any(|l| l == p), "{p} missing from the file");
            assert!(is_common(p), "{p}");
            assert!(is_common(&p.to_uppercase()), "{p} in upper case");
            let l = leet(p);
            assert!(is_common(&l), "{p} as {l}");
            assert!(is_common(&l.to_uppercase()), "{p} as upper {l}");
        }
    }

    #[test]
    fn substitutions_and_affixes_are_detected() {
        for p in [
            "P@ssw0rd",
            "PASSWORD",
            "Password2024!",
            "!!dragon99",
            "ILOVEYOU520",
            "$ecret!",
            "@dmin123",
            "  password  ",
            "Taipei101!",
            "WoAiNi1314!!",
            "2024Qwerty",
            "Dr@g0n!!",
        ] {
            assert!(is_common(p), "{p}");
        }
    }

    #[test]
    fn strong_passwords_are_not_detected() {
        for &p in STRONG {
            assert!(!is_common(p), "{p}");
        }
    }

    #[test]
    fn short_cores_are_not_looked_up() {
        // The core `abc` has fewer than 4 characters, so only the whole
        // password is looked up.
        assert!(!is_common("12abc34"));
        assert!(!is_common("!!!abc###"));
    }

    #[test]
    fn bundled_list_is_large() {
        assert!(bundled_len() >= 10_000, "{}", bundled_len());
        assert!(bundled_len() <= LIST.lines().count());
    }

    #[test]
    fn empty_and_short_inputs_do_not_panic() {
        for p in [
            "", " ", "a", "1", "!", "ab", "12", "abc", "!@#", "ß", "İ", "𝔸", "漢", "\u{0}",
        ] {
            let _ = is_common(p);
        }
        assert!(!is_common(""));
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = is_common(&s);
            let _ = fold(&s);
        }

        #[test]
        fn ascii_case_does_not_matter(s in "[ -~]{0,24}") {
            prop_assert_eq!(is_common(&s), is_common(&s.to_uppercase()));
        }

        #[test]
        fn listed_words_with_affixes_are_detected(
            idx in 0usize..2000,
            pre in "[0-9!?#. ]{0,4}",
            suf in "[0-9!?#. ]{0,4}",
        ) {
            // Entries that start and end with a letter are the whole core
            // once the affixes are stripped.
            let entry = LIST
                .lines()
                .filter(|e| {
                    e.starts_with(|c: char| c.is_alphabetic())
                        && e.ends_with(|c: char| c.is_alphabetic())
                })
                .nth(idx)
                .expect("invariant: the list has over 2000 such entries");
            let p = format!("{pre}{}{suf}", entry.to_uppercase());
            prop_assert!(is_common(&p), "{}", p);
        }
    }
}
