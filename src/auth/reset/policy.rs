//! The reset policy: token validity and the request rate limit, with named bounds.

use serde::{Deserialize, Serialize};
use time::Duration;

/// Default token validity (A10-IA-2A: time-limited).
pub const DEFAULT_VALIDITY: Duration = Duration::minutes(15);
/// Shortest token validity accepted: a holder must have time to open the message.
pub const MIN_VALIDITY: Duration = Duration::minutes(1);
/// Longest token validity accepted.
pub const MAX_VALIDITY: Duration = Duration::hours(24);
/// Default number of reset requests admitted per account and window (TXG-24.7.2).
pub const DEFAULT_MAX_REQUESTS: u32 = 3;
/// Default rate-limit window.
pub const DEFAULT_REQUEST_WINDOW: Duration = Duration::hours(1);
/// Largest `max_requests` accepted; also bounds the memory one account name can take in the
/// in-memory store.
pub const MAX_REQUESTS_PER_WINDOW: u32 = 100;
/// Shortest rate-limit window accepted.
pub const MIN_REQUEST_WINDOW: Duration = Duration::minutes(1);
/// Longest rate-limit window accepted.
pub const MAX_REQUEST_WINDOW: Duration = Duration::days(7);
/// Longest account name considered; a longer one is treated as unknown without calling the
/// application's identity check or touching the store.
pub const MAX_ACCOUNT_BYTES: usize = 256;

/// How long reset tokens live and how often a reset may be requested.
///
/// Clauses: A10-IA-2A (one-time, time-limited token), TXG-24.7.2 (no mail or SMS floods).
///
/// # Defaults
/// | field | default | bounds |
/// |---|---|---|
/// | `validity` | 15 minutes ([`DEFAULT_VALIDITY`]) | [`MIN_VALIDITY`] ..= [`MAX_VALIDITY`] |
/// | `max_requests` | 3 ([`DEFAULT_MAX_REQUESTS`]) | 1 ..= [`MAX_REQUESTS_PER_WINDOW`] |
/// | `request_window` | 1 hour ([`DEFAULT_REQUEST_WINDOW`]) | [`MIN_REQUEST_WINDOW`] ..= [`MAX_REQUEST_WINDOW`] |
///
/// ```
/// use twsec::auth::reset::ResetPolicy;
/// use time::Duration;
///
/// let policy = ResetPolicy::default()
///     .with_validity(Duration::minutes(10))
///     .with_request_limit(5, Duration::hours(1));
/// assert!(policy.validate().is_ok());
/// assert!(ResetPolicy::default().with_validity(Duration::days(3)).validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResetPolicy {
    /// A token stops working this long after it is issued.
    pub validity: Duration,
    /// At most this many reset requests (or issued tokens) per account within `request_window`;
    /// further requests get the same public response and nothing is sent.
    pub max_requests: u32,
    /// The sliding window of the rate limit.
    pub request_window: Duration,
}

impl Default for ResetPolicy {
    fn default() -> Self {
        Self {
            validity: DEFAULT_VALIDITY,
            max_requests: DEFAULT_MAX_REQUESTS,
            request_window: DEFAULT_REQUEST_WINDOW,
        }
    }
}

/// A reset-policy setting outside its bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResetPolicyError {
    /// `validity` outside [`MIN_VALIDITY`] ..= [`MAX_VALIDITY`].
    #[error("reset token validity must be between 1 minute and 24 hours")]
    Validity,
    /// `max_requests` outside 1 ..= [`MAX_REQUESTS_PER_WINDOW`].
    #[error("max_requests must be between 1 and 100")]
    MaxRequests,
    /// `request_window` outside [`MIN_REQUEST_WINDOW`] ..= [`MAX_REQUEST_WINDOW`].
    #[error("request_window must be between 1 minute and 7 days")]
    RequestWindow,
}

impl ResetPolicy {
    /// With another token validity.
    #[must_use]
    pub fn with_validity(mut self, validity: Duration) -> Self {
        self.validity = validity;
        self
    }

    /// With another rate limit: at most `max_requests` per account within `window`.
    #[must_use]
    pub fn with_request_limit(mut self, max_requests: u32, window: Duration) -> Self {
        self.max_requests = max_requests;
        self.request_window = window;
        self
    }

    /// Checks every bound.
    pub fn validate(&self) -> Result<(), ResetPolicyError> {
        if !(MIN_VALIDITY..=MAX_VALIDITY).contains(&self.validity) {
            return Err(ResetPolicyError::Validity);
        }
        if !(1..=MAX_REQUESTS_PER_WINDOW).contains(&self.max_requests) {
            return Err(ResetPolicyError::MaxRequests);
        }
        if !(MIN_REQUEST_WINDOW..=MAX_REQUEST_WINDOW).contains(&self.request_window) {
            return Err(ResetPolicyError::RequestWindow);
        }
        Ok(())
    }

    /// The rate limit as the store sees it.
    pub fn request_limit(&self) -> RequestLimit {
        RequestLimit {
            max_requests: self.max_requests,
            window: self.request_window,
        }
    }
}

/// A rate limit handed to [`ResetTokenStore::admit`](super::ResetTokenStore::admit): at most
/// `max_requests` within any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestLimit {
    /// At most this many.
    pub max_requests: u32,
    /// Within this sliding window.
    pub window: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bounds_are_enforced() {
        let p = ResetPolicy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.validity, Duration::minutes(15));
        let bad = [
            (
                p.clone().with_validity(Duration::seconds(59)),
                ResetPolicyError::Validity,
            ),
            (
                p.clone().with_validity(Duration::hours(25)),
                ResetPolicyError::Validity,
            ),
            (
                p.clone().with_request_limit(0, Duration::hours(1)),
                ResetPolicyError::MaxRequests,
            ),
            (
                p.clone().with_request_limit(101, Duration::hours(1)),
                ResetPolicyError::MaxRequests,
            ),
            (
                p.clone().with_request_limit(3, Duration::seconds(-1)),
                ResetPolicyError::RequestWindow,
            ),
            (
                p.clone().with_request_limit(3, Duration::days(8)),
                ResetPolicyError::RequestWindow,
            ),
        ];
        for (policy, err) in bad {
            assert_eq!(policy.validate(), Err(err), "{policy:?}");
        }
    }
}
