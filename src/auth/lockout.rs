//! The lockout policy: failure limits per account, per source IP and per account+IP, a
//! challenge (CAPTCHA or step-up) before the hard lock, progressive locks and trusted networks
//! (TWSE-8.3.e, A10-IA-2L, TPE-7.8, A10-IA-2A, TWSE-7.1.j.g).

use std::net::IpAddr;

use ipnet::IpNet;
use time::Duration;

/// Which counter a limit applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// One account, from anywhere: the lock the regulations name (5 failures, ≥ 15 minutes).
    Account,
    /// One source IP, over every account: stops one machine spraying many accounts.
    SourceIp,
    /// One account from one source IP: stops a guesser without locking the owner out from
    /// elsewhere.
    AccountIp,
}

impl Scope {
    /// The scope's name in keys, alerts and audit records.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::SourceIp => "ip",
            Scope::AccountIp => "account_ip",
        }
    }
}

/// Locks that grow for a key locked again and again: the n-th lock lasts
/// `lock_for × factor^(n-1)`, at most `max`; the count is forgotten after `forget_after`
/// without a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progressive {
    /// Growth per lock (≥ 1).
    pub factor: u32,
    /// The longest lock.
    pub max: Duration,
    /// How long the lock count is remembered.
    pub forget_after: Duration,
}

impl Progressive {
    /// Doubling locks, at most a day, remembered for a day.
    pub fn doubling() -> Self {
        Self {
            factor: 2,
            max: Duration::days(1),
            forget_after: Duration::days(1),
        }
    }
}

/// The limit of one scope: at most `max_failures` failed (or in-flight) attempts within
/// `window`; reaching it locks the key for `lock_for`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limit {
    /// Failures that lock (a failure in flight counts: see [`AttemptStore`](super::AttemptStore)).
    pub max_failures: u32,
    /// The window failures are counted in, from the first one.
    pub window: Duration,
    /// How long the lock lasts (the first one, with [`Progressive`]).
    pub lock_for: Duration,
    /// Growing locks, if any.
    pub progressive: Option<Progressive>,
    /// Whether a success resets the count (yes for account scopes; not for a source IP, whose
    /// one success must not hide its failures on other accounts).
    pub reset_on_success: bool,
}

impl Limit {
    /// `max_failures` within `window`, locking for `lock_for`; a success resets the count.
    pub fn new(max_failures: u32, window: Duration, lock_for: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            lock_for,
            progressive: None,
            reset_on_success: true,
        }
    }

    /// With growing locks.
    #[must_use]
    pub fn progressive(mut self, progressive: Progressive) -> Self {
        self.progressive = Some(progressive);
        self
    }

    /// The length of the `n`-th lock (n ≥ 1).
    pub fn lock_length(&self, n: u32) -> Duration {
        match self.progressive {
            None => self.lock_for,
            Some(p) => {
                let mut d = self.lock_for;
                for _ in 1..n {
                    d = d.saturating_mul(i32::try_from(p.factor.max(1)).unwrap_or(i32::MAX));
                    if d >= p.max {
                        return p.max;
                    }
                }
                d.min(p.max.max(self.lock_for))
            }
        }
    }

    /// How long a key's state is kept: the window, the longest lock and the progressive memory.
    pub fn retention(&self) -> Duration {
        let longest = self
            .progressive
            .map_or(self.lock_for, |p| p.max.max(p.forget_after));
        self.window.max(longest).max(self.lock_for)
    }
}

/// The lockout policy of a [`Guard`](super::Guard).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockoutPolicy {
    /// Per account (from anywhere).
    pub account: Limit,
    /// Per source IP (over every account).
    pub source_ip: Option<Limit>,
    /// Per account and source IP.
    pub account_ip: Option<Limit>,
    /// After this many failures of an account (or of an account from one IP), further attempts
    /// need a passed challenge (CAPTCHA, step-up) before the password is even checked; attempts
    /// without one are refused and not counted, so locking a victim out costs the attacker a
    /// solved challenge per try (TPE-7.8, A10-IA-2A).
    pub challenge_after: Option<u32>,
    /// Networks whose attempts neither count towards nor are refused by the account-wide lock
    /// (the office LAN): a lock caused from outside does not shut the owner out inside. Their
    /// account+IP and IP limits still apply.
    pub trusted_networks: Vec<IpNet>,
}

