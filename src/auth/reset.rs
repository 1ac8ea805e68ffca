//! Password reset by one-time, time-limited token (control area AUTH, issue 5).
//!
//! | clause | what it asks | where |
//! |---|---|---|
//! | TPE-7.2 | forgotten password: confirm identity before the user may log in again | [`IdentityCheck`], [`ResetGrant::force_change`] |
//! | TWSE-8.3.c | strict identity confirmation (OTP, customer service, in person) | [`IdentityMethod`], [`ConfirmedIdentity`] |
//! | A10-IA-2A | a one-time, time-limited token after re-confirming identity | [`PasswordReset::issue`], [`PasswordReset::redeem`] |
//! | TWSE-7.1.k | notify the customer of a password reset | [`ResetEvent::notify_holder`] |
//! | TXG-24.7.2 | no floods of mails or SMS | [`ResetPolicy::max_requests`] |
//!
//! How it works:
//! - **Identity first.** A token is issued only for a [`ConfirmedIdentity`], which only a
//!   successful [`IdentityCheck`] (the application's: a one-time code to a registered phone,
//!   customer service, a visit in person) produces; it records how and by whom, for the audit.
//! - **The token.** 128 bits of lookup ID and 256 secret bits from the OS random source, given
//!   to the application once as a [`SecretString`](secrecy::SecretString) of
//!   [`TOKEN_TEXT_LEN`] URL-safe characters. The store keeps only its SHA-256 [`TokenDigest`]
//!   (why a fast hash is enough is explained there), compared in constant time.
//! - **One token, one use, 15 minutes.** Issuing a token revokes the account's older one;
//!   redemption uses it up atomically; it expires after [`ResetPolicy::validity`] by the
//!   injected [`Clock`](crate::clock::Clock); a password change revokes it
//!   ([`PasswordReset::password_changed`]), and a token issued before the last change is
//!   refused anyway ([`ResetGrant::force_change`] compares `credential.changed_at`).
//! - **No account enumeration.** [`PasswordReset::request`] returns one opaque
//!   [`ResetResponse`] whatever happened, and does the same token work for an unknown account;
//!   only the application's [`Delivery`] learns whether a token was sent.
//! - **No floods.** At most [`ResetPolicy::max_requests`] requests per account name per
//!   window, counted for unknown names too, with memory bounded per name
//!   ([`InMemoryResetStore`]).
//! - **Resetting forces a change.** A redeemed token gives a [`ResetGrant`] whose
//!   [`force_change`](ResetGrant::force_change) puts the account into the must-change state and
//!   returns [`MustChangeNow`] with the record to audit.
//!
//! Every step yields [`ResetRecord`]s (mapped onto the OWASP vocabulary by [`ResetEvent`]) that
//! [`ResetRecord::to_audit_event`] turns into audit events; none holds a token.
//!
//! # End to end
//!
//! ```
//! use std::cell::RefCell;
//! use secrecy::ExposeSecret;
//! use time::{Duration, macros::datetime};
//! use twsec::account::{Accounts, Actor, LoginDecision, MustChangeReason};
//! use twsec::auth::reset::{
//!     Delivery, DeliveryFailed, IdentityMethod, IdentityProof, IdentityRefused, PasswordReset,
//!     ResetPolicy, ResetRecord, TokenMessage,
//! };
//! use twsec::clock::{Clock, ManualClock};
//! use twsec::control::Profile;
//! use twsec::password::{Hasher, HasherConfig, Lang, PersonalInfo};
//!
//! let clock = ManualClock::new(datetime!(2026-03-02 09:00 UTC));
//! let accounts = Accounts::new(&Profile::moe(), Hasher::new(HasherConfig::default())?)?;
//! let me = PersonalInfo::new().name("Chen Mingde");
//! let mut record = accounts.create("mingde", &me, clock.now())?.record;
//! accounts.change_password(&mut record, "Lantern-Rive9-水餃", &me, clock.now())?;
//! clock.advance(Duration::days(30));
//!
//! // The application's identity check: here, details the user typed that match the records,
//! // plus the one-time code sent to the phone registered for the account.
//! let check = |account: &str| match account {
//!     "mingde" => Ok(IdentityProof::new(IdentityMethod::OneTimeCode, Actor::System)
//!         .with_reference("otp-tx-5521")),
//!     _ => Err(IdentityRefused::UnknownAccount),
//! };
//! // The application's outbox: queues the link for the registered e-mail, audits records.
//! #[derive(Default)]
//! struct Outbox { sent: RefCell<Vec<TokenMessage>>, audit: RefCell<Vec<ResetRecord>> }
//! impl Delivery for Outbox {
//!     fn deliver(&self, message: TokenMessage) -> Result<(), DeliveryFailed> {
//!         self.sent.borrow_mut().push(message);
//!         Ok(())
//!     }
//!     fn record(&self, record: ResetRecord) {
//!         self.audit.borrow_mut().push(record); // to AuditTrail via record.to_audit_event()
//!     }
//! }
//! let outbox = Outbox::default();
//! let reset = PasswordReset::in_memory(ResetPolicy::default())?;
//!
//! // 1. Request: the same response for a known and an unknown account.
//! let shown = reset.request("mingde", &check, &outbox, &clock);
//! assert_eq!(shown, reset.request("nobody", &check, &outbox, &clock));
//! assert!(shown.message(Lang::ZhTw).contains("15 分鐘")); // what the user sees, in zh-TW or en
//!
//! // 2–4. Identity was confirmed, a token issued and delivered: only the outbox knows.
//! let message = outbox.sent.borrow_mut().pop().expect("one message, for mingde only");
//! assert!(outbox.sent.borrow().is_empty());
//! let link = format!("https://bank.example/reset/{}", message.token.expose_secret());
//!
//! // 5. Redeem (the token from the link), within 15 minutes, once.
//! clock.advance(Duration::minutes(5));
//! let token = link.rsplit('/').next().unwrap_or_default();
//! let grant = reset.redeem(token, &clock)?;
//! assert!(reset.redeem(token, &clock).is_err()); // single use
//!
//! // 6. The account must set a new password now.
//! let must = grant.force_change(&accounts, &mut record)?;
//! assert_eq!(must.reason, MustChangeReason::Recovery);
//! assert!(must.record.event.notify_holder()); // TWSE-7.1.k
//! assert_eq!(
//!     accounts.evaluate(&record, clock.now()),
//!     LoginDecision::MustChange { reason: MustChangeReason::Recovery }
//! );
//! accounts.change_password(&mut record, "Harbour-Kite4-鳳梨酥", &me, clock.now())?;
//! assert!(accounts.evaluate(&record, clock.now()).is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod delivery;
mod error;
mod grant;
mod identity;
mod memory;
mod policy;
mod record;
mod service;
mod store;
mod token;

