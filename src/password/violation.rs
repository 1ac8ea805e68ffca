//! Violations: stable codes with messages in Traditional Chinese and English.

use serde::{Serialize, Serializer};

use super::policy::CharClass;
use crate::control::ControlId;

/// A language for user-facing messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// 繁體中文 (Taiwan).
    #[default]
    ZhTw,
    /// English.
    En,
}

impl Lang {
    /// Every language.
    pub const ALL: [Lang; 2] = [Lang::ZhTw, Lang::En];

    /// The BCP 47 tag: `"zh-TW"` or `"en"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }
}

/// A language tag other than `zh-TW` and `en`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown language; use zh-TW or en")]
pub struct UnknownLang;

impl std::str::FromStr for Lang {
    type Err = UnknownLang;

    /// Parses `zh-TW` (also `zh_tw`, `zh-Hant-TW`, any case) or `en` (also `en-US`, …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let l = s.to_ascii_lowercase().replace('_', "-");
        match l.as_str() {
            "zh-tw" | "zh-hant" | "zh-hant-tw" => Ok(Lang::ZhTw),
            _ if l == "en" || l.starts_with("en-") => Ok(Lang::En),
            _ => Err(UnknownLang),
        }
    }
}

/// Which piece of personal or organisational information a password contained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PersonalField {
    /// The account name.
    Account,
    /// A personal name.
    Name,
    /// An e-mail address (its local part).
    Email,
    /// A phone number.
    Phone,
    /// The birthday, in Gregorian or ROC (民國) form.
    Birthday,
    /// The person's national ID or UI number.
    NationalId,
    /// An organisation code supplied by the application (school code, agency code, …).
    OrgCode,
}

impl PersonalField {
    fn name_en(self) -> &'static str {
        match self {
            PersonalField::Account => "account name",
            PersonalField::Name => "name",
            PersonalField::Email => "e-mail address",
            PersonalField::Phone => "phone number",
            PersonalField::Birthday => "birthday",
            PersonalField::NationalId => "national ID or UI number",
            PersonalField::OrgCode => "organisation code",
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            PersonalField::Account => "帳號",
            PersonalField::Name => "姓名",
            PersonalField::Email => "電子郵件",
            PersonalField::Phone => "電話號碼",
            PersonalField::Birthday => "生日",
            PersonalField::NationalId => "身分證字號或統一證號",
            PersonalField::OrgCode => "機關或學校代碼",
        }
    }
}

/// The reason a password or account name was refused. Codes are stable and safe to show.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationCode {
    /// `PW-LENGTH-MIN`: shorter than the minimum.
    TooShort {
        /// The minimum, in characters.
        min: usize,
    },
    /// `PW-LENGTH-MAX`: longer than the maximum.
    TooLong {
        /// The maximum, in characters.
        max: usize,
    },
    /// `PW-CHARACTERS`: contains control characters or unassigned code points.
    InvalidCharacters,
    /// `PW-CLASSES`: a required character class is missing.
    MissingClasses {
        /// One class of each unmet group.
        missing: Vec<Vec<CharClass>>,
        /// The minimum number of distinct classes.
        min_classes: u8,
    },
    /// `PW-REPEATED`: a character repeated more than allowed.
    Repeated {
        /// Longest allowed run.
        max: usize,
    },
    /// `PW-SEQUENTIAL`: an alphabetical, numerical or keyboard-row sequence.
    Sequential {
        /// Longest allowed run.
        max: usize,
    },
    /// `PW-COMMON`: a common, leaked or keyboard-pattern password.
    Common,
    /// `PW-PERSONAL-INFO`: contains personal or organisational information.
    PersonalInfo {
        /// Which kind of information.
        field: PersonalField,
    },
    /// `PW-NATIONAL-ID`: contains a valid national ID or UI number.
    ContainsNationalId,
    /// `PW-HISTORY`: equal to one of the last passwords.
    History {
        /// How many earlier passwords are remembered.
        depth: usize,
    },
    /// `PW-SAME-AS-PREVIOUS`: equal to the current password.
    SameAsPrevious,
    /// `ACC-MIN-AGE`: the password was changed too recently.
    MinAge {
        /// Minimum age in hours.
        hours: i64,
    },
    /// `ACC-NAME-ID`: the account name is or contains a national ID or UI number.
    AccountNameId,
    /// `ACC-NAME-DEFAULT`: a default or administrator account name (`admin`, `root`, `sa`, …).
    AccountNameDefault,
    /// `ACC-NAME-ORG-CODE`: the account name is or contains an organisation code.
    AccountNameOrgCode,
    /// `ACC-NAME-INVALID`: empty, too long, or containing control characters.
    AccountNameInvalid,
}

