//! Operations that change an account: [`Accounts`].

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::decision::{LoginDecision, Refusal, dormant_since, evaluate};
use super::policy::{AccountPolicy, AccountPolicyError};
use super::record::{
    AccountRecord, AccountStatus, Actor, CredentialRecord, DisableReason, EventKind, MustChange,
    MustChangeReason, Transition,
};
use crate::control::{ControlId, Profile};
use crate::password::{
    CheckReport, GenerateError, HashError, Hasher, PasswordPolicy, PersonalInfo, PolicyError,
    Verification, ViolationCode, check_account_name,
};

/// A failed account operation. Messages carry no password, hash or personal data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The account name breaks ACC-NAME.
    #[error("account name refused: {}", .0.codes().join(", "))]
    InvalidName(CheckReport),
    /// The password policy is invalid.
    #[error(transparent)]
    PasswordPolicy(#[from] PolicyError),
    /// The account policy is invalid.
    #[error(transparent)]
    AccountPolicy(#[from] AccountPolicyError),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// No random password satisfied the policy.
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// The operation needs an active account.
    #[error("account is disabled")]
    Disabled,
    /// The operation needs a disabled account.
    #[error("account is not disabled")]
    NotDisabled,
    /// An operator action needs the operator's ID and a reason.
    #[error("operator and reason are required")]
    MissingOperatorOrReason,
}

/// A refused password change.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    /// The new password breaks the policy; every violation is listed, and `event` is the
    /// `authn_password_change_fail` transition to audit.
    #[error("password change refused: {}", .report.codes().join(", "))]
    Rejected {
        /// All violations.
        report: CheckReport,
        /// The audit event.
        event: Box<Transition>,
    },
    /// The account cannot change its password now.
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<HashError> for ChangeError {
    fn from(e: HashError) -> Self {
        ChangeError::Account(AccountError::Hash(e))
    }
}

/// A new account with its random initial password.
#[derive(Debug)]
#[non_exhaustive]
pub struct NewAccount {
    /// The record to store.
    pub record: AccountRecord,
    /// The initial password, to hand to the holder through a separate channel; must be changed
    /// at first login and expires after `temporary_password_validity`.
    pub initial_password: SecretString,
    /// The `user_created` transition.
    pub event: Transition,
}

/// Password and account policies with a hasher: the operations of the account lifecycle.
#[derive(Debug, Clone)]
pub struct Accounts {
    password: PasswordPolicy,
    account: AccountPolicy,
    hasher: Hasher,
}

fn transition(
    event: EventKind,
    record: &AccountRecord,
    actor: Actor,
    reason: impl Into<String>,
    control: ControlId,
    at: OffsetDateTime,
) -> Transition {
    Transition {
        event,
        account: record.account.clone(),
        actor,
        reason: reason.into(),
        control,
        at,
    }
}

impl Accounts {
    /// Uses the password and account policies of `profile`. The hasher's parameters must be at
    /// least the policy's `hashing` parameters.
    pub fn new(profile: &Profile, hasher: Hasher) -> Result<Self, AccountError> {
        Self::with_policies(profile.password.clone(), profile.account.clone(), hasher)
    }

    /// Uses explicit policies, validated here.
    pub fn with_policies(
        password: PasswordPolicy,
        account: AccountPolicy,
        hasher: Hasher,
    ) -> Result<Self, AccountError> {
        password.validate()?;
        account.validate()?;
        let (have, want) = (hasher.params(), password.hashing);
        if have.m_cost_kib < want.m_cost_kib
            || have.t_cost < want.t_cost
            || have.p_cost < want.p_cost
        {
            return Err(PolicyError::Hashing(
                "the hasher is weaker than the policy's hashing parameters",
            )
            .into());
        }
        Ok(Self {
            password,
            account,
            hasher,
        })
    }

    /// The password policy.
    pub fn password_policy(&self) -> &PasswordPolicy {
        &self.password
    }

    /// The account policy.
    pub fn account_policy(&self) -> &AccountPolicy {
        &self.account
    }

    /// The hasher.
    pub fn hasher(&self) -> &Hasher {
        &self.hasher
    }

    /// The login decision for `record` at `now` (see [`evaluate`]).
    pub fn evaluate(&self, record: &AccountRecord, now: OffsetDateTime) -> LoginDecision {
        evaluate(&self.account, record, now)
    }

    /// Like [`evaluate`](Self::evaluate), and also applies what the decision implies: a dormant
    /// account or an expired temporary account is disabled (with its transition).
    pub fn enforce(
        &self,
        record: &mut AccountRecord,
        now: OffsetDateTime,
    ) -> (LoginDecision, Option<Transition>) {
        let decision = self.evaluate(record, now);
        let reason = match decision {
            LoginDecision::Refused {
                reason: Refusal::Dormant,
            } => Some(DisableReason::Dormant),
            LoginDecision::Refused {
                reason: Refusal::AccountExpired,
            } => Some(DisableReason::TemporaryExpired),
            _ => None,
        };
        let event = reason.map(|r| self.disable_unchecked(record, r, Actor::System, now));
        (decision, event)
    }

    /// Verifies a login password against the record's hash (constant time; `needs_rehash` tells
    /// when to store a fresh hash, which [`verify_and_upgrade`](Self::verify_and_upgrade) does).
    pub fn verify_password(
        &self,
        record: &AccountRecord,
        password: &str,
    ) -> Result<Verification, HashError> {
        self.hasher.verify(password, &record.credential.hash)
    }

    /// Verifies a login password and, when it matches a hash that is weaker than the current
    /// policy (older parameters, no pepper, a retired pepper), replaces the hash with a fresh one.
    /// The returned value is what was observed: `Match { needs_rehash: true }` means the record
    /// changed and must be stored. History and dates are untouched.
    pub fn verify_and_upgrade(
        &self,
        record: &mut AccountRecord,
        password: &str,
    ) -> Result<Verification, HashError> {
        let v = self.hasher.verify(password, &record.credential.hash)?;
        if v == (Verification::Match { needs_rehash: true }) {
            record.credential.hash = self.hasher.hash(password)?;
        }
        Ok(v)
    }

    /// Records a successful login (last login time for dormancy).
    pub fn record_login(&self, record: &mut AccountRecord, now: OffsetDateTime) -> Transition {
        record.last_login_at = Some(now);
        let actor = Actor::Account(record.account.clone());
        transition(
            EventKind::LoginSuccess,
            record,
            actor,
            "login",
            ControlId::AccDormancy,
            now,
        )
    }

    /// Creates an account with a random initial password that must be changed at first login
    /// (TPE-7.1, TWSE-8.3.a, TWSE-8.3.d). The name is checked first (ACC-NAME).
    pub fn create(
        &self,
        account: &str,
        personal: &PersonalInfo,
        now: OffsetDateTime,
    ) -> Result<NewAccount, AccountError> {
        let names = check_account_name(account, personal);
        if !names.is_accepted() {
            return Err(AccountError::InvalidName(names));
        }
        let personal = personal.clone().account(account);
        let initial_password = self.password.generate(&personal)?;
        let hash = self.hasher.hash(initial_password.expose_secret())?;
        let record = AccountRecord {
            account: account.to_owned(),
            created_at: now,
            last_login_at: None,
            enabled_at: None,
            expires_at: None,
            status: AccountStatus::Active,
            credential: CredentialRecord {
                hash,
                history: Vec::new(),
                changed_at: now,
                must_change: Some(MustChange {
                    reason: MustChangeReason::Initial,
                    since: now,
                    expires_at: Some(now + self.account.temporary_password_validity),
                }),
            },
        };
        let event = transition(
            EventKind::UserCreated,
            &record,
            Actor::System,
            "initial_password",
            ControlId::PwInitial,
            now,
        );
        Ok(NewAccount {
            record,
            initial_password,
            event,
        })
    }

    /// The holder changes the password (after the application has verified the current one).
    ///
    /// Checks every rule of the policy plus min age (ACC-MIN-AGE, waived while a change is
    /// forced), same-as-current (PW-SAME-AS-PREVIOUS) and history (PW-HISTORY), and reports all
    /// violations together. On success the old hash moves into the history unless it was a
    /// random temporary password, the history is trimmed to its depth, and the forced change is
    /// cleared. A stored history entry that cannot be read (malformed, or made with a pepper
    /// that is no longer configured) cannot match and is skipped.
    pub fn change_password(
        &self,
        record: &mut AccountRecord,
        new_password: &str,
        personal: &PersonalInfo,
        now: OffsetDateTime,
    ) -> Result<Transition, ChangeError> {
        if !record.is_active() {
            return Err(AccountError::Disabled.into());
        }
        let personal = personal.clone().account(&record.account);
        let mut report = self.password.check(new_password, &personal);
        let cred = &record.credential;
        // Min age binds only changes the user chooses; forced changes are always allowed.
        if let Some(min) = self.account.min_age.filter(|_| cred.must_change.is_none())
            && now < cred.changed_at + min
        {
            report.push(ViolationCode::MinAge {
                hours: min.whole_hours(),
            });
        }
        if self.password.reject_same_as_previous
            && self
                .hasher
                .matches_any(new_password, std::slice::from_ref(&cred.hash))?
        {
            report.push(ViolationCode::SameAsPrevious);
        }
        let depth = self.password.history_depth;
        let remembered = &cred.history[..cred.history.len().min(depth)];
        if depth > 0 && self.hasher.matches_any(new_password, remembered)? {
            report.push(ViolationCode::History { depth });
        }
        let actor = Actor::Account(record.account.clone());
        if !report.is_accepted() {
            let reason = report.codes().join(",");
            let control = report
                .violations
                .first()
                .map_or(ControlId::PwHistory, |v| v.control());
            let event = transition(
                EventKind::PasswordChangeFail,
                record,
                actor,
                reason,
                control,
                now,
            );
            return Err(ChangeError::Rejected {
                report,
                event: Box::new(event),
            });
        }
        let hash = self.hasher.hash(new_password)?;
        let forced = cred.must_change.as_ref().map(|m| m.reason);
        self.replace_hash(record, hash, now);
        record.credential.must_change = None;
        let (reason, control) = match forced {
            Some(r) => (
                format!("forced:{}", reason_str(r)),
                ControlId::AccMustChange,
            ),
            None => ("user".to_owned(), ControlId::PwHistory),
        };
        Ok(transition(
            EventKind::PasswordChange,
            record,
            actor,
            reason,
            control,
            now,
        ))
    }

    /// Installs a new hash, keeping the old one in the history unless it was temporary.
    fn replace_hash(
        &self,
        record: &mut AccountRecord,
        hash: crate::password::PasswordHash,
        now: OffsetDateTime,
    ) {
        let cred = &mut record.credential;
        let was_temporary = cred
            .must_change
            .as_ref()
            .is_some_and(|m| m.reason.is_temporary());
        let old = std::mem::replace(&mut cred.hash, hash);
        if !was_temporary {
            cred.history.insert(0, old);
        }
        cred.history.truncate(self.password.history_depth);
        cred.changed_at = now;
    }

    /// An administrator resets the password: a random temporary password that must be changed
    /// at the next login and expires (TWSE-8.3.d). The history is kept in full — the user's last
    /// own password moves into it — so a reset can never be used to reuse an old password.
    pub fn admin_reset(
        &self,
        record: &mut AccountRecord,
        operator: &str,
        personal: &PersonalInfo,
        now: OffsetDateTime,
    ) -> Result<(SecretString, Transition), AccountError> {
        if operator.trim().is_empty() {
            return Err(AccountError::MissingOperatorOrReason);
        }
        let personal = personal.clone().account(&record.account);
        let password = self.password.generate(&personal)?;
        let hash = self.hasher.hash(password.expose_secret())?;
        self.replace_hash(record, hash, now);
        record.credential.must_change = Some(MustChange {
            reason: MustChangeReason::AdminReset,
            since: now,
            expires_at: Some(now + self.account.temporary_password_validity),
        });
        let event = transition(
            EventKind::PasswordChange,
            record,
            Actor::Operator(operator.to_owned()),
            "admin_reset",
            ControlId::PwInitial,
            now,
        );
        Ok((password, event))
    }

    /// Forces a change at the next login (policy change, suspected compromise).
    pub fn require_change(
        &self,
        record: &mut AccountRecord,
        reason: MustChangeReason,
        now: OffsetDateTime,
    ) {
        if record.credential.must_change.is_none() {
            record.credential.must_change = Some(MustChange {
                reason,
                since: now,
                expires_at: None,
            });
        }
    }

    fn disable_unchecked(
        &self,
        record: &mut AccountRecord,
        reason: DisableReason,
        by: Actor,
        now: OffsetDateTime,
    ) -> Transition {
        record.status = AccountStatus::Disabled {
            reason,
            at: now,
            by: by.clone(),
        };
        let control = match reason {
            DisableReason::Dormant => ControlId::AccDormancy,
            _ => ControlId::AccDisable,
        };
        transition(
            EventKind::UserDisabled,
            record,
            by,
            disable_str(reason),
            control,
            now,
        )
    }

    /// An operator disables an account (administrator decision, off-boarding).
    pub fn disable(
        &self,
        record: &mut AccountRecord,
        reason: DisableReason,
        operator: &str,
        now: OffsetDateTime,
    ) -> Result<Transition, AccountError> {
        if operator.trim().is_empty() {
            return Err(AccountError::MissingOperatorOrReason);
        }
        if !record.is_active() {
            return Err(AccountError::Disabled);
        }
        Ok(self.disable_unchecked(record, reason, Actor::Operator(operator.to_owned()), now))
    }

    /// Re-enables a disabled account (TPE-7.6 recovery). Records who and why, restarts the
    /// dormancy clock and forces a password change at the next login.
    pub fn reenable(
        &self,
        record: &mut AccountRecord,
        operator: &str,
        justification: &str,
        now: OffsetDateTime,
    ) -> Result<Transition, AccountError> {
        if operator.trim().is_empty() || justification.trim().is_empty() {
            return Err(AccountError::MissingOperatorOrReason);
        }
        if record.is_active() {
            return Err(AccountError::NotDisabled);
        }
        record.status = AccountStatus::Active;
        record.enabled_at = Some(now);
        if record.expires_at.is_some_and(|end| now >= end) {
            // A re-enabled temporary account would be refused at once otherwise; the operator
            // sets a new end with the record if one is wanted.
            record.expires_at = None;
        }
        self.require_change(record, MustChangeReason::Recovery, now);
        Ok(transition(
            EventKind::UserEnabled,
            record,
            Actor::Operator(operator.to_owned()),
            justification.trim(),
            ControlId::AccReenable,
            now,
        ))
    }

    /// The nightly job: disables every active account that is dormant (last login, or creation
    /// for accounts that never logged in, older than the dormancy period — TPE-7.6) and every
    /// temporary account past its end (A10-AC-1). Returns one transition per account disabled.
    pub fn dormancy_sweep(
        &self,
        records: &mut [AccountRecord],
        now: OffsetDateTime,
    ) -> Vec<Transition> {
        records
            .iter_mut()
            .filter(|r| r.is_active())
            .filter_map(|r| {
                let reason = if r.expires_at.is_some_and(|end| now >= end) {
                    DisableReason::TemporaryExpired
                } else if dormant_since(&self.account, r).is_some_and(|d| now >= d) {
                    DisableReason::Dormant
                } else {
                    return None;
                };
                Some(self.disable_unchecked(r, reason, Actor::System, now))
            })
            .collect()
    }
}

fn reason_str(r: MustChangeReason) -> &'static str {
    match r {
        MustChangeReason::Initial => "initial",
        MustChangeReason::AdminReset => "admin_reset",
        MustChangeReason::Expired => "expired",
        MustChangeReason::PolicyChange => "policy_change",
        MustChangeReason::Recovery => "recovery",
    }
}

fn disable_str(r: DisableReason) -> &'static str {
    match r {
        DisableReason::Dormant => "dormant",
        DisableReason::Admin => "admin",
        DisableReason::Offboarded => "offboarded",
        DisableReason::TemporaryExpired => "temporary_expired",
    }
}
