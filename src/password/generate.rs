//! Random initial and reset passwords (control PW-INITIAL, TWSE-8.3.d).

use rand::Rng;
use rand::seq::SliceRandom;
use secrecy::SecretString;
use zeroize::Zeroizing;

use super::PersonalInfo;
use super::policy::PasswordPolicy;

// Look-alike characters (0/O/o, 1/l/I, 5/S, 2/Z) are left out so that a password read out over
// the phone or from a letter is typed right the first time.
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXY";
const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
const DIGIT: &[u8] = b"3456789";
const SYMBOL: &[u8] = b"!#$%&*+-=?@^_";

/// Generation could not satisfy the policy (only possible with a policy that fails validation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("could not generate a password that satisfies the policy")]
pub struct GenerateError;

impl PasswordPolicy {
    /// A random password from the operating system's CSPRNG, `generated_length` characters long,
    /// with upper and lower case, digits and symbols, that passes [`check`](Self::check) against
    /// this policy and `personal` — so it is unrelated to the holder's identity (TWSE-8.3.d).
    ///
    /// ```
    /// use secrecy::ExposeSecret;
    /// use twsec::password::{PasswordPolicy, PersonalInfo};
    ///
    /// let policy = PasswordPolicy::default();
    /// let me = PersonalInfo::new().account("alice");
    /// let pw = policy.generate(&me)?;
    /// assert_eq!(pw.expose_secret().chars().count(), 16);
    /// assert!(policy.check(pw.expose_secret(), &me).is_accepted());
    /// # Ok::<(), twsec::password::GenerateError>(())
    /// ```
    pub fn generate(&self, personal: &PersonalInfo) -> Result<SecretString, GenerateError> {
        let len = self.generated_length.max(self.min_length).max(4);
        let mut rng = rand::rng();
        let all: Vec<u8> = [UPPER, LOWER, DIGIT, SYMBOL].concat();
        for _ in 0..100 {
            let mut bytes = Zeroizing::new(Vec::with_capacity(len));
            for set in [UPPER, LOWER, DIGIT, SYMBOL] {
                bytes.push(set[rng.random_range(0..set.len())]);
            }
            while bytes.len() < len {
                bytes.push(all[rng.random_range(0..all.len())]);
            }
            bytes.shuffle(&mut rng);
            let candidate = String::from_utf8(bytes.to_vec()).map_err(|_| GenerateError)?;
            let candidate = SecretString::from(candidate);
            if self
                .check(secrecy::ExposeSecret::expose_secret(&candidate), personal)
                .is_accepted()
            {
                return Ok(candidate);
            }
        }
        Err(GenerateError)
    }
}
