//! Argon2id hashing with an optional pepper (control PW-STORAGE).
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`). A pepper is argon2's
//! own secret input: it never appears in the PHC string and is never stored with the hash
//! (TPE-7.10); when a pepper is in use its short public ID is written as the PHC `keyid`
//! parameter so that peppers can be rotated and a hash made without a pepper is noticed.

use argon2::password_hash::{Output, ParamsString, PasswordHash as Phc, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::TryRngCore;
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};

use super::normalize::{MAX_HASH_INPUT_BYTES, nfkc_secret};
use super::policy::PolicyError;

/// Argon2id cost parameters.
///
/// # Defaults
/// The `argon2` crate's and OWASP's minimum: m = 19 MiB ([`Self::DEFAULT_M_COST_KIB`]), t = 2,
/// p = 1. Anything weaker is refused by [`validate`](Self::validate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HashParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl HashParams {
    /// 19 MiB.
    pub const DEFAULT_M_COST_KIB: u32 = 19 * 1024;
    /// 2 passes.
    pub const DEFAULT_T_COST: u32 = 2;
    /// 1 lane.
    pub const DEFAULT_P_COST: u32 = 1;
    /// Largest memory cost accepted, for new hashes and stored ones alike: 1 GiB.
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// Largest pass count accepted.
    pub const MAX_T_COST: u32 = 64;
    /// Largest lane count accepted.
    pub const MAX_P_COST: u32 = 16;

    /// Parameters from their parts; see [`validate`](Self::validate) for bounds.
    pub const fn new(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Self {
        Self {
            m_cost_kib,
            t_cost,
            p_cost,
        }
    }

    /// Checks the OWASP minimum (m ≥ 19 MiB with t ≥ 2, or m ≥ 46 MiB with t ≥ 1) and the maxima.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let owasp = (self.m_cost_kib >= Self::DEFAULT_M_COST_KIB && self.t_cost >= 2)
            || (self.m_cost_kib >= 46 * 1024 && self.t_cost >= 1);
        if !owasp || self.p_cost < 1 {
            return Err(PolicyError::Hashing(
                "below the OWASP minimum (m=19 MiB, t=2, p=1)",
            ));
        }
        if self.m_cost_kib > Self::MAX_M_COST_KIB
            || self.t_cost > Self::MAX_T_COST
            || self.p_cost > Self::MAX_P_COST
        {
            return Err(PolicyError::Hashing("above the supported maximum"));
        }
        Ok(())
    }

    fn argon2_params(&self, keyid: Option<&[u8]>) -> Result<Params, HashError> {
        let mut b = argon2::ParamsBuilder::new();
        b.m_cost(self.m_cost_kib)
            .t_cost(self.t_cost)
            .p_cost(self.p_cost);
        if let Some(id) = keyid {
            b.keyid(argon2::KeyId::new(id).map_err(|_| HashError::InvalidConfig("pepper id"))?);
        }
        b.build()
            .map_err(|_| HashError::InvalidConfig("argon2 parameters"))
    }
}

impl Default for HashParams {
    fn default() -> Self {
        Self::new(
            Self::DEFAULT_M_COST_KIB,
            Self::DEFAULT_T_COST,
            Self::DEFAULT_P_COST,
        )
    }
}

/// A stored password hash: a PHC string. Store it as text; it contains no pepper.
///
/// `Debug` does not print it: a hash is material for offline guessing.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a stored PHC string. It is parsed (defensively) only when used.
    pub fn from_phc(phc: impl Into<String>) -> Self {
        Self(phc.into())
    }

    /// The PHC string, for storage.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let alg = self.0.split('$').nth(1).unwrap_or("?");
        write!(f, "PasswordHash({alg}, [REDACTED])")
    }
}

/// A pepper: a secret mixed into every hash and kept apart from the database (for example in a
/// key file or a secret manager). Its `id` (1–8 ASCII letters or digits, not secret) is recorded
/// in each hash so that old peppers can be kept for verification during rotation.
pub struct Pepper {
    id: String,
    secret: SecretSlice<u8>,
}

impl Pepper {
    /// Smallest pepper accepted, in bytes.
    pub const MIN_LEN: usize = 16;
    /// Largest pepper accepted, in bytes.
    pub const MAX_LEN: usize = 64;

    /// A pepper with a public `id` and secret bytes (16 to 64 bytes; 32 random bytes recommended).
    pub fn new(id: &str, secret: SecretSlice<u8>) -> Result<Self, HashError> {
        let id_ok = (1..=8).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
        if !id_ok {
            return Err(HashError::InvalidConfig(
                "pepper id must be 1-8 ASCII letters or digits",
            ));
        }
        let len = secret.expose_secret().len();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(HashError::InvalidConfig("pepper must be 16 to 64 bytes"));
        }
        Ok(Self {
            id: id.to_owned(),
            secret,
        })
    }

    /// The public ID.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pepper")
            .field("id", &self.id)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

/// The outcome of verifying a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Verification {
    /// The password does not match.
    Mismatch,
    /// The password matches.
    Match {
        /// The stored hash is weaker than the policy (older parameters, another argon2 variant,
        /// no pepper or an old pepper): store a fresh hash now that the password is known.
        needs_rehash: bool,
    },
}

impl Verification {
    /// `true` for a match.
    pub fn is_match(self) -> bool {
        matches!(self, Verification::Match { .. })
    }
}

/// Hashing and verification failures. Messages never contain a password or a hash.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashError {
    /// The stored hash is not a PHC string of argon2, or its parameters are out of bounds.
    #[error("stored password hash is malformed or unsupported")]
    Malformed,
    /// The stored hash names a pepper that is not configured.
    #[error("stored password hash uses an unknown pepper")]
    UnknownPepper,
    /// The input is longer than any policy accepts.
    #[error("password input too long")]
    InputTooLong,
    /// Every hashing slot is busy and the queue is full: try again later.
    #[error("password hashing overloaded")]
    Overloaded,
    /// The hasher was configured wrongly.
    #[error("invalid hasher configuration: {0}")]
    InvalidConfig(&'static str),
    /// A hashing worker stopped unexpectedly.
    #[error("password hashing worker unavailable")]
    WorkerGone,
}

/// A worker's argon2 memory, reused between hashes and wiped when the worker stops.
pub(crate) type Scratch = zeroize::Zeroizing<Vec<Block>>;

/// The synchronous hashing engine shared by the worker threads.
#[derive(Debug)]
pub(crate) struct Engine {
    params: HashParams,
    active: Option<Pepper>,
    retired: Vec<Pepper>,
}

impl Engine {
    pub(crate) fn new(
        params: HashParams,
        active: Option<Pepper>,
        retired: Vec<Pepper>,
    ) -> Result<Self, HashError> {
        params
            .validate()
            .map_err(|_| HashError::InvalidConfig("hash parameters outside bounds"))?;
        let mut ids: Vec<&str> = active.iter().chain(&retired).map(Pepper::id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(HashError::InvalidConfig("duplicate pepper id"));
        }
        Ok(Self {
            params,
            active,
            retired,
        })
    }

    pub(crate) fn params(&self) -> HashParams {
        self.params
    }

    fn pepper_for(&self, keyid: &[u8]) -> Result<Option<&Pepper>, HashError> {
        if keyid.is_empty() {
            return Ok(None);
        }
        self.active
            .iter()
            .chain(&self.retired)
            .find(|p| p.id.as_bytes() == keyid)
            .map(Some)
            .ok_or(HashError::UnknownPepper)
    }

    fn argon2<'k>(
        pepper: Option<&'k Pepper>,
        algorithm: Algorithm,
        version: Version,
        params: Params,
    ) -> Result<Argon2<'k>, HashError> {
        match pepper {
            Some(p) => {
                Argon2::new_with_secret(p.secret.expose_secret(), algorithm, version, params)
                    .map_err(|_| HashError::InvalidConfig("pepper"))
            }
            None => Ok(Argon2::new(algorithm, version, params)),
        }
    }

    /// Runs argon2 in `scratch`, which is grown to the needed size and then kept for the next
    /// call (a worker hashes without a 19 MiB allocation and its page faults each time). A buffer
    /// that a stored hash with a larger memory cost grew is shrunk back afterwards, so a worker
    /// keeps at most the policy's memory cost between calls.
    fn run(
        &self,
        argon: &Argon2<'_>,
        blocks: usize,
        input: (&[u8], &[u8]),
        out: &mut [u8],
        scratch: &mut Scratch,
    ) -> Result<(), HashError> {
        if scratch.len() < blocks {
            scratch.resize(blocks, Block::default());
        }
        let result = argon
            .hash_password_into_with_memory(input.0, input.1, out, &mut scratch[..blocks])
            .map_err(|_| HashError::Malformed);
        let keep = self.params.m_cost_kib as usize;
        if scratch.len() > keep {
            scratch.truncate(keep);
            scratch.shrink_to_fit();
        }
        result
    }

    /// Hashes `password` (NFKC-normalised here) with a fresh 128-bit salt from the OS CSPRNG.
    pub(crate) fn hash(
        &self,
        password: &str,
        scratch: &mut Scratch,
    ) -> Result<PasswordHash, HashError> {
        if password.len() > MAX_HASH_INPUT_BYTES {
            return Err(HashError::InputTooLong);
        }
        let pw = nfkc_secret(password);
        let keyid = self.active.as_ref().map(|p| p.id.as_bytes());
        let params = self.params.argon2_params(keyid)?;
        let mut salt = [0u8; 16];
        rand::rngs::OsRng
            .try_fill_bytes(&mut salt)
            .map_err(|_| HashError::InvalidConfig("operating system random source failed"))?;
        let salt_b64 = SaltString::encode_b64(&salt).map_err(|_| HashError::Malformed)?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        let blocks = params.block_count();
        let argon = Self::argon2(
            self.active.as_ref(),
            Algorithm::Argon2id,
            Version::V0x13,
            params.clone(),
        )?;
        self.run(&argon, blocks, (pw.as_bytes(), &salt), &mut out, scratch)?;
        let phc = Phc {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|_| HashError::Malformed)?,
            salt: Some(salt_b64.as_salt()),
            hash: Some(Output::new(&out).map_err(|_| HashError::Malformed)?),
        };
        Ok(PasswordHash(phc.to_string()))
    }

    /// Parses a stored hash defensively: argon2 only, bounded parameters.
    fn parse<'a>(&self, stored: &'a PasswordHash) -> Result<(Phc<'a>, Params), HashError> {
        let phc = Phc::new(&stored.0).map_err(|_| HashError::Malformed)?;
        let known = [Algorithm::Argon2id, Algorithm::Argon2i, Algorithm::Argon2d];
        if !known.iter().any(|a| a.ident() == phc.algorithm) {
            return Err(HashError::Malformed);
        }
        let params = Params::try_from(&phc).map_err(|_| HashError::Malformed)?;
        let out_len = phc.hash.map_or(0, |h| h.len());
        if params.m_cost() > HashParams::MAX_M_COST_KIB
            || params.t_cost() > HashParams::MAX_T_COST
            || params.p_cost() > HashParams::MAX_P_COST
            || phc.salt.is_none()
            || !(16..=64).contains(&out_len)
        {
            return Err(HashError::Malformed);
        }
        Ok((phc, params))
    }

    /// Whether `stored` is weaker than what [`hash`](Self::hash) would produce now.
    pub(crate) fn needs_rehash(&self, stored: &PasswordHash) -> Result<bool, HashError> {
        let (phc, params) = self.parse(stored)?;
        self.weaker(&phc, &params)
    }

    /// Whether a parsed stored hash is weaker than the current parameters and pepper.
    fn weaker(&self, phc: &Phc<'_>, params: &Params) -> Result<bool, HashError> {
        let mut salt_buf = [0u8; 64];
        let salt_len = phc
            .salt
            .map_or(Ok(0), |s| s.decode_b64(&mut salt_buf).map(<[u8]>::len))
            .map_err(|_| HashError::Malformed)?;
        let active_id = self
            .active
            .as_ref()
            .map(|p| p.id.as_bytes())
            .unwrap_or_default();
        Ok(phc.algorithm != Algorithm::Argon2id.ident()
            || phc.version != Some(Version::V0x13.into())
            || params.m_cost() < self.params.m_cost_kib
            || params.t_cost() < self.params.t_cost
            || params.p_cost() < self.params.p_cost
            || salt_len < 16
            || phc.hash.map_or(0, |h| h.len()) < 32
            || params.keyid() != active_id)
    }

    /// Verifies `password` against `stored`; the outputs are compared in constant time
    /// (`password_hash::Output`'s equality).
    pub(crate) fn verify(
        &self,
        password: &str,
        stored: &PasswordHash,
        scratch: &mut Scratch,
    ) -> Result<Verification, HashError> {
        if password.len() > MAX_HASH_INPUT_BYTES {
            return Err(HashError::InputTooLong);
        }
        let (phc, params) = self.parse(stored)?;
        let pepper = self.pepper_for(params.keyid())?;
        let algorithm = Algorithm::try_from(phc.algorithm).map_err(|_| HashError::Malformed)?;
        let version = phc
            .version
            .map_or(Ok(Version::V0x13), Version::try_from)
            .map_err(|_| HashError::Malformed)?;
        let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
            return Err(HashError::Malformed);
        };
        let mut salt_buf = [0u8; 64];
        let salt = salt
            .decode_b64(&mut salt_buf)
            .map_err(|_| HashError::Malformed)?;
        let pw = nfkc_secret(password);
        let mut out = zeroize::Zeroizing::new(vec![0u8; expected.len()]);
        let blocks = params.block_count();
        // The algorithm, version and parameters come from the stored hash.
        let needs_rehash = self.weaker(&phc, &params)?;
        let argon = Self::argon2(pepper, algorithm, version, params)?;
        self.run(&argon, blocks, (pw.as_bytes(), salt), &mut out, scratch)?;
        let actual = Output::new(&out).map_err(|_| HashError::Malformed)?;
        if actual == expected {
            Ok(Verification::Match { needs_rehash })
        } else {
            Ok(Verification::Mismatch)
        }
    }

    /// `true` if `password` matches any of `hashes`. Every hash is checked (no early exit), so the
    /// time does not reveal which one matched. Malformed entries count as non-matching.
    pub(crate) fn matches_any(
        &self,
        password: &str,
        hashes: &[PasswordHash],
        scratch: &mut Scratch,
    ) -> bool {
        hashes.iter().fold(false, |found, h| {
            let m = matches!(
                self.verify(password, h, scratch),
                Ok(Verification::Match { .. })
            );
            found | m
        })
    }
}
