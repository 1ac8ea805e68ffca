//! The chain every audit backend shares: HMAC-SHA-256 under the keyring's
//! [`Purpose::AuditChain`] sub-key over the previous chain value (32 zero bytes before the first
//! record), the sequence number (8 bytes, big-endian) and the exact bytes of the event as stored.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::crypto::{Keyring, MasterKey, Purpose};

/// The chain value before the first record.
pub(crate) const GENESIS: [u8; 32] = [0; 32];

/// A keyed chain: the HMAC state after the key, cloned for every link.
#[derive(Clone)]
pub(crate) struct ChainKey {
    mac: Hmac<Sha256>,
}

impl ChainKey {
    /// The chain key of one master key.
    pub(crate) fn of(master: &MasterKey) -> Self {
        let key = master.subkey(Purpose::AuditChain, &[]);
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose_secret())
            .expect("HMAC takes a key of any length");
        Self { mac }
    }

    /// The chain keys of a keyring, the active key's first: a log started under a key that has
    /// since been retired still verifies while the retired key is in the ring.
    pub(crate) fn candidates(keyring: &Keyring) -> Vec<Self> {
        let active = keyring.active().id();
        let mut keys = vec![Self::of(keyring.active())];
        keys.extend(
            keyring
                .ids()
                .into_iter()
                .filter(|id| *id != active)
                .filter_map(|id| keyring.get(id).ok().map(Self::of)),
        );
        keys
    }

    /// The chain value of record `seq` holding `event`, after `prev`.
    pub(crate) fn link(&self, prev: &[u8; 32], seq: u64, event: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(prev);
        mac.update(&seq.to_be_bytes());
        mac.update(event);
        mac.finalize().into_bytes().into()
    }

    /// Checks a stored chain value (hex) against the expected one, in constant time.
    pub(crate) fn matches(stored_hex: &str, expected: &[u8; 32]) -> bool {
        unhex(stored_hex).is_some_and(|stored| {
            stored
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0
        })
    }
}

/// Lower-case hex of a chain value.
pub(crate) fn hex(bytes: &[u8; 32]) -> String {
    let mut buf = [0u8; 64];
    base16ct::lower::encode_str(bytes, &mut buf)
        .expect("64 bytes hold 32 in hex")
        .to_owned()
}

/// A chain value from 64 lower-case hex digits.
pub(crate) fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    (text.len() == 64 && base16ct::lower::decode(text, &mut out).is_ok()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretBox;

    #[test]
    fn links_depend_on_every_input_and_hex_round_trips() {
        let k = ChainKey::of(&MasterKey::from_bytes(SecretBox::new(Box::new([1; 32]))));
        let a = k.link(&GENESIS, 1, b"{}");
        assert_ne!(a, k.link(&GENESIS, 2, b"{}"));
        assert_ne!(a, k.link(&[1; 32], 1, b"{}"));
        assert_ne!(a, k.link(&GENESIS, 1, b"{ }"));
        assert_eq!(a, k.link(&GENESIS, 1, b"{}"));
        assert_eq!(unhex(&hex(&a)), Some(a));
        assert!(ChainKey::matches(&hex(&a), &a));
        assert!(!ChainKey::matches(&hex(&a).to_uppercase(), &a));
        assert!(!ChainKey::matches("00", &a));
    }
}
