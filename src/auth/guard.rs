//! The login flow: one call that does it right (TWSE-8.3.e, A10-IA-2L, A10-IA-2A, TPE-7.8,
//! A10-IA-3).
//!
//! 1. Lockout pre-check: every scope reserves an attempt slot; a locked or saturated key
//!    refuses before any hashing, so a locked account costs nothing.
//! 2. A challenge (CAPTCHA, step-up) is required after [`LockoutPolicy::challenge_after`]
//!    failures; attempts without one are refused uncounted.
//! 3. The password is verified — against a dummy hash of the same cost when the account does
//!    not exist, so message, status and timing are the same (no user enumeration).
//! 4. The account lifecycle decides (must change, expired, dormant, disabled).
//! 5. Attempts are recorded; every attempt, lock and unlock is an audit event.
//! 6. A [`LoginOutcome`] with a public code the application turns into a response.

use std::net::IpAddr;
use std::sync::Arc;

use rand::distr::{Alphanumeric, SampleString as _};
use time::OffsetDateTime;

use super::alert::AlertSink;
use super::anomaly::{AnomalyDetector, Observation, ObservedOutcome};
use super::lockout::{LockoutPolicy, Scope};
use super::mfa::{AuthFactors, TotpEnrolment, VerifyError};
use super::notify::{Notifier, OwnerEvent};
use super::store::{AttemptOutcome, AttemptStore, Reservation, StoreError};
use crate::account::{AccountRecord, Accounts, LoginDecision, Refusal};
use crate::audit::{Actor, AuditError, AuditEvent, AuditTrail, EventKind, Outcome};
use crate::clock::Clock;
use crate::control::ControlId;
use crate::crypto::Keyring;
use crate::password::{HashError, PasswordHash, Verification};

/// One login attempt as the application received it.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct LoginAttempt<'a> {
    /// The account name typed.
    pub account: &'a str,
    /// The password typed.
    pub password: &'a str,
    /// Where the request came from.
    pub source_ip: IpAddr,
    /// Whether the client passed a challenge (CAPTCHA, step-up) with this attempt.
    pub challenge_passed: bool,
}

impl std::fmt::Debug for LoginAttempt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginAttempt")
            .field("account", &self.account)
            .field("password", &"[REDACTED]")
            .field("source_ip", &self.source_ip)
            .field("challenge_passed", &self.challenge_passed)
            .finish()
    }
}

impl<'a> LoginAttempt<'a> {
    /// An attempt without a challenge.
    pub fn new(account: &'a str, password: &'a str, source_ip: IpAddr) -> Self {
        Self {
            account,
            password,
            source_ip,
            challenge_passed: false,
        }
    }

    /// The same attempt with a passed challenge.
    #[must_use]
    pub fn with_challenge_passed(mut self) -> Self {
        self.challenge_passed = true;
        self
    }
}

/// What the application does with a login attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginOutcome {
    /// The password was right and the account may log in (possibly only to change the
    /// password); store the record, which the guard updated (last login, upgraded hash).
    Allowed(LoginDecision),
    /// The password was right but the account may not log in (disabled, expired, dormant).
    Refused(Refusal),
    /// Wrong password or unknown account: the same answer for both.
    Failed,
    /// Too many failures: locked (or too many attempts in flight). The same answer for known and
    /// unknown accounts, and no lock end is given to the client.
    Locked,
    /// A challenge (CAPTCHA, step-up) must be passed with the next attempt.
    ChallengeRequired,
}

impl LoginOutcome {
    /// The code to show the user (A10-IA-3: nothing that tells an attacker more than needed).
    /// `Failed` is the same for a wrong password and an unknown account.
    pub fn public_code(&self) -> &'static str {
        match self {
            LoginOutcome::Allowed(LoginDecision::MustChange { .. }) => "AUTH-MUST-CHANGE",
            LoginOutcome::Allowed(_) => "AUTH-OK",
            LoginOutcome::Refused(r) => r.code(),
            LoginOutcome::Failed => "AUTH-FAILED",
            LoginOutcome::Locked => "AUTH-LOCKED",
            LoginOutcome::ChallengeRequired => "AUTH-CHALLENGE",
        }
    }
}

