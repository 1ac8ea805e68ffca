//! After redemption: the grant that forces a password change on the account record.

use std::fmt;

use time::OffsetDateTime;

use super::error::GrantError;
use super::record::{ResetEvent, ResetRecord};
use super::token::TokenId;
use crate::account::{AccountRecord, Accounts, Actor, MustChangeReason};

/// A redeemed token: the holder proved possession of it, once, in time. Its only use is
/// [`force_change`](Self::force_change), which puts the account into the must-change state.
///
/// Not `Clone` and not serializable: one redemption forces one change.
#[must_use = "a redeemed reset must force a password change: call force_change"]
pub struct ResetGrant {
    pub(crate) account: String,
    pub(crate) token: TokenId,
    pub(crate) issued_at: OffsetDateTime,
    pub(crate) redeemed_at: OffsetDateTime,
}

/// The account must set a new password now: show only the change-password form, and store the
/// record (the must-change state is in it). Then call
/// [`Accounts::change_password`](crate::account::Accounts::change_password), which checks the
/// policy and history (minimum age is waived for a forced change) and records
/// `authn_password_change`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MustChangeNow {
    /// The account.
    pub account: String,
    /// The pending forced change: [`MustChangeReason::Recovery`], or a change that was already
    /// pending (an initial or temporary password never changed).
    pub reason: MustChangeReason,
    /// The `user_updated` record to audit; [`ResetEvent::notify_holder`] is `true`
    /// (TWSE-7.1.k).
    pub record: ResetRecord,
}

impl ResetGrant {
    /// The account the token was issued for: load its record.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// When the token was issued.
    pub fn issued_at(&self) -> OffsetDateTime {
        self.issued_at
    }

    /// When it was redeemed.
    pub fn redeemed_at(&self) -> OffsetDateTime {
        self.redeemed_at
    }

    /// The token's ID.
    pub fn token_id(&self) -> TokenId {
        self.token
    }

    /// Forces a password change on `record` (TPE-7.2: the user may log in again only after a
    /// new password is set) and returns what to tell the app and the auditor.
    ///
    /// Refused when the record is another account's ([`GrantError::WrongAccount`]), when the
    /// account is disabled, and when its password changed after the token was issued
    /// (`credential.changed_at` later than issue: the token was stale). The token is spent
    /// either way.
    pub fn force_change(
        self,
        accounts: &Accounts,
        record: &mut AccountRecord,
    ) -> Result<MustChangeNow, GrantError> {
        if record.account != self.account {
            return Err(GrantError::WrongAccount);
        }
        let refusal = |reason: &str| {
            Box::new(
                ResetRecord::new(
                    ResetEvent::RedeemRefused,
                    &self.account,
                    Actor::System,
                    reason,
                    self.redeemed_at,
                )
                .with_token(self.token),
            )
        };
        if !record.is_active() {
            return Err(GrantError::Disabled {
                record: refusal("account_disabled"),
            });
        }
        if record.credential.changed_at > self.issued_at {
            return Err(GrantError::PasswordChanged {
                record: refusal("password_changed_since_issue"),
            });
        }
        accounts.require_change(record, MustChangeReason::Recovery, self.redeemed_at);
        let reason = record
            .credential
            .must_change
            .as_ref()
            .map_or(MustChangeReason::Recovery, |m| m.reason);
        let audit = ResetRecord::new(
            ResetEvent::Redeemed,
            &self.account,
            Actor::Account(self.account.clone()),
            "redeemed:must_change",
            self.redeemed_at,
        )
        .with_token(self.token);
        Ok(MustChangeNow {
            account: self.account,
            reason,
            record: audit,
        })
    }
}

impl fmt::Debug for ResetGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetGrant")
            .field("account", &self.account)
            .field("token", &self.token)
            .field("issued_at", &self.issued_at)
            .field("redeemed_at", &self.redeemed_at)
            .finish()
    }
}
