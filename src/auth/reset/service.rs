//! [`PasswordReset`]: the policy and a store, and the steps of a reset.

use time::OffsetDateTime;

use super::delivery::{Delivery, IssuedToken, ResetResponse, TokenMessage};
use super::error::{IdentityError, IssueError, RedeemError};
use super::grant::ResetGrant;
use super::identity::{ConfirmedIdentity, IdentityCheck, IdentityRefused, plausible_account};
use super::memory::InMemoryResetStore;
use super::policy::{ResetPolicy, ResetPolicyError};
use super::record::{ResetEvent, ResetRecord};
use super::store::{AccountKey, Admission, Redemption, ResetTokenStore, RevokeReason, TokenState};
use super::token::ResetToken;
use crate::account::Actor;
use crate::clock::Clock;

/// Password reset by one-time, time-limited token (TPE-7.2, TWSE-8.3.c, A10-IA-2A,
/// TWSE-7.1.k, TXG-24.7.2): a [`ResetPolicy`] and a [`ResetTokenStore`].
///
/// The self-service path is [`request`](Self::request) (one opaque response for everyone) and
/// then [`redeem`](Self::redeem) and [`ResetGrant::force_change`]. Staff-assisted resets
/// (customer service, in person) use the steps directly: [`confirm_identity`](Self::confirm_identity),
/// [`issue`](Self::issue), then the same redemption.
#[derive(Debug)]
pub struct PasswordReset<S = InMemoryResetStore> {
    policy: ResetPolicy,
    store: S,
}

impl PasswordReset<InMemoryResetStore> {
    /// With the in-memory store.
    pub fn in_memory(policy: ResetPolicy) -> Result<Self, ResetPolicyError> {
        Self::new(policy, InMemoryResetStore::new())
    }
}

impl<S: ResetTokenStore> PasswordReset<S> {
    /// With `store`; the policy is validated here.
    pub fn new(policy: ResetPolicy, store: S) -> Result<Self, ResetPolicyError> {
        policy.validate()?;
        Ok(Self { policy, store })
    }