/// Why a login could not be decided; the attempt is not counted and the user must not get in.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// The attempt store failed (fail closed).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed or the hasher is overloaded.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// The audit trail could not record the attempt (fail closed, TWSE-8.4.d).
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// A second factor could not be checked (its secret did not open, its store failed).
    #[error(transparent)]
    Mfa(VerifyError),
}

/// The result of a second-factor check by [`Guard::verify_totp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MfaOutcome {
    /// The code was right; the factor is recorded in the session's [`AuthFactors`].
    Verified,
    /// The code was wrong, malformed or replayed (the public code says which).
    Failed(&'static str),
    /// Too many wrong codes: locked like a password (5 in 15 minutes by default).
    Locked,
}

/// How an operator confirmed the user's identity before unlocking (TWSE-8.3.e).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdentityConfirmation {
    /// The operator's account.
    pub operator: String,
    /// How: `phone call-back`, `in person with ID card`, `OTP to registered phone`, …
    pub method: String,
}

impl IdentityConfirmation {
    /// `operator` confirmed the identity by `method`.
    pub fn new(operator: &str, method: &str) -> Self {
        Self {
            operator: operator.to_owned(),
            method: method.to_owned(),
        }
    }
}

/// The login guard. Cheap to share (`Arc`) across request handlers.
///
/// ```
/// use std::sync::Arc;
/// use twsec::account::{Accounts, NewAccount};
/// use twsec::auth::{Guard, LockoutPolicy, LoginAttempt, LoginOutcome, MemoryStore};
/// use twsec::clock::SystemClock;
/// use twsec::control::Profile;
/// use twsec::password::{Hasher, HasherConfig};
///
/// let profile = Profile::twse_staff();
/// let hasher = Hasher::new(HasherConfig::default())?;
/// let accounts = Accounts::new(&profile, hasher)?;
/// let guard = Guard::new(accounts, LockoutPolicy::default(), Arc::new(MemoryStore::default()), Arc::new(SystemClock))?;
///
/// let ip = "203.0.113.9".parse()?;
/// let outcome = guard.login(&LoginAttempt::new("nobody", "guess", ip), None)?;
/// assert_eq!(outcome, LoginOutcome::Failed);
/// assert_eq!(outcome.public_code(), "AUTH-FAILED");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Guard {
    accounts: Accounts,
    policy: LockoutPolicy,
    store: Arc<dyn AttemptStore>,
    clock: Arc<dyn Clock>,
    audit: Option<Arc<AuditTrail>>,
    anomaly: Option<(Arc<AnomalyDetector>, Arc<dyn AlertSink>)>,
    notifier: Option<Arc<dyn Notifier>>,
    /// A hash of a random password with the current parameters, verified for unknown accounts.
    dummy: PasswordHash,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("policy", &self.policy)
            .field("audit", &self.audit.is_some())
            .field("anomaly", &self.anomaly.is_some())
            .field("notifier", &self.notifier.is_some())
            .finish_non_exhaustive()
    }
}

/// One scope's reservation during an attempt.
struct Held {
    scope: Scope,
    key: String,
    limit: super::lockout::Limit,
    failures: u32,
}