impl ViolationCode {
    /// The stable code, e.g. `"PW-LENGTH-MIN"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ViolationCode::TooShort { .. } => "PW-LENGTH-MIN",
            ViolationCode::TooLong { .. } => "PW-LENGTH-MAX",
            ViolationCode::InvalidCharacters => "PW-CHARACTERS",
            ViolationCode::MissingClasses { .. } => "PW-CLASSES",
            ViolationCode::Repeated { .. } => "PW-REPEATED",
            ViolationCode::Sequential { .. } => "PW-SEQUENTIAL",
            ViolationCode::Common => "PW-COMMON",
            ViolationCode::PersonalInfo { .. } => "PW-PERSONAL-INFO",
            ViolationCode::ContainsNationalId => "PW-NATIONAL-ID",
            ViolationCode::History { .. } => "PW-HISTORY",
            ViolationCode::SameAsPrevious => "PW-SAME-AS-PREVIOUS",
            ViolationCode::MinAge { .. } => "ACC-MIN-AGE",
            ViolationCode::AccountNameId => "ACC-NAME-ID",
            ViolationCode::AccountNameDefault => "ACC-NAME-DEFAULT",
            ViolationCode::AccountNameOrgCode => "ACC-NAME-ORG-CODE",
            ViolationCode::AccountNameInvalid => "ACC-NAME-INVALID",
        }
    }

    /// The control whose rule this is.
    pub fn control(&self) -> ControlId {
        match self {
            ViolationCode::TooShort { .. } | ViolationCode::TooLong { .. } => ControlId::PwLength,
            ViolationCode::InvalidCharacters => ControlId::PwNormalization,
            ViolationCode::MissingClasses { .. } => ControlId::PwClasses,
            ViolationCode::Repeated { .. } => ControlId::PwRepeated,
            ViolationCode::Sequential { .. } => ControlId::PwSequential,
            ViolationCode::Common => ControlId::PwCommon,
            ViolationCode::PersonalInfo { .. } | ViolationCode::ContainsNationalId => {
                ControlId::PwPersonalInfo
            }
            ViolationCode::History { .. } => ControlId::PwHistory,
            ViolationCode::SameAsPrevious => ControlId::PwSameAsPrevious,
            ViolationCode::MinAge { .. } => ControlId::AccMinAge,
            ViolationCode::AccountNameId
            | ViolationCode::AccountNameDefault
            | ViolationCode::AccountNameOrgCode
            | ViolationCode::AccountNameInvalid => ControlId::AccName,
        }
    }

    /// The user-facing message. It never contains the password or the personal data matched.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhTw;
        match self {
            ViolationCode::TooShort { min } => {
                if zh {
                    format!("密碼長度至少需 {min} 個字元。")
                } else {
                    format!("The password must be at least {min} characters long.")
                }
            }
            ViolationCode::TooLong { max } => {
                if zh {
                    format!("密碼長度不可超過 {max} 個字元。")
                } else {
                    format!("The password must be at most {max} characters long.")
                }
            }
            ViolationCode::InvalidCharacters => {
                if zh {
                    "密碼含有控制字元或無效字元。".to_owned()
                } else {
                    "The password contains control or invalid characters.".to_owned()
                }
            }
            ViolationCode::MissingClasses {
                missing,
                min_classes,
            } => {
                let list = |f: fn(CharClass) -> &'static str, or: &str, sep: &str| {
                    missing
                        .iter()
                        .map(|g| g.iter().map(|c| f(*c)).collect::<Vec<_>>().join(or))
                        .collect::<Vec<_>>()
                        .join(sep)
                };
                if zh {
                    let mut s = String::from("密碼需包含");
                    if !missing.is_empty() {
                        s.push_str(&list(CharClass::name_zh, "或", "、"));
                    }
                    if *min_classes > 0 {
                        if !missing.is_empty() {
                            s.push_str("，並");
                        }
                        s.push_str(&format!("至少 {min_classes} 種字元類別"));
                    }
                    s.push('。');
                    s
                } else {
                    let mut s = String::from("The password must contain ");
                    if !missing.is_empty() {
                        s.push_str(&list(CharClass::name_en, " or ", ", "));
                    }
                    if *min_classes > 0 {
                        if !missing.is_empty() {
                            s.push_str(", and ");
                        }
                        s.push_str(&format!("at least {min_classes} kinds of characters"));
                    }
                    s.push('.');
                    s
                }
            }
            ViolationCode::Repeated { max } => {
                if zh {
                    format!("同一字元不可連續出現超過 {max} 次。")
                } else {
                    format!("No character may repeat more than {max} times in a row.")
                }
            }
            ViolationCode::Sequential { max } => {
                if zh {
                    format!(
                        "不可包含超過 {max} 個字元的連續字元或鍵盤排列（如 abcd、1234、qwer）。"
                    )
                } else {
                    format!(
                        "The password may not contain sequences longer than {max} characters (such as abcd, 1234, qwer)."
                    )
                }
            }
            ViolationCode::Common => {
                if zh {
                    "此密碼過於常見或容易猜測，請改用其他密碼。".to_owned()
                } else {
                    "This password is too common or easy to guess.".to_owned()
                }
            }
            ViolationCode::PersonalInfo { field } => {
                if zh {
                    format!("密碼不可包含您的{}。", field.name_zh())
                } else {
                    format!("The password may not contain your {}.", field.name_en())
                }
            }
            ViolationCode::ContainsNationalId => {
                if zh {
                    "密碼不可包含身分證字號或統一證號。".to_owned()
                } else {
                    "The password may not contain a national ID or UI number.".to_owned()
                }
            }
            ViolationCode::History { depth } => {
                if zh {
                    format!("不可使用前 {depth} 次用過的密碼。")
                } else {
                    format!("The password may not be one of your last {depth} passwords.")
                }
            }
            ViolationCode::SameAsPrevious => {
                if zh {
                    "新密碼不可與目前的密碼相同。".to_owned()
                } else {
                    "The new password must differ from the current one.".to_owned()
                }
            }
            ViolationCode::MinAge { hours } => {
                if zh {
                    format!("密碼變更後 {hours} 小時內不可再次變更。")
                } else {
                    format!(
                        "The password cannot be changed again within {hours} hours of the last change."
                    )
                }
            }
            ViolationCode::AccountNameId => {
                if zh {
                    "帳號不可使用身分證字號或統一證號。".to_owned()
                } else {
                    "The account name may not be a national ID or UI number.".to_owned()
                }
            }
            ViolationCode::AccountNameDefault => {
                if zh {
                    "不可使用預設或管理者帳號名稱（如 admin、root、sa）。".to_owned()
                } else {
                    "Default and administrator account names (such as admin, root, sa) are not allowed.".to_owned()
                }
            }
            ViolationCode::AccountNameOrgCode => {
                if zh {
                    "帳號不可使用機關或學校代碼。".to_owned()
                } else {
                    "The account name may not be an organisation or school code.".to_owned()
                }
            }
            ViolationCode::AccountNameInvalid => {
                if zh {
                    "帳號為空、過長或含有無效字元。".to_owned()
                } else {
                    "The account name is empty, too long or contains invalid characters.".to_owned()
                }
            }
        }
    }
}

