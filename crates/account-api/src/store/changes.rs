//! What storage tells the caches above it: that access keys may have been revoked
//! (a key deleted, deactivated or given a new expiry; a session ended with its keys; a
//! user or account deleted with theirs) or accounts' rows changed, and until when it is
//! sure it has heard of every such change.
//!
//! The database says it itself: triggers (migration 9) mark every such change, however
//! it is made: by this instance, another instance or the command line. This instance
//! hears its own at commit, before the call that made them answers; the others it hears
//! through the engine's watch: on SQLite a look at the triggers' counters several times
//! a second (`engine/sqlite.rs`), on PostgreSQL `LISTEN/NOTIFY` (`engine/pg_watch.rs`).
//! PostgreSQL does not tell its instances of accounts' changes (a NOTIFY serialises the
//! commits of every notifying transaction, and UpdateAccount must commit in parallel):
//! there, accounts are not cached.
//!
//! A cache (`EpochCache`) keeps what it read under the epoch current before it read, and
//! serves it only while that epoch has not moved and the watch has confirmed lately: a
//! change moves the epoch, and a watch that has not confirmed (its link to the database
//! lost, a look that failed) turns every cached value into a miss, so nothing revoked is
//! served from memory for longer than `TRUST`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a confirmation of the watch lasts: past it, caches read the database.
pub const TRUST: Duration = Duration::from_millis(750);
/// How often the watch confirms that it has heard everything.
pub const CONFIRM_EVERY: Duration = Duration::from_millis(100);

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    /// Access keys: revocations.
    Keys,
    /// Accounts' rows.
    Accounts,
}

pub struct Changes {
    keys: AtomicU64,
    accounts: AtomicU64,
    /// Whether every writer's changes to accounts are heard (SQLite's are; see above).
    accounts_heard: bool,
    /// Milliseconds since `started` up to which every change has been heard (0: never
    /// confirmed).
    confirmed: AtomicU64,
    started: Instant,
}

impl Changes {
    pub fn new(accounts_heard: bool) -> Self {
        Self {
            keys: AtomicU64::new(1),
            accounts: AtomicU64::new(1),
            accounts_heard,
            confirmed: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    fn counter(&self, what: Watched) -> &AtomicU64 {
        match what {
            Watched::Keys => &self.keys,
            Watched::Accounts => &self.accounts,
        }
    }

    /// The current epoch: read it before reading what a cache will keep.
    pub fn epoch(&self, what: Watched) -> u64 {
        self.counter(what).load(Ordering::Acquire)
    }

    /// Something may have changed: whatever caches hold of it is void.
    pub fn changed(&self, what: Watched) {
        self.counter(what).fetch_add(1, Ordering::AcqRel);
    }

    /// Anything may have changed (a watch that lost track).
    pub fn all_changed(&self) {
        self.changed(Watched::Keys);
        self.changed(Watched::Accounts);
    }

    /// A moment, for `confirm`: take it before asking the database.
    pub fn mark(&self) -> u64 {
        (self.started.elapsed().as_millis() as u64).max(1)
    }

    /// Every change committed before `mark` (a moment from `mark()`) has been heard.
    pub fn confirm(&self, mark: u64) {
        self.confirmed.fetch_max(mark, Ordering::AcqRel);
    }

    /// Whether what was cached of `what` under `epoch` may be served now.
    pub fn still_holds(&self, what: Watched, epoch: u64) -> bool {
        if what == Watched::Accounts && !self.accounts_heard {
            return false;
        }
        if epoch != self.epoch(what) {
            return false;
        }
        let confirmed = self.confirmed.load(Ordering::Acquire);
        confirmed != 0 && self.mark().saturating_sub(confirmed) <= TRUST.as_millis() as u64
    }
}

/// Values read from the database, served while `Changes` vouches for them.
pub struct EpochCache<V> {
    changes: Arc<Changes>,
    what: Watched,
    max: usize,
    values: RwLock<HashMap<String, (u64, Arc<V>)>>,
}

impl<V> EpochCache<V> {
    /// At most `max` values; past it the cache starts again empty (a value is one
    /// read away).
    pub fn new(changes: Arc<Changes>, what: Watched, max: usize) -> Self {
        Self { changes, what, max, values: RwLock::new(HashMap::new()) }
    }

    /// Take it before the read whose value `keep` will keep.
    pub fn epoch(&self) -> u64 {
        self.changes.epoch(self.what)
    }

    /// The value, if read under the current epoch and the watch vouches for it.
    pub fn get(&self, id: &str) -> Option<Arc<V>> {
        let (epoch, value) = self.values.read().expect("cache").get(id).cloned()?;
        self.changes.still_holds(self.what, epoch).then_some(value)
    }

    /// Keeps a value read under `epoch`; one read under an epoch already gone is
    /// given back unkept (it serves its own call only).
    pub fn keep(&self, id: &str, epoch: u64, value: V) -> Arc<V> {
        let value = Arc::new(value);
        if epoch != self.epoch() || !self.changes.still_holds(self.what, epoch) {
            return value;
        }
        let mut values = self.values.write().expect("cache");
        if values.len() >= self.max {
            values.clear();
        }
        values.insert(id.to_owned(), (epoch, value.clone()));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirmed(accounts_heard: bool) -> Arc<Changes> {
        let c = Arc::new(Changes::new(accounts_heard));
        c.confirm(c.mark());
        c
    }

    #[test]
    fn a_change_or_a_silent_watch_voids_what_was_cached() {
        let c = Changes::new(true);
        let epoch = c.epoch(Watched::Keys);
        assert!(!c.still_holds(Watched::Keys, epoch), "never confirmed: nothing is trusted");
        c.confirm(c.mark());
        assert!(c.still_holds(Watched::Keys, epoch));
        c.changed(Watched::Accounts);
        assert!(c.still_holds(Watched::Keys, epoch), "an account's change leaves keys be");
        c.changed(Watched::Keys);
        assert!(!c.still_holds(Watched::Keys, epoch), "revoked since it was read");
        let epoch = c.epoch(Watched::Keys);
        assert!(c.still_holds(Watched::Keys, epoch));
        std::thread::sleep(TRUST + Duration::from_millis(50));
        assert!(!c.still_holds(Watched::Keys, epoch), "the watch has not confirmed lately");
    }

    #[test]
    fn a_value_read_before_a_change_is_never_served_after_it() {
        let changes = confirmed(true);
        let cache = EpochCache::new(changes.clone(), Watched::Keys, 10);
        cache.keep("AK", cache.epoch(), 1);
        assert_eq!(cache.get("AK").as_deref(), Some(&1));
        changes.changed(Watched::Keys);
        assert!(cache.get("AK").is_none(), "kept before the change");
        // Read before a change, kept after it: a read that raced the change.
        let epoch = cache.epoch();
        changes.changed(Watched::Keys);
        cache.keep("AK", epoch, 2);
        assert!(cache.get("AK").is_none(), "a read that raced a change is not kept");
    }

    #[test]
    fn accounts_are_not_cached_where_their_changes_are_not_heard() {
        let cache = EpochCache::new(confirmed(false), Watched::Accounts, 10);
        cache.keep("123456789012", cache.epoch(), ());
        assert!(cache.get("123456789012").is_none());
    }
}
