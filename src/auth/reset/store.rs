//! Where tokens and request counts live: the [`ResetTokenStore`] trait, the records it keeps and
//! the pure decisions every backend applies.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use super::policy::RequestLimit;
use super::token::{TokenDigest, TokenId};

const ACCOUNT_KEY_DOMAIN: &[u8] = b"twsec/auth/reset-rate/v1\0";

/// The rate-limit key of an account name: SHA-256 of the name, so that a key takes 32 bytes
/// whatever name an attacker types.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountKey([u8; 32]);

impl AccountKey {
    /// The key of `account` (exactly as given: normalise names before, if the application
    /// treats names case-insensitively).
    pub fn of(account: &str) -> Self {
        let mut h = Sha256::new();
        h.update(ACCOUNT_KEY_DOMAIN);
        h.update(account.as_bytes());
        Self(h.finalize().into())
    }

    /// The bytes (for store backends).
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccountKey(..)")
    }
}

/// Why a token stopped being live before it was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevokeReason {
    /// A newer token was issued for the account.
    Superseded,
    /// The account's password changed.
    PasswordChanged,
    /// The application could not deliver it.
    DeliveryFailed,
}

impl RevokeReason {
    /// A stable snake-case name, as in audit records.
    pub const fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Superseded => "superseded",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::DeliveryFailed => "delivery_failed",
        }
    }
}

/// Where a stored token is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
#[non_exhaustive]
pub enum TokenState {
    /// Usable until it expires.
    Live,
    /// Redeemed.
    Used {
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// Revoked.
    Revoked {
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        /// Why.
        reason: RevokeReason,
    },
}

/// A token as stored: its ID and digest (never the token), account and lifetime.
///
/// A used or revoked token is kept (as a tombstone) until it would have expired, so that
/// presenting it again is recognised as reuse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredToken {
    /// Lookup ID.
    pub id: TokenId,
    /// SHA-256 of the token.
    pub digest: TokenDigest,
    /// The account it resets.
    pub account: String,
    /// When it was issued.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Live, used or revoked.
    pub state: TokenState,
}

impl StoredToken {
    /// A live token.
    pub(crate) fn live(
        id: TokenId,
        digest: TokenDigest,
        account: &str,
        issued_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            digest,
            account: account.to_owned(),
            issued_at,
            expires_at,
            state: TokenState::Live,
        }
    }

    /// `true` once the token can be forgotten: past its expiry, whatever its state.
    pub fn is_stale(&self, now: OffsetDateTime) -> bool {
        now >= self.expires_at
    }
}

/// The store's decision on a presented digest (see [`judge`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Live, matching and unexpired: mark it used and hand it out.
    Redeem,
    /// Matching but expired.
    Expired,
    /// Matching but already used or revoked.
    Spent,
    /// Not this token (treated exactly like an unknown ID; nothing changes).
    Mismatch,
}

/// The decision every backend applies, under its lock, to the token found by ID: the digest is
/// compared in constant time first, so a wrong token never changes or reveals anything.
pub fn judge(stored: &StoredToken, presented: &TokenDigest, now: OffsetDateTime) -> Verdict {
    if !stored.digest.ct_eq(presented) {
        return Verdict::Mismatch;
    }
    match stored.state {
        TokenState::Live if now < stored.expires_at => Verdict::Redeem,
        TokenState::Live => Verdict::Expired,
        _ => Verdict::Spent,
    }
}

/// What [`ResetTokenStore::redeem`] did.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Redemption {
    /// The token was live and is now used; this is it, as it was when live.
    Redeemed(StoredToken),
    /// The token expired; nothing changed.
    Expired(StoredToken),
    /// The token was already used or revoked; nothing changed.
    Spent(StoredToken),
    /// No token with this ID and digest.
    NotFound,
}

/// Whether a reset request is admitted under the rate limit: a decision as a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Admission {
    /// Admitted and counted.
    Admitted,
    /// Over the limit; not counted.
    Limited {
        /// The earliest time another request would be admitted.
        retry_at: OffsetDateTime,
    },
}

