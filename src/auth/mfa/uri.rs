//! `otpauth://totp/` provisioning URIs (the Key URI format read by authenticator apps from a
//! QR code).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use secrecy::{ExposeSecret as _, SecretString};
use zeroize::Zeroizing;

use super::error::MfaSetupError;
use crate::auth::totp::{TotpAlgorithm, TotpParams, TotpSecret};

/// Characters left as they are: RFC 3986 unreserved.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Longest issuer or account name, in characters.
const MAX_LABEL_CHARS: usize = 256;
/// Longest URI parsed, in bytes: enough for everything [`ProvisioningUri::to_uri`] writes —
/// the issuer twice and the account, each up to 256 characters of 4 bytes percent-encoded
/// (3,072 bytes), the longest secret in base32 and the parameters — so every URI this module
/// writes parses again (found by the `otpauth_uri` fuzz target).
const MAX_URI_BYTES: usize = 16 * 1024;
const SCHEME: &str = "otpauth://";

fn check_label(label: &str) -> Result<(), MfaSetupError> {
    let chars = label.chars().count();
    if chars == 0
        || chars > MAX_LABEL_CHARS
        || label.trim() != label
        || label.chars().any(|c| c == ':' || c.is_control())
    {
        return Err(MfaSetupError::Label);
    }
    Ok(())
}

/// What an authenticator app needs to start producing codes: issuer, account, secret and
/// parameters. [`to_uri`](Self::to_uri) gives the `otpauth://totp/…` text to show as a QR code;
/// [`parse`](Self::parse) reads one (to import an existing enrolment). The secret stays inside:
/// `Debug` prints `[REDACTED]` for it.
///
/// The skew is the verifier's business and is not part of the URI: a parsed URI has the
/// default skew. Authenticator apps count from T0 = 0, so other T0s cannot be provisioned.
///
/// ```
/// use secrecy::ExposeSecret;
/// use twsec::auth::mfa::ProvisioningUri;
/// use twsec::auth::totp::{TotpParams, TotpSecret};
///
/// let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec())?;
/// let uri = ProvisioningUri::new("元大證券", "alice@example.com", secret, TotpParams::default())?;
/// let text = uri.to_uri();
/// assert_eq!(
///     text.expose_secret(),
///     "otpauth://totp/%E5%85%83%E5%A4%A7%E8%AD%89%E5%88%B8:alice%40example.com\
///      ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E5%85%83%E5%A4%A7%E8%AD%89%E5%88%B8\
///      &algorithm=SHA1&digits=6&period=30"
/// );
/// let back = ProvisioningUri::parse(text.expose_secret())?;
/// assert_eq!(back.issuer(), "元大證券");
/// assert_eq!(back.account(), "alice@example.com");
/// # Ok::<(), twsec::auth::mfa::MfaSetupError>(())
/// ```
pub struct ProvisioningUri {
    issuer: String,
    account: String,
    secret: TotpSecret,
    params: TotpParams,
}

impl ProvisioningUri {
    /// Checks the labels (1 to 256 characters, no `:`, no control characters, no surrounding
    /// white space) and that T0 is 0.
    pub fn new(
        issuer: &str,
        account: &str,
        secret: TotpSecret,
        params: TotpParams,
    ) -> Result<Self, MfaSetupError> {
        check_label(issuer)?;
        check_label(account)?;
        if params.t0().unix_timestamp() != 0 {
            return Err(MfaSetupError::Epoch);
        }
        Ok(Self {
            issuer: issuer.to_owned(),
            account: account.to_owned(),
            secret,
            params,
        })
    }

    /// The issuer (the organisation or service name the app shows).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The account name.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The shared secret.
    pub fn secret(&self) -> &TotpSecret {
        &self.secret
    }

    /// The parameters.
    pub fn params(&self) -> &TotpParams {
        &self.params
    }