impl std::fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One refused rule, ready for an API response.
///
/// Serialises as `{"code": "PW-LENGTH-MIN", "control": "PW-LENGTH", "message": {"zh-TW": …,
/// "en": …}}` plus the rule's parameters (`min`, `max`, `field`, …).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Violation {
    /// What was refused.
    pub code: ViolationCode,
}

impl Violation {
    /// The stable code string.
    pub fn code_str(&self) -> &'static str {
        self.code.as_str()
    }

    /// The control that refused.
    pub fn control(&self) -> ControlId {
        self.code.control()
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.code.message(lang)
    }
}

impl From<ViolationCode> for Violation {
    fn from(code: ViolationCode) -> Self {
        Self { code }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.code.message(Lang::En))
    }
}

impl Serialize for Violation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        #[derive(Serialize)]
        struct Messages {
            #[serde(rename = "zh-TW")]
            zh_tw: String,
            en: String,
        }

        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", self.code.as_str())?;
        map.serialize_entry("control", &self.code.control())?;
        map.serialize_entry(
            "message",
            &Messages {
                zh_tw: self.code.message(Lang::ZhTw),
                en: self.code.message(Lang::En),
            },
        )?;
        match &self.code {
            ViolationCode::TooShort { min } => map.serialize_entry("min", min)?,
            ViolationCode::TooLong { max }
            | ViolationCode::Repeated { max }
            | ViolationCode::Sequential { max } => map.serialize_entry("max", max)?,
            ViolationCode::MissingClasses {
                missing,
                min_classes,
            } => {
                map.serialize_entry("missing", missing)?;
                map.serialize_entry("min_classes", min_classes)?;
            }
            ViolationCode::PersonalInfo { field } => map.serialize_entry("field", field)?,
            ViolationCode::History { depth } => map.serialize_entry("depth", depth)?,
            ViolationCode::MinAge { hours } => map.serialize_entry("hours", hours)?,
            _ => {}
        }
        map.end()
    }
}

