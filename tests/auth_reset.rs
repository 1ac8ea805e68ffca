//! Password-reset tokens through the public API (TPE-7.2, TWSE-8.3.c, A10-IA-2A, TWSE-7.1.k,
//! TXG-24.7.2), with a ManualClock.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::sync::{Arc, Barrier, Mutex};

use proptest::prelude::*;
use secrecy::ExposeSecret;
use time::{Duration, OffsetDateTime, macros::datetime};
use twsec::account::{
    AccountRecord, Accounts, Actor, DisableReason, LoginDecision, MustChangeReason,
};
use twsec::auth::reset::{
    ConfirmedIdentity, Delivery, DeliveryFailed, GrantError, IdentityError, IdentityMethod,
    IdentityProof, IdentityRefused, InMemoryResetStore, IssueError, PasswordReset, RedeemError,
    ResetEvent, ResetPolicy, ResetRecord, ResetResponse, ResetToken, TOKEN_TEXT_LEN, TokenError,
    TokenMessage,
};
use twsec::clock::{Clock, ManualClock};
use twsec::control::Profile;
use twsec::password::{Hasher, HasherConfig, Lang, PersonalInfo};

const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

/// The application's side: messages "sent" and records audited.
#[derive(Default)]
struct Outbox {
    sent: Mutex<Vec<TokenMessage>>,
    audit: Mutex<Vec<ResetRecord>>,
    fail: bool,
}

impl Delivery for Outbox {
    fn deliver(&self, message: TokenMessage) -> Result<(), DeliveryFailed> {
        if self.fail {
            return Err(DeliveryFailed);
        }
        self.sent.lock().unwrap().push(message);
        Ok(())
    }

    fn record(&self, record: ResetRecord) {
        self.audit.lock().unwrap().push(record);
    }
}

impl Outbox {
    fn take_sent(&self) -> Vec<TokenMessage> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }

    fn take_events(&self) -> Vec<ResetEvent> {
        let records = std::mem::take(&mut *self.audit.lock().unwrap());
        records.iter().map(|r| r.event).collect()
    }
}

/// Known accounts: `mingde` and `meiling`; everything else is unknown.
fn otp_check(account: &str) -> Result<IdentityProof, IdentityRefused> {
    match account {
        "mingde" | "meiling" => Ok(IdentityProof::new(
            IdentityMethod::OneTimeCode,
            Actor::System,
        )),
        _ => Err(IdentityRefused::UnknownAccount),
    }
}

fn reset() -> PasswordReset {
    PasswordReset::in_memory(ResetPolicy::default()).unwrap()
}

/// Confirms identity and issues a token for `account`; returns the token text.
fn issue(reset: &PasswordReset, account: &str, clock: &dyn Clock) -> String {
    let identity = reset.confirm_identity(account, &otp_check, clock).unwrap();
    let issued = reset.issue(identity, clock).unwrap();
    issued.message.token.expose_secret().to_owned()
}

fn accounts() -> Accounts {
    Accounts::new(
        &Profile::moe(),
        Hasher::new(HasherConfig::default()).unwrap(),
    )
    .unwrap()
}

fn me() -> PersonalInfo {
    PersonalInfo::new().name("Chen Mingde")
}

/// An account whose own password was set at `at`.
fn account_record(accounts: &Accounts, at: OffsetDateTime) -> AccountRecord {
    let mut record = accounts.create("mingde", &me(), at).unwrap().record;
    accounts
        .change_password(&mut record, "Lantern-Rive9-水餃", &me(), at)
        .unwrap();
    record
}

fn reuse_reason(err: RedeemError) -> String {
    match err {
        RedeemError::Reused { record } => {
            assert_eq!(record.event, ResetEvent::TokenReuse);
            assert_eq!(record.event.as_str(), "authn_token_reuse");
            record.reason
        }
        other => panic!("expected reuse, got {other:?}"),
    }
}

