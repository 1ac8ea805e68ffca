//! The control catalogue: control → clauses → API → tests.

use serde::Serialize;

use super::ControlId;
use super::clause::{self, ClauseId};

/// One control of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ControlInfo {
    /// The control.
    pub id: ControlId,
    /// What it does, in English.
    pub title: &'static str,
    /// What it does, in Traditional Chinese.
    pub title_zh: &'static str,
    /// The register clauses it satisfies.
    pub clauses: &'static [ClauseId],
    /// The public API that implements it.
    pub api: &'static [&'static str],
    /// Tests that prove it, as `file::function` (checked by a test to exist).
    pub tests: &'static [&'static str],
}

use ControlId as C;
use clause::*;

const CATALOGUE: &[ControlInfo] = &[
    ControlInfo {
        id: C::PwLength,
        title: "Minimum and maximum password length; oversized input refused in O(1)",
        title_zh: "密碼長度下限與上限",
        clauses: &[TPE_7_4, MOE_12_9_1, TWSE_8_3_F, A10_IA_2],
        api: &[
            "password::PasswordPolicy::check",
            "password::PasswordPolicy::min_length",
        ],
        tests: &[
            "tests/password_rules.rs::length_rules",
            "src/password/rules.rs::too_long_input_is_refused_before_normalising",
        ],
    },
    ControlInfo {
        id: C::PwClasses,
        title: "Required character classes",
        title_zh: "密碼字元類別（複雜度）",
        clauses: &[TPE_7_4, TWSE_8_3_F, A10_IA_2],
        api: &["password::PasswordPolicy::check", "password::ClassRule"],
        tests: &[
            "tests/password_rules.rs::class_rules_per_profile",
            "src/password/rules.rs::class_groups",
        ],
    },
    ControlInfo {
        id: C::PwHistory,
        title: "No reuse of the last N passwords; history kept across administrator resets",
        title_zh: "不得重複使用前 N 次密碼",
        clauses: &[MOE_12_9_3, A10_IA_2],
        api: &[
            "account::Accounts::change_password",
            "account::CredentialRecord::history",
        ],
        tests: &["tests/account_lifecycle.rs::history_blocks_reuse_and_survives_admin_reset"],
    },
    ControlInfo {
        id: C::PwSameAsPrevious,
        title: "The new password may not equal the current one",
        title_zh: "新密碼不得與前次密碼相同",
        clauses: &[TWSE_8_3_F, A10_IA_2],
        api: &["account::Accounts::change_password"],
        tests: &["tests/account_lifecycle.rs::same_as_previous_is_refused"],
    },
    ControlInfo {
        id: C::PwPersonalInfo,
        title: "No personal or organisational information, national ID or UI number in the password",
        title_zh: "密碼不得包含個人資料、身分證字號或機關學校代碼",
        clauses: &[MOE_12_9_5],
        api: &["password::PersonalInfo", "password::PasswordPolicy::check"],
        tests: &[
            "tests/password_rules.rs::personal_information_table",
            "src/password/rules.rs::personal_info_containment_reversed_and_separated",
        ],
    },
    ControlInfo {
        id: C::PwCommon,
        title: "No common, leaked or keyboard-pattern password (bundled list, folded)",
        title_zh: "不得使用常見或鍵盤排列之弱密碼",
        clauses: &[MOE_12_9_5, TWSE_8_3_G],
        api: &[
            "password::PasswordPolicy::check",
            "password::common_list_len",
        ],
        tests: &["tests/password_rules.rs::common_and_keyboard_passwords"],
    },
    ControlInfo {
        id: C::PwRepeated,
        title: "No long runs of one character",
        title_zh: "不得連續重複同一字元",
        clauses: &[TWSE_8_3_G, MOE_12_9_5],
        api: &["password::PasswordPolicy::max_repeated"],
        tests: &["tests/password_rules.rs::repeats_and_sequences"],
    },
    ControlInfo {
        id: C::PwSequential,
        title: "No alphabetical, numerical or keyboard-row sequences",
        title_zh: "不得使用連續字元或鍵盤排列",
        clauses: &[TWSE_8_3_G, MOE_12_9_5],
        api: &["password::PasswordPolicy::max_sequential"],
        tests: &["tests/password_rules.rs::repeats_and_sequences"],
    },
    ControlInfo {
        id: C::PwNormalization,
        title: "NFKC normalisation before checking and hashing; control characters refused",
        title_zh: "密碼於檢查與雜湊前進行 NFKC 正規化（全形半形一致）",
        clauses: &[TPE_7_9, A10_IA_2],
        api: &["password::PasswordPolicy::check", "password::Hasher::hash"],
        tests: &[
            "tests/hashing.rs::full_width_verifies_against_half_width",
            "src/password/rules.rs::full_width_input_is_judged_as_half_width",
        ],
    },
    ControlInfo {
        id: C::PwStorage,
        title: "Salted argon2id hashes (PHC), pepper kept apart, needs_rehash, bounded concurrency",
        title_zh: "密碼以 argon2id 加鹽雜湊儲存，胡椒值分開保管",
        clauses: &[TPE_7_10, TPE_6_8, TWSE_8_3_B, TWSE_8_5_C, A10_IA_5],
        api: &[
            "password::Hasher",
            "account::Accounts::verify_and_upgrade",
            "password::Pepper",
            "password::PasswordHash",
        ],
        tests: &[
            "tests/hashing.rs::hash_is_argon2id_phc_without_pepper",
            "tests/hashing.rs::pepper_rotation_and_needs_rehash",
            "tests/hashing.rs::malformed_stored_hashes_are_errors",
            "tests/hashing.rs::libargon2_vectors_verify",
            "tests/account_lifecycle.rs::login_upgrades_weak_hashes",
        ],
    },
    ControlInfo {
        id: C::PwInitial,
        title: "Random initial and reset passwords: CSPRNG, policy-compliant, unrelated to identity, expiring",
        title_zh: "初始密碼隨機產生，與身分無關，並有使用期限",
        clauses: &[TWSE_8_3_D, A10_IA_2],
        api: &[
            "password::PasswordPolicy::generate",
            "account::Accounts::create",
            "account::Accounts::admin_reset",
        ],
        tests: &[
            "tests/password_rules.rs::generated_passwords_satisfy_every_profile",
            "tests/account_lifecycle.rs::temporary_password_expires",
        ],
    },
    ControlInfo {
        id: C::AccName,
        title: "Account names: no national ID, UI number, organisation code or default administrator name",
        title_zh: "帳號不得使用身分證字號、機關學校代碼或預設管理者名稱",
        clauses: &[MOE_12_9_5, TWSE_8_3_G],
        api: &["password::check_account_name", "account::Accounts::create"],
        tests: &[
            "src/password/account_name.rs::negative_table",
            "tests/account_lifecycle.rs::create_refuses_bad_names",
        ],
    },
    ControlInfo {
        id: C::AccMustChange,
        title: "Password change forced at first login, after an administrator's reset and on recovery",
        title_zh: "首次登入及管理者重設後須立即變更密碼",
        clauses: &[TPE_7_1, TPE_7_5, TWSE_8_3_A, A10_IA_2],
        api: &["account::evaluate", "account::LoginDecision::MustChange"],
        tests: &["tests/account_lifecycle.rs::first_login_must_change"],
    },
    ControlInfo {
        id: C::AccMaxAge,
        title: "Maximum password age with advance warning; customer reminder",
        title_zh: "密碼最長使用期限與到期提醒",
        clauses: &[MOE_12_9_2, TWSE_8_3_F, A10_IA_2, TPE_7_5],
        api: &["account::AccountPolicy::max_age", "account::Notice"],
        tests: &["tests/account_lifecycle.rs::expiry_warning_then_forced_change"],
    },
    ControlInfo {
        id: C::AccMinAge,
        title: "Minimum password age (waived for forced changes and administrator resets)",
        title_zh: "密碼最短使用期限",
        clauses: &[MOE_12_9_2, A10_IA_2],
        api: &[
            "account::AccountPolicy::min_age",
            "account::Accounts::change_password",
        ],
        tests: &["tests/account_lifecycle.rs::min_age_blocks_quick_changes"],
    },
    ControlInfo {
        id: C::AccDormancy,
        title: "Dormant accounts disabled, measured from last login or creation; nightly sweep",
        title_zh: "閒置帳號停用（含從未登入之帳號）",
        clauses: &[TPE_7_6, TWSE_8_2_F, A10_AC_1],
        api: &[
            "account::Accounts::dormancy_sweep",
            "account::Accounts::enforce",
        ],
        tests: &[
            "tests/account_lifecycle.rs::dormancy_counts_never_logged_in_accounts",
            "tests/account_lifecycle.rs::sweep_disables_dormant_and_expired_temporary_accounts",
        ],
    },
    ControlInfo {
        id: C::AccReenable,
        title: "Re-enabling records operator and reason and forces a password change",
        title_zh: "帳號重新啟用須記錄操作者與理由並強制變更密碼",
        clauses: &[TPE_7_6, TWSE_8_2_G, A10_AC_1],
        api: &["account::Accounts::reenable"],
        tests: &["tests/account_lifecycle.rs::reenable_records_operator_and_forces_change"],
    },
    ControlInfo {
        id: C::AccDisable,
        title: "Accounts disabled by an administrator, on off-boarding, or when a temporary account ends",
        title_zh: "帳號停用（管理者、離職、臨時帳號到期）",
        clauses: &[KHH_6_1_5, TWSE_8_2_G, A10_AC_1],
        api: &[
            "account::Accounts::disable",
            "account::Accounts::dormancy_sweep",
        ],
        tests: &[
            "tests/account_lifecycle.rs::sweep_disables_dormant_and_expired_temporary_accounts",
            "tests/account_lifecycle.rs::disable_requires_operator",
        ],
    },
    ControlInfo {
        id: C::CryKeyFile,
        title: "256-bit key files created 0600 and refused when others may read them; public key IDs; passphrase-derived keys (argon2id); keys zeroized",
        title_zh: "金鑰檔案權限管控（0600）、金鑰識別碼、以通行碼衍生金鑰",
        clauses: &[A10_SC_1],
        api: &["crypto::MasterKey", "crypto::PassphraseKeyFile"],
        tests: &[
            "tests/crypto_keys.rs::key_file_round_trip_with_private_mode",
            "tests/crypto_keys.rs::group_or_world_accessible_key_files_are_refused",
            "tests/crypto_keys.rs::key_file_negative_table",
            "tests/crypto_keys.rs::passphrase_keys_derive_again_and_refuse_wrong_passphrases",
        ],
    },
    ControlInfo {
        id: C::CryKeySeparation,
        title: "One HKDF-SHA-256 sub-key per purpose (config, backup, audit chain, personal data)",
        title_zh: "金鑰依用途分離（HKDF 衍生子金鑰）",
        clauses: &[A10_SC_1],
        api: &["crypto::MasterKey::subkey", "crypto::Purpose"],
        tests: &["tests/crypto_keys.rs::subkeys_differ_by_purpose_and_salt"],
    },
    ControlInfo {
        id: C::CryKeyRotation,
        title: "Keyring with one active key and retired keys for decryption; re-encryption under the active key",
        title_zh: "金鑰定期更換（金鑰環與重新加密）",
        clauses: &[A10_SC_1],
        api: &["crypto::Keyring", "crypto::backup::rewrap"],
        tests: &[
            "tests/crypto_keys.rs::sealed_values_round_trip_and_rotate",
            "tests/backup.rs::rewrap_moves_a_backup_to_the_active_key",
        ],
    },
    ControlInfo {
        id: C::CrySealedValue,
        title: "Configuration secrets and data fields sealed with AES-256-GCM, bound to key, purpose and field",
        title_zh: "設定檔機敏資訊與個人資料欄位加密儲存",
        clauses: &[TPE_6_7, TWSE_7_2_B_G, A10_SC_2, TXG_24_7_6],
        api: &["crypto::Keyring::seal", "crypto::SealedString"],
        tests: &[
            "tests/crypto_keys.rs::sealed_value_negative_table",
            "tests/crypto_keys.rs::sealed_string_in_a_config_file",
            "tests/crypto_keys.rs::seal_open_round_trip",
        ],
    },
    ControlInfo {
        id: C::CryBackup,
        title: "Backup files encrypted with streaming AES-256-GCM (STREAM): tampering, truncation, appending, reordering and splicing detected; no partial plaintext left on failure",
        title_zh: "資料庫備份檔案加密（串流式 AES-256-GCM），竄改與截斷可偵測",
        clauses: &[TPE_10_3, A10_SC_2],
        api: &[
            "crypto::backup::encrypt",
            "crypto::backup::decrypt",
            "crypto::backup::encrypt_file",
            "crypto::backup::decrypt_file",
            "crypto::backup::write_new_file",
        ],
        tests: &[
            "tests/backup.rs::every_single_bit_flip_is_rejected",
            "tests/backup.rs::truncation_at_every_length_is_rejected",
            "tests/backup.rs::appended_bytes_are_rejected",
            "tests/backup.rs::reordered_dropped_and_duplicated_chunks_are_rejected",
            "tests/backup.rs::chunks_spliced_from_another_backup_with_the_same_key_are_rejected",
            "tests/backup.rs::file_errors_leave_nothing_behind",
            "tests/backup.rs::write_new_file_decrypts_a_stream_atomically",
            "src/crypto/backup/tests.rs::a_backup_sealed_for_another_purpose_does_not_open",
        ],
    },
    ControlInfo {
        id: C::CryRestoreTest,
        title: "Restore test: a backup is decrypted and discarded, reporting size and SHA-256 of the plaintext",
        title_zh: "備份還原測試（驗證備份完整性）",
        clauses: &[TWSE_7_2_C_E],
        api: &["crypto::backup::verify"],
        tests: &[
            "tests/backup.rs::verify_reports_the_size_and_sha256_of_the_plaintext",
            "tests/backup.rs::files_round_trip_with_a_private_restored_file",
        ],
    },
    ControlInfo {
        id: C::AudEvent,
        title: "One audit event format: OWASP kind, UTC time, actor (name and title), source IP and host, system and function, target fields, outcome, control; log-injection-safe text; OCSF export",
        title_zh: "單一日誌格式：事件類型、UTC 時間、使用者、來源位址、系統與功能、對象、結果",
        clauses: &[
            TPE_8_1, MOE_42_1_5, TWSE_8_4_A, TWSE_8_5_B, TWSE_8_5_K, TXG_12, A10_AU,
        ],
        api: &[
            "audit::AuditEvent",
            "audit::EventKind",
            "audit::to_ocsf",
            "audit::sanitize",
        ],
        tests: &[
            "tests/audit_events.rs::account_transitions_become_audit_events",
            "tests/audit_events.rs::sanitized_text_is_one_safe_line",
            "src/audit/event.rs::injection_is_neutralised_in_every_text_field",
            "src/audit/event.rs::events_are_time_ordered_and_utc",
            "src/audit/ocsf.rs::classes_named_by_the_issue",
        ],
    },
    ControlInfo {
        id: C::AudChain,
        title: "Tamper-evident audit log: HMAC-SHA-256 chain with dense sequence numbers; verify names the first bad record; a torn last write is repaired and recorded as sys_correction",
        title_zh: "日誌完整性保護（雜湊鏈），竄改、刪除、插入可偵測",
        clauses: &[KHH_12_2, TXG_24_2_10, A10_AU, TPE_8_2],
        api: &["audit::FileSink", "audit::verify"],
        tests: &[
            "tests/audit_log.rs::modifying_any_byte_of_any_record_is_detected_at_that_record",
            "tests/audit_log.rs::deleted_duplicated_reordered_inserted_and_truncated_records",
            "tests/audit_log.rs::a_torn_last_line_is_repaired_and_recorded",
            "tests/audit_log.rs::concurrent_appends_are_dense_and_chained",
            "tests/fuzz_regressions.rs::audit_reader_corpus_holds_invariants",
            "tests/audit_rotation.rs::a_missing_or_altered_rotated_file_is_named",
            "tests/audit_rotation.rs::a_log_spans_a_master_key_rotation",
        ],
    },
    ControlInfo {
        id: C::AudCheckpoint,
        title: "Ed25519-signed checkpoints (sequence, chain value, time) exported to another system; verify detects records cut off the end or rewritten by the key holder",
        title_zh: "日誌檢查點簽章並備份至其他系統，可偵測截斷或改寫",
        clauses: &[A10_AU, KHH_12_2, TXG_24_2_10, TWSE_8_4_C],
        api: &[
            "audit::FileSink::checkpoint",
            "audit::Checkpoint",
            "audit::checkpoint_public_key",
            "audit::AuditReader::verify_against",
        ],
        tests: &[
            "tests/audit_rotation.rs::checkpoints_detect_truncation_by_the_key_holder",
            "src/audit/checkpoint.rs::signatures_verify_with_the_public_key_only",
        ],
    },
    ControlInfo {
        id: C::AudRetention,
        title: "Rotation by size and by day with the chain continuing; retention from the profile (6 months KHH/A10, 3 years TWSE); only checkpointed rotated files are pruned, and the pruning is recorded",
        title_zh: "日誌輪替與保存期限（6 個月／3 年），刪除前須有檢查點並留下紀錄",
        clauses: &[KHH_12_3, TWSE_8_4_C, A10_AU],
        api: &[
            "audit::LogOptions",
            "audit::FileSink::prune",
            "control::Profile::audit_retention",
        ],
        tests: &[
            "tests/audit_rotation.rs::size_rotation_keeps_one_chain_across_files_and_reopens",
            "tests/audit_rotation.rs::daily_rotation_follows_the_taipei_calendar",
            "tests/audit_rotation.rs::pruning_follows_the_profile_retention_and_only_removes_checkpointed_files",
        ],
    },
    ControlInfo {
        id: C::AudFailure,
        title: "Audit failure response: fail closed or fall back to a secondary sink with an audit_failure notice; an alert hook on every failure; never a silent drop; a failed fsync stops the sink",
        title_zh: "日誌處理失效時之因應（失效即拒絕或改寫備援並告警）",
        clauses: &[TWSE_8_4_D, A10_AU, TPE_8_2],
        api: &[
            "audit::AuditTrail",
            "audit::FailurePolicy",
            "audit::AuditSink",
        ],
        tests: &[
            "tests/audit_rotation.rs::a_failing_sink_fails_closed_or_falls_back_and_always_alerts",
            "tests/audit_rotation.rs::group_commit_submissions_are_durable_when_waited_for",
            "tests/audit_tracing.rs::recorded_events_and_failures_are_mirrored_to_tracing",
        ],
    },
    ControlInfo {
        id: C::AudReadAccess,
        title: "Reading audit events takes an explicit reader capability opened with the keyring; the writer cannot read back; exports (JSON Lines, OCSF) hand out only verified records",
        title_zh: "僅授權者可讀取稽核日誌",
        clauses: &[MOE_42_1_5, A10_AU],
        api: &["audit::AuditReader", "audit::ExportFormat"],
        tests: &["tests/audit_rotation.rs::the_reader_exports_verified_events_as_jsonl_and_ocsf"],
    },
    ControlInfo {
        id: C::AudDatabase,
        title: "Audit chain in PostgreSQL (feature postgres): append-only table refusing UPDATE/DELETE/TRUNCATE, a writer role with INSERT and SELECT only, one chain serialised across instances by an advisory lock, verification by pages",
        title_zh: "資料庫稽核日誌：僅可新增與查詢之帳號，任何人不得修改或刪除",
        clauses: &[KHH_12_2, TXG_24_2_10, A10_AU, TWSE_8_4_C],
        api: &[
            "audit::PgSink",
            "audit::migrate_postgres",
            "audit::verify_postgres",
        ],
        tests: &[
            "tests/audit_postgres.rs::writer_role_may_only_insert_and_select",
            "tests/audit_postgres.rs::threads_with_their_own_connections_share_one_dense_chain",
            "tests/audit_postgres.rs::processes_share_one_dense_chain",
            "tests/audit_postgres.rs::tampering_is_reported_at_the_right_row",
        ],
    },
    ControlInfo {
        id: C::AuthLockout,
        title: "Lockout: 5 failures lock for at least 15 minutes, per account, per source IP and per account+IP; exact under concurrency (an attempt reserves a slot before its password is checked); progressive locks; automatic and operator unlock recorded with who confirmed the identity and how",
        title_zh: "密碼錯誤 5 次鎖定至少 15 分鐘，解鎖須確認身分並留紀錄",
        clauses: &[TWSE_8_3_E, A10_IA_2L, TWSE_7_1_J_G],
        api: &[
            "auth::Guard::login",
            "auth::Guard::unlock",
            "auth::LockoutPolicy",
            "auth::AttemptStore",
            "auth::MemoryStore",
        ],
        tests: &[
            "tests/auth_guard.rs::five_wrong_passwords_lock_for_fifteen_minutes",
            "tests/auth_guard.rs::concurrent_wrong_passwords_verify_at_most_the_limit",
            "tests/auth_guard_redis.rs::processes_firing_wrong_passwords_verify_exactly_the_limit_and_lock_once",
            "tests/auth_guard_redis.rs::processes_under_the_default_policy_lock_each_scope_exactly_once",
            "tests/auth_redis.rs::concurrent_attempts_from_processes_verify_at_most_the_limit",
            "tests/auth_redis.rs::same_operations_give_the_same_results_as_the_memory_store",
            "tests/auth_guard.rs::progressive_locks_grow",
            "tests/auth_guard.rs::operator_unlock_records_who_confirmed_identity",
            "src/auth/store.rs::in_flight_attempts_count_against_the_limit",
            "src/auth/store.rs::a_full_store_prunes_idle_keys_and_never_drops_a_lock",
        ],
    },
    ControlInfo {
        id: C::AuthChallenge,
        title: "Anti-automation: a challenge (CAPTCHA or step-up) required after 3 failures, before the hard lock; attempts without it are neither checked nor counted; trusted networks are not shut out by an account lock caused elsewhere",
        title_zh: "防範自動化登入（圖形驗證碼等），避免惡意鎖定他人帳號",
        clauses: &[TPE_7_8, A10_IA_2A, TWSE_7_1_J_G],
        api: &[
            "auth::LockoutPolicy::challenge_after",
            "auth::LoginAttempt::with_challenge_passed",
        ],
        tests: &[
            "tests/auth_guard.rs::challenge_is_required_before_the_hard_lock",
            "tests/auth_guard.rs::a_victim_is_not_locked_out_from_a_trusted_network",
            "src/auth/lockout.rs::keys_cannot_collide_and_trusted_networks_skip_the_account_lock",
        ],
    },
    ControlInfo {
        id: C::AuthEnumeration,
        title: "No user enumeration: an unknown account and a wrong password get the same outcome, public code and audit detail; unknown accounts are verified against a dummy hash of the same cost and lock the same way",
        title_zh: "鑑別資訊回饋遮蔽，不洩漏帳號是否存在",
        clauses: &[A10_IA_3, TPE_7_8],
        api: &["auth::LoginOutcome::public_code", "auth::Guard::login"],
        tests: &["tests/auth_guard.rs::unknown_and_known_accounts_get_the_same_answer"],
    },
    ControlInfo {
        id: C::AuthAnomaly,
        title: "Anomaly detection with de-duplicated alerts: one source IP on many accounts, many failing accounts in a short time, repeated wrong passwords, one account from several countries, blocklisted IPs and CIDR ranges, logins outside permitted hours; alert file or callback",
        title_zh: "異常登入偵測與告警（同一 IP 多帳號、短時間多帳號失敗、跨國登入、黑名單 IP）",
        clauses: &[TWSE_7_1_C_B, TWSE_7_1_L, TXG_27_2],
        api: &[
            "auth::AnomalyDetector",
            "auth::Blocklist",
            "auth::AlertSink",
            "auth::Guard::with_anomaly_detection",
        ],
        tests: &[
            "tests/auth_anomaly.rs::one_ip_on_many_accounts_alerts",
            "tests/auth_anomaly.rs::many_failing_accounts_alert",
            "tests/auth_anomaly.rs::countries_within_a_window_alert",
            "tests/auth_anomaly.rs::blocklisted_ranges_alert",
            "tests/auth_anomaly.rs::logins_outside_permitted_hours_alert",
            "tests/auth_anomaly.rs::alerts_are_deduplicated_per_window",
            "tests/auth_anomaly.rs::memory_stays_bounded_under_a_flood",
            "tests/auth_guard.rs::the_guard_alerts_and_tells_the_owner",
            "tests/fuzz_regressions.rs::blocklist_parser_corpus_holds_invariants",
        ],
    },
    ControlInfo {
        id: C::AuthNotify,
        title: "Owner notified through another channel of a wrong password or lock, certificate apply/renew, profile change, login from an unusual source, password reset or reissue",
        title_zh: "密碼錯誤、鎖定、憑證申請、資料變更、異常來源登入、密碼重設時通知客戶",
        clauses: &[TWSE_7_1_K],
        api: &[
            "auth::Notifier",
            "auth::OwnerEvent",
            "auth::Guard::with_notifier",
        ],
        tests: &[
            "tests/auth_anomaly.rs::owner_is_notified_on_the_twse_events",
            "tests/auth_guard.rs::the_guard_alerts_and_tells_the_owner",
        ],
    },
    ControlInfo {
        id: C::AuthReset,
        title: "Password reset: identity confirmed by an app-supplied check before a token is issued; 128-bit ID + 256-bit secret, stored hashed, single use, 15 minutes, revoked by a newer token or a password change; the same response for unknown accounts; rate-limited; redeeming forces a change",
        title_zh: "忘記密碼須先確認身分，一次性且有時效之重設憑證",
        clauses: &[TPE_7_2, TWSE_8_3_C, A10_IA_2A, TXG_24_7_2],
        api: &["auth::reset::PasswordReset", "auth::reset::IdentityCheck"],
        tests: &[
            "tests/auth_reset.rs::tokens_are_single_use_and_expire",
            "tests/auth_reset.rs::identity_must_be_confirmed_before_a_token_is_issued",
            "tests/auth_reset.rs::unknown_accounts_get_the_same_response",
            "tests/auth_reset.rs::a_password_change_or_newer_token_invalidates",
            "tests/auth_reset.rs::concurrent_redemptions_succeed_once",
            "tests/auth_reset.rs::requests_are_rate_limited",
            "tests/auth_reset.rs::redeeming_forces_a_password_change_and_records_it",
            "tests/fuzz_regressions.rs::reset_token_corpus_holds_invariants",
        ],
    },
    ControlInfo {
        id: C::MfaTotp,
        title: "TOTP second factor (RFC 6238, SHA-1/256/512, 6–8 digits, bounded skew): secrets sealed under the keyring, a code accepted once, wrong codes locked like passwords, every check audited",
        title_zh: "多因子驗證：動態密碼（TOTP），防重放",
        clauses: &[TWSE_7_1_C_C, TWSE_7_2_B_E, A10_IA_1H],
        api: &[
            "auth::totp::TotpParams",
            "auth::mfa::TotpEnrolment",
            "auth::Guard::verify_totp",
        ],
        tests: &[
            "tests/auth_mfa.rs::rfc6238_appendix_b_vectors",
            "tests/auth_mfa.rs::rfc4226_appendix_d_hotp_vectors",
            "tests/auth_mfa.rs::a_code_is_accepted_once",
            "tests/auth_mfa.rs::skew_is_honoured",
            "tests/auth_mfa.rs::enrolment_round_trip_and_sealing",
            "tests/auth_guard.rs::an_mfa_login_counts_wrong_codes_and_refuses_replays",
            "tests/fuzz_regressions.rs::otpauth_uri_corpus_holds_invariants",
        ],
    },
    ControlInfo {
        id: C::MfaFactors,
        title: "Factor categories (knowledge, possession, inherence): a login is multi-factor only with two of three; a sensitive operation (certificate apply/renew) must use a factor other than the login's; app factors plug in",
        title_zh: "多因子須為知識、持有、生物特徵三者之二；憑證申請須使用與登入不同之因子",
        clauses: &[TWSE_7_1_D, TWSE_7_1_E_A, A10_IA_1H],
        api: &[
            "auth::mfa::AuthFactors",
            "auth::mfa::Factor",
            "auth::mfa::FactorKind",
        ],
        tests: &[
            "tests/auth_mfa.rs::two_of_three_categories",
            "tests/auth_mfa.rs::sensitive_operations_need_a_different_factor",
        ],
    },
    ControlInfo {
        id: C::MfaRecovery,
        title: "Recovery codes: 60-bit codes, only keyed HMAC-SHA-256 values stored, bound to the account, single use, input normalised",
        title_zh: "備援碼僅存雜湊且僅可使用一次",
        clauses: &[A10_IA_1H, TWSE_7_1_D],
        api: &["auth::mfa::RecoveryCodes"],
        tests: &["tests/auth_mfa.rs::recovery_codes_are_hashed_and_single_use"],
    },
];

/// The control catalogue, one entry per [`ControlId`].
pub fn catalogue() -> &'static [ControlInfo] {
    CATALOGUE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_is_catalogued_once_with_clauses_and_tests() {
        for id in ControlId::ALL {
            let n = CATALOGUE.iter().filter(|c| c.id == *id).count();
            assert_eq!(n, 1, "{id}");
            let info = id.info();
            assert!(!info.clauses.is_empty(), "{id}");
            assert!(!info.tests.is_empty(), "{id}");
            assert_eq!(ControlId::parse(id.as_str()), Some(*id));
            for c in info.clauses {
                assert!(ClauseId::parse(c.as_str()).is_some(), "{id}: {c}");
            }
        }
    }

    /// The evidence chain must not rot: every test the catalogue cites exists.
    #[test]
    fn cited_tests_exist() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for info in CATALOGUE {
            for t in info.tests {
                let (file, func) = t.split_once("::").expect("file::function");
                let src = std::fs::read_to_string(root.join(file))
                    .unwrap_or_else(|e| panic!("{}: {file}: {e}", info.id));
                assert!(
                    src.contains(&format!("fn {func}(")),
                    "{}: {t} not found",
                    info.id
                );
            }
        }
    }
}
