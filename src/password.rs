//! Password policy, hashing and random initial passwords (area PW).
//!
//! * [`PasswordPolicy`]: the rules as data ([`PasswordPolicy::check`] returns every violation,
//!   with stable codes and messages in zh-TW and English).
//! * [`PersonalInfo`]: what the password must not contain (MOE-12.9.5).
//! * [`check_account_name`]: account names (MOE-12.9.5, TWSE-8.3.g).
//! * [`Hasher`]: argon2id with pepper on a bounded worker pool, sync and async.
//! * [`PasswordPolicy::generate`]: random initial passwords (TWSE-8.3.d).
//!
//! Passwords are normalised to NFKC before they are checked and hashed (see the `normalize`
//! notes in [`PasswordPolicy::check`]): full-width input from a Chinese IME verifies against its
//! half-width form.
//!
//! ```
//! use twsec::password::{Hasher, HasherConfig, PasswordPolicy, PersonalInfo};
//!
//! let policy = twsec::control::Profile::moe().password;
//! let me = PersonalInfo::new().account("s1234567").org_code("193501");
//! assert!(!policy.check("1qaz2wsx", &me).is_accepted());
//! assert!(policy.check("Lantern-Rive9-水餃", &me).is_accepted());
//! ```

mod account_name;
mod common;
mod generate;
mod hash;
mod normalize;
mod personal;
mod policy;
mod pool;
mod rules;
mod violation;

pub use account_name::{DEFAULT_ACCOUNT_NAMES, check_account_name};
pub use common::bundled_len as common_list_len;
pub use generate::GenerateError;
pub use hash::{HashError, HashParams, PasswordHash, Pepper, Verification};
pub(crate) use normalize::nfkc_secret;
pub use personal::PersonalInfo;
pub use policy::{
    CharClass, ClassRule, DEFAULT_HISTORY_DEPTH, DEFAULT_MAX_LENGTH, DEFAULT_MIN_LENGTH,
    MAX_HISTORY_DEPTH, MAX_MAX_LENGTH, MIN_GENERATED_LENGTH, MIN_MAX_LENGTH, MIN_MIN_LENGTH,
    PasswordPolicy, PolicyError,
};
pub use pool::{Hasher, HasherConfig};
pub use violation::{CheckReport, Lang, PersonalField, UnknownLang, Violation, ViolationCode};
