//! Password hashing with argon2id, at a cost the operator chooses.

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl HashCost {
    /// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    pub const OWASP: HashCost = HashCost { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    /// The cheapest cost Cognate accepts, for development and CI where thousands of users are
    /// created per run. Never for production.
    pub const DEVELOPMENT: HashCost = HashCost { memory_kib: 64, iterations: 1, parallelism: 1 };
}

impl Default for HashCost {
    fn default() -> Self {
        Self::OWASP
    }
}

/// A failure to hash (bad parameters).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes and checks passwords. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    argon: Argon2<'static>,
    /// A hash of a random password, checked against when the user does not exist so that the
    /// answer takes as long as for a real user.
    decoy: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").field("params", self.argon.params()).finish()
    }
}

impl PasswordHasher {
    /// A hasher with the given cost; refuses parameters argon2 does not accept.
    pub fn new(cost: HashCost) -> Result<Self, HashError> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| HashError(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut hasher = Self { argon, decoy: String::new() };
        hasher.decoy = hasher.hash(&crate::random::opaque_token())?;
        Ok(hasher)
    }

    /// The PHC string (`$argon2id$v=19$m=...`) of `password` with a fresh salt.
    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        self.hash_in(password, &mut Workspace::default())
    }

    /// [`hash`](Self::hash), reusing `workspace`'s memory: a long-lived hashing thread keeps one
    /// workspace instead of allocating the whole argon2 memory for every password.
    pub fn hash_in(&self, password: &str, workspace: &mut Workspace) -> Result<String, HashError> {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let mut out = [0u8; 32];
        let params = self.argon.params();
        self.argon
            .hash_password_into_with_memory(
                password.as_bytes(),
                &salt,
                &mut out,
                workspace.blocks(params.block_count()),
            )
            .map_err(|e| HashError(e.to_string()))?;
        Ok(format!(
            "$argon2id$v=19$m={},t={},p={}${}${}",
            params.m_cost(),
            params.t_cost(),
            params.p_cost(),
            B64.encode(salt),
            B64.encode(out)
        ))
    }

    /// Whether `password` matches `phc`. A malformed stored hash never matches. The cost used is
    /// the one recorded in `phc`, so raising the configured cost does not lock anybody out.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        self.verify_in(password, phc, &mut Workspace::default())
    }

    /// [`verify`](Self::verify), reusing `workspace`'s memory.
    pub fn verify_in(&self, password: &str, phc: &str, workspace: &mut Workspace) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else { return false };
        if parsed.algorithm.as_str() != "argon2id" {
            return false;
        }
        let (Ok(params), Some(salt), Some(expected)) = (Params::try_from(&parsed), parsed.salt, parsed.hash) else {
            return false;
        };
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
        let mut out = vec![0u8; expected.len()];
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let blocks = workspace.blocks(params.block_count());
        if argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks).is_err() {
            return false;
        }
        crate::constant_time_eq(&out, expected.as_bytes())
    }

    /// Spends the time of one verification and returns false: used for users that do not exist.
    pub fn verify_decoy(&self, password: &str) -> bool {
        self.verify_decoy_in(password, &mut Workspace::default())
    }

    /// [`verify_decoy`](Self::verify_decoy), reusing `workspace`'s memory.
    pub fn verify_decoy_in(&self, password: &str, workspace: &mut Workspace) -> bool {
        let _ = self.verify_in(password, &self.decoy, workspace);
        false
    }
}

/// Reusable argon2 memory (one per hashing thread).
#[derive(Default)]
pub struct Workspace {
    blocks: Vec<Block>,
}

impl Workspace {
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.blocks.len() != count {
            self.blocks = vec![Block::default(); count];
        }
        &mut self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let hasher = PasswordHasher::new(HashCost::DEVELOPMENT).unwrap();
        let phc = hasher.hash("Passw0rd!").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert!(hasher.verify("Passw0rd!", &phc));
        assert!(!hasher.verify("passw0rd!", &phc));
        assert!(!hasher.verify("Passw0rd!", "not a hash"));
        assert!(!hasher.verify_decoy("Passw0rd!"));
        assert_ne!(phc, hasher.hash("Passw0rd!").unwrap(), "salts differ");
    }

    #[test]
    fn a_hash_made_at_another_cost_still_verifies() {
        let cheap = PasswordHasher::new(HashCost::DEVELOPMENT).unwrap();
        let owasp = PasswordHasher::new(HashCost::OWASP).unwrap();
        assert!(owasp.verify("Secret1!", &cheap.hash("Secret1!").unwrap()));
    }
}
