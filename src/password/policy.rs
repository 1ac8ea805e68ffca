//! The password policy as plain data with named bounds.

use serde::{Deserialize, Serialize};

use super::hash::HashParams;

/// A class of characters, judged after NFKC normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CharClass {
    /// Upper-case letters (any script with case).
    Upper,
    /// Lower-case letters (any script with case).
    Lower,
    /// Digits and other numerals (full-width digits become ASCII under NFKC).
    Digit,
    /// Punctuation, symbols and spaces.
    Symbol,
    /// Letters without case, such as 漢字 or kana.
    OtherLetter,
}

impl CharClass {
    /// All classes, in a fixed order.
    pub const ALL: [CharClass; 5] = [
        CharClass::Upper,
        CharClass::Lower,
        CharClass::Digit,
        CharClass::Symbol,
        CharClass::OtherLetter,
    ];

    /// The class of one (already normalised) character.
    pub fn of(c: char) -> CharClass {
        if c.is_numeric() {
            CharClass::Digit
        } else if c.is_uppercase() {
            CharClass::Upper
        } else if c.is_lowercase() {
            CharClass::Lower
        } else if c.is_alphabetic() {
            CharClass::OtherLetter
        } else {
            CharClass::Symbol
        }
    }

    pub(crate) const fn bit(self) -> u8 {
        match self {
            CharClass::Upper => 1,
            CharClass::Lower => 2,
            CharClass::Digit => 4,
            CharClass::Symbol => 8,
            CharClass::OtherLetter => 16,
        }
    }

    /// English name, as in violation messages.
    pub const fn name_en(self) -> &'static str {
        match self {
            CharClass::Upper => "upper-case letter",
            CharClass::Lower => "lower-case letter",
            CharClass::Digit => "digit",
            CharClass::Symbol => "symbol",
            CharClass::OtherLetter => "other letter (such as Chinese characters)",
        }
    }

    /// Traditional Chinese name, as in violation messages.
    pub const fn name_zh(self) -> &'static str {
        match self {
            CharClass::Upper => "大寫英文字母",
            CharClass::Lower => "小寫英文字母",
            CharClass::Digit => "數字",
            CharClass::Symbol => "特殊符號",
            CharClass::OtherLetter => "其他文字（如漢字）",
        }
    }
}

/// Which character classes a password must contain.
///
/// Each entry of `required` is satisfied by any one of its classes: `[[Upper], [Lower], [Digit]]`
/// demands all three (TPE-7.4); `[[Upper, Lower], [Digit, Symbol]]` demands a letter and a digit
/// or symbol (TWSE-8.3.f 優質密碼). Independently, at least `min_classes` distinct classes must
/// occur (the "3 of 4" agency rule).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClassRule {
    /// Groups of which one class each must occur.
    pub required: Vec<Vec<CharClass>>,
    /// Minimum number of distinct classes.
    pub min_classes: u8,
}

impl ClassRule {
    /// No class requirement (NIST SP 800-63B).
    pub fn none() -> Self {
        Self {
            required: Vec::new(),
            min_classes: 0,
        }
    }

    /// At least `n` distinct classes of the five.
    pub fn at_least(n: u8) -> Self {
        Self {
            required: Vec::new(),
            min_classes: n,
        }
    }

    /// Every listed class must occur.
    pub fn all_of(classes: &[CharClass]) -> Self {
        Self {
            required: classes.iter().map(|c| vec![*c]).collect(),
            min_classes: 0,
        }
    }

    /// Adds a group of which at least one class must occur.
    #[must_use]
    pub fn and_one_of(mut self, classes: &[CharClass]) -> Self {
        self.required.push(classes.to_vec());
        self
    }

    /// Sets the minimum number of distinct classes.
    #[must_use]
    pub fn with_min_classes(mut self, n: u8) -> Self {
        self.min_classes = n;
        self
    }
}

