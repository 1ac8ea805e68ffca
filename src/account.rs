//! Account lifecycle (area ACC): must-change, password age, dormancy, disable and re-enable.
//!
//! The application stores an [`AccountRecord`] (serde) wherever it likes; twsec decides.
//! [`evaluate`] is a pure function of the record, the [`AccountPolicy`] and the time;
//! [`Accounts`] adds the operations that change a record (create, change password, admin reset,
//! disable, re-enable, dormancy sweep), each returning a [`Transition`] for the audit trail.
//!
//! ```
//! use twsec::account::{Accounts, LoginDecision, MustChangeReason};
//! use twsec::control::Profile;
//! use twsec::password::{Hasher, HasherConfig, PersonalInfo};
//! use time::macros::datetime;
//!
//! let accounts = Accounts::new(&Profile::moe(), Hasher::new(HasherConfig::default())?)?;
//! let now = datetime!(2026-03-01 09:00 UTC);
//! let me = PersonalInfo::new().name("Chen Mingde");
//! let mut new = accounts.create("mingde", &me, now)?;
//! // First login: the random initial password must be changed at once (TPE-7.1).
//! assert_eq!(
//!     accounts.evaluate(&new.record, now),
//!     LoginDecision::MustChange { reason: MustChangeReason::Initial }
//! );
//! accounts.change_password(&mut new.record, "Lantern-Rive9-水餃", &me, now)?;
//! assert!(accounts.evaluate(&new.record, now).is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod decision;
mod lifecycle;
mod policy;
mod record;

pub use decision::{LoginDecision, Notice, Refusal, evaluate};
pub use lifecycle::{AccountError, Accounts, ChangeError, NewAccount};
pub use policy::{AccountPolicy, AccountPolicyError, MAX_TEMPORARY_PASSWORD_VALIDITY};
pub use record::{
    AccountRecord, AccountStatus, Actor, CredentialRecord, DisableReason, EventKind, MustChange,
    MustChangeReason, Transition,
};