    /// The `otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=…&digits=…&period=…`
    /// text, with the secret in unpadded base32. It contains the secret: show it once, as a QR
    /// code, and do not log it.
    pub fn to_uri(&self) -> SecretString {
        let issuer = utf8_percent_encode(&self.issuer, LABEL).to_string();
        let account = utf8_percent_encode(&self.account, LABEL);
        let secret = self.secret.expose_base32();
        SecretString::from(format!(
            "{SCHEME}totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm={alg}&digits={digits}&period={period}",
            secret = secret.expose_secret(),
            alg = self.params.algorithm().uri_name(),
            digits = self.params.digits(),
            period = self.params.period_secs(),
        ))
    }

    /// Parses an `otpauth://totp/` URI. Missing `algorithm`, `digits` and `period` take the
    /// defaults; unknown parameters (such as `image`) are ignored; a repeated parameter, an
    /// issuer prefix that differs from the `issuer` parameter, bad base32, a secret under 160
    /// bits or digits outside 6..=8 are errors.
    pub fn parse(uri: &str) -> Result<Self, MfaSetupError> {
        if uri.len() > MAX_URI_BYTES {
            return Err(MfaSetupError::Uri("too long"));
        }
        let uri = uri.trim();
        let rest = uri
            .get(..SCHEME.len())
            .filter(|s| s.eq_ignore_ascii_case(SCHEME))
            .and_then(|_| uri.get(SCHEME.len()..))
            .ok_or(MfaSetupError::Uri("scheme is not otpauth://"))?;
        let (kind, rest) = rest
            .split_once('/')
            .ok_or(MfaSetupError::Uri("missing label"))?;
        if !kind.eq_ignore_ascii_case("totp") {
            return Err(MfaSetupError::Uri("type is not totp"));
        }
        let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
        let label = decode(label)?;
        // The Key URI format allows spaces between the issuer prefix and the account.
        let (prefix, account) = match label.split_once(':') {
            Some((issuer, account)) => (Some(issuer), account.trim_start_matches(' ')),
            None => (None, label.as_str()),
        };

        let mut secret = None;
        let mut issuer = None;
        let mut algorithm = None;
        let mut digits = None;
        let mut period = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "secret" => &mut secret,
                "issuer" => &mut issuer,
                "algorithm" => &mut algorithm,
                "digits" => &mut digits,
                "period" => &mut period,
                _ => continue,
            };
            if slot.replace(decode(value)?).is_some() {
                return Err(MfaSetupError::Uri("repeated parameter"));
            }
        }

        let secret = secret.ok_or(MfaSetupError::Uri("missing secret"))?;
        let secret = TotpSecret::from_base32(&secret)?;
        let issuer = match (prefix, issuer.as_deref()) {
            (Some(p), Some(i)) if p != i.as_str() => {
                return Err(MfaSetupError::Uri("issuer prefix and parameter differ"));
            }
            (Some(p), _) => p.to_owned(),
            (None, Some(i)) => i.to_string(),
            (None, None) => return Err(MfaSetupError::Uri("missing issuer")),
        };
        let mut builder = TotpParams::builder();
        if let Some(a) = algorithm {
            builder = builder.algorithm(
                TotpAlgorithm::from_uri_name(&a).ok_or(MfaSetupError::Uri("unknown algorithm"))?,
            );
        }
        if let Some(d) = digits {
            // Any number that does not fit is out of range too.
            builder = builder.digits(number(&d)?.try_into().unwrap_or(u8::MAX));
        }
        if let Some(p) = period {
            builder = builder.period_secs(number(&p)?.try_into().unwrap_or(u32::MAX));
        }
        Self::new(&issuer, account, secret, builder.build()?)
    }
}

/// Percent-decodes one URI component as UTF-8 (wiped when dropped: it may be the secret).
fn decode(component: &str) -> Result<Zeroizing<String>, MfaSetupError> {
    percent_decode_str(component)
        .decode_utf8()
        .map(|s| Zeroizing::new(s.into_owned()))
        .map_err(|_| MfaSetupError::Uri("component is not UTF-8"))
}

fn number(text: &str) -> Result<u64, MfaSetupError> {
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MfaSetupError::Uri("parameter is not a number"));
    }
    text.parse()
        .map_err(|_| MfaSetupError::Uri("parameter is not a number"))
}

impl fmt::Debug for ProvisioningUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvisioningUri")
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .field("secret", &self.secret)
            .field("params", &self.params)
            .finish()
    }
}