#[test]
fn tokens_are_single_use_and_expire() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let token = issue(&reset, "mingde", &clock);
    assert_eq!(token.len(), TOKEN_TEXT_LEN);

    clock.advance(Duration::minutes(14) + Duration::seconds(59));
    let grant = reset.redeem(&token, &clock).unwrap();
    assert_eq!(grant.account(), "mingde");
    assert_eq!(grant.issued_at(), START);
    assert_eq!(
        reuse_reason(reset.redeem(&token, &clock).unwrap_err()),
        "password_reset:reuse:used"
    );

    // Default validity: 15 minutes, to the instant.
    let start = clock.now();
    let token = issue(&reset, "mingde", &clock);
    clock.set(start + Duration::minutes(15));
    let err = reset.redeem(&token, &clock).unwrap_err();
    assert_eq!(err.public_code(), "AUTH-RESET-INVALID");
    match &err {
        RedeemError::Expired { record } => {
            assert_eq!(record.event, ResetEvent::TokenExpired);
            assert_eq!(record.account, "mingde");
        }
        other => panic!("expected expiry, got {other:?}"),
    }
    // And it stays expired.
    clock.set(start + Duration::minutes(16));
    assert!(matches!(
        reset.redeem(&token, &clock),
        Err(RedeemError::Expired { .. })
    ));

    // A configured validity.
    let short =
        PasswordReset::in_memory(ResetPolicy::default().with_validity(Duration::minutes(5)))
            .unwrap();
    let token = issue(&short, "mingde", &clock);
    clock.advance(Duration::minutes(5));
    assert!(matches!(
        short.redeem(&token, &clock),
        Err(RedeemError::Expired { .. })
    ));

    // Pruning forgets expired tokens; the store holds nothing live.
    clock.advance(Duration::hours(2));
    assert!(reset.prune(&clock).unwrap() > 0);
    assert_eq!(reset.store().live_tokens(), 0);
}

