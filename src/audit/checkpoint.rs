//! Signed checkpoints: (log, sequence number, chain value, time), signed with Ed25519.
//!
//! A hash chain shows that records were changed, inserted or removed in the middle; it cannot
//! show that the key holder cut records off the end and carried on. A checkpoint copied to
//! another system (A10-AU 高: copies kept outside the system) can: [`verify`](super::verify)
//! fails when the log holds fewer records than a checkpoint, or a different chain value at the
//! checkpoint's sequence number. The signature lets that other system check a checkpoint with
//! the public key alone ([`checkpoint_public_key`]); it never needs the secret.

use std::fs::OpenOptions;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::chain::hex;
use super::error::AuditError;
use crate::crypto::{Keyring, MasterKey, Purpose};

/// A signed statement that record `seq` of log `log` has chain value `chain`.
///
/// Serialised as one JSON line; `twsec audit checkpoint` prints it for export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checkpoint {
    /// The log's file name.
    pub log: String,
    /// The sequence number covered.
    pub seq: u64,
    /// The chain value of record `seq` (hex).
    pub chain: String,
    /// When the checkpoint was taken (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// The Ed25519 public key that signed it (hex).
    pub key: String,
    /// The Ed25519 signature (hex) of [`Checkpoint::signed_bytes`].
    pub signature: String,
}

fn signing_key(master: &MasterKey) -> SigningKey {
    let seed = master.subkey(Purpose::AuditCheckpoint, &[]);
    SigningKey::from_bytes(seed.expose_secret())
}

fn hex_of(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// The public key (hex) that verifies checkpoints signed with the keyring's active key. Give it
/// to whoever keeps the exported checkpoints.
pub fn checkpoint_public_key(keyring: &Keyring) -> String {
    hex_of(signing_key(keyring.active()).verifying_key().as_bytes())
}

/// The keys of a keyring for checkpoints: the active one signs, every one is trusted.
pub(crate) struct Signer {
    key: SigningKey,
    trusted: Vec<String>,
}

impl Signer {
    pub(crate) fn of(keyring: &Keyring) -> Self {
        let trusted = keyring
            .ids()
            .into_iter()
            .filter_map(|id| keyring.get(id).ok())
            .map(|m| hex_of(signing_key(m).verifying_key().as_bytes()))
            .collect();
        Self {
            key: signing_key(keyring.active()),
            trusted,
        }
    }

    /// `true` when one of the keyring's keys signed `cp`.
    pub(crate) fn trusts(&self, cp: &Checkpoint) -> bool {
        self.trusted.iter().any(|pk| cp.verify_signature(pk))
    }

    pub(crate) fn sign(
        &self,
        log: &str,
        seq: u64,
        chain: &[u8; 32],
        time: OffsetDateTime,
    ) -> Checkpoint {
        Checkpoint::sign_with(&self.key, log, seq, chain, time)
    }
}

impl Checkpoint {
    fn sign_with(
        key: &SigningKey,
        log: &str,
        seq: u64,
        chain: &[u8; 32],
        time: OffsetDateTime,
    ) -> Self {
        let mut cp = Checkpoint {
            log: log.to_owned(),
            seq,
            chain: hex(chain),
            time: time.to_offset(time::UtcOffset::UTC),
            key: hex_of(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        cp.signature = hex_of(&key.sign(&cp.signed_bytes()).to_bytes());
        cp
    }

    /// The bytes the signature covers: a domain label, then log, seq, chain and time (Unix
    /// nanoseconds), one per line.
    pub fn signed_bytes(&self) -> Vec<u8> {
        format!(
            "twsec audit checkpoint v1\n{}\n{}\n{}\n{}\n",
            self.log,
            self.seq,
            self.chain,
            self.time.unix_timestamp_nanos()
        )
        .into_bytes()
    }

    /// `true` when the signature verifies under `public_key` (hex), the key the verifier
    /// trusts — not the `key` field, which anyone could replace.
    pub fn verify_signature(&self, public_key: &str) -> bool {
        let mut pk = [0u8; 32];
        let mut sig = [0u8; 64];
        if public_key.len() != 64
            || base16ct::lower::decode(public_key, &mut pk).is_err()
            || self.signature.len() != 128
            || base16ct::lower::decode(&self.signature, &mut sig).is_err()
        {
            return false;
        }
        VerifyingKey::from_bytes(&pk).is_ok_and(|k| {
            k.verify(&self.signed_bytes(), &Signature::from_bytes(&sig))
                .is_ok()
        })
    }

    /// The checkpoint as one JSON line (without the newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses one JSON line.
    pub fn parse(line: &str) -> Result<Self, AuditError> {
        serde_json::from_str(line).map_err(|e| AuditError::BadCheckpoints {
            file: String::new(),
            reason: format!("not a checkpoint: {e}"),
        })
    }
}

/// The checkpoints kept beside a log, oldest first. A torn last line (a crash while one was
/// appended) is ignored; any other bad line, or a checkpoint the keyring did not sign, is an
/// error: the file is evidence too.
pub(crate) fn load(path: &Path, signer: &Signer) -> Result<Vec<Checkpoint>, AuditError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(out);
        }
        let Some(text) = line.strip_suffix('\n') else {
            return Ok(out);
        };
        let bad = |reason: String| AuditError::BadCheckpoints {
            file: path.display().to_string(),
            reason,
        };
        let cp = Checkpoint::parse(text).map_err(|e| match e {
            AuditError::BadCheckpoints { reason, .. } => bad(reason),
            other => other,
        })?;
        if !signer.trusts(&cp) {
            return Err(bad(format!(
                "the checkpoint for record {} is not signed by this keyring",
                cp.seq
            )));
        }
        out.push(cp);
    }
}

/// Appends a checkpoint to the file beside the log and syncs it.
pub(crate) fn append(path: &Path, cp: &Checkpoint) -> Result<(), AuditError> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let mut line = cp.to_json();
    line.push('\n');
    file.write_all(line.as_bytes())?;
    file.sync_data()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretBox;
    use time::macros::datetime;

    fn ring(b: u8) -> Keyring {
        Keyring::new(MasterKey::from_bytes(SecretBox::new(Box::new([b; 32]))))
    }

    #[test]
    fn signatures_verify_with_the_public_key_only() {
        let cp = Signer::of(&ring(1)).sign(
            "audit.jsonl",
            42,
            &[9; 32],
            datetime!(2026-11-23 12:00 +08:00),
        );
        let pk = checkpoint_public_key(&ring(1));
        assert_eq!(cp.key, pk);
        assert!(cp.verify_signature(&pk));
        assert!(!cp.verify_signature(&checkpoint_public_key(&ring(2))));
        let rotated =
            ring(3).with_retired(MasterKey::from_bytes(SecretBox::new(Box::new([1; 32]))));
        assert!(Signer::of(&rotated).trusts(&cp));
        assert!(!Signer::of(&ring(3)).trusts(&cp));
        let back = Checkpoint::parse(&cp.to_json()).unwrap();
        assert_eq!(back, cp);
        for tamper in [
            Checkpoint {
                seq: 41,
                ..cp.clone()
            },
            Checkpoint {
                log: "other.jsonl".into(),
                ..cp.clone()
            },
            Checkpoint {
                chain: hex(&[8; 32]),
                ..cp.clone()
            },
            Checkpoint {
                time: cp.time + time::Duration::SECOND,
                ..cp.clone()
            },
        ] {
            assert!(!tamper.verify_signature(&pk), "{tamper:?}");
        }
        assert!(!cp.verify_signature("zz"));
    }
}
