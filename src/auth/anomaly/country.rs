//! Countries of source addresses: ISO 3166-1 alpha-2 codes and the application's resolver.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 3166-1 alpha-2 country code (`TW`, `JP`, …), stored upper-case.
///
/// Only the shape is checked (two ASCII letters), not membership of the ISO list, so that a
/// resolver's private codes (`XK`, `ZZ` for "unknown") pass through.
///
/// ```
/// use twsec::auth::CountryCode;
///
/// let tw: CountryCode = "tw".parse()?;
/// assert_eq!(tw, CountryCode::TAIWAN);
/// assert_eq!(tw.as_str(), "TW");
/// assert!("TWN".parse::<CountryCode>().is_err());
/// # Ok::<(), twsec::auth::CountryCodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// A text that is not two ASCII letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a country code is two ASCII letters (ISO 3166-1 alpha-2)")]
#[non_exhaustive]
pub struct CountryCodeError;

impl CountryCode {
    /// Taiwan, `TW`.
    pub const TAIWAN: CountryCode = CountryCode(*b"TW");

    /// Checks and upper-cases `code`.
    pub fn new(code: &str) -> Result<Self, CountryCodeError> {
        match code.as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(CountryCodeError),
        }
    }

    /// The code, upper-case.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The code as a store member (the two bytes, big-endian).
    pub(super) fn to_member(self) -> u64 {
        u64::from(u16::from_be_bytes(self.0))
    }

    /// The inverse of [`CountryCode::to_member`]; `None` for anything else.
    pub(super) fn from_member(member: u64) -> Option<Self> {
        let bytes = u16::try_from(member).ok()?.to_be_bytes();
        std::str::from_utf8(&bytes)
            .ok()
            .and_then(|s| Self::new(s).ok())
    }
}

impl FromStr for CountryCode {
    type Err = CountryCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// Tells the country of a source address; supplied by the application (a GeoIP database, the
/// F-ISAC feed, a reverse proxy's header), used for the "one account from different countries"
/// and "foreign source" alerts of TWSE-7.1.l.
///
/// Return `None` when the country is unknown: unknown sources count for no country.
///
/// ```
/// use std::net::IpAddr;
/// use twsec::auth::{CountryCode, CountryResolver};
///
/// #[derive(Debug)]
/// struct Lab;
/// impl CountryResolver for Lab {
///     fn country(&self, ip: IpAddr) -> Option<CountryCode> {
///         ip.is_loopback().then_some(CountryCode::TAIWAN)
///     }
/// }
/// assert_eq!(Lab.country("127.0.0.1".parse().unwrap()), Some(CountryCode::TAIWAN));
/// ```
pub trait CountryResolver: Send + Sync + fmt::Debug {
    /// The country of `ip`, if known.
    fn country(&self, ip: IpAddr) -> Option<CountryCode>;
}

impl<R: CountryResolver + ?Sized> CountryResolver for std::sync::Arc<R> {
    fn country(&self, ip: IpAddr) -> Option<CountryCode> {
        (**self).country(ip)
    }
}

impl<R: CountryResolver + ?Sized> CountryResolver for Box<R> {
    fn country(&self, ip: IpAddr) -> Option<CountryCode> {
        (**self).country(ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_members_and_json() {
        for s in ["TW", "jp", "Us"] {
            let c = CountryCode::new(s).unwrap();
            assert_eq!(CountryCode::from_member(c.to_member()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", s.to_ascii_uppercase()));
            assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap(), c);
        }
        for bad in ["", "T", "TWN", "T1", "台灣", "é"] {
            assert_eq!(CountryCode::new(bad), Err(CountryCodeError));
        }
        assert_eq!(CountryCode::from_member(u64::MAX), None);
        assert_eq!(CountryCode::from_member(0x3131), None);
    }
}
