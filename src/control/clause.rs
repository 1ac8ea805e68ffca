//! The clause register of `shared/spec/requirements.md`, as data.
//!
//! Each constant is one clause that software can implement, verify or support. IDs are stable: the
//! control catalogue cites them and the evidence report prints them.

use serde::Serialize;

/// A clause of a source regulation, by its stable register ID (`TPE-7.4`, `A10-IA-2`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClauseId(&'static str);

impl ClauseId {
    /// The register ID, e.g. `"TPE-7.4"`.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// Looks an ID up in the register.
    pub fn parse(id: &str) -> Option<Self> {
        REGISTER.iter().find(|c| c.id.0 == id).map(|c| c.id)
    }

    /// The register entry of this clause.
    pub fn entry(self) -> &'static Clause {
        REGISTER
            .iter()
            .find(|c| c.id == self)
            .expect("every ClauseId constant is in REGISTER")
    }
}

impl std::fmt::Display for ClauseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// One row of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// Stable ID.
    pub id: ClauseId,
    /// Area: `PW`, `ACC`, `AUTH`, `MFA`, `SES`, `UPL`, `ERR`, `INP`, `PII`, `AUD`, `CRY`, `TLS`, `SUP`.
    pub area: &'static str,
    /// Where the clause stands in its source document.
    pub source: &'static str,
    /// The requirement in brief.
    pub gist: &'static str,
}

