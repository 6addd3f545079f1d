//! Bounds on password work. An argon2 hash costs about 19 MiB and tens of
//! milliseconds of CPU, zxcvbn a few milliseconds: at most one check per core runs
//! at once, on its own permits rather than crowding the pool every read uses, and
//! at most one check per identity is in flight, so parallel guesses at one login
//! queue behind each other and meet the lockout one by one. The argon2 hashes made
//! are counted (`hashes`), so a test can tell what a sign-in costs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use account_contract::ApiError;
use tokio::sync::{OwnedMutexGuard, Semaphore};

use crate::failure::internal;
use crate::secrets;

pub struct PasswordWork {
    cpu: Arc<Semaphore>,
    identities: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    hashes: AtomicU64,
}

/// The right to check one identity's password; dropping it lets the next in.
pub struct Turn {
    key: String,
    slot: Option<OwnedMutexGuard<()>>,
    work: Arc<PasswordWork>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        drop(self.slot.take());
        let mut identities = self.work.identities.lock().expect("identities lock");
        // Forget the slot once nobody holds or waits for it.
        if identities.get(&self.key).is_some_and(|m| Arc::strong_count(m) == 1) {
            identities.remove(&self.key);
        }
    }
}

impl PasswordWork {
    /// `parallel` hashes at most at once (the core count is a good choice).
    pub fn new(parallel: usize) -> Arc<Self> {
        Arc::new(Self {
            cpu: Arc::new(Semaphore::new(parallel.max(1))),
            identities: Mutex::new(HashMap::new()),
            hashes: AtomicU64::new(0),
        })
    }

    pub fn for_this_machine() -> Arc<Self> {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from))
    }

    /// Waits until no other password check of `identity` is in flight.
    pub async fn turn(self: &Arc<Self>, identity: &str) -> Turn {
        let slot = {
            let mut identities = self.identities.lock().expect("identities lock");
            identities.entry(identity.to_owned()).or_default().clone()
        };
        let guard = slot.lock_owned().await;
        Turn { key: identity.to_owned(), slot: Some(guard), work: self.clone() }
    }

    /// Runs CPU-heavy password work (argon2, zxcvbn) once a core is free.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.cpu.clone().acquire_owned().await.map_err(internal)?;
        tokio::task::spawn_blocking(f).await.map_err(internal)
    }

    /// Argon2 hashes made since the server started (checks and new hashes).
    pub fn hashes(&self) -> u64 {
        self.hashes.load(Ordering::Relaxed)
    }

    /// Counts `n` argon2 hashes made (or about to be) by work run here.
    pub fn count_hashes(&self, n: usize) {
        self.hashes.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Whether `password` matches `hash` (one argon2 hash); with no hash, it is
    /// checked against `decoy()` in the same time, and does not match.
    pub async fn verify(
        &self,
        password: String,
        hash: Option<String>,
        decoy: fn() -> &'static str,
    ) -> Result<bool, ApiError> {
        self.count_hashes(1);
        self.run(move || match hash {
            Some(hash) => secrets::verify_password(&password, &hash),
            None => {
                secrets::verify_password(&password, decoy());
                false
            }
        })
        .await
    }

    /// The argon2 hash of a new password.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.count_hashes(1);
        self.run(move || secrets::hash_password(&password)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_check_per_identity_at_a_time_and_slots_are_forgotten() {
        let work = PasswordWork::new(2);
        let first = work.turn("a").await;
        let other =
            tokio::time::timeout(std::time::Duration::from_millis(50), work.turn("b")).await;
        assert!(other.is_ok(), "another identity does not wait");
        let same = tokio::time::timeout(std::time::Duration::from_millis(50), work.turn("a")).await;
        assert!(same.is_err(), "the same identity waits");
        drop(first);
        drop(other);
        let again = work.turn("a").await;
        drop(again);
        assert!(work.identities.lock().unwrap().is_empty());
    }
}