#[test]
fn identity_must_be_confirmed_before_a_token_is_issued() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let outbox = Outbox::default();

    // The check refuses (wrong one-time code): nothing is issued or sent.
    let wrong_code = |_: &str| Err(IdentityRefused::NotConfirmed);
    let _ = reset.request("mingde", &wrong_code, &outbox, &clock);
    assert!(outbox.take_sent().is_empty());
    assert_eq!(outbox.take_events(), [ResetEvent::IdentityRefused]);
    match reset.confirm_identity("mingde", &wrong_code, &clock) {
        Err(IdentityError::Refused { reason, record }) => {
            assert_eq!(reason, IdentityRefused::NotConfirmed);
            assert_eq!(record.event.as_str(), "authn_password_change_fail");
            assert_eq!(record.reason, "password_reset:not_confirmed");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(reset.store().live_tokens(), 0);

    // Customer service and in-person confirmation must name the operator (TWSE-8.3.c).
    let anonymous = |_: &str| {
        Ok(IdentityProof::new(
            IdentityMethod::CustomerService,
            Actor::System,
        ))
    };
    assert!(matches!(
        reset.confirm_identity("mingde", &anonymous, &clock),
        Err(IdentityError::MissingOperator)
    ));
    let blank = |_: &str| {
        Ok(IdentityProof::new(
            IdentityMethod::InPerson,
            Actor::Operator("  ".into()),
        ))
    };
    assert!(reset.confirm_identity("mingde", &blank, &clock).is_err());

    // Confirmed by a named agent: the issue record says how and by whom.
    let agent = |_: &str| {
        Ok(IdentityProof::new(
            IdentityMethod::CustomerService,
            Actor::Operator("cs-lin".into()),
        )
        .with_reference("ticket-8812"))
    };
    let identity: ConfirmedIdentity = reset.confirm_identity("mingde", &agent, &clock).unwrap();
    assert_eq!(identity.account(), "mingde");
    assert_eq!(identity.proof().method, IdentityMethod::CustomerService);
    assert_eq!(identity.confirmed_at(), START);
    let issued = reset.issue(identity, &clock).unwrap();
    let created = issued.records.last().unwrap();
    assert_eq!(created.event, ResetEvent::TokenIssued);
    assert_eq!(created.event.as_str(), "authn_token_created");
    assert_eq!(created.actor, Actor::Operator("cs-lin".into()));
    assert_eq!(created.identity, Some(IdentityMethod::CustomerService));
    assert_eq!(
        created.reason,
        "password_reset:identity_confirmed:customer_service ref=ticket-8812"
    );
    assert_eq!(created.token, Some(issued.message.token_id));
    let event = created.to_audit_event();
    assert_eq!(event.kind.as_str(), "authn_token_created");
    assert_eq!(event.actor.id, "cs-lin");

    // A confirmation older than the token validity is not good for a token.
    let identity = reset.confirm_identity("mingde", &agent, &clock).unwrap();
    clock.advance(Duration::minutes(16));
    assert!(matches!(
        reset.issue(identity, &clock),
        Err(IssueError::StaleIdentity)
    ));
}

#[test]
fn unknown_accounts_get_the_same_response() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let outbox = Outbox::default();
    let asked = Mutex::new(Vec::new());
    let check = |account: &str| {
        asked.lock().unwrap().push(account.to_owned());
        otp_check(account)
    };

    let known = reset.request("mingde", &check, &outbox, &clock);
    let unknown = reset.request("nobody", &check, &outbox, &clock);
    let implausible = reset.request("", &check, &outbox, &clock);
    let huge = reset.request(&"x".repeat(1 << 20), &check, &outbox, &clock);
    let control = reset.request("mingde\n", &check, &outbox, &clock);
    for r in [unknown, implausible, huge, control] {
        assert_eq!(r, known);
        for lang in Lang::ALL {
            assert_eq!(r.message(lang), known.message(lang));
        }
        assert_eq!(format!("{r:?}"), format!("{known:?}"));
    }
    assert_eq!(known.code(), ResetResponse::CODE);
    assert!(known.message(Lang::ZhTw).contains("15 分鐘"));
    assert!(known.message(Lang::En).contains("15 minutes"));

    // The application's check ran for the unknown name too (no short cut before it), but not
    // for names no account can have.
    assert_eq!(*asked.lock().unwrap(), ["mingde", "nobody"]);
    // Only the existing account got a message; every request was audited.
    let sent = outbox.take_sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].account, "mingde");
    let records = std::mem::take(&mut *outbox.audit.lock().unwrap());
    assert_eq!(records.len(), 5);
    assert_eq!(records[0].event, ResetEvent::TokenIssued);
    assert!(
        records[1..]
            .iter()
            .all(|r| r.event == ResetEvent::IdentityRefused)
    );
    assert_eq!(records[1].reason, "password_reset:unknown_account");
    assert!(records[3].account.len() < 20, "a huge name is not copied");

    // The message and the records never show the token.
    let token = sent[0].token.expose_secret();
    assert!(!format!("{:?}", sent[0]).contains(token));
    assert!(!format!("{records:?}").contains(token));
}

#[test]
fn a_password_change_or_newer_token_invalidates() {
    let clock = ManualClock::new(START);
    let reset = reset();

    // A newer token revokes the older one.
    let first = issue(&reset, "mingde", &clock);
    let identity = reset
        .confirm_identity("mingde", &otp_check, &clock)
        .unwrap();
    let issued = reset.issue(identity, &clock).unwrap();
    let events: Vec<_> = issued.records.iter().map(|r| r.event).collect();
    assert_eq!(events, [ResetEvent::TokenRevoked, ResetEvent::TokenIssued]);
    assert_eq!(issued.records[0].event.as_str(), "authn_token_revoked");
    assert_eq!(
        issued.records[0].reason,
        "password_reset:revoked:superseded"
    );
    let second = issued.message.token.expose_secret().to_owned();
    assert_eq!(
        reuse_reason(reset.redeem(&first, &clock).unwrap_err()),
        "password_reset:reuse:revoked:superseded"
    );
    assert_eq!(reset.store().live_tokens(), 1);
    // Another account's tokens are untouched.
    let other = issue(&reset, "meiling", &clock);

    // The application reports a password change: the live token is revoked.
    let revoked = reset.password_changed("mingde", &clock).unwrap().unwrap();
    assert_eq!(revoked.event, ResetEvent::TokenRevoked);
    assert_eq!(revoked.reason, "password_reset:revoked:password_changed");
    assert_eq!(reset.password_changed("mingde", &clock).unwrap(), None);
    assert_eq!(
        reuse_reason(reset.redeem(&second, &clock).unwrap_err()),
        "password_reset:reuse:revoked:password_changed"
    );
    assert!(reset.redeem(&other, &clock).is_ok());

    // The application forgot to report the change: the redemption itself refuses a token
    // issued before the password's last change.
    let accounts = accounts();
    let mut record = account_record(&accounts, START - Duration::days(30));
    let token = issue(&reset, "mingde", &clock);
    clock.advance(Duration::minutes(2));
    accounts
        .change_password(&mut record, "Harbour-Kite4-鳳梨酥", &me(), clock.now())
        .unwrap();
    let grant = reset.redeem(&token, &clock).unwrap();
    match grant.force_change(&accounts, &mut record) {
        Err(GrantError::PasswordChanged { record }) => {
            assert_eq!(record.event, ResetEvent::RedeemRefused);
            assert_eq!(record.reason, "password_reset:password_changed_since_issue");
        }
        other => panic!("expected a stale token, got {other:?}"),
    }
    assert!(record.credential.must_change.is_none());
}