/// `TPE-7.4` (PW): length ≥ 8 (12 recommended); must contain upper case, lower case and digit
pub const TPE_7_4: ClauseId = ClauseId("TPE-7.4");
/// `TPE-7.5` (PW): a mechanism that forces users to change their password
pub const TPE_7_5: ClauseId = ClauseId("TPE-7.5");
/// `TPE-7.9` (PW): users can choose and change their own password
pub const TPE_7_9: ClauseId = ClauseId("TPE-7.9");
/// `TPE-7.10` (PW): passwords stored apart from application data, encrypted (hashed)
pub const TPE_7_10: ClauseId = ClauseId("TPE-7.10");
/// `TPE-6.8` (PW): no plaintext password column in the database
pub const TPE_6_8: ClauseId = ClauseId("TPE-6.8");
/// `MOE-12.9.1` (PW): length ≥ 8
pub const MOE_12_9_1: ClauseId = ClauseId("MOE-12.9.1");
/// `MOE-12.9.2` (PW): change every 180 days; minimum password age ≥ 1 day
pub const MOE_12_9_2: ClauseId = ClauseId("MOE-12.9.2");
/// `MOE-12.9.3` (PW): must not reuse the previous 3 passwords
pub const MOE_12_9_3: ClauseId = ClauseId("MOE-12.9.3");
/// `MOE-12.9.5` (PW): no national ID number (身分證字號), school code, guessable weak password or public information as account name or password
pub const MOE_12_9_5: ClauseId = ClauseId("MOE-12.9.5");
/// `TWSE-8.3.b` (PW): hash with a public, unbroken, irreversible algorithm
pub const TWSE_8_3_B: ClauseId = ClauseId("TWSE-8.3.b");
/// `TWSE-8.3.d` (PW): initial password randomly generated, unrelated to the user's identity
pub const TWSE_8_3_D: ClauseId = ClauseId("TWSE-8.3.d");
/// `TWSE-8.3.f` (PW): customers: 優質密碼 = length ≥ 6 with letters+digits or symbols; remind to change within 3 months; password unchanged > 1 year, or new password equal to the previous one, must be handled; all other (staff) users change at least every 3 months
pub const TWSE_8_3_F: ClauseId = ClauseId("TWSE-8.3.f");
/// `TWSE-8.3.g` (PW): no default accounts (administrator, root, sa) and no simple passwords (e.g. 1234)
pub const TWSE_8_3_G: ClauseId = ClauseId("TWSE-8.3.g");
/// `TWSE-8.5.c` (PW): password files stored only in scrambled (hashed) form
pub const TWSE_8_5_C: ClauseId = ClauseId("TWSE-8.5.c");
/// `A10-IA-2` (PW): default password must be changed right after first login; authentication data never sent in plaintext; minimum complexity; minimum and maximum password age; history ≥ 3
pub const A10_IA_2: ClauseId = ClauseId("A10-IA-2");
/// `A10-IA-5` (PW): passwords stored encrypted or hashed
pub const A10_IA_5: ClauseId = ClauseId("A10-IA-5");
/// `TPE-7.1` (ACC): first use: must change the initial password before continuing
pub const TPE_7_1: ClauseId = ClauseId("TPE-7.1");
/// `TPE-7.6` (ACC): no login for 1 continuous year → account disabled; a recovery (re-enable) mechanism exists
pub const TPE_7_6: ClauseId = ClauseId("TPE-7.6");
/// `TPE-7.7` (ACC): no shared accounts
pub const TPE_7_7: ClauseId = ClauseId("TPE-7.7");
/// `MOE-12.9.4` (ACC): no shared accounts and passwords
pub const MOE_12_9_4: ClauseId = ClauseId("MOE-12.9.4");
/// `KHH-6.1.5` (ACC): staff who leave: access revoked (account disabled)
pub const KHH_6_1_5: ClauseId = ClauseId("KHH-6.1.5");
/// `TXG-24.2.3` (ACC): no anonymous or shared accounts
pub const TXG_24_2_3: ClauseId = ClauseId("TXG-24.2.3");
/// `TWSE-8.2.f` (ACC): review accounts and rights at least every 6 months; disable idle accounts
pub const TWSE_8_2_F: ClauseId = ClauseId("TWSE-8.2.f");
/// `TWSE-8.2.g` (ACC): account procedures: apply, create, modify, enable, disable, delete
pub const TWSE_8_2_G: ClauseId = ClauseId("TWSE-8.2.g");
/// `TWSE-8.3.a` (ACC): first use: must change the initial password
pub const TWSE_8_3_A: ClauseId = ClauseId("TWSE-8.3.a");
/// `A10-AC-1` (ACC): account lifecycle procedure (普); disable idle accounts, delete/disable expired temporary accounts (中); automatic logout past the allowed idle time; monitor accounts for abnormal use (高)
pub const A10_AC_1: ClauseId = ClauseId("A10-AC-1");
/// `A10-IA-1` (ACC): unique identification, no shared accounts (普); MFA (高)
pub const A10_IA_1: ClauseId = ClauseId("A10-IA-1");
/// `TPE-7.2` (AUTH): forgotten password: identity confirmation before the user may log in again
pub const TPE_7_2: ClauseId = ClauseId("TPE-7.2");
/// `TPE-7.8` (AUTH): secure authentication and brute-force protection (e.g. CAPTCHA)
pub const TPE_7_8: ClauseId = ClauseId("TPE-7.8");
/// `TXG-24.7.2` (AUTH): public systems guard against floods of requests (registrations, mails)
pub const TXG_24_7_2: ClauseId = ClauseId("TXG-24.7.2");
/// `TXG-27.2` (AUTH): alert system: repeated intrusion attempts by unknown users raise an automatic alert (alert file, e-mail, console, SNMP, run a program)
pub const TXG_27_2: ClauseId = ClauseId("TXG-27.2");
/// `TWSE-7.1.c.b` (AUTH): daily monitoring of login failures and attempts on non-customer accounts; anomalies such as 3 wrong passwords, many failing accounts in a short time, abnormal certificate requests
pub const TWSE_7_1_C_B: ClauseId = ClauseId("TWSE-7.1.c.b");
/// `TWSE-7.1.j.g` (AUTH): core systems block automated login and password-change attempts
pub const TWSE_7_1_J_G: ClauseId = ClauseId("TWSE-7.1.j.g");
/// `TWSE-7.1.k` (AUTH): notify the customer on: wrong password or account locked; certificate apply/renew; profile change; login from abnormal source; password reset or reissue
pub const TWSE_7_1_K: ClauseId = ClauseId("TWSE-7.1.k");
/// `TWSE-7.1.l` (AUTH): monitor abnormal source IPs and alert on: one IP logging into many accounts; one account logging in from different countries within a period; login attempts from blocklisted IPs (e.g. F-ISAC lists, foreign IPs)
pub const TWSE_7_1_L: ClauseId = ClauseId("TWSE-7.1.l");
/// `TWSE-8.3.c` (AUTH): forgotten password: strict identity confirmation (OTP, customer service, in person)
pub const TWSE_8_3_C: ClauseId = ClauseId("TWSE-8.3.c");
/// `TWSE-8.3.e` (AUTH): 5 wrong passwords → disconnect and lock the account ≥ 15 minutes, keep a record; unlocking on request needs identity confirmation and a record
pub const TWSE_8_3_E: ClauseId = ClauseId("TWSE-8.3.e");
/// `A10-IA-2L` (AUTH): lock after 5 failed authentications for ≥ 15 minutes
pub const A10_IA_2L: ClauseId = ClauseId("A10-IA-2L");
/// `A10-IA-2A` (AUTH): block automated login or password-change attempts; password reset sends a one-time, time-limited token after re-confirming identity
pub const A10_IA_2A: ClauseId = ClauseId("A10-IA-2A");
/// `A10-IA-3` (AUTH): mask information during authentication
pub const A10_IA_3: ClauseId = ClauseId("A10-IA-3");
/// `TWSE-7.1.c.c` (MFA): internet order login uses MFA
pub const TWSE_7_1_C_C: ClauseId = ClauseId("TWSE-7.1.c.c");
/// `TWSE-7.1.d` (MFA): MFA = two of three: something known (password, pattern), something held (token, card, bound device), something the person is (biometric)
pub const TWSE_7_1_D: ClauseId = ClauseId("TWSE-7.1.d");
/// `TWSE-7.1.e.a` (MFA): certificate apply/renew needs MFA with a factor different from the one used at login
pub const TWSE_7_1_E_A: ClauseId = ClauseId("TWSE-7.1.e.a");
/// `TWSE-7.2.b.e` (MFA): MFA for account logins over the internet
pub const TWSE_7_2_B_E: ClauseId = ClauseId("TWSE-7.2.b.e");
/// `A10-IA-1H` (MFA): MFA for system access
pub const A10_IA_1H: ClauseId = ClauseId("A10-IA-1H");
/// `TPE-6.2` (SES): connection time control and automatic logout after inactivity
pub const TPE_6_2: ClauseId = ClauseId("TPE-6.2");
/// `TPE-7.3` (SES): restrict the hours in which the system may be used
pub const TPE_7_3: ClauseId = ClauseId("TPE-7.3");
/// `MOE-18` (SES): remote maintenance only when authorised, for a short period, from restricted source IPs, with monitoring
pub const MOE_18: ClauseId = ClauseId("MOE-18");
/// `MOE-20` (SES): console logged out when the administrator is away
pub const MOE_20: ClauseId = ClauseId("MOE-20");
/// `TWSE-7.2.b.c` (SES): use of the highest-privilege accounts needs approval and is recorded
pub const TWSE_7_2_B_C: ClauseId = ClauseId("TWSE-7.2.b.c");
/// `TWSE-7.2.b.h` (SES): idle time or validity period; usage conditions: account type, time-of-day windows, source address, number of connections, accessible resources
pub const TWSE_7_2_B_H: ClauseId = ClauseId("TWSE-7.2.b.h");
/// `A10-AC-1H` (SES): automatic logout beyond the allowed idle time or validity period
pub const A10_AC_1H: ClauseId = ClauseId("A10-AC-1H");
/// `A10-AC-3` (SES): permission checks done on the server; remote access monitored, encrypted, from pre-defined access points (中)
pub const A10_AC_3: ClauseId = ClauseId("A10-AC-3");
/// `TPE-6.9` (UPL): uploads are written into the database; file types on a whitelist (e.g. JPG, PNG, PDF)
pub const TPE_6_9: ClauseId = ClauseId("TPE-6.9");
/// `MOE-42.1.7` (UPL): files with personal data are masked or de-identified before upload
pub const MOE_42_1_7: ClauseId = ClauseId("MOE-42.1.7");
/// `TPE-6.3` (ERR): on error the user page shows only a short message and a code, no detail
pub const TPE_6_3: ClauseId = ClauseId("TPE-6.3");
/// `MOE-42.1.8` (ERR): no error pages that reveal OS, application, framework or version information
pub const MOE_42_1_8: ClauseId = ClauseId("MOE-42.1.8");
/// `TWSE-9.12` (ERR): core systems: short error message and code only
pub const TWSE_9_12: ClauseId = ClauseId("TWSE-9.12");
/// `A10-SA` (ERR): on error, user pages show only a short message and code
pub const A10_SA: ClauseId = ClauseId("A10-SA");
/// `TPE-6.4` (INP): account and password never passed as URL parameters
pub const TPE_6_4: ClauseId = ClauseId("TPE-6.4");
/// `MOE-42.1.2` (INP): all input and output fields filtered and encoded against XSS and injection; server-side whitelist validation with regular expressions
pub const MOE_42_1_2: ClauseId = ClauseId("MOE-42.1.2");
/// `TWSE-9.2` (INP): input data checked for correctness
pub const TWSE_9_2: ClauseId = ClauseId("TWSE-9.2");
/// `TWSE-9.10.d` (INP): user input strings checked; injection protection
pub const TWSE_9_10_D: ClauseId = ClauseId("TWSE-9.10.d");
/// `A10-SI-3` (INP): input validity checks on the server side
pub const A10_SI_3: ClauseId = ClauseId("A10-SI-3");
/// `TPE-9.4` (PII): avoid bulk export; data minimisation; de-identify exported personal data
pub const TPE_9_4: ClauseId = ClauseId("TPE-9.4");
/// `TPE-9.5` (PII): test data must not contain real personal data; remove identifying data first
pub const TPE_9_5: ClauseId = ClauseId("TPE-9.5");
/// `TPE-9.6` (PII): deleting or modifying personal-data fields needs a review (approval) step; deleted data is retained
pub const TPE_9_6: ClauseId = ClauseId("TPE-9.6");
/// `TXG-22.1` (PII): updates, corrections and cancellations of data need approval, and content, operator and time are recorded
pub const TXG_22_1: ClauseId = ClauseId("TXG-22.1");
/// `TXG-24.7.6` (PII): registered personal data of citizens stored encrypted
pub const TXG_24_7_6: ClauseId = ClauseId("TXG-24.7.6");
/// `TWSE-8.5.a` (PII): important data input or modification needs approval by a supervisor
pub const TWSE_8_5_A: ClauseId = ClauseId("TWSE-8.5.a");
/// `TWSE-8.5.i` (PII): personal-data updates, corrections, cancellations recorded (content, operator, time)
pub const TWSE_8_5_I: ClauseId = ClauseId("TWSE-8.5.i");
/// `TWSE-8.6.d` (PII): sensitive fields (name, account numbers) masked in e-mailed trade confirmations
pub const TWSE_8_6_D: ClauseId = ClauseId("TWSE-8.6.d");
/// `TPE-8.1` (AUD): authentication and authorisation trail: at least account, source IP, login date
pub const TPE_8_1: ClauseId = ClauseId("TPE-8.1");
/// `TPE-8.2` (AUD): interruptions, corrections and other abnormal events are logged
pub const TPE_8_2: ClauseId = ClauseId("TPE-8.2");
/// `TPE-9.3` (AUD): records of personal-data create, modify, delete, export, print
pub const TPE_9_3: ClauseId = ClauseId("TPE-9.3");
/// `MOE-31` (AUD): system start and stop times, errors and corrections recorded
pub const MOE_31: ClauseId = ClauseId("MOE-31");
/// `MOE-42.1.5` (AUD): audit log for sensitive data; events at least: password change, login success and failure, system access success and failure; one logging mechanism with one output format; only authorised users may read the audit log
pub const MOE_42_1_5: ClauseId = ClauseId("MOE-42.1.5");
/// `KHH-12.2` (AUD): audit data protected; nobody may add, delete or modify it
pub const KHH_12_2: ClauseId = ClauseId("KHH-12.2");
/// `KHH-12.3` (AUD): retention 6 months for OS, web, AP, logon and DB logs
pub const KHH_12_3: ClauseId = ClauseId("KHH-12.3");
/// `TXG-12` (AUD): data input/output recorded with operator name and title; later changes, deletions and uses recorded
pub const TXG_12: ClauseId = ClauseId("TXG-12");
/// `TXG-24.2.9` (AUD): administrator logins and logouts recorded
pub const TXG_24_2_9: ClauseId = ClauseId("TXG-24.2.9");
/// `TXG-24.2.10` (AUD): administrators cannot add, delete or modify audit files
pub const TXG_24_2_10: ClauseId = ClauseId("TXG-24.2.10");
/// `TWSE-8.4.a` (AUD): audit record: user ID, login date and time, computer identity or address
pub const TWSE_8_4_A: ClauseId = ClauseId("TWSE-8.4.a");
/// `TWSE-8.4.c` (AUD): digital evidence protected; kept at least 3 years
pub const TWSE_8_4_C: ClauseId = ClauseId("TWSE-8.4.c");
/// `TWSE-8.4.d` (AUD): audit logging is monitored; when processing fails, appropriate action is taken
pub const TWSE_8_4_D: ClauseId = ClauseId("TWSE-8.4.d");
/// `TWSE-8.5.b` (AUD): input or modified data and the operator's name and title recorded
pub const TWSE_8_5_B: ClauseId = ClauseId("TWSE-8.5.b");
/// `TWSE-8.5.k` (AUD): personal-data usage trail: login account, function, time, system name, query or result
pub const TWSE_8_5_K: ClauseId = ClauseId("TWSE-8.5.k");
/// `A10-AU` (AUD): see `annex10.md`: event types, time, location, user identity, one format (普); UTC-traceable timestamps (普), clock sync (中); access only for authorised users (普), hash-based integrity (中), copies to another system (高); respond to logging failure (普), alert within a set time (高); retain ≥ 6 months
pub const A10_AU: ClauseId = ClauseId("A10-AU");
/// `TPE-6.7` (CRY): credentials in code and config (e.g. web.config) never in plaintext
pub const TPE_6_7: ClauseId = ClauseId("TPE-6.7");
/// `TPE-10.3` (CRY): database backup files (e.g. .BAK) encrypted
pub const TPE_10_3: ClauseId = ClauseId("TPE-10.3");
/// `TWSE-7.2.b.g` (CRY): important configuration files of core systems encrypted
pub const TWSE_7_2_B_G: ClauseId = ClauseId("TWSE-7.2.b.g");
/// `TWSE-7.2.c.e` (CRY): restore tests verify backup integrity
pub const TWSE_7_2_C_E: ClauseId = ClauseId("TWSE-7.2.c.e");
/// `A10-SC-2` (CRY): important config files and other protected information encrypted
pub const A10_SC_2: ClauseId = ClauseId("A10-SC-2");
/// `A10-SC-1` (CRY): public, unbroken algorithms; longest supported keys; periodic key rotation; server-side key custody rules
pub const A10_SC_1: ClauseId = ClauseId("A10-SC-1");
/// `TPE-6.5` (TLS): TLS 1.2 or newer; nothing at or below TLS 1.0
pub const TPE_6_5: ClauseId = ClauseId("TPE-6.5");
/// `MOE-42.2.3` (TLS): personal and sensitive data submitted over encrypted channels (TLS, SSH, SFTP)
pub const MOE_42_2_3: ClauseId = ClauseId("MOE-42.2.3");
/// `TPE-11.1` (SUP): third-party components: proof of legal use (licences); no outdated or vulnerable components
pub const TPE_11_1: ClauseId = ClauseId("TPE-11.1");
/// `TWSE-9.4.e` (SUP): vendors disclose source and licence of third-party components
pub const TWSE_9_4_E: ClauseId = ClauseId("TWSE-9.4.e");
/// `TWSE-9.10.b` (SUP): programs carry an effective integrity verification mechanism
pub const TWSE_9_10_B: ClauseId = ClauseId("TWSE-9.10.b");
/// `TWSE-9.10.c` (SUP): updated versions ready when used libraries are updated
pub const TWSE_9_10_C: ClauseId = ClauseId("TWSE-9.10.c");

