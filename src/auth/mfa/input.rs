//! Normalisation of a one-time code as a user types it.

use unicode_normalization::UnicodeNormalization as _;
use zeroize::Zeroizing;

use super::error::VerifyError;

/// Longest input looked at, in bytes; longer input is malformed before any work.
const MAX_INPUT_BYTES: usize = 256;

/// Separators a user may type or paste between groups: white space and dashes.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The code as ASCII upper case without separators.
///
/// NFKC first: a CJK input method in full-width mode types `１２３４５６` or `ＡＢＣＤ`, which
/// are the same code. Anything else than ASCII letters and digits is [`VerifyError::Malformed`].
pub(crate) fn normalize_code(input: &str) -> Result<Zeroizing<String>, VerifyError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(VerifyError::Malformed);
    }
    let mut out = Zeroizing::new(String::with_capacity(input.len()));
    for c in input.nfkc() {
        if is_separator(c) {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            return Err(VerifyError::Malformed);
        }
        out.push(c.to_ascii_uppercase());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_case_and_full_width() {
        assert_eq!(normalize_code(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(normalize_code("１２３－４５６").unwrap().as_str(), "123456");
        assert_eq!(
            normalize_code("abcd-efgh\u{2010}jkmn").unwrap().as_str(),
            "ABCDEFGHJKMN"
        );
        assert_eq!(normalize_code("12.34"), Err(VerifyError::Malformed));
        assert_eq!(normalize_code("１２３é"), Err(VerifyError::Malformed));
        assert_eq!(
            normalize_code(&"1".repeat(300)),
            Err(VerifyError::Malformed)
        );
    }
}