#[test]
fn redeeming_forces_a_password_change_and_records_it() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let accounts = accounts();
    let mut record = account_record(&accounts, START - Duration::days(30));
    let token = issue(&reset, "mingde", &clock);
    clock.advance(Duration::minutes(3));
    let grant = reset.redeem(&token, &clock).unwrap();
    let must = grant.force_change(&accounts, &mut record).unwrap();
    assert_eq!(must.account, "mingde");
    assert_eq!(must.reason, MustChangeReason::Recovery);
    assert_eq!(must.record.event, ResetEvent::Redeemed);
    assert_eq!(must.record.event.as_str(), "user_updated");
    assert_eq!(must.record.actor, Actor::Account("mingde".into()));
    assert!(must.record.event.notify_holder());
    assert_eq!(
        accounts.evaluate(&record, clock.now()),
        LoginDecision::MustChange {
            reason: MustChangeReason::Recovery
        }
    );
    // The forced change waives the minimum age and keeps the history.
    let changed = accounts
        .change_password(&mut record, "Harbour-Kite4-鳳梨酥", &me(), clock.now())
        .unwrap();
    assert_eq!(changed.reason, "forced:recovery");
    assert!(accounts.evaluate(&record, clock.now()).is_allowed());
    assert_eq!(record.credential.history.len(), 1);

    // Misuse and refusals.
    let token = issue(&reset, "mingde", &clock);
    let grant = reset.redeem(&token, &clock).unwrap();
    let mut someone_else = accounts
        .create("meiling", &me(), clock.now())
        .unwrap()
        .record;
    assert!(matches!(
        grant.force_change(&accounts, &mut someone_else),
        Err(GrantError::WrongAccount)
    ));
    accounts
        .disable(&mut record, DisableReason::Admin, "op-chen", clock.now())
        .unwrap();
    let token = issue(&reset, "mingde", &clock);
    let grant = reset.redeem(&token, &clock).unwrap();
    let err = grant.force_change(&accounts, &mut record).unwrap_err();
    assert!(matches!(err, GrantError::Disabled { .. }));
    assert_eq!(
        err.record().unwrap().reason,
        "password_reset:account_disabled"
    );
}

#[test]
fn concurrent_redemptions_succeed_once() {
    let clock = Arc::new(ManualClock::new(START));
    let policy = ResetPolicy::default().with_request_limit(100, Duration::hours(1));
    let reset = Arc::new(PasswordReset::in_memory(policy).unwrap());
    for round in 0..20 {
        let token = Arc::new(issue(&reset, "mingde", &*clock));
        let threads = 8;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (reset, clock, token, barrier) = (
                    Arc::clone(&reset),
                    Arc::clone(&clock),
                    Arc::clone(&token),
                    Arc::clone(&barrier),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    reset.redeem(&token, &*clock)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}");
        assert!(
            results
                .iter()
                .filter_map(|r| r.as_ref().err())
                .all(|e| matches!(e, RedeemError::Reused { .. })),
            "round {round}"
        );
    }
}