/// The password policy: every rule of control area PW, with named defaults.
///
/// # Defaults
/// | field | default | clause |
/// |---|---|---|
/// | `min_length` | [`DEFAULT_MIN_LENGTH`] = 12 | TPE-7.4 (≥ 8, 12 recommended), MOE-12.9.1 |
/// | `max_length` | [`DEFAULT_MAX_LENGTH`] = 128 | ≥ 64 so passphrases fit |
/// | `classes` | upper, lower and digit, 3 classes | TPE-7.4, A10-IA-2 |
/// | `max_repeated` | 3 (`aaaa` is refused) | TWSE-8.3.g |
/// | `max_sequential` | 3 (`abcd`, `4321`, `qwer` are refused) | TWSE-8.3.g |
/// | `reject_common` | `true` | MOE-12.9.5, TWSE-8.3.g |
/// | `reject_personal_info` | `true` | MOE-12.9.5 |
/// | `history_depth` | [`DEFAULT_HISTORY_DEPTH`] = 3 | MOE-12.9.3, A10-IA-2 |
/// | `reject_same_as_previous` | `true` | TWSE-8.3.f |
/// | `hashing` | [`HashParams::default`] (argon2id m = 19 MiB, t = 2, p = 1) | TWSE-8.3.b |
/// | `generated_length` | 16 | TWSE-8.3.d |
///
/// Build one from a [`Profile`](crate::control::Profile) or from `Default`, adjust fields, then
/// [`validate`](Self::validate) it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PasswordPolicy {
    /// Minimum length in characters (Unicode scalar values after NFKC).
    pub min_length: usize,
    /// Maximum length in characters; longer input is refused before any other work.
    pub max_length: usize,
    /// Character classes.
    pub classes: ClassRule,
    /// Longest allowed run of one repeated character; `None` disables the rule.
    pub max_repeated: Option<usize>,
    /// Longest allowed ascending/descending or keyboard-row run; `None` disables the rule.
    pub max_sequential: Option<usize>,
    /// Refuse passwords on the bundled common-password list (after folding).
    pub reject_common: bool,
    /// Refuse passwords that contain personal or organisational information.
    pub reject_personal_info: bool,
    /// How many earlier passwords (besides the current one) may not be reused.
    pub history_depth: usize,
    /// Refuse a new password equal to the current one.
    pub reject_same_as_previous: bool,
    /// Argon2id cost parameters for new hashes.
    pub hashing: HashParams,
    /// Length of generated initial and reset passwords.
    pub generated_length: usize,
}

/// Default minimum length (TPE-7.4 recommends 12).
pub const DEFAULT_MIN_LENGTH: usize = 12;
/// Default maximum length.
pub const DEFAULT_MAX_LENGTH: usize = 128;
/// Smallest minimum length a policy may set.
pub const MIN_MIN_LENGTH: usize = 6;
/// Smallest maximum length a policy may set (room for passphrases).
pub const MIN_MAX_LENGTH: usize = 64;
/// Largest maximum length a policy may set; bounds the work of every check.
pub const MAX_MAX_LENGTH: usize = 1024;
/// Default history depth (MOE-12.9.3, A10-IA-2).
pub const DEFAULT_HISTORY_DEPTH: usize = 3;
/// Largest history depth a policy may set.
pub const MAX_HISTORY_DEPTH: usize = 24;
/// Smallest length of generated passwords.
pub const MIN_GENERATED_LENGTH: usize = 12;

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: DEFAULT_MIN_LENGTH,
            max_length: DEFAULT_MAX_LENGTH,
            classes: ClassRule::all_of(&[CharClass::Upper, CharClass::Lower, CharClass::Digit])
                .with_min_classes(3),
            max_repeated: Some(3),
            max_sequential: Some(3),
            reject_common: true,
            reject_personal_info: true,
            history_depth: DEFAULT_HISTORY_DEPTH,
            reject_same_as_previous: true,
            hashing: HashParams::default(),
            generated_length: 16,
        }
    }
}