/// Every clause of the register, in register order.
pub const REGISTER: &[Clause] = &[
    Clause {
        id: TPE_7_4,
        area: "PW",
        source: "000 七(四)",
        gist: "length ≥ 8 (12 recommended); must contain upper case, lower case and digit",
    },
    Clause {
        id: TPE_7_5,
        area: "PW",
        source: "000 七(五)",
        gist: "a mechanism that forces users to change their password",
    },
    Clause {
        id: TPE_7_9,
        area: "PW",
        source: "000 七(九)",
        gist: "users can choose and change their own password",
    },
    Clause {
        id: TPE_7_10,
        area: "PW",
        source: "000 七(十)",
        gist: "passwords stored apart from application data, encrypted (hashed)",
    },
    Clause {
        id: TPE_6_8,
        area: "PW",
        source: "000 六(八)",
        gist: "no plaintext password column in the database",
    },
    Clause {
        id: MOE_12_9_1,
        area: "PW",
        source: "001 十二(九)1",
        gist: "length ≥ 8",
    },
    Clause {
        id: MOE_12_9_2,
        area: "PW",
        source: "001 十二(九)2",
        gist: "change every 180 days; minimum password age ≥ 1 day",
    },
    Clause {
        id: MOE_12_9_3,
        area: "PW",
        source: "001 十二(九)3",
        gist: "must not reuse the previous 3 passwords",
    },
    Clause {
        id: MOE_12_9_5,
        area: "PW",
        source: "001 十二(九)5",
        gist: "no national ID number (身分證字號), school code, guessable weak password or public information as account name **or** password",
    },
    Clause {
        id: TWSE_8_3_B,
        area: "PW",
        source: "004 8(3)b",
        gist: "hash with a public, unbroken, irreversible algorithm",
    },
    Clause {
        id: TWSE_8_3_D,
        area: "PW",
        source: "004 8(3)d",
        gist: "initial password randomly generated, unrelated to the user's identity",
    },
    Clause {
        id: TWSE_8_3_F,
        area: "PW",
        source: "004 8(3)f",
        gist: "customers: 優質密碼 = length ≥ 6 with letters+digits or symbols; remind to change within 3 months; password unchanged > 1 year, or new password equal to the previous one, must be handled; all other (staff) users change at least every 3 months",
    },
    Clause {
        id: TWSE_8_3_G,
        area: "PW",
        source: "004 8(3)g",
        gist: "no default accounts (administrator, root, sa) and no simple passwords (e.g. 1234)",
    },
    Clause {
        id: TWSE_8_5_C,
        area: "PW",
        source: "004 8(5)c",
        gist: "password files stored only in scrambled (hashed) form",
    },
    Clause {
        id: A10_IA_2,
        area: "PW",
        source: "附表十 身分驗證管理 普",
        gist: "default password must be changed right after first login; authentication data never sent in plaintext; minimum complexity; minimum and maximum password age; history ≥ 3",
    },
    Clause {
        id: A10_IA_5,
        area: "PW",
        source: "附表十 加密模組鑑別 中",
        gist: "passwords stored encrypted or hashed",
    },
    Clause {
        id: TPE_7_1,
        area: "ACC",
        source: "000 七(一)",
        gist: "first use: must change the initial password before continuing",
    },
    Clause {
        id: TPE_7_6,
        area: "ACC",
        source: "000 七(六)",
        gist: "no login for 1 continuous year → account disabled; a recovery (re-enable) mechanism exists",
    },
    Clause {
        id: TPE_7_7,
        area: "ACC",
        source: "000 七(七)",
        gist: "no shared accounts",
    },
    Clause {
        id: MOE_12_9_4,
        area: "ACC",
        source: "001 十二(九)4",
        gist: "no shared accounts and passwords",
    },
    Clause {
        id: KHH_6_1_5,
        area: "ACC",
        source: "002 六(一)5",
        gist: "staff who leave: access revoked (account disabled)",
    },
    Clause {
        id: TXG_24_2_3,
        area: "ACC",
        source: "003 二十四(二)3",
        gist: "no anonymous or shared accounts",
    },
    Clause {
        id: TWSE_8_2_F,
        area: "ACC",
        source: "004 8(2)f",
        gist: "review accounts and rights at least every 6 months; disable idle accounts",
    },
    Clause {
        id: TWSE_8_2_G,
        area: "ACC",
        source: "004 8(2)g",
        gist: "account procedures: apply, create, modify, enable, disable, delete",
    },
    Clause {
        id: TWSE_8_3_A,
        area: "ACC",
        source: "004 8(3)a",
        gist: "first use: must change the initial password",
    },
    Clause {
        id: A10_AC_1,
        area: "ACC",
        source: "附表十 帳號管理 普/中/高",
        gist: "account lifecycle procedure (普); disable idle accounts, delete/disable expired temporary accounts (中); automatic logout past the allowed idle time; monitor accounts for abnormal use (高)",
    },
    Clause {
        id: A10_IA_1,
        area: "ACC",
        source: "附表十 內部使用者之識別與鑑別",
        gist: "unique identification, no shared accounts (普); MFA (高)",
    },
    Clause {
        id: TPE_7_2,
        area: "AUTH",
        source: "000 七(二)",
        gist: "forgotten password: identity confirmation before the user may log in again",
    },
    Clause {
        id: TPE_7_8,
        area: "AUTH",
        source: "000 七(八)",
        gist: "secure authentication and brute-force protection (e.g. CAPTCHA)",
    },
    Clause {
        id: TXG_24_7_2,
        area: "AUTH",
        source: "003 二十四(七)2",
        gist: "public systems guard against floods of requests (registrations, mails)",
    },
    Clause {
        id: TXG_27_2,
        area: "AUTH",
        source: "003 二十七(二)",
        gist: "alert system: repeated intrusion attempts by unknown users raise an automatic alert (alert file, e-mail, console, SNMP, run a program)",
    },
    Clause {
        id: TWSE_7_1_C_B,
        area: "AUTH",
        source: "004 7(1)c(b)",
        gist: "daily monitoring of login failures and attempts on non-customer accounts; anomalies such as 3 wrong passwords, many failing accounts in a short time, abnormal certificate requests",
    },
    Clause {
        id: TWSE_7_1_J_G,
        area: "AUTH",
        source: "004 7(1)j(g)",
        gist: "core systems block automated login and password-change attempts",
    },
    Clause {
        id: TWSE_7_1_K,
        area: "AUTH",
        source: "004 7(1)k",
        gist: "notify the customer on: wrong password or account locked; certificate apply/renew; profile change; login from abnormal source; password reset or reissue",
    },
    Clause {
        id: TWSE_7_1_L,
        area: "AUTH",
        source: "004 7(1)l",
        gist: "monitor abnormal source IPs and alert on: one IP logging into many accounts; one account logging in from different countries within a period; login attempts from blocklisted IPs (e.g. F-ISAC lists, foreign IPs)",
    },
    Clause {
        id: TWSE_8_3_C,
        area: "AUTH",
        source: "004 8(3)c",
        gist: "forgotten password: strict identity confirmation (OTP, customer service, in person)",
    },
    Clause {
        id: TWSE_8_3_E,
        area: "AUTH",
        source: "004 8(3)e",
        gist: "5 wrong passwords → disconnect and lock the account ≥ 15 minutes, keep a record; unlocking on request needs identity confirmation and a record",
    },
    Clause {
        id: A10_IA_2L,
        area: "AUTH",
        source: "附表十 身分驗證管理 普",
        gist: "lock after 5 failed authentications for ≥ 15 minutes",
    },
    Clause {
        id: A10_IA_2A,
        area: "AUTH",
        source: "附表十 身分驗證管理 中",
        gist: "block automated login or password-change attempts; password reset sends a one-time, time-limited token after re-confirming identity",
    },
    Clause {
        id: A10_IA_3,
        area: "AUTH",
        source: "附表十 鑑別資訊回饋 普",
        gist: "mask information during authentication",
    },
    Clause {
        id: TWSE_7_1_C_C,
        area: "MFA",
        source: "004 7(1)c(c)",
        gist: "internet order login uses MFA",
    },
    Clause {
        id: TWSE_7_1_D,
        area: "MFA",
        source: "004 7(1)d",
        gist: "MFA = two of three: something known (password, pattern), something held (token, card, bound device), something the person is (biometric)",
    },
    Clause {
        id: TWSE_7_1_E_A,
        area: "MFA",
        source: "004 7(1)e(a)",
        gist: "certificate apply/renew needs MFA with a factor different from the one used at login",
    },
    Clause {
        id: TWSE_7_2_B_E,
        area: "MFA",
        source: "004 7(2)b(e)",
        gist: "MFA for account logins over the internet",
    },
    Clause {
        id: A10_IA_1H,
        area: "MFA",
        source: "附表十 內部使用者之識別與鑑別 高",
        gist: "MFA for system access",
    },
    Clause {
        id: TPE_6_2,
        area: "SES",
        source: "000 六(二)",
        gist: "connection time control and automatic logout after inactivity",
    },
    Clause {
        id: TPE_7_3,
        area: "SES",
        source: "000 七(三)",
        gist: "restrict the hours in which the system may be used",
    },
    Clause {
        id: MOE_18,
        area: "SES",
        source: "001 十八",
        gist: "remote maintenance only when authorised, for a short period, from restricted source IPs, with monitoring",
    },
    Clause {
        id: MOE_20,
        area: "SES",
        source: "001 二十",
        gist: "console logged out when the administrator is away",
    },
    Clause {
        id: TWSE_7_2_B_C,
        area: "SES",
        source: "004 7(2)b(c)",
        gist: "use of the highest-privilege accounts needs approval and is recorded",
    },
    Clause {
        id: TWSE_7_2_B_H,
        area: "SES",
        source: "004 7(2)b(h)",
        gist: "idle time or validity period; usage conditions: account type, time-of-day windows, source address, number of connections, accessible resources",
    },
    Clause {
        id: A10_AC_1H,
        area: "SES",
        source: "附表十 帳號管理 高",
        gist: "automatic logout beyond the allowed idle time or validity period",
    },
    Clause {
        id: A10_AC_3,
        area: "SES",
        source: "附表十 遠端存取",
        gist: "permission checks done on the server; remote access monitored, encrypted, from pre-defined access points (中)",
    },
    Clause {
        id: TPE_6_9,
        area: "UPL",
        source: "000 六(九)",
        gist: "uploads are written into the database; file types on a whitelist (e.g. JPG, PNG, PDF)",
    },
    Clause {
        id: MOE_42_1_7,
        area: "UPL",
        source: "001 四十二(一)7",
        gist: "files with personal data are masked or de-identified before upload",
    },
    Clause {
        id: TPE_6_3,
        area: "ERR",
        source: "000 六(三)",
        gist: "on error the user page shows only a short message and a code, no detail",
    },
    Clause {
        id: MOE_42_1_8,
        area: "ERR",
        source: "001 四十二(一)8",
        gist: "no error pages that reveal OS, application, framework or version information",
    },
    Clause {
        id: TWSE_9_12,
        area: "ERR",
        source: "004 9(12)",
        gist: "core systems: short error message and code only",
    },
    Clause {
        id: A10_SA,
        area: "ERR",
        source: "附表十 系統與服務獲得 普",
        gist: "on error, user pages show only a short message and code",
    },
    Clause {
        id: TPE_6_4,
        area: "INP",
        source: "000 六(四)",
        gist: "account and password never passed as URL parameters",
    },
    Clause {
        id: MOE_42_1_2,
        area: "INP",
        source: "001 四十二(一)2",
        gist: "all input and output fields filtered and encoded against XSS and injection; server-side whitelist validation with regular expressions",
    },
    Clause {
        id: TWSE_9_2,
        area: "INP",
        source: "004 9(2)",
        gist: "input data checked for correctness",
    },
    Clause {
        id: TWSE_9_10_D,
        area: "INP",
        source: "004 9(10)d",
        gist: "user input strings checked; injection protection",
    },
    Clause {
        id: A10_SI_3,
        area: "INP",
        source: "附表十 軟體及資訊完整性 中",
        gist: "input validity checks on the server side",
    },
    Clause {
        id: TPE_9_4,
        area: "PII",
        source: "000 九(四)",
        gist: "avoid bulk export; data minimisation; de-identify exported personal data",
    },
    Clause {
        id: TPE_9_5,
        area: "PII",
        source: "000 九(五)",
        gist: "test data must not contain real personal data; remove identifying data first",
    },
    Clause {
        id: TPE_9_6,
        area: "PII",
        source: "000 九(六)",
        gist: "deleting or modifying personal-data fields needs a review (approval) step; deleted data is retained",
    },
    Clause {
        id: TXG_22_1,
        area: "PII",
        source: "003 二十二(一)",
        gist: "updates, corrections and cancellations of data need approval, and content, operator and time are recorded",
    },
    Clause {
        id: TXG_24_7_6,
        area: "PII",
        source: "003 二十四(七)6",
        gist: "registered personal data of citizens stored encrypted",
    },
    Clause {
        id: TWSE_8_5_A,
        area: "PII",
        source: "004 8(5)a",
        gist: "important data input or modification needs approval by a supervisor",
    },
    Clause {
        id: TWSE_8_5_I,
        area: "PII",
        source: "004 8(5)i",
        gist: "personal-data updates, corrections, cancellations recorded (content, operator, time)",
    },
    Clause {
        id: TWSE_8_6_D,
        area: "PII",
        source: "004 8(6)d",
        gist: "sensitive fields (name, account numbers) masked in e-mailed trade confirmations",
    },
    Clause {
        id: TPE_8_1,
        area: "AUD",
        source: "000 八(一)",
        gist: "authentication and authorisation trail: at least account, source IP, login date",
    },
    Clause {
        id: TPE_8_2,
        area: "AUD",
        source: "000 八(二)",
        gist: "interruptions, corrections and other abnormal events are logged",
    },
    Clause {
        id: TPE_9_3,
        area: "AUD",
        source: "000 九(三)",
        gist: "records of personal-data create, modify, delete, export, print",
    },
    Clause {
        id: MOE_31,
        area: "AUD",
        source: "001 三十一",
        gist: "system start and stop times, errors and corrections recorded",
    },
    Clause {
        id: MOE_42_1_5,
        area: "AUD",
        source: "001 四十二(一)5",
        gist: "audit log for sensitive data; events at least: password change, login success and failure, system access success and failure; one logging mechanism with one output format; only authorised users may read the audit log",
    },
    Clause {
        id: KHH_12_2,
        area: "AUD",
        source: "002 十二(二)",
        gist: "audit data protected; nobody may add, delete or modify it",
    },
    Clause {
        id: KHH_12_3,
        area: "AUD",
        source: "002 十二(三)",
        gist: "retention 6 months for OS, web, AP, logon and DB logs",
    },
    Clause {
        id: TXG_12,
        area: "AUD",
        source: "003 十二",
        gist: "data input/output recorded with operator name and title; later changes, deletions and uses recorded",
    },
    Clause {
        id: TXG_24_2_9,
        area: "AUD",
        source: "003 二十四(二)9",
        gist: "administrator logins and logouts recorded",
    },
    Clause {
        id: TXG_24_2_10,
        area: "AUD",
        source: "003 二十四(二)10",
        gist: "administrators cannot add, delete or modify audit files",
    },
    Clause {
        id: TWSE_8_4_A,
        area: "AUD",
        source: "004 8(4)a",
        gist: "audit record: user ID, login date and time, computer identity or address",
    },
    Clause {
        id: TWSE_8_4_C,
        area: "AUD",
        source: "004 8(4)c",
        gist: "digital evidence protected; kept at least 3 years",
    },
    Clause {
        id: TWSE_8_4_D,
        area: "AUD",
        source: "004 8(4)d",
        gist: "audit logging is monitored; when processing fails, appropriate action is taken",
    },
    Clause {
        id: TWSE_8_5_B,
        area: "AUD",
        source: "004 8(5)b",
        gist: "input or modified data and the operator's name and title recorded",
    },
    Clause {
        id: TWSE_8_5_K,
        area: "AUD",
        source: "004 8(5)k",
        gist: "personal-data usage trail: login account, function, time, system name, query or result",
    },
    Clause {
        id: A10_AU,
        area: "AUD",
        source: "附表十 事件日誌與可歸責性",
        gist: "see `annex10.md`: event types, time, location, user identity, one format (普); UTC-traceable timestamps (普), clock sync (中); access only for authorised users (普), hash-based integrity (中), copies to another system (高); respond to logging failure (普), alert within a set time (高); retain ≥ 6 months",
    },
    Clause {
        id: TPE_6_7,
        area: "CRY",
        source: "000 六(七)",
        gist: "credentials in code and config (e.g. web.config) never in plaintext",
    },
    Clause {
        id: TPE_10_3,
        area: "CRY",
        source: "000 十(三)",
        gist: "database backup files (e.g. .BAK) encrypted",
    },
    Clause {
        id: TWSE_7_2_B_G,
        area: "CRY",
        source: "004 7(2)b(g)",
        gist: "important configuration files of core systems encrypted",
    },
    Clause {
        id: TWSE_7_2_C_E,
        area: "CRY",
        source: "004 7(2)c(e)",
        gist: "restore tests verify backup integrity",
    },
    Clause {
        id: A10_SC_2,
        area: "CRY",
        source: "附表十 資料儲存之安全 高",
        gist: "important config files and other protected information encrypted",
    },
    Clause {
        id: A10_SC_1,
        area: "CRY",
        source: "附表十 傳輸之機密性與完整性 高",
        gist: "public, unbroken algorithms; longest supported keys; periodic key rotation; server-side key custody rules",
    },
    Clause {
        id: TPE_6_5,
        area: "TLS",
        source: "000 六(五)",
        gist: "TLS 1.2 or newer; nothing at or below TLS 1.0",
    },
    Clause {
        id: MOE_42_2_3,
        area: "TLS",
        source: "001 四十二(二)3",
        gist: "personal and sensitive data submitted over encrypted channels (TLS, SSH, SFTP)",
    },
    Clause {
        id: TPE_11_1,
        area: "SUP",
        source: "000 十一(一)",
        gist: "third-party components: proof of legal use (licences); no outdated or vulnerable components",
    },
    Clause {
        id: TWSE_9_4_E,
        area: "SUP",
        source: "004 9(4)e",
        gist: "vendors disclose source and licence of third-party components",
    },
    Clause {
        id: TWSE_9_10_B,
        area: "SUP",
        source: "004 9(10)b",
        gist: "programs carry an effective integrity verification mechanism",
    },
    Clause {
        id: TWSE_9_10_C,
        area: "SUP",
        source: "004 9(10)c",
        gist: "updated versions ready when used libraries are updated",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_ids_are_unique_and_parse() {
        let mut seen = std::collections::HashSet::new();
        for c in REGISTER {
            assert!(seen.insert(c.id), "duplicate clause {}", c.id);
            assert_eq!(ClauseId::parse(c.id.as_str()), Some(c.id));
            assert_eq!(c.id.entry().id, c.id);
        }
        assert_eq!(ClauseId::parse("TPE-99.9"), None);
    }
}
