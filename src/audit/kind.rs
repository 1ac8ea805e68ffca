//! Event kinds: the OWASP Logging Vocabulary, plus the events Taiwanese rules name.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// What happened, named after the OWASP Logging Vocabulary.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventKind {
            $($(#[$doc])* $variant,)*
        }

        impl EventKind {
            /// Every kind.
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant,)*];

            /// The vocabulary name, e.g. `"authn_login_fail"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $name,)*
                }
            }

            /// Parses a vocabulary name.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($name => Some(EventKind::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    /// A successful login.
    AuthnLoginSuccess = "authn_login_success",
    /// A successful login after earlier failures.
    AuthnLoginSuccessAfterFail = "authn_login_successafterfail",
    /// A failed login.
    AuthnLoginFail = "authn_login_fail",
    /// A failed login that reached the failure limit.
    AuthnLoginFailMax = "authn_login_fail_max",
    /// An account locked after failures (TWSE-8.3.e).
    AuthnLoginLock = "authn_login_lock",
    /// An account unlocked, automatically or by an operator.
    AuthnLoginUnlock = "authn_login_unlock",
    /// A password changed.
    AuthnPasswordChange = "authn_password_change",
    /// A password change refused.
    AuthnPasswordChangeFail = "authn_password_change_fail",
    /// A login from an impossible location or sequence of places.
    AuthnImpossibleTravel = "authn_impossible_travel",
    /// A second factor enrolled.
    AuthnMfaEnrolled = "authn_mfa_enrolled",
    /// A second factor removed.
    AuthnMfaRemoved = "authn_mfa_removed",
    /// A second factor verified.
    AuthnMfaSuccess = "authn_mfa_success",
    /// A second factor refused.
    AuthnMfaFail = "authn_mfa_fail",
    /// A token (reset link, API token) created.
    AuthnTokenCreated = "authn_token_created",
    /// A token revoked.
    AuthnTokenRevoked = "authn_token_revoked",
    /// A revoked or used token presented again.
    AuthnTokenReuse = "authn_token_reuse",
    /// Access refused.
    AuthzFail = "authz_fail",
    /// A permission changed.
    AuthzChange = "authz_change",
    /// An administrative action (TXG-24.2.9, TWSE-7.2.b.c).
    AuthzAdmin = "authz_admin",
    /// A rate limit was exceeded.
    ExcessRateLimitExceeded = "excess_rate_limit_exceeded",
    /// An upload completed.
    UploadComplete = "upload_complete",
    /// An uploaded file stored.
    UploadStored = "upload_stored",
    /// An upload checked (accepted or refused) by the whitelist.
    UploadValidation = "upload_validation",
    /// An uploaded file deleted.
    UploadDelete = "upload_delete",
    /// Input refused by server-side validation.
    InputValidationFail = "input_validation_fail",
    /// Personal or sensitive data created (TPE-9.3).
    SensitiveCreate = "sensitive_create",
    /// Personal or sensitive data read (TWSE-8.5.k).
    SensitiveRead = "sensitive_read",
    /// Personal or sensitive data updated (TXG-22.1, TWSE-8.5.i).
    SensitiveUpdate = "sensitive_update",
    /// Personal or sensitive data deleted.
    SensitiveDelete = "sensitive_delete",
    /// Personal or sensitive data exported (TPE-9.4).
    SensitiveExport = "sensitive_export",
    /// Personal or sensitive data printed (TPE-9.3).
    SensitivePrint = "sensitive_print",
    /// A session created.
    SessionCreated = "session_created",
    /// A session renewed.
    SessionRenewed = "session_renewed",
    /// A session expired (idle or absolute timeout).
    SessionExpired = "session_expired",
    /// A session ended by logout (TXG-24.2.9).
    SessionEnded = "session_ended",
    /// An expired session used.
    SessionUseAfterExpire = "session_use_after_expire",
    /// An account created.
    UserCreated = "user_created",
    /// An account changed.
    UserUpdated = "user_updated",
    /// An account disabled.
    UserDisabled = "user_disabled",
    /// An account re-enabled.
    UserEnabled = "user_enabled",
    /// An account deleted.
    UserDeleted = "user_deleted",
    /// The system started (MOE-31).
    SysStartup = "sys_startup",
    /// The system stopped (MOE-31).
    SysShutdown = "sys_shutdown",
    /// A system error (MOE-31, TPE-8.2).
    SysError = "sys_error",
    /// A correction: repaired data, a repaired log (MOE-31, TPE-8.2).
    SysCorrection = "sys_correction",
    /// The audit trail itself failed (TWSE-8.4.d, A10-AU).
    AuditFailure = "audit_failure",
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        EventKind::parse(&s).ok_or_else(|| serde::de::Error::custom("unknown audit event kind"))
    }
}

impl From<crate::account::EventKind> for EventKind {
    fn from(k: crate::account::EventKind) -> Self {
        use crate::account::EventKind as A;
        match k {
            A::UserCreated => EventKind::UserCreated,
            A::UserDisabled => EventKind::UserDisabled,
            A::UserEnabled => EventKind::UserEnabled,
            A::PasswordChange => EventKind::AuthnPasswordChange,
            A::PasswordChangeFail => EventKind::AuthnPasswordChangeFail,
            A::LoginSuccess => EventKind::AuthnLoginSuccess,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for k in EventKind::ALL {
            let name = k.as_str();
            assert!(seen.insert(name), "{name}");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name}"
            );
            assert_eq!(EventKind::parse(name), Some(*k));
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), *k);
        }
        assert_eq!(EventKind::parse("authn_login_nope"), None);
        assert!(serde_json::from_str::<EventKind>("\"nope\"").is_err());
    }

    #[test]
    fn account_events_map_to_the_vocabulary() {
        use crate::account::EventKind as A;
        for (a, b) in [
            (A::UserCreated, "user_created"),
            (A::UserDisabled, "user_disabled"),
            (A::UserEnabled, "user_enabled"),
            (A::PasswordChange, "authn_password_change"),
            (A::PasswordChangeFail, "authn_password_change_fail"),
            (A::LoginSuccess, "authn_login_success"),
        ] {
            assert_eq!(EventKind::from(a).as_str(), b);
            assert_eq!(a.as_str(), b);
        }
    }
}
