//! Controls, the clauses they satisfy, and regulation profiles.
//!
//! Every control has a stable ID ([`ControlId`]) that appears in violation codes, in audit events
//! and in the [catalogue](catalogue()), which names the clauses of the register
//! ([`clause::REGISTER`]) it satisfies, the API that implements it and the tests that prove it:
//! clause → control → API → test → audit event.
//!
//! ```
//! use twsec::control::{ControlId, clause};
//!
//! let c = ControlId::PwHistory;
//! assert_eq!(c.as_str(), "PW-HISTORY");
//! assert!(c.info().clauses.contains(&clause::MOE_12_9_3));
//! ```

mod catalogue;
pub mod clause;
mod profile;

pub use catalogue::{ControlInfo, catalogue};
pub use clause::{Clause, ClauseId};
pub use profile::{Annex10Level, Profile, ProfileName, UnknownProfile};

use serde::{Deserialize, Serialize};

macro_rules! control_ids {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// The stable ID of a control.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum ControlId {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl ControlId {
            /// Every control, in catalogue order.
            pub const ALL: &'static [ControlId] = &[$(ControlId::$variant,)*];

            /// The stable textual ID, e.g. `"PW-HISTORY"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ControlId::$variant => $code,)*
                }
            }

            /// Parses a textual ID.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($code => Some(ControlId::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

control_ids! {
    /// Minimum and maximum password length.
    PwLength = "PW-LENGTH",
    /// Character classes a password must contain.
    PwClasses = "PW-CLASSES",
    /// No reuse of the last N passwords.
    PwHistory = "PW-HISTORY",
    /// The new password may not equal the current one.
    PwSameAsPrevious = "PW-SAME-AS-PREVIOUS",
    /// No personal or organisational information in the password.
    PwPersonalInfo = "PW-PERSONAL-INFO",
    /// No common, leaked or keyboard-pattern password.
    PwCommon = "PW-COMMON",
    /// No long runs of one repeated character.
    PwRepeated = "PW-REPEATED",
    /// No alphabetical, numerical or keyboard-row sequences.
    PwSequential = "PW-SEQUENTIAL",
    /// Unicode normalisation (NFKC) before checking and hashing.
    PwNormalization = "PW-NORMALIZATION",
    /// Passwords stored only as salted argon2id hashes, optionally peppered.
    PwStorage = "PW-STORAGE",
    /// Random initial and reset passwords, unrelated to identity, expiring, must change.
    PwInitial = "PW-INITIAL",
    /// Account names: no national ID or UI number, no organisation code, no default admin name.
    AccName = "ACC-NAME",
    /// The password must be changed at first login and after an administrator's reset.
    AccMustChange = "ACC-MUST-CHANGE",
    /// Maximum password age, with advance warning.
    AccMaxAge = "ACC-MAX-AGE",
    /// Minimum password age.
    AccMinAge = "ACC-MIN-AGE",
    /// Accounts unused for the dormancy period are disabled, including never-used ones.
    AccDormancy = "ACC-DORMANCY",
    /// Disabled accounts are re-enabled only by a recorded operator action.
    AccReenable = "ACC-REENABLE",
    /// Disabling accounts (administrator, off-boarding, expired temporary accounts).
    AccDisable = "ACC-DISABLE",
    /// 256-bit key files with private permissions, public key IDs, passphrase-derived keys.
    CryKeyFile = "CRY-KEY-FILE",
    /// A separate HKDF sub-key for every purpose of one master key.
    CryKeySeparation = "CRY-KEY-SEPARATION",
    /// Key rotation: one active key, retired keys kept for decryption, re-encryption.
    CryKeyRotation = "CRY-KEY-ROTATION",
    /// Secrets in configuration files sealed with AES-256-GCM, bound to purpose and field.
    CrySealedValue = "CRY-SEALED-VALUE",
    /// Backup files encrypted with streaming AES-256-GCM; tampering and truncation detected.
    CryBackup = "CRY-BACKUP",
    /// Restore test: a backup is decrypted and checked, reporting size and SHA-256.
    CryRestoreTest = "CRY-RESTORE-TEST",
    /// One audit event format: kind, UTC time, actor, source, system, function, target,
    /// outcome, control; free text sanitised against log injection; OCSF export.
    AudEvent = "AUD-EVENT",
    /// The audit log is HMAC-chained: any change, deletion, insertion or reordering is detected
    /// at its record; torn writes are repaired and recorded.
    AudChain = "AUD-CHAIN",
    /// Signed checkpoints exported to another system detect truncation by the key holder.
    AudCheckpoint = "AUD-CHECKPOINT",
    /// Rotation by size and day with the chain continuing; retention set by the profile;
    /// pruning only of checkpointed files, recorded as an event.
    AudRetention = "AUD-RETENTION",
    /// A failing audit sink fails closed or falls back to a secondary sink, and alerts.
    AudFailure = "AUD-FAILURE",
    /// Reading the audit log takes an explicit reader capability.
    AudReadAccess = "AUD-READ-ACCESS",
    /// The audit chain in PostgreSQL: append-only table, insert-and-select-only writer role,
    /// one chain shared by every application instance.
    AudDatabase = "AUD-DATABASE",
    /// Lockout after 5 failures for at least 15 minutes, exact under concurrency, per account,
    /// source IP and account+IP; automatic and operator unlock recorded.
    AuthLockout = "AUTH-LOCKOUT",
    /// A challenge (CAPTCHA, step-up) before the hard lock; trusted networks; attempts without
    /// a challenge are not counted, so victims cannot be locked out cheaply.
    AuthChallenge = "AUTH-CHALLENGE",
    /// Unknown accounts and wrong passwords get the same code, body and timing (dummy hash).
    AuthEnumeration = "AUTH-ENUMERATION",
    /// Anomalies detected and alerted: one IP on many accounts, many failing accounts, repeated
    /// failures, several countries, blocklisted ranges, outside permitted hours.
    AuthAnomaly = "AUTH-ANOMALY",
    /// The account owner is told through another channel of failed passwords, locks, unusual
    /// sources, resets, certificate and profile changes.
    AuthNotify = "AUTH-NOTIFY",
    /// Password reset with one-time, time-limited, hashed tokens after identity confirmation.
    AuthReset = "AUTH-RESET",
    /// TOTP (RFC 6238) second factor: sealed secrets, replay refused, skew bounded, wrong codes
    /// locked like passwords.
    MfaTotp = "MFA-TOTP",
    /// Two of three factor categories; a sensitive operation needs a factor other than the
    /// login's.
    MfaFactors = "MFA-FACTORS",
    /// Recovery codes: keyed hashes only, single use.
    MfaRecovery = "MFA-RECOVERY",
}

impl ControlId {
    /// This control's catalogue entry.
    pub fn info(self) -> &'static ControlInfo {
        catalogue()
            .iter()
            .find(|c| c.id == self)
            .expect("every ControlId has a catalogue entry (checked by a test)")
    }
}

impl std::fmt::Display for ControlId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