/// Every violation a candidate produced, in rule order (not only the first).
///
/// Serialises as `{"accepted": bool, "violations": [...]}` for an API response; `accepted` is
/// derived from the violations, so the two cannot disagree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The violations.
    pub violations: Vec<Violation>,
}

impl CheckReport {
    /// A report of these codes.
    pub fn from_codes(codes: impl IntoIterator<Item = ViolationCode>) -> Self {
        Self {
            violations: codes.into_iter().map(Violation::from).collect(),
        }
    }

    /// `true` when the candidate passed every rule.
    pub fn is_accepted(&self) -> bool {
        self.violations.is_empty()
    }

    /// `true` if some violation has this stable code.
    pub fn has(&self, code: &str) -> bool {
        self.violations.iter().any(|v| v.code.as_str() == code)
    }

    /// The stable codes, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.violations.iter().map(|v| v.code.as_str()).collect()
    }

    /// Adds a violation.
    pub fn push(&mut self, code: ViolationCode) {
        self.violations.push(code.into());
    }

    /// Appends the violations of `other` (e.g. the account-name check to the password check).
    pub fn extend(&mut self, other: CheckReport) {
        self.violations.extend(other.violations);
    }
}

impl Serialize for CheckReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("CheckReport", 2)?;
        s.serialize_field("accepted", &self.is_accepted())?;
        s.serialize_field("violations", &self.violations)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse() {
        for l in Lang::ALL {
            assert_eq!(l.as_str().parse(), Ok(l));
        }
        assert_eq!("ZH_tw".parse(), Ok(Lang::ZhTw));
        assert_eq!("en-US".parse(), Ok(Lang::En));
        assert_eq!("fr".parse::<Lang>(), Err(UnknownLang));
        assert_eq!("english".parse::<Lang>(), Err(UnknownLang));
    }

    #[test]
    fn serialises_code_control_and_both_languages() {
        let v = Violation::from(ViolationCode::TooShort { min: 12 });
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["code"], "PW-LENGTH-MIN");
        assert_eq!(json["control"], "PW-LENGTH");
        assert_eq!(json["min"], 12);
        assert_eq!(
            json["message"]["en"],
            "The password must be at least 12 characters long."
        );
        assert_eq!(json["message"]["zh-TW"], "密碼長度至少需 12 個字元。");
    }

    #[test]
    fn every_code_has_messages_in_both_languages() {
        let all = [
            ViolationCode::TooShort { min: 8 },
            ViolationCode::TooLong { max: 64 },
            ViolationCode::InvalidCharacters,
            ViolationCode::MissingClasses {
                missing: vec![
                    vec![CharClass::Upper],
                    vec![CharClass::Digit, CharClass::Symbol],
                ],
                min_classes: 3,
            },
            ViolationCode::MissingClasses {
                missing: vec![],
                min_classes: 3,
            },
            ViolationCode::Repeated { max: 3 },
            ViolationCode::Sequential { max: 3 },
            ViolationCode::Common,
            ViolationCode::PersonalInfo {
                field: PersonalField::Email,
            },
            ViolationCode::ContainsNationalId,
            ViolationCode::History { depth: 3 },
            ViolationCode::SameAsPrevious,
            ViolationCode::MinAge { hours: 24 },
            ViolationCode::AccountNameId,
            ViolationCode::AccountNameDefault,
            ViolationCode::AccountNameOrgCode,
            ViolationCode::AccountNameInvalid,
        ];
        let mut codes = std::collections::HashSet::new();
        for c in all {
            codes.insert(c.as_str());
            let zh = c.message(Lang::ZhTw);
            let en = c.message(Lang::En);
            assert!(!zh.is_empty() && !en.is_empty());
            assert_ne!(zh, en);
            assert!(
                zh.chars()
                    .any(|ch| CharClass::of(ch) == CharClass::OtherLetter),
                "{zh}"
            );
            assert!(en.is_ascii(), "{en}");
        }
        assert_eq!(codes.len(), 16);
        let m = ViolationCode::MissingClasses {
            missing: vec![
                vec![CharClass::Upper],
                vec![CharClass::Digit, CharClass::Symbol],
            ],
            min_classes: 3,
        };
        assert_eq!(
            m.message(Lang::En),
            "The password must contain upper-case letter, digit or symbol, and at least 3 kinds of characters."
        );
        assert_eq!(
            m.message(Lang::ZhTw),
            "密碼需包含大寫英文字母、數字或特殊符號，並至少 3 種字元類別。"
        );
    }
}