impl Guard {
    /// A guard over `accounts` (hasher and account policy), with `policy`, counting in `store`.
    pub fn new(
        accounts: Accounts,
        policy: LockoutPolicy,
        store: Arc<dyn AttemptStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, GuardError> {
        let random = Alphanumeric.sample_string(&mut rand::rng(), 32);
        let dummy = accounts.hasher().hash(&random)?;
        Ok(Self {
            accounts,
            policy,
            store,
            clock,
            audit: None,
            anomaly: None,
            notifier: None,
            dummy,
        })
    }

    /// Feeds every attempt to `detector` and sends its alerts to `sink` (TWSE-7.1.c.b,
    /// TWSE-7.1.l, TXG-27.2). A successful login the detector finds unusual is also told to the
    /// owner when a notifier is set.
    #[must_use]
    pub fn with_anomaly_detection(
        mut self,
        detector: Arc<AnomalyDetector>,
        sink: Arc<dyn AlertSink>,
    ) -> Self {
        self.anomaly = Some((detector, sink));
        self
    }

    /// Tells the owner of an existing account, through `notifier` (another channel), of a wrong
    /// password, a lock and an unusual login source (TWSE-7.1.k).
    #[must_use]
    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// Records every attempt, lock and unlock in `trail`; a failing trail fails the login.
    #[must_use]
    pub fn with_audit(mut self, trail: Arc<AuditTrail>) -> Self {
        self.audit = Some(trail);
        self
    }

    /// The lockout policy.
    pub fn policy(&self) -> &LockoutPolicy {
        &self.policy
    }

    /// Decides a login. `record` is the account's record if the account exists (looked up by
    /// the application — keep that lookup as fast for unknown accounts as for known ones); on
    /// success the guard updates it (last login, an upgraded hash) and the application stores
    /// it.
    pub fn login(
        &self,
        attempt: &LoginAttempt<'_>,
        record: Option<&mut AccountRecord>,
    ) -> Result<LoginOutcome, GuardError> {
        let known = record.is_some();
        let (outcome, locked_until) = self.decide(attempt, record)?;
        self.observe(attempt, &outcome, known, locked_until);
        Ok(outcome)
    }

    /// Anomaly detection and owner notices for a decided attempt. Alert and notice delivery
    /// never changes the decision.
    fn observe(
        &self,
        attempt: &LoginAttempt<'_>,
        outcome: &LoginOutcome,
        known: bool,
        locked_until: Option<OffsetDateTime>,
    ) {
        let observed = match outcome {
            LoginOutcome::Allowed(_) => ObservedOutcome::Success,
            _ => ObservedOutcome::Failure,
        };
        let alerts = match &self.anomaly {
            Some((detector, sink)) => detector.observe_to(
                &Observation::new(
                    attempt.account,
                    attempt.source_ip,
                    observed,
                    self.clock.as_ref(),
                ),
                sink.as_ref(),
            ),
            None => Vec::new(),
        };
        let Some(notifier) = &self.notifier else {
            return;
        };
        if !known {
            return;
        }
        match outcome {
            LoginOutcome::Failed | LoginOutcome::Refused(_) => notifier.notify(
                attempt.account,
                &OwnerEvent::FailedPassword {
                    source_ip: Some(attempt.source_ip),
                },
            ),
            _ => {}
        }
        if locked_until.is_some() {
            notifier.notify(
                attempt.account,
                &OwnerEvent::Locked {
                    until: locked_until,
                },
            );
        }
        for alert in &alerts {
            if let Some((account, event)) = OwnerEvent::for_alert(alert) {
                notifier.notify(account, &event);
            }
        }
    }

    /// The decision, and the end of the account lock this attempt caused, if any.
    fn decide(
        &self,
        attempt: &LoginAttempt<'_>,
        record: Option<&mut AccountRecord>,
    ) -> Result<(LoginOutcome, Option<OffsetDateTime>), GuardError> {
        let now = self.clock.now();
        let mut held: Vec<Held> = Vec::with_capacity(3);
        for (scope, key, limit) in self.policy.keys(attempt.account, attempt.source_ip) {
            let refusal = match self.store.reserve(&key, &limit, now) {
                Ok(Reservation::Granted {
                    failures,
                    unlocked_at,
                }) => {
                    if let Some(at) = unlocked_at {
                        self.record_auto_unlock(attempt, scope, at)?;
                    }
                    held.push(Held {
                        scope,
                        key,
                        limit,
                        failures,
                    });
                    None
                }
                Ok(Reservation::Locked { until }) => {
                    Some(format!("refused: {} locked until {until}", scope.as_str()))
                }
                Ok(Reservation::Busy) => Some(format!(
                    "refused: {} has as many attempts in flight as failures allowed",
                    scope.as_str()
                )),
                Err(e) => {
                    self.give_back(&held, now);
                    return Err(e.into());
                }
            };
            if let Some(reason) = refusal {
                self.give_back(&held, now);
                self.record(
                    attempt,
                    EventKind::AuthnLoginFail,
                    Outcome::Failure,
                    &reason,
                )?;
                return Ok((LoginOutcome::Locked, None));
            }
        }
        if let Some(n) = self.policy.challenge_after {
            let needs = held
                .iter()
                .any(|h| h.scope != Scope::SourceIp && h.failures >= n);
            if needs && !attempt.challenge_passed {
                self.give_back(&held, now);
                self.record(
                    attempt,
                    EventKind::AuthnLoginFail,
                    Outcome::Failure,
                    "refused: challenge required and not passed",
                )?;
                return Ok((LoginOutcome::ChallengeRequired, None));
            }
        }
        let verified = match record {
            Some(r) => self
                .accounts
                .verify_and_upgrade(r, attempt.password)
                .map(|v| (v, Some(r))),
            None => self
                .accounts
                .hasher()
                .verify(attempt.password, &self.dummy)
                .map(|_| (Verification::Mismatch, None)),
        };
        let (verification, record) = match verified {
            Ok(v) => v,
            Err(e) => {
                self.give_back(&held, now);
                return Err(e.into());
            }
        };
        match (verification.is_match(), record) {
            (true, Some(record)) => {
                self.finish_all(&held, AttemptOutcome::Success, now)?;
                let decision = self.accounts.evaluate(record, now);
                match decision {
                    LoginDecision::Refused { reason } => {
                        self.record(
                            attempt,
                            EventKind::AuthnLoginFail,
                            Outcome::Failure,
                            &format!("password right, account refused: {}", reason.code()),
                        )?;
                        Ok((LoginOutcome::Refused(reason), None))
                    }
                    other => {
                        self.accounts.record_login(record, now);
                        let detail = match other {
                            LoginDecision::MustChange { .. } => "login; must change password",
                            _ => "login",
                        };
                        self.record(
                            attempt,
                            EventKind::AuthnLoginSuccess,
                            Outcome::Success,
                            detail,
                        )?;
                        Ok((LoginOutcome::Allowed(other), None))
                    }
                }
            }
            _ => {
                let locked = self.finish_all(&held, AttemptOutcome::Failure, now)?;
                self.record(
                    attempt,
                    EventKind::AuthnLoginFail,
                    Outcome::Failure,
                    "wrong password or unknown account",
                )?;
                if !locked.is_empty() {
                    let scopes: Vec<String> = locked
                        .iter()
                        .map(|(s, until)| format!("{} until {until}", s.as_str()))
                        .collect();
                    self.record(
                        attempt,
                        EventKind::AuthnLoginLock,
                        Outcome::Success,
                        &format!("locked: {}", scopes.join(", ")),
                    )?;
                }
                let account_lock = locked
                    .iter()
                    .filter(|(s, _)| *s != Scope::SourceIp)
                    .map(|(_, until)| *until)
                    .max();
                Ok((LoginOutcome::Failed, account_lock))
            }
        }
    }

    /// Checks a TOTP code for `account` after its password: wrong codes count against a lock
    /// of their own with the account limit (a 6-digit code must not be guessable), a replayed
    /// code is refused, and each check is an audit event (`authn_mfa_success` /
    /// `authn_mfa_fail`). On success the enrolment's last step is updated (store it) and the
    /// factor is added to `factors`, which then tells whether the login is multi-factor
    /// (TWSE-7.1.d) and what a sensitive operation may still use (TWSE-7.1.e.a).
    pub fn verify_totp(
        &self,
        account: &str,
        source_ip: IpAddr,
        enrolment: &mut TotpEnrolment,
        keyring: &Keyring,
        code: &str,
        factors: &mut AuthFactors,
    ) -> Result<MfaOutcome, GuardError> {
        let now = self.clock.now();
        let attempt = LoginAttempt::new(account, "", source_ip);
        let key = format!("mfa:{}", super::lockout::key(Scope::Account, account, None));
        let limit = self.policy.account;
        match self.store.reserve(&key, &limit, now)? {
            Reservation::Granted { .. } => {}
            _ => {
                self.record_kind(&attempt, EventKind::AuthnMfaFail, "refused: MFA locked")?;
                return Ok(MfaOutcome::Locked);
            }
        }
        match enrolment.verify(keyring, account, code, self.clock.as_ref()) {
            Ok(_) => {
                self.store
                    .finish(&key, &limit, AttemptOutcome::Success, now)?;
                factors.record(&*enrolment);
                self.record_kind(&attempt, EventKind::AuthnMfaSuccess, "totp")?;
                Ok(MfaOutcome::Verified)
            }
            Err(VerifyError::Unavailable(u)) => {
                let _ = self
                    .store
                    .finish(&key, &limit, AttemptOutcome::NotMade, now);
                Err(GuardError::Mfa(VerifyError::Unavailable(u)))
            }
            Err(e) => {
                let finished = self
                    .store
                    .finish(&key, &limit, AttemptOutcome::Failure, now)?;
                self.record_kind(&attempt, EventKind::AuthnMfaFail, e.code())?;
                if let Some(until) = finished.locked_until {
                    self.record_kind(
                        &attempt,
                        EventKind::AuthnLoginLock,
                        &format!("locked: mfa until {until}"),
                    )?;
                }
                Ok(MfaOutcome::Failed(e.code()))
            }
        }
    }

    fn record_kind(
        &self,
        attempt: &LoginAttempt<'_>,
        kind: EventKind,
        detail: &str,
    ) -> Result<(), GuardError> {
        let outcome = match kind {
            EventKind::AuthnMfaFail => Outcome::Failure,
            _ => Outcome::Success,
        };
        self.record(attempt, kind, outcome, detail)
    }

    /// Lifts the account-wide lock of `account` after an operator confirmed the user's identity
    /// (TWSE-8.3.e) and records who did it and how. Returns whether it was locked. Locks of the
    /// account from single IPs run out by themselves.
    pub fn unlock(
        &self,
        account: &str,
        confirmation: &IdentityConfirmation,
    ) -> Result<bool, GuardError> {
        let now = self.clock.now();
        let key = super::lockout::key(Scope::Account, account, None);
        let was = self.store.unlock(&key, now)?;
        if let Some(trail) = &self.audit {
            let event = AuditEvent::new(
                EventKind::AuthnLoginUnlock,
                Outcome::Success,
                Actor::account(&confirmation.operator),
                self.clock.as_ref(),
            )
            .on(crate::audit::Target::new("account", account))
            .by_control(ControlId::AuthLockout)
            .with_detail(&format!(
                "unlocked by operator {} after confirming identity by {} (was locked: {was})",
                confirmation.operator, confirmation.method
            ));
            trail.record(&event)?;
        }
        Ok(was)
    }

    fn record_auto_unlock(
        &self,
        attempt: &LoginAttempt<'_>,
        scope: Scope,
        at: OffsetDateTime,
    ) -> Result<(), GuardError> {
        self.record(
            attempt,
            EventKind::AuthnLoginUnlock,
            Outcome::Success,
            &format!("{} lock ran out at {at} (automatic unlock)", scope.as_str()),
        )
    }

    /// Gives back the slots taken, uncounted. Errors are ignored: the slot then stays taken
    /// until the window ends, which only errs on the side of refusing.
    fn give_back(&self, held: &[Held], now: OffsetDateTime) {
        for h in held {
            let _ = self
                .store
                .finish(&h.key, &h.limit, AttemptOutcome::NotMade, now);
        }
    }

    /// Ends every reserved slot with `outcome`; returns the scopes this locked.
    fn finish_all(
        &self,
        held: &[Held],
        outcome: AttemptOutcome,
        now: OffsetDateTime,
    ) -> Result<Vec<(Scope, OffsetDateTime)>, GuardError> {
        let mut locked = Vec::new();
        let mut first_error = None;
        for h in held {
            match self.store.finish(&h.key, &h.limit, outcome, now) {
                Ok(f) => {
                    if let Some(until) = f.locked_until {
                        locked.push((h.scope, until));
                    }
                }
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        match first_error {
            Some(e) => Err(e.into()),
            None => Ok(locked),
        }
    }

    fn record(
        &self,
        attempt: &LoginAttempt<'_>,
        kind: EventKind,
        outcome: Outcome,
        detail: &str,
    ) -> Result<(), GuardError> {
        if let Some(trail) = &self.audit {
            let event = AuditEvent::new(
                kind,
                outcome,
                Actor::account(attempt.account),
                self.clock.as_ref(),
            )
            .from_ip(attempt.source_ip)
            .by_control(ControlId::AuthLockout)
            .with_detail(detail);
            trail.record(&event)?;
        }
        Ok(())
    }
}
