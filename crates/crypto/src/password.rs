//! Password hashing with argon2id, at a cost the operator chooses.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
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
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        self.argon
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    }

    /// Whether `password` matches `phc`. A malformed stored hash never matches. The cost used is
    /// the one recorded in `phc`, so raising the configured cost does not lock anybody out.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        match PasswordHash::new(phc) {
            Ok(parsed) => self.argon.verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    }

    /// Spends the time of one verification and returns false: used for users that do not exist.
    pub fn verify_decoy(&self, password: &str) -> bool {
        let _ = self.verify(password, &self.decoy);
        false
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
