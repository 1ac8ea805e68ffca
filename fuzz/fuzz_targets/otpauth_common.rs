//! Invariants of the `otpauth://` provisioning-URI parser, shared by the fuzz target
//! (`fuzz_targets/otpauth_uri.rs`, nightly, libFuzzer) and the regression test that replays the
//! committed corpus on stable (`tests/fuzz_regressions.rs`). Uses only `twsec` and `secrecy`
//! (for the text of [`ProvisioningUri::to_uri`]), which both packages have.
//!
//! Input bytes that are not UTF-8 are read lossily. An accepted URI has valid labels and
//! parameters, and its `to_uri()` text parses back to the same issuer, account, secret and
//! parameters (and to the same text).

use secrecy::ExposeSecret as _;
use twsec::auth::mfa::ProvisioningUri;
use twsec::auth::totp::{MAX_DIGITS, MAX_PERIOD_SECS, MIN_DIGITS, MIN_PERIOD_SECS};

/// What `ProvisioningUri::new` requires of an issuer or account name.
fn label_ok(label: &str) -> bool {
    let chars = label.chars().count();
    (1..=256).contains(&chars)
        && label.trim() == label
        && !label.chars().any(|c| c == ':' || c.is_control())
}

/// Parses one fuzz input as a URI and checks what comes back.
pub(crate) fn check_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(uri) = ProvisioningUri::parse(&text) else {
        return;
    };
    assert!(label_ok(uri.issuer()), "issuer {:?}", uri.issuer());
    assert!(label_ok(uri.account()), "account {:?}", uri.account());
    let params = uri.params();
    assert!((MIN_DIGITS..=MAX_DIGITS).contains(&params.digits()));
    assert!((MIN_PERIOD_SECS..=MAX_PERIOD_SECS).contains(&params.period_secs()));
    assert_eq!(params.t0().unix_timestamp(), 0);

    let written = uri.to_uri();
    let back = ProvisioningUri::parse(written.expose_secret());
    assert!(
        back.is_ok(),
        "to_uri() does not parse back: {:?}",
        back.err()
    );
    if let Ok(back) = back {
        assert_eq!(back.issuer(), uri.issuer());
        assert_eq!(back.account(), uri.account());
        assert_eq!(back.params(), uri.params());
        assert!(
            back.secret().expose_secret() == uri.secret().expose_secret(),
            "the secret changed"
        );
        assert!(
            back.to_uri().expose_secret() == written.expose_secret(),
            "to_uri() is not stable"
        );
    }
}
