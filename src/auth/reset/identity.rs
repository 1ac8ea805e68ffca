//! Identity confirmation: the step the application supplies and twsec forces before any token is
//! issued (TPE-7.2, TWSE-8.3.c, A10-IA-2A).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::account::Actor;

/// How the holder's identity was confirmed. TWSE-8.3.c names a one-time code, customer service
/// and an in-person visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdentityMethod {
    /// A one-time code sent to a phone number or address registered before the reset
    /// (not one typed in the reset request).
    OneTimeCode,
    /// A customer-service agent confirmed the caller (needs an operator as `confirmed_by`).
    CustomerService,
    /// The holder came in person with identity documents (needs an operator as `confirmed_by`).
    InPerson,
    /// A signature with the holder's registered certificate (e.g. a securities e-certificate).
    Certificate,
}

impl IdentityMethod {
    /// A stable snake-case name, as in audit records.
    pub const fn as_str(self) -> &'static str {
        match self {
            IdentityMethod::OneTimeCode => "one_time_code",
            IdentityMethod::CustomerService => "customer_service",
            IdentityMethod::InPerson => "in_person",
            IdentityMethod::Certificate => "certificate",
        }
    }

    /// `true` if a person (an operator) must vouch for the confirmation.
    pub const fn needs_operator(self) -> bool {
        matches!(
            self,
            IdentityMethod::CustomerService | IdentityMethod::InPerson
        )
    }
}

/// What the application's [`IdentityCheck`] returns when it has confirmed the holder: how, by
/// whom, and an optional reference (a service ticket, an OTP transaction number) for the audit
/// trail. Never put a code, a password or an identity-document number in the reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdentityProof {
    /// How.
    pub method: IdentityMethod,
    /// Who confirmed it: [`Actor::System`] for an automatic check, [`Actor::Operator`] for a
    /// person (required for [`IdentityMethod::needs_operator`] methods).
    pub confirmed_by: Actor,
    /// A reference for the audit trail.
    pub reference: Option<String>,
}

impl IdentityProof {
    /// A proof by `method`, confirmed by `confirmed_by`.
    pub fn new(method: IdentityMethod, confirmed_by: Actor) -> Self {
        Self {
            method,
            confirmed_by,
            reference: None,
        }
    }

    /// With a reference for the audit trail.
    #[must_use]
    pub fn with_reference(mut self, reference: &str) -> Self {
        self.reference = Some(reference.to_owned());
        self
    }

    /// `true` if a method that needs an operator names one.
    pub(crate) fn is_complete(&self) -> bool {
        !self.method.needs_operator()
            || matches!(&self.confirmed_by, Actor::Operator(id) if !id.trim().is_empty())
    }
}

/// Why the application could not confirm the holder. Only for the audit trail: the public
/// response of [`PasswordReset::request`](super::PasswordReset::request) is the same whatever
/// the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdentityRefused {
    /// No such account (or an implausible name: empty, too long, control characters).
    UnknownAccount,
    /// The account exists but the evidence did not match (wrong code, wrong details).
    NotConfirmed,
    /// The account may not be reset this way (disabled, no registered channel).
    NotEligible,
    /// The check could not be carried out (an OTP service down).
    Unavailable,
}

impl IdentityRefused {
    /// A stable snake-case name, as in audit records.
    pub const fn as_str(self) -> &'static str {
        match self {
            IdentityRefused::UnknownAccount => "unknown_account",
            IdentityRefused::NotConfirmed => "not_confirmed",
            IdentityRefused::NotEligible => "not_eligible",
            IdentityRefused::Unavailable => "unavailable",
        }
    }
}

/// The application's identity confirmation (TWSE-8.3.c: strict confirmation by one-time code,
/// customer service or in person).
///
/// `confirm` is called with the account name as given and must itself look the account up: it
/// returns [`IdentityRefused::UnknownAccount`] for a name that does not exist, ideally after
/// about as much work as for one that does. A closure
/// `Fn(&str) -> Result<IdentityProof, IdentityRefused>` is an `IdentityCheck`.
pub trait IdentityCheck {
    /// Confirms that the person asking is the holder of `account`.
    fn confirm(&self, account: &str) -> Result<IdentityProof, IdentityRefused>;
}

impl<F> IdentityCheck for F
where
    F: Fn(&str) -> Result<IdentityProof, IdentityRefused>,
{
    fn confirm(&self, account: &str) -> Result<IdentityProof, IdentityRefused> {
        self(account)
    }
}

/// Proof that an [`IdentityCheck`] confirmed the holder of one account: the only way to get a
/// token issued ([`PasswordReset::issue`](super::PasswordReset::issue) consumes it).
///
/// Made only by [`PasswordReset::confirm_identity`](super::PasswordReset::confirm_identity) (and
/// inside [`PasswordReset::request`](super::PasswordReset::request)); neither `Clone` nor
/// deserializable, so one confirmation issues at most one token. It cannot be forged:
///
/// ```compile_fail,E0451
/// use time::macros::datetime;
/// use twsec::account::Actor;
/// use twsec::auth::reset::{ConfirmedIdentity, IdentityMethod, IdentityProof};
///
/// let forged = ConfirmedIdentity {
///     account: "mingde".into(),
///     proof: IdentityProof::new(IdentityMethod::InPerson, Actor::Operator("me".into())),
///     at: datetime!(2026-03-02 09:00 UTC),
/// };
/// ```
pub struct ConfirmedIdentity {
    pub(crate) account: String,
    pub(crate) proof: IdentityProof,
    pub(crate) at: OffsetDateTime,
}

impl ConfirmedIdentity {
    /// The account confirmed.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// How and by whom.
    pub fn proof(&self) -> &IdentityProof {
        &self.proof
    }

    /// When.
    pub fn confirmed_at(&self) -> OffsetDateTime {
        self.at
    }
}

impl fmt::Debug for ConfirmedIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmedIdentity")
            .field("account", &self.account)
            .field("method", &self.proof.method)
            .field("confirmed_by", &self.proof.confirmed_by)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

/// `true` if `account` is worth asking the application about: not empty, at most
/// [`MAX_ACCOUNT_BYTES`](super::MAX_ACCOUNT_BYTES), no control characters.
pub(crate) fn plausible_account(account: &str) -> bool {
    !account.trim().is_empty()
        && account.len() <= super::MAX_ACCOUNT_BYTES
        && !account.chars().any(char::is_control)
}