#[test]
fn requests_are_rate_limited() {
    let clock = ManualClock::new(START);
    let policy = ResetPolicy::default().with_request_limit(3, Duration::hours(1));
    let reset = PasswordReset::in_memory(policy).unwrap();
    let outbox = Outbox::default();

    let first = reset.request("mingde", &otp_check, &outbox, &clock);
    for _ in 0..9 {
        clock.advance(Duration::minutes(1));
        assert_eq!(reset.request("mingde", &otp_check, &outbox, &clock), first);
    }
    assert_eq!(outbox.take_sent().len(), 3, "TXG-24.7.2: no flood of mails");
    let events = outbox.take_events();
    assert_eq!(
        events
            .iter()
            .filter(|e| **e == ResetEvent::RateLimited)
            .count(),
        7
    );
    assert_eq!(
        ResetEvent::RateLimited.as_str(),
        "excess_rate_limit_exceeded"
    );
    // Only the last token sent is live.
    assert_eq!(reset.store().live_tokens(), 1);

    // Unknown names are counted the same way (their limit is invisible too).
    for _ in 0..5 {
        let _ = reset.request("nobody", &otp_check, &outbox, &clock);
    }
    let events = outbox.take_events();
    assert_eq!(
        events
            .iter()
            .filter(|e| **e == ResetEvent::RateLimited)
            .count(),
        2
    );

    // Another account is not affected; the window slides.
    let _ = reset.request("meiling", &otp_check, &outbox, &clock);
    assert_eq!(outbox.take_sent().len(), 1);
    clock.set(START + Duration::hours(1));
    let _ = reset.request("mingde", &otp_check, &outbox, &clock);
    assert_eq!(outbox.take_sent().len(), 1);

    // Issuing directly counts against the same limit: at 10:02 only the 10:00 request is in
    // the window, so two more are admitted and the next waits until 11:00.
    clock.set(START + Duration::hours(1) + Duration::minutes(2));
    for _ in 0..2 {
        let id = reset
            .confirm_identity("mingde", &otp_check, &clock)
            .unwrap();
        reset.issue(id, &clock).unwrap();
    }
    let id = reset
        .confirm_identity("mingde", &otp_check, &clock)
        .unwrap();
    match reset.issue(id, &clock) {
        Err(IssueError::RateLimited { retry_at, record }) => {
            assert_eq!(retry_at, START + Duration::hours(2));
            assert_eq!(record.event, ResetEvent::RateLimited);
        }
        other => panic!("expected the rate limit, got {other:?}"),
    }
}

#[test]
fn a_failed_delivery_revokes_the_token() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let outbox = Outbox {
        fail: true,
        ..Outbox::default()
    };
    let shown = reset.request("mingde", &otp_check, &outbox, &clock);
    assert_eq!(shown, reset.request("nobody", &otp_check, &outbox, &clock));
    assert_eq!(reset.store().live_tokens(), 0);
    let events = outbox.take_events();
    assert_eq!(
        events,
        [
            ResetEvent::TokenIssued,
            ResetEvent::DeliveryFailed,
            ResetEvent::TokenRevoked,
            ResetEvent::IdentityRefused,
        ]
    );
}

#[test]
fn a_full_store_fails_closed_with_the_same_response() {
    let clock = ManualClock::new(START);
    let reset =
        PasswordReset::new(ResetPolicy::default(), InMemoryResetStore::with_capacity(1)).unwrap();
    let outbox = Outbox::default();
    let shown = reset.request("mingde", &otp_check, &outbox, &clock);
    assert_eq!(reset.request("meiling", &otp_check, &outbox, &clock), shown);
    assert_eq!(outbox.take_sent().len(), 1);
    assert_eq!(
        outbox.take_events(),
        [ResetEvent::TokenIssued, ResetEvent::Unavailable]
    );
}

