//! What storage tells the caches above it: that a credential may have been revoked
//! (an access key deleted, deactivated or given a new expiry; a session ended with
//! its keys; a user or account deleted with theirs), and until when it is sure it
//! has heard of every such change.
//!
//! The database says it itself: triggers on `access_keys` (migration 9) mark every
//! such change, however it is made: by this instance, another instance or the
//! command line. This instance hears its own at commit, before the call that made
//! them answers; the others it hears through the engine's watch: PostgreSQL's
//! `LISTEN/NOTIFY` (`engine/pg_watch.rs`), or on SQLite a look at the trigger's
//! counter (`engine/sqlite.rs`), several times a second.
//!
//! A cache keeps what it read under the `epoch` current before it read, and serves it
//! only while the epoch has not moved and the watch is `trusted`: a revocation moves
//! the epoch, and a watch that has not confirmed lately (its link to the database
//! lost, a look that failed) makes every cached credential a miss, so nothing
//! revoked is served from memory for longer than `TRUST`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a confirmation of the watch lasts: past it, caches read the database.
pub const TRUST: Duration = Duration::from_millis(750);
/// How often the watch confirms that it has heard everything.
pub const CONFIRM_EVERY: Duration = Duration::from_millis(100);

pub struct Revocations {
    epoch: AtomicU64,
    /// Milliseconds since `started` up to which every revocation has been heard
    /// (0: never confirmed).
    confirmed: AtomicU64,
    started: Instant,
}

impl Default for Revocations {
    fn default() -> Self {
        Self { epoch: AtomicU64::new(1), confirmed: AtomicU64::new(0), started: Instant::now() }
    }
}

impl Revocations {
    /// The current epoch: read it before reading what a cache will keep.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Something may have been revoked: whatever caches hold is void.
    pub fn revoked(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// A moment, for `confirm`: take it before asking the database.
    pub fn mark(&self) -> u64 {
        (self.started.elapsed().as_millis() as u64).max(1)
    }

    /// Every revocation committed before `mark` (a moment from `mark()`) has been heard.
    pub fn confirm(&self, mark: u64) {
        self.confirmed.fetch_max(mark, Ordering::AcqRel);
    }

    /// Whether what was cached under `epoch` may be served now.
    pub fn still_holds(&self, epoch: u64) -> bool {
        if epoch != self.epoch() {
            return false;
        }
        let confirmed = self.confirmed.load(Ordering::Acquire);
        confirmed != 0 && self.mark().saturating_sub(confirmed) <= TRUST.as_millis() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revocation_or_a_silent_watch_voids_what_was_cached() {
        let r = Revocations::default();
        let epoch = r.epoch();
        assert!(!r.still_holds(epoch), "never confirmed: nothing is trusted");
        r.confirm(r.mark());
        assert!(r.still_holds(epoch));
        r.revoked();
        assert!(!r.still_holds(epoch), "revoked since it was read");
        let epoch = r.epoch();
        assert!(r.still_holds(epoch));
        std::thread::sleep(TRUST + Duration::from_millis(50));
        assert!(!r.still_holds(epoch), "the watch has not confirmed lately");
    }
}
