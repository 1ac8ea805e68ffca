//! Personal and organisational information a password must not contain (MOE-12.9.5).

use time::Date;

use super::common::fold;
use super::violation::PersonalField;

/// What the application knows about the account holder, for the personal-information rule.
///
/// Values are turned into lower-case, substitution-folded tokens at once; the raw values are not
/// kept. Tokens shorter than three characters (two for CJK names) are ignored, so that an initial
/// or a two-letter surname does not refuse half of all passwords.
///
/// ```
/// use twsec::password::PersonalInfo;
/// use time::macros::date;
///
/// let info = PersonalInfo::new()
///     .account("alice.chen")
///     .name("Alice Chen")
///     .name("陳愛麗")
///     .email("alice.chen@example.edu.tw")
///     .phone("+886 912-345-678")
///     .birthday(date!(1990 - 01 - 31))
///     .national_id("A123456789")
///     .org_code("193501");
/// assert!(info.token_count() > 10);
/// ```
#[derive(Clone, Default)]
pub struct PersonalInfo {
    tokens: Vec<(PersonalField, String)>,
}

impl std::fmt::Debug for PersonalInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The tokens are personal data: show only how many there are.
        f.debug_struct("PersonalInfo")
            .field("tokens", &self.tokens.len())
            .finish_non_exhaustive()
    }
}

/// Lower case, keep letters and digits only, then fold substitutions.
pub(crate) fn alnum_fold(s: &str) -> String {
    let kept: String = s
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    fold(&kept)
}

fn is_cjk(c: char) -> bool {
    c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
}