pub use delivery::{Delivery, DeliveryFailed, IssuedToken, ResetResponse, TokenMessage};
pub use error::{GrantError, IdentityError, IssueError, RedeemError};
pub use grant::{MustChangeNow, ResetGrant};
pub use identity::{
    ConfirmedIdentity, IdentityCheck, IdentityMethod, IdentityProof, IdentityRefused,
};
pub use memory::{DEFAULT_CAPACITY, InMemoryResetStore};
pub use policy::{
    DEFAULT_MAX_REQUESTS, DEFAULT_REQUEST_WINDOW, DEFAULT_VALIDITY, MAX_ACCOUNT_BYTES,
    MAX_REQUEST_WINDOW, MAX_REQUESTS_PER_WINDOW, MAX_VALIDITY, MIN_REQUEST_WINDOW, MIN_VALIDITY,
    RequestLimit, ResetPolicy, ResetPolicyError,
};
pub use record::{ResetEvent, ResetRecord};
pub use service::PasswordReset;
pub use store::{
    AccountKey, Admission, Redemption, ResetStoreError, ResetTokenStore, RevokeReason, StoredToken,
    TokenState, Verdict, admission, judge,
};
pub use token::{
    ResetToken, TOKEN_ID_BYTES, TOKEN_SECRET_BYTES, TOKEN_TEXT_LEN, TokenDigest, TokenError,
    TokenId,
};
