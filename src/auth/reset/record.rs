//! What the audit trail gets from a reset: [`ResetRecord`]s, never a token.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::identity::IdentityMethod;
use super::token::TokenId;
use crate::account::Actor;
use crate::audit::{self, AuditEvent, EventKind, Outcome, Target};
use crate::clock::ManualClock;

/// What happened in a reset, mapped onto the OWASP Logging Vocabulary of [`audit::EventKind`].
///
/// | event | vocabulary name | outcome |
/// |---|---|---|
/// | `RateLimited` | `excess_rate_limit_exceeded` | failure |
/// | `IdentityRefused` | `authn_password_change_fail` | failure |
/// | `TokenIssued` | `authn_token_created` | success |
/// | `TokenRevoked` | `authn_token_revoked` | success |
/// | `DeliveryFailed` | `sys_error` | failure |
/// | `Unavailable` | `sys_error` | failure |
/// | `TokenExpired` | `authn_password_change_fail` | failure |
/// | `TokenReuse` | `authn_token_reuse` | failure |
/// | `Redeemed` | `user_updated` (the account must now change its password) | success |
/// | `RedeemRefused` | `authn_password_change_fail` | failure |
///
/// The vocabulary has no password-reset event; the record's `reason` always starts with
/// `password_reset` so that a reset can be told apart from other uses of these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResetEvent {
    /// A request over the per-account limit (TXG-24.7.2); nothing was sent.
    RateLimited,
    /// The application's identity check refused (or the account is unknown); nothing was sent.
    IdentityRefused,
    /// A token was issued after identity confirmation (A10-IA-2A).
    TokenIssued,
    /// A live token was revoked: a newer token, a password change, a failed delivery.
    TokenRevoked,
    /// The application could not deliver a token; the token was revoked.
    DeliveryFailed,
    /// The store or the OS random source failed; nothing was sent.
    Unavailable,
    /// An expired token was presented.
    TokenExpired,
    /// A used or revoked token was presented again: it may have leaked.
    TokenReuse,
    /// A token was redeemed and the account must set a new password now.
    Redeemed,
    /// A redeemed token was refused for the account: the password changed after the token was
    /// issued, or the account is disabled.
    RedeemRefused,
}

impl ResetEvent {
    /// The audit event kind.
    pub const fn audit_kind(self) -> EventKind {
        match self {
            ResetEvent::RateLimited => EventKind::ExcessRateLimitExceeded,
            ResetEvent::IdentityRefused | ResetEvent::TokenExpired | ResetEvent::RedeemRefused => {
                EventKind::AuthnPasswordChangeFail
            }
            ResetEvent::TokenIssued => EventKind::AuthnTokenCreated,
            ResetEvent::TokenRevoked => EventKind::AuthnTokenRevoked,
            ResetEvent::DeliveryFailed | ResetEvent::Unavailable => EventKind::SysError,
            ResetEvent::TokenReuse => EventKind::AuthnTokenReuse,
            ResetEvent::Redeemed => EventKind::UserUpdated,
        }
    }

    /// The vocabulary name of [`audit_kind`](Self::audit_kind).
    pub const fn as_str(self) -> &'static str {
        self.audit_kind().as_str()
    }

    /// Success or failure.
    pub const fn outcome(self) -> Outcome {
        match self {
            ResetEvent::TokenIssued | ResetEvent::TokenRevoked | ResetEvent::Redeemed => {
                Outcome::Success
            }
            _ => Outcome::Failure,
        }
    }

    /// `true` if the holder should be told through a registered channel (TWSE-7.1.k: notify on
    /// a password reset): a redemption, and a leaked token presented again.
    pub const fn notify_holder(self) -> bool {
        matches!(self, ResetEvent::Redeemed | ResetEvent::TokenReuse)
    }
}

/// One audit record of a reset: event, account, actor, reason code, token ID, identity method,
/// time. Never contains a token, a digest, a password or a code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResetRecord {
    /// What happened.
    pub event: ResetEvent,
    /// The account concerned, as given (the audit trail sanitises it); names longer than
    /// [`MAX_ACCOUNT_BYTES`](super::MAX_ACCOUNT_BYTES) are replaced by a placeholder.
    pub account: String,
    /// Who acted: the operator or system that confirmed identity, the holder redeeming, or
    /// [`Actor::System`] for refusals.
    pub actor: Actor,
    /// A reason code starting with `password_reset:` (e.g. `password_reset:superseded`).
    pub reason: String,
    /// The token concerned, if any.
    pub token: Option<TokenId>,
    /// How identity was confirmed, on `TokenIssued`.
    pub identity: Option<IdentityMethod>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl ResetRecord {
    pub(crate) fn new(
        event: ResetEvent,
        account: &str,
        actor: Actor,
        reason: &str,
        at: OffsetDateTime,
    ) -> Self {
        let account = if account.len() > super::MAX_ACCOUNT_BYTES {
            format!("[{} bytes]", account.len())
        } else {
            account.to_owned()
        };
        Self {
            event,
            account,
            actor,
            reason: format!("password_reset:{reason}"),
            token: None,
            identity: None,
            at,
        }
    }

    pub(crate) fn with_token(mut self, token: TokenId) -> Self {
        self.token = Some(token);
        self
    }

    /// The audit event: kind and outcome of [`ResetEvent`], the actor, the record's time, the
    /// account as target and the reason (with token ID and identity method) as detail.
    ///
    /// ```
    /// # use twsec::auth::reset::{ResetEvent, ResetRecord};
    /// # fn show(record: &ResetRecord) {
    /// let event = record.to_audit_event();
    /// assert_eq!(event.kind, record.event.audit_kind());
    /// # }
    /// ```
    pub fn to_audit_event(&self) -> AuditEvent {
        let actor = match &self.actor {
            Actor::Operator(id) | Actor::Account(id) => audit::Actor::account(id),
            _ => audit::Actor::system(),
        };
        let mut detail = self.reason.clone();
        if let Some(t) = self.token {
            detail.push_str(&format!(" token={t}"));
        }
        if let Some(m) = self.identity {
            detail.push_str(&format!(" identity={}", m.as_str()));
        }
        // The event's time is the record's: a clock stopped at that instant.
        let at = ManualClock::new(self.at);
        AuditEvent::new(self.event.audit_kind(), self.event.outcome(), actor, &at)
            .on(Target::new("account", &self.account))
            .with_detail(&detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn records_become_audit_events() {
        let r = ResetRecord::new(
            ResetEvent::TokenIssued,
            "mingde",
            Actor::Operator("cs-07".into()),
            "identity_confirmed",
            datetime!(2026-03-01 09:00 UTC),
        )
        .with_token(TokenId::from_bytes([7; 16]));
        let e = r.to_audit_event();
        assert_eq!(e.kind.as_str(), "authn_token_created");
        assert_eq!(e.outcome, Outcome::Success);
        assert_eq!(e.actor.id, "cs-07");
        assert_eq!(e.time, datetime!(2026-03-01 09:00 UTC));
        assert_eq!(e.target.unwrap().id, "mingde");
        assert!(
            e.detail
                .unwrap()
                .starts_with("password_reset:identity_confirmed token=0707")
        );
    }

    #[test]
    fn overlong_names_are_not_copied() {
        let long = "a".repeat(10_000);
        let r = ResetRecord::new(
            ResetEvent::IdentityRefused,
            &long,
            Actor::System,
            "unknown_account",
            datetime!(2026-03-01 09:00 UTC),
        );
        assert_eq!(r.account, "[10000 bytes]");
    }
}