/// A policy setting outside its bounds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A length bound is out of range or `min_length > max_length`.
    #[error("password length bounds invalid: {0}")]
    Length(&'static str),
    /// The class rule can never be met or names too many classes.
    #[error("character class rule invalid: {0}")]
    Classes(&'static str),
    /// History depth above [`MAX_HISTORY_DEPTH`].
    #[error("history depth above {MAX_HISTORY_DEPTH}")]
    History,
    /// A run limit of zero or one would refuse every password.
    #[error("repeat/sequence limit must be at least 2")]
    RunLimit,
    /// Hash parameters below the OWASP minimum or above the supported maximum.
    #[error("hash parameters invalid: {0}")]
    Hashing(&'static str),
    /// Generated length outside `[MIN_GENERATED_LENGTH, max_length]` or below `min_length`.
    #[error("generated password length invalid")]
    GeneratedLength,
}

impl PasswordPolicy {
    /// Checks every setting against its named bound.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.min_length < MIN_MIN_LENGTH {
            return Err(PolicyError::Length("min_length below 6"));
        }
        if !(MIN_MAX_LENGTH..=MAX_MAX_LENGTH).contains(&self.max_length) {
            return Err(PolicyError::Length("max_length outside 64..=1024"));
        }
        if self.min_length > self.max_length {
            return Err(PolicyError::Length("min_length above max_length"));
        }
        if usize::from(self.classes.min_classes) > CharClass::ALL.len() {
            return Err(PolicyError::Classes("min_classes above 5"));
        }
        if self.classes.required.iter().any(Vec::is_empty) {
            return Err(PolicyError::Classes("an empty group can never be met"));
        }
        if self
            .classes
            .required
            .len()
            .max(usize::from(self.classes.min_classes))
            > self.min_length
        {
            return Err(PolicyError::Classes(
                "more classes required than min_length allows",
            ));
        }
        if self.history_depth > MAX_HISTORY_DEPTH {
            return Err(PolicyError::History);
        }
        if self.max_repeated.is_some_and(|n| n < 2) || self.max_sequential.is_some_and(|n| n < 2) {
            return Err(PolicyError::RunLimit);
        }
        self.hashing.validate()?;
        if self.generated_length < MIN_GENERATED_LENGTH.max(self.min_length)
            || self.generated_length > self.max_length
        {
            return Err(PolicyError::GeneratedLength);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        PasswordPolicy::default().validate().unwrap();
    }

    #[test]
    fn invalid_settings_are_errors() {
        let base = PasswordPolicy::default();
        let cases: Vec<(PasswordPolicy, PolicyError)> = vec![
            (
                PasswordPolicy {
                    min_length: 4,
                    ..base.clone()
                },
                PolicyError::Length("min_length below 6"),
            ),
            (
                PasswordPolicy {
                    max_length: 32,
                    ..base.clone()
                },
                PolicyError::Length("max_length outside 64..=1024"),
            ),
            (
                PasswordPolicy {
                    max_length: 4096,
                    ..base.clone()
                },
                PolicyError::Length("max_length outside 64..=1024"),
            ),
            (
                PasswordPolicy {
                    min_length: 100,
                    max_length: 64,
                    ..base.clone()
                },
                PolicyError::Length("min_length above max_length"),
            ),
            (
                PasswordPolicy {
                    classes: ClassRule::at_least(6),
                    ..base.clone()
                },
                PolicyError::Classes("min_classes above 5"),
            ),
            (
                PasswordPolicy {
                    classes: ClassRule::none().and_one_of(&[]),
                    ..base.clone()
                },
                PolicyError::Classes("an empty group can never be met"),
            ),
            (
                PasswordPolicy {
                    history_depth: 25,
                    ..base.clone()
                },
                PolicyError::History,
            ),
            (
                PasswordPolicy {
                    max_repeated: Some(1),
                    ..base.clone()
                },
                PolicyError::RunLimit,
            ),
            (
                PasswordPolicy {
                    max_sequential: Some(0),
                    ..base.clone()
                },
                PolicyError::RunLimit,
            ),
            (
                PasswordPolicy {
                    generated_length: 8,
                    ..base.clone()
                },
                PolicyError::GeneratedLength,
            ),
            (
                PasswordPolicy {
                    generated_length: 200,
                    ..base.clone()
                },
                PolicyError::GeneratedLength,
            ),
        ];
        for (policy, expected) in cases {
            assert_eq!(policy.validate(), Err(expected));
        }
    }

    #[test]
    fn char_classes() {
        assert_eq!(CharClass::of('A'), CharClass::Upper);
        assert_eq!(CharClass::of('z'), CharClass::Lower);
        assert_eq!(CharClass::of('7'), CharClass::Digit);
        assert_eq!(CharClass::of('@'), CharClass::Symbol);
        assert_eq!(CharClass::of(' '), CharClass::Symbol);
        assert_eq!(CharClass::of('漢'), CharClass::OtherLetter);
        assert_eq!(CharClass::of('Ω'), CharClass::Upper);
        assert_eq!(CharClass::of('ß'), CharClass::Lower);
    }
}