impl PersonalInfo {
    /// No information.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of tokens the password is compared with.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    pub(crate) fn tokens(&self) -> impl Iterator<Item = (PersonalField, &str)> {
        self.tokens.iter().map(|(f, t)| (*f, t.as_str()))
    }

    fn push(&mut self, field: PersonalField, raw: &str) {
        let nfkc = super::normalize::nfkc(raw);
        let token = alnum_fold(&nfkc);
        let min = if token.chars().all(is_cjk) { 2 } else { 3 };
        if token.chars().count() >= min {
            self.push_token(field, token);
        }
    }

    /// Adds a folded token unless an equal one is already there.
    fn push_token(&mut self, field: PersonalField, token: String) {
        if !self.tokens.iter().any(|(_, t)| *t == token) {
            self.tokens.push((field, token));
        }
    }

    fn push_words(&mut self, field: PersonalField, raw: &str) {
        self.push(field, raw);
        let nfkc = super::normalize::nfkc(raw);
        let words: Vec<&str> = nfkc
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.len() > 1 {
            for w in &words {
                self.push(field, w);
            }
        }
        // A Chinese name of three or more characters: the given name is the last two.
        for w in words {
            let chars: Vec<char> = w.chars().collect();
            if chars.len() >= 3 && chars.iter().all(|&c| is_cjk(c)) {
                let given: String = chars[chars.len() - 2..].iter().collect();
                self.push(field, &given);
            }
        }
    }

    /// The account name.
    #[must_use]
    pub fn account(mut self, account: &str) -> Self {
        self.push_words(PersonalField::Account, account);
        self
    }

    /// A personal name (repeatable: Chinese name, English name, …).
    #[must_use]
    pub fn name(mut self, name: &str) -> Self {
        self.push_words(PersonalField::Name, name);
        self
    }

    /// An e-mail address; its local part and the words in it are used.
    #[must_use]
    pub fn email(mut self, email: &str) -> Self {
        let local = email.rsplit_once('@').map_or(email, |(l, _)| l);
        self.push_words(PersonalField::Email, local);
        self
    }

    /// A phone number in any common Taiwanese form (`0912-345-678`, `+886 912 345 678`,
    /// `(02)2345-6789`).
    #[must_use]
    pub fn phone(mut self, phone: &str) -> Self {
        let digits: String = super::normalize::nfkc(phone)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let national = match digits.strip_prefix("886") {
            Some(rest) => format!("0{}", rest.trim_start_matches('0')),
            None => digits,
        };
        if national.len() >= 6 {
            self.push(PersonalField::Phone, &national);
            if let Some(rest) = national.strip_prefix('0') {
                self.push(PersonalField::Phone, rest);
            }
        }
        self
    }

    /// The birthday; Gregorian (`19900131`, `900131`, `01311990`, `31011990`, `0131`) and ROC
    /// (`790131`, `0790131`) forms are refused.
    #[must_use]
    pub fn birthday(mut self, date: Date) -> Self {
        let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
        let mut forms = vec![
            format!("{y:04}{m:02}{d:02}"),
            format!("{:02}{m:02}{d:02}", y.rem_euclid(100)),
            format!("{m:02}{d:02}{y:04}"),
            format!("{d:02}{m:02}{y:04}"),
            format!("{m:02}{d:02}"),
        ];
        let roc = y - 1911;
        if roc > 0 {
            forms.push(format!("{roc}{m:02}{d:02}"));
            forms.push(format!("{roc:03}{m:02}{d:02}"));
        }
        for f in forms {
            // All forms have four digits or more: no length floor needed.
            self.push_token(PersonalField::Birthday, fold(&f));
        }
        self
    }

    /// The person's national ID or UI number (also refused as an account name).
    #[must_use]
    pub fn national_id(mut self, id: &str) -> Self {
        let upper = super::normalize::nfkc(id).to_ascii_uppercase();
        self.push(PersonalField::NationalId, &upper);
        // The digits after the area letter, when the value has the shape of an ID; user-typed
        // values of any shape must not panic here.
        if upper.len() == 10
            && let Some(digits) = upper.get(1..)
        {
            self.push(PersonalField::NationalId, digits);
        }
        self
    }

    /// An organisation code supplied by the application: school code, agency code, branch code
    /// (repeatable).
    #[must_use]
    pub fn org_code(mut self, code: &str) -> Self {
        self.push(PersonalField::OrgCode, code);
        self
    }

    pub(crate) fn org_codes(&self) -> impl Iterator<Item = &str> {
        self.tokens
            .iter()
            .filter(|(f, _)| *f == PersonalField::OrgCode)
            .map(|(_, t)| t.as_str())
    }

    pub(crate) fn national_ids(&self) -> impl Iterator<Item = &str> {
        self.tokens
            .iter()
            .filter(|(f, _)| *f == PersonalField::NationalId)
            .map(|(_, t)| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn has(info: &PersonalInfo, token: &str) -> bool {
        info.tokens().any(|(_, t)| t == fold(token))
    }

    #[test]
    fn tokens_of_each_field() {
        let info = PersonalInfo::new()
            .account("alice.chen")
            .name("陳愛麗")
            .email("wang_da-ming+tw@example.com")
            .phone("+886 912-345-678")
            .birthday(date!(1990 - 01 - 31))
            .national_id("a123456789")
            .org_code("193501");
        for t in [
            "alicechen",
            "alice",
            "chen",
            "陳愛麗",
            "愛麗",
            "wangdamingtw",
            "wang",
            "ming",
            "0912345678",
            "912345678",
            "19900131",
            "900131",
            "01311990",
            "31011990",
            "0131",
            "790131",
            "0790131",
            "a123456789",
            "123456789",
            "193501",
        ] {
            assert!(has(&info, t), "{t}");
        }
        // Too short to be useful.
        assert!(!has(&info, "tw"));
        assert!(!has(&info, "da"));
    }

    #[test]
    fn any_national_id_text_is_accepted_without_panic() {
        for id in ["é12345678", "陳1234567", "A12345678é", "", "x", "ＡＢＣ"] {
            let _ = PersonalInfo::new().national_id(id);
        }
        let info = PersonalInfo::new().national_id("é12345678");
        assert!(has(&info, "é12345678"));
    }

    #[test]
    fn debug_does_not_show_personal_data() {
        let info = PersonalInfo::new().name("Alice Chen");
        let dbg = format!("{info:?}");
        assert!(!dbg.to_lowercase().contains("alice"), "{dbg}");
    }

    #[test]
    fn landline_forms() {
        let info = PersonalInfo::new().phone("(02)2345-6789");
        assert!(has(&info, "0223456789"));
        let intl = PersonalInfo::new().phone("+886-2-2345-6789");
        assert!(has(&intl, "0223456789"));
    }
}
