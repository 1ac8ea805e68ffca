//! `--account` and `--personal KEY=VALUE` into [`PersonalInfo`].

use time::Date;
use time::macros::format_description;
use twsec::password::PersonalInfo;

use crate::Fail;

/// The keys of `--personal`, for messages.
const KEYS: &str = "name, email, phone, birthday, national_id, school_code, org_code";

/// At most this many characters of an unknown key are repeated in the error.
const SHOWN_KEY_CHARS: usize = 32;

/// Builds the personal information from `--account` and the `--personal` entries. Values are
/// personal data: error messages name the key, never the value.
pub(crate) fn parse(account: Option<&str>, entries: &[String]) -> Result<PersonalInfo, Fail> {
    let mut info = PersonalInfo::new();
    if let Some(account) = account {
        info = info.account(account);
    }
    for entry in entries {
        let Some((key, value)) = entry.split_once('=') else {
            return Err(Fail::usage("--personal expects KEY=VALUE"));
        };
        let key = key.replace('-', "_");
        if value.is_empty() {
            return Err(Fail::usage(format!("--personal {key}: empty value")));
        }
        info = match key.as_str() {
            "name" => info.name(value),
            "email" => info.email(value),
            "phone" => info.phone(value),
            "birthday" => info.birthday(parse_date(value)?),
            "national_id" => info.national_id(value),
            "school_code" | "org_code" => info.org_code(value),
            _ => {
                let shown: String = key.chars().take(SHOWN_KEY_CHARS).collect();
                return Err(Fail::usage(format!(
                    "--personal: unknown key {shown:?} (known: {KEYS})"
                )));
            }
        };
    }
    Ok(info)
}

fn parse_date(value: &str) -> Result<Date, Fail> {
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map_err(|_| Fail::usage("--personal birthday: expected a date as YYYY-MM-DD"))
}