    /// The policy.
    pub fn policy(&self) -> &ResetPolicy {
        &self.policy
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Handles a "forgot password" request for `account`, enumeration-safe.
    ///
    /// In order: the per-account rate limit (counted for every name, known or not), the
    /// application's identity `check`, issuing a token (revoking any older one), and
    /// `delivery.deliver` with it. Every step that does not go ahead does as much token work as
    /// one that does and ends in the same place: the returned [`ResetResponse`] is identical in
    /// every case, and only `delivery` learns what happened (its `record` receives the audit
    /// records). A token that cannot be delivered is revoked.
    pub fn request(
        &self,
        account: &str,
        check: &dyn IdentityCheck,
        delivery: &dyn Delivery,
        clock: &dyn Clock,
    ) -> ResetResponse {
        let now = clock.now();
        for record in self.handle_request(account, check, delivery, now) {
            delivery.record(record);
        }
        ResetResponse::new(self.policy.validity.whole_minutes())
    }

    fn handle_request(
        &self,
        account: &str,
        check: &dyn IdentityCheck,
        delivery: &dyn Delivery,
        now: OffsetDateTime,
    ) -> Vec<ResetRecord> {
        let refused = |event, reason: &str| {
            decoy();
            vec![ResetRecord::new(event, account, Actor::System, reason, now)]
        };
        if !plausible_account(account) {
            return refused(ResetEvent::IdentityRefused, "implausible_account");
        }
        let limit = self.policy.request_limit();
        match self.store.admit(&AccountKey::of(account), now, &limit) {
            Ok(Admission::Admitted) => {}
            Ok(_) => return refused(ResetEvent::RateLimited, "rate_limited"),
            Err(_) => return refused(ResetEvent::Unavailable, "store_unavailable"),
        }
        let identity = match self.confirm_at(account, check, now) {
            Ok(identity) => identity,
            Err(IdentityError::Refused { record, .. }) => {
                decoy();
                return vec![*record];
            }
            Err(_) => return refused(ResetEvent::IdentityRefused, "missing_operator"),
        };
        let issued = match self.issue_admitted(identity, now) {
            Ok(issued) => issued,
            Err(_) => return refused(ResetEvent::Unavailable, "issue_failed"),
        };
        let mut records = issued.records;
        let token_id = issued.message.token_id;
        if delivery.deliver(issued.message).is_err() {
            let failed = ResetRecord::new(
                ResetEvent::DeliveryFailed,
                account,
                Actor::System,
                "delivery_failed",
                now,
            )
            .with_token(token_id);
            records.push(failed);
            if let Ok(Some(t)) = self
                .store
                .revoke(account, RevokeReason::DeliveryFailed, now)
            {
                records.push(revoked_record(&t.account, t.id, "delivery_failed", now));
            }
        }
        records
    }

    /// Runs the application's identity `check` for `account` (TWSE-8.3.c) and, if it confirms,
    /// returns the [`ConfirmedIdentity`] that [`issue`](Self::issue) requires.
    ///
    /// Unlike [`request`](Self::request), this tells the caller why identity was not confirmed:
    /// use it where the caller is staff, or where the application keeps the answer from the
    /// user. A method that needs an operator (customer service, in person) must name one.
    pub fn confirm_identity(
        &self,
        account: &str,
        check: &dyn IdentityCheck,
        clock: &dyn Clock,
    ) -> Result<ConfirmedIdentity, IdentityError> {
        self.confirm_at(account, check, clock.now())
    }

    fn confirm_at(
        &self,
        account: &str,
        check: &dyn IdentityCheck,
        now: OffsetDateTime,
    ) -> Result<ConfirmedIdentity, IdentityError> {
        let refuse = |reason: IdentityRefused| IdentityError::Refused {
            reason,
            record: Box::new(ResetRecord::new(
                ResetEvent::IdentityRefused,
                account,
                Actor::System,
                reason.as_str(),
                now,
            )),
        };
        if !plausible_account(account) {
            return Err(refuse(IdentityRefused::UnknownAccount));
        }
        let proof = check.confirm(account).map_err(refuse)?;
        if !proof.is_complete() {
            return Err(IdentityError::MissingOperator);
        }
        Ok(ConfirmedIdentity {
            account: account.to_owned(),
            proof,
            at: now,
        })
    }

    /// Issues a token for the confirmed account (A10-IA-2A): random, valid for the policy's
    /// `validity`, stored only as a digest; any older token of the account is revoked. Counts
    /// against the account's rate limit like a request.
    pub fn issue(
        &self,
        identity: ConfirmedIdentity,
        clock: &dyn Clock,
    ) -> Result<IssuedToken, IssueError> {
        let now = clock.now();
        let limit = self.policy.request_limit();
        if let Admission::Limited { retry_at } =
            self.store
                .admit(&AccountKey::of(&identity.account), now, &limit)?
        {
            let record = ResetRecord::new(
                ResetEvent::RateLimited,
                &identity.account,
                identity.proof.confirmed_by.clone(),
                "rate_limited",
                now,
            );
            return Err(IssueError::RateLimited {
                retry_at,
                record: Box::new(record),
            });
        }
        self.issue_admitted(identity, now)
    }

    fn issue_admitted(
        &self,
        identity: ConfirmedIdentity,
        now: OffsetDateTime,
    ) -> Result<IssuedToken, IssueError> {
        if now - identity.at > self.policy.validity || now < identity.at {
            return Err(IssueError::StaleIdentity);
        }
        let token = ResetToken::generate().map_err(|_| IssueError::Random)?;
        let expires_at = now + self.policy.validity;
        let stored = super::store::StoredToken::live(
            token.id(),
            token.digest(),
            &identity.account,
            now,
            expires_at,
        );
        let previous = self.store.insert(stored)?;
        let mut records = Vec::with_capacity(2);
        if let Some(old) = previous {
            records.push(revoked_record(&old.account, old.id, "superseded", now));
        }
        let mut created = ResetRecord::new(
            ResetEvent::TokenIssued,
            &identity.account,
            identity.proof.confirmed_by.clone(),
            &identity_reason(&identity),
            now,
        )
        .with_token(token.id());
        created.identity = Some(identity.proof.method);
        records.push(created);
        Ok(IssuedToken {
            message: TokenMessage {
                account: identity.account,
                token: token.to_secret_string(),
                token_id: token.id(),
                expires_at,
            },
            records,
        })
    }

    /// Redeems a token presented by its holder: it must parse, match a stored digest (compared
    /// in constant time), be unexpired by `clock` and never used or revoked. It is then used up,
    /// atomically: of two concurrent redemptions exactly one succeeds. The [`ResetGrant`] must
    /// then [`force_change`](ResetGrant::force_change) on the account's record.
    ///
    /// Any input gives a value, never a panic; show the user only
    /// [`RedeemError::public_code`] and [`RedeemError::message`].
    pub fn redeem(&self, token: &str, clock: &dyn Clock) -> Result<ResetGrant, RedeemError> {
        let token = ResetToken::parse(token).map_err(RedeemError::Malformed)?;
        let now = clock.now();
        match self.store.redeem(&token.id(), &token.digest(), now)? {
            Redemption::Redeemed(t) => Ok(ResetGrant {
                account: t.account,
                token: t.id,
                issued_at: t.issued_at,
                redeemed_at: now,
            }),
            Redemption::Expired(t) => Err(RedeemError::Expired {
                record: Box::new(
                    ResetRecord::new(
                        ResetEvent::TokenExpired,
                        &t.account,
                        Actor::System,
                        "token_expired",
                        now,
                    )
                    .with_token(t.id),
                ),
            }),
            Redemption::Spent(t) => {
                let reason = match t.state {
                    TokenState::Revoked { reason, .. } => {
                        format!("reuse:revoked:{}", reason.as_str())
                    }
                    _ => "reuse:used".to_owned(),
                };
                Err(RedeemError::Reused {
                    record: Box::new(
                        ResetRecord::new(
                            ResetEvent::TokenReuse,
                            &t.account,
                            Actor::System,
                            &reason,
                            now,
                        )
                        .with_token(t.id),
                    ),
                })
            }
            _ => Err(RedeemError::Unknown),
        }
    }

    /// Call whenever `account`'s password changes (by the user, an administrator's reset, a
    /// completed reset): revokes its live token, if any, and returns the `authn_token_revoked`
    /// record. [`ResetGrant::force_change`] also refuses a token issued before the last change,
    /// so a missed call cannot make a stale token work.
    pub fn password_changed(
        &self,
        account: &str,
        clock: &dyn Clock,
    ) -> Result<Option<ResetRecord>, super::ResetStoreError> {
        let now = clock.now();
        Ok(self
            .store
            .revoke(account, RevokeReason::PasswordChanged, now)?
            .map(|t| revoked_record(&t.account, t.id, "password_changed", now)))
    }

    /// Forgets expired tokens and request times outside the window; returns how many entries
    /// went. Run it periodically (the in-memory store also sweeps itself when full).
    pub fn prune(&self, clock: &dyn Clock) -> Result<usize, super::ResetStoreError> {
        self.store.prune(clock.now(), self.policy.request_window)
    }
}

fn revoked_record(
    account: &str,
    id: super::TokenId,
    reason: &str,
    now: OffsetDateTime,
) -> ResetRecord {
    ResetRecord::new(
        ResetEvent::TokenRevoked,
        account,
        Actor::System,
        &format!("revoked:{reason}"),
        now,
    )
    .with_token(id)
}

fn identity_reason(identity: &ConfirmedIdentity) -> String {
    let mut reason = format!("identity_confirmed:{}", identity.proof.method.as_str());
    if let Some(r) = &identity.proof.reference {
        reason.push_str(" ref=");
        reason.push_str(r);
    }
    reason
}

/// The token work of an issue, thrown away: a request that sends nothing costs about what one
/// that sends costs (the store and the delivery aside).
fn decoy() {
    if let Ok(t) = ResetToken::generate() {
        std::hint::black_box(t.digest());
        std::hint::black_box(t.to_secret_string());
    }
}