/// The pure rate-limit decision over the admitted request times of one account (oldest
/// first): admitted if fewer than `limit.max_requests` lie within the window before `now`.
pub fn admission(
    recent: &[OffsetDateTime],
    now: OffsetDateTime,
    limit: &RequestLimit,
) -> Admission {
    let start = now - limit.window;
    let mut in_window: Vec<OffsetDateTime> =
        recent.iter().copied().filter(|t| *t > start).collect();
    let max = usize::try_from(limit.max_requests).unwrap_or(usize::MAX);
    if in_window.len() < max {
        return Admission::Admitted;
    }
    // Room opens when enough of the oldest requests have left the window to bring the count
    // below the limit (more than `max` are in it only if the limit was lowered).
    in_window.sort_unstable();
    let retry_at = in_window
        .len()
        .checked_sub(max)
        .and_then(|i| in_window.get(i))
        .filter(|_| max > 0)
        .map_or(now + limit.window, |t| *t + limit.window);
    Admission::Limited { retry_at }
}

/// A store failure. Carries nothing of the tokens or account names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResetStoreError {
    /// The store is full of live state (the in-memory store's capacity); fails closed.
    #[error("reset token store is full")]
    Full,
    /// The backend could not be reached or failed.
    #[error("reset token store unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Storage for reset tokens and request counts. Every method is atomic: two concurrent calls
/// behave as if one ran after the other (a token is redeemed at most once).
///
/// Implementations keep at most one live token per account, never the token itself (only its
/// [`TokenDigest`]), apply [`judge`] and [`admission`] for their decisions, and bound the
/// memory an attacker can make them use.
pub trait ResetTokenStore: Send + Sync + fmt::Debug {
    /// Decides with [`admission`] whether one more request for `key` is admitted at `now`, and
    /// counts it if so.
    fn admit(
        &self,
        key: &AccountKey,
        now: OffsetDateTime,
        limit: &RequestLimit,
    ) -> Result<Admission, ResetStoreError>;

    /// Stores `token` (live) as the only live token of `token.account`. The token it replaces,
    /// if one was live, is revoked as [`RevokeReason::Superseded`] and returned.
    fn insert(&self, token: StoredToken) -> Result<Option<StoredToken>, ResetStoreError>;

    /// Finds the token with `id`, applies [`judge`] with `digest` and `now`, and on
    /// [`Verdict::Redeem`] marks it [`TokenState::Used`].
    fn redeem(
        &self,
        id: &TokenId,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Redemption, ResetStoreError>;

    /// Revokes the live token of `account`, if any, and returns it as it was when live.
    fn revoke(
        &self,
        account: &str,
        reason: RevokeReason,
        now: OffsetDateTime,
    ) -> Result<Option<StoredToken>, ResetStoreError>;

    /// Forgets stale tokens and request times older than `window`; returns how many entries
    /// were removed.
    fn prune(&self, now: OffsetDateTime, window: Duration) -> Result<usize, ResetStoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);

    #[test]
    fn admission_is_a_sliding_window() {
        let limit = RequestLimit {
            max_requests: 2,
            window: Duration::hours(1),
        };
        assert_eq!(admission(&[], T0, &limit), Admission::Admitted);
        let recent = [T0, T0 + Duration::minutes(10)];
        assert_eq!(
            admission(&recent, T0 + Duration::minutes(20), &limit),
            Admission::Limited {
                retry_at: T0 + Duration::hours(1)
            }
        );
        assert_eq!(
            admission(&recent, T0 + Duration::hours(1), &limit),
            Admission::Admitted
        );
    }

    #[test]
    fn judge_compares_the_digest_first() {
        let id = TokenId::from_bytes([1; 16]);
        let digest = TokenDigest::from_bytes([2; 32]);
        let mut t = StoredToken::live(id, digest, "a", T0, T0 + Duration::minutes(15));
        let wrong = TokenDigest::from_bytes([3; 32]);
        assert_eq!(judge(&t, &wrong, T0), Verdict::Mismatch);
        assert_eq!(judge(&t, &digest, T0), Verdict::Redeem);
        assert_eq!(
            judge(&t, &digest, T0 + Duration::minutes(15)),
            Verdict::Expired
        );
        t.state = TokenState::Used { at: T0 };
        assert_eq!(judge(&t, &digest, T0), Verdict::Spent);
        assert_eq!(judge(&t, &wrong, T0), Verdict::Mismatch);
    }
}