impl Default for LockoutPolicy {
    /// 5 failures within 15 minutes lock the account for 15 minutes (TWSE-8.3.e, A10-IA-2L);
    /// the same for an account from one IP; 50 failures from one IP within 15 minutes lock that
    /// IP for 15 minutes; a challenge after 3 failures.
    fn default() -> Self {
        let fifteen = Duration::minutes(15);
        Self {
            account: Limit::new(5, fifteen, fifteen),
            source_ip: Some(Limit {
                reset_on_success: false,
                ..Limit::new(50, fifteen, fifteen)
            }),
            account_ip: Some(Limit::new(5, fifteen, fifteen)),
            challenge_after: Some(3),
            trusted_networks: Vec::new(),
        }
    }
}

impl LockoutPolicy {
    /// `true` when `ip` is in a trusted network.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted_networks.iter().any(|n| n.contains(&ip))
    }

    /// The keys an attempt on `account` from `ip` counts against, with their limits, the
    /// account first.
    pub fn keys(&self, account: &str, ip: IpAddr) -> Vec<(Scope, String, Limit)> {
        let mut keys = Vec::with_capacity(3);
        if !self.is_trusted(ip) {
            keys.push((
                Scope::Account,
                key(Scope::Account, account, None),
                self.account,
            ));
        }
        if let Some(limit) = self.account_ip {
            keys.push((
                Scope::AccountIp,
                key(Scope::AccountIp, account, Some(ip)),
                limit,
            ));
        }
        if let Some(limit) = self.source_ip {
            keys.push((
                Scope::SourceIp,
                key(Scope::SourceIp, account, Some(ip)),
                limit,
            ));
        }
        keys
    }
}

/// The store key of a scope. The account name is length-prefixed so no account name can
/// collide with another key, and the braces are a Redis Cluster hash tag: all keys of one
/// account (account and account+IP) live in one slot.
pub fn key(scope: Scope, account: &str, ip: Option<IpAddr>) -> String {
    let mut k = String::with_capacity(account.len() + 16);
    match (scope, ip) {
        (Scope::SourceIp, Some(ip)) => {
            let mut buf = [0u8; 64];
            k.push_str("ip:{");
            k.push_str(ip_text(ip, &mut buf));
            k.push('}');
        }
        _ => {
            k.push_str("acct:{");
            push_decimal(&mut k, account.len());
            k.push(':');
            k.push_str(account);
            k.push('}');
            if let (Scope::AccountIp, Some(ip)) = (scope, ip) {
                let mut buf = [0u8; 64];
                k.push(':');
                k.push_str(ip_text(ip, &mut buf));
            }
        }
    }
    k
}

/// `ip` as text in `buf` (no allocation: keys are built per attempt). 64 bytes hold the
/// longest IPv6 text (45 bytes).
fn ip_text(ip: IpAddr, buf: &mut [u8; 64]) -> &str {
    use std::io::Write as _;
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    let written = write!(cursor, "{ip}").map(|()| cursor.position());
    match written {
        Ok(n) => std::str::from_utf8(&buf[..usize::try_from(n).unwrap_or(0)]).unwrap_or(""),
        Err(_) => "",
    }
}

/// Appends `n` in decimal (without the formatting machinery: keys are built per attempt).
fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progressive_locks_grow_to_the_cap() {
        let l = Limit::new(5, Duration::minutes(15), Duration::minutes(15))
            .progressive(Progressive::doubling());
        assert_eq!(l.lock_length(1), Duration::minutes(15));
        assert_eq!(l.lock_length(2), Duration::minutes(30));
        assert_eq!(l.lock_length(3), Duration::hours(1));
        assert_eq!(l.lock_length(20), Duration::days(1));
        assert_eq!(l.lock_length(u32::MAX), Duration::days(1));
        let flat = Limit::new(5, Duration::minutes(15), Duration::minutes(15));
        assert_eq!(flat.lock_length(9), Duration::minutes(15));
    }

    #[test]
    fn keys_cannot_collide_and_trusted_networks_skip_the_account_lock() {
        let ip: IpAddr = "203.0.113.5".parse().unwrap();
        assert_ne!(
            key(Scope::Account, "a:1", None),
            key(Scope::AccountIp, "a", Some("1.0.0.0".parse().unwrap()))
        );
        assert_ne!(
            key(Scope::Account, "a}", None),
            key(Scope::Account, "a", None)
        );
        let mut p = LockoutPolicy::default();
        assert_eq!(p.keys("mingde", ip).len(), 3);
        p.trusted_networks.push("203.0.113.0/24".parse().unwrap());
        let scopes: Vec<Scope> = p.keys("mingde", ip).iter().map(|k| k.0).collect();
        assert_eq!(scopes, [Scope::AccountIp, Scope::SourceIp]);
    }
}
