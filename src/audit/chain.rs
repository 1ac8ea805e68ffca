//! The chain every audit backend shares: HMAC-SHA-256 under the keyring's
//! [`Purpose::AuditChain`] sub-key over the exact bytes of the event as stored, then the
//! sequence number (8 bytes, big-endian), then the previous record's chain value (32 zero bytes
//! before the first record). The two fixed-length fields come last so that the input is
//! unambiguous and the event — the long part — can be absorbed before the writer takes its lock
//! ([`ChainKey::absorb`]); under the lock only 40 bytes and the finalisation remain.

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
        self.absorb(event).link(prev, seq)
    }

    /// The MAC with `event` absorbed, to be finished with [`Absorbed::link`].
    pub(crate) fn absorb(&self, event: &[u8]) -> Absorbed {
        let mut mac = self.mac.clone();
        mac.update(event);
        Absorbed(mac)
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

/// A chain MAC with its event absorbed.
pub(crate) struct Absorbed(Hmac<Sha256>);

impl Absorbed {
    /// The chain value for sequence number `seq` after `prev`.
    pub(crate) fn link(self, prev: &[u8; 32], seq: u64) -> [u8; 32] {
        let mut mac = self.0;
        mac.update(&seq.to_be_bytes());
        mac.update(prev);
        mac.finalize().into_bytes().into()
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
        assert_eq!(a, k.absorb(b"{}").link(&GENESIS, 1));
        // Known answer: HMAC-SHA-256(key, event ‖ seq BE ‖ prev), computed independently.
        let key = MasterKey::from_bytes(SecretBox::new(Box::new([1; 32])))
            .subkey(Purpose::AuditChain, &[]);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose_secret()).unwrap();
        mac.update(b"{}\0\0\0\0\0\0\0\x01");
        mac.update(&GENESIS);
        assert_eq!(a, <[u8; 32]>::from(mac.finalize().into_bytes()));
        assert_eq!(unhex(&hex(&a)), Some(a));
        assert!(ChainKey::matches(&hex(&a), &a));
        assert!(!ChainKey::matches(&hex(&a).to_uppercase(), &a));
        assert!(!ChainKey::matches("00", &a));
    }
}
