//! Password hashing off the async threads, on one dedicated thread per core.
//!
//! argon2id is CPU- and memory-hard on purpose. Running it on a fixed set of threads, each
//! keeping its argon2 memory for reuse, bounds both: a burst of sign-ins queues instead of
//! oversubscribing the cores, and memory stays at one argon2 block set per core.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use cognate_crypto::password::{PasswordHasher, Workspace};
use cognate_crypto::{random, seal, srp};
use tokio::sync::oneshot;

use crate::error::{DomainError, Result};
use crate::model::SrpVerifier;

/// Who a password belongs to, for its SRP verifier.
pub(crate) struct Owner {
    /// The part of the pool id after the underscore.
    pub pool_name: String,
    /// USER_ID_FOR_SRP: the username.
    pub user_id: String,
    /// Binds the sealed verifier to its user (pool id and sub).
    pub context: String,
}

/// A password as stored: its argon2id hash and its SRP verifier.
pub(crate) struct StoredPassword {
    pub phc: String,
    pub srp: SrpVerifier,
}

enum Job {
    Hash(String, Owner, oneshot::Sender<Result<StoredPassword>>),
    /// Checks a password against a stored hash, or against the decoy when there is none.
    Verify(String, Option<String>, oneshot::Sender<bool>),
}

/// The hashing threads and the queue that feeds them.
pub(crate) struct HashPool {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl HashPool {
    /// Starts one hashing thread per core. They stop when the pool is dropped.
    pub(crate) fn start(hasher: PasswordHasher, seal_key: [u8; 32]) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        for n in 0..cores {
            let receiver = receiver.clone();
            let hasher = hasher.clone();
            let spawned = std::thread::Builder::new().name(format!("cognate-hash-{n}")).spawn(move || {
                let mut workspace = Workspace::default();
                loop {
                    // The lock is held only while waiting for the next job.
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(Job::Hash(password, owner, reply)) => {
                            let _ = reply.send(store_password(&hasher, &seal_key, &password, &owner, &mut workspace));
                        }
                        Ok(Job::Verify(password, phc, reply)) => {
                            let matches = match phc {
                                Some(phc) => hasher.verify_in(&password, &phc, &mut workspace),
                                None => hasher.verify_decoy_in(&password, &mut workspace),
                            };
                            let _ = reply.send(matches);
                        }
                        Err(_) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Self { jobs: Mutex::new(sender) }
    }

    fn submit(&self, job: Job) -> Result<()> {
        let jobs = self.jobs.lock().map_err(|_| DomainError::internal("hash queue lock poisoned"))?;
        jobs.send(job).map_err(|_| DomainError::internal("password hashing threads stopped"))
    }

    /// The argon2id hash and the sealed SRP verifier of `password`.
    pub(crate) async fn hash(&self, password: &str, owner: Owner) -> Result<StoredPassword> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Hash(password.to_owned(), owner, reply))?;
        answer.await.map_err(DomainError::internal)?
    }

    /// Whether `password` matches `phc`; with no stored hash, spends the same time and says no.
    pub(crate) async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Verify(password.to_owned(), phc.map(str::to_owned), reply))?;
        answer.await.map_err(DomainError::internal)
    }
}

fn store_password(
    hasher: &PasswordHasher,
    seal_key: &[u8; 32],
    password: &str,
    owner: &Owner,
    workspace: &mut Workspace,
) -> Result<StoredPassword> {
    let phc = hasher.hash_in(password, workspace).map_err(DomainError::internal)?;
    let salt = random::key_bytes()[..16].to_vec();
    let verifier = srp::verifier(&owner.pool_name, &owner.user_id, password, &salt);
    let sealed = seal::seal(seal_key, owner.context.as_bytes(), &verifier)
        .ok_or_else(|| DomainError::internal("cannot seal the SRP verifier"))?;
    Ok(StoredPassword { phc, srp: SrpVerifier { salt, sealed } })
}