#[test]
fn bad_tokens_are_error_values() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let good = issue(&reset, "mingde", &clock);
    let mut flipped = good.clone().into_bytes();
    flipped[TOKEN_TEXT_LEN - 1] = if flipped[TOKEN_TEXT_LEN - 1] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let flipped = String::from_utf8(flipped).unwrap();
    let mut other_id = good.clone().into_bytes();
    other_id[0] = if other_id[0] == b'A' { b'B' } else { b'A' };
    let other_id = String::from_utf8(other_id).unwrap();

    let cases: Vec<(String, Option<TokenError>)> = vec![
        (String::new(), Some(TokenError::Length)),
        ("a".into(), Some(TokenError::Length)),
        (good[..63].into(), Some(TokenError::Length)),
        (format!("{good}A"), Some(TokenError::Length)),
        (format!(" {}", &good[1..]), Some(TokenError::Encoding)),
        (format!("{}=", &good[..63]), Some(TokenError::Encoding)),
        (format!("{}+", &good[..63]), Some(TokenError::Encoding)),
        (format!("{}/", &good[..63]), Some(TokenError::Encoding)),
        (format!("{}\0", &good[..63]), Some(TokenError::Encoding)),
        (format!("{}é", &good[..62]), Some(TokenError::Encoding)),
        ("字".repeat(21) + "A", Some(TokenError::Encoding)),
        ("x".repeat(10 << 20), Some(TokenError::Length)),
        (format!("{good}\n"), Some(TokenError::Length)),
        (good.to_uppercase(), None),
        (flipped, None),
        (other_id, None),
        ("A".repeat(64), None),
    ];
    for (text, parse) in cases {
        assert_eq!(ResetToken::parse(&text).err(), parse, "{:.80}", text);
        let err = reset.redeem(&text, &clock).unwrap_err();
        match parse {
            Some(e) => assert!(matches!(err, RedeemError::Malformed(m) if m == e)),
            None => assert!(matches!(err, RedeemError::Unknown), "{err:?}"),
        }
        assert_eq!(err.public_code(), "AUTH-RESET-INVALID");
        assert_eq!(
            err.message(Lang::En),
            "This password reset link is invalid or has expired. Please request a new one."
        );
        assert!(err.record().is_none());
        assert!(!err.to_string().contains(&good));
    }
    // None of that touched the real token.
    assert!(reset.redeem(&good, &clock).is_ok());
}

#[test]
fn debug_output_never_shows_a_token() {
    let clock = ManualClock::new(START);
    let reset = reset();
    let identity = reset
        .confirm_identity("mingde", &otp_check, &clock)
        .unwrap();
    let issued = reset.issue(identity, &clock).unwrap();
    let token = issued.message.token.expose_secret().to_owned();
    let parsed = ResetToken::parse(&token).unwrap();
    let shown = format!("{issued:?} {parsed:?} {:?}", reset.store());
    assert!(!shown.contains(&token));
    assert!(!shown.contains(&token[22..]), "not even the secret half");
    let grant = reset.redeem(&token, &clock).unwrap();
    assert!(!format!("{grant:?}").contains(&token));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any string parses or is refused, never panics; it parses exactly when it is 64
    /// characters of the base64url alphabet (64 characters carry 48 bytes with no spare bits).
    #[test]
    fn token_parsing_accepts_exactly_64_base64url_characters(text in any::<String>()) {
        let valid = text.len() == TOKEN_TEXT_LEN
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        prop_assert_eq!(ResetToken::parse(&text).is_ok(), valid);
    }

    #[test]
    fn well_formed_strangers_are_unknown(text in "[A-Za-z0-9_-]{64}") {
        let clock = ManualClock::new(START);
        let reset = reset();
        let _ = issue(&reset, "mingde", &clock);
        prop_assert!(ResetToken::parse(&text).is_ok());
        prop_assert!(matches!(reset.redeem(&text, &clock), Err(RedeemError::Unknown)));
    }

    #[test]
    fn near_misses_are_refused(text in "[A-Za-z0-9_=+/. -]{60,68}") {
        let clock = ManualClock::new(START);
        let reset = reset();
        prop_assert!(reset.redeem(&text, &clock).is_err());
    }
}
