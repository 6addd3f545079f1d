//! Access keys this instance has read lately, kept in memory so that a signed call
//! needs no database read (and no thread hand-off) to know who signs it: the key's
//! owner, expiry and session, its opened secret, and its signing keys (one per day,
//! algorithm and service: four HMACs each, made once).
//!
//! Only active keys are kept. Whatever may revoke one (a key deleted, deactivated or
//! given a new expiry, a session ended, a user deleted) moves storage's epoch, on this
//! instance before the revoking call answers, on the others through their watch
//! (`store/changes.rs`); a key read under an older epoch, or while the watch cannot
//! vouch for what it heard, is read again. Expiry is checked at each call. Writes
//! still check their credentials in their own transaction (`door.rs`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use account_contract::signing::{self, Algorithm};

use crate::store::access_keys::SessionOf;
use crate::store::changes::{Changes, EpochCache, Watched};
use crate::store::Owner;

/// Most keys kept; past it the cache starts again empty (a key is one read away).
const MAX_KEYS: usize = 50_000;
/// Signing keys kept per access key (day × algorithm × service).
const MAX_SIGNING_KEYS: usize = 4;
/// `last_active` of a session with no activity recorded yet, `last_used` of a key
/// never used.
const NEVER: i64 = i64::MIN;

/// An active access key as read from the database, with its secret opened.
pub struct VerifiedKey {
    pub access_key_id: String,
    pub owner: Owner,
    pub expires_at: Option<i64>,
    /// The session the key belongs to, if any.
    pub session: Option<SessionOf>,
    /// When its session last signed a call, as this instance last read or wrote it.
    last_active: AtomicI64,
    /// When the key itself last signed a call, as this instance last read or wrote it.
    last_used: AtomicI64,
    secret: String,
    signing_keys: Mutex<Vec<SigningKey>>,
}

/// A signing key, and the scope it signs for.
struct SigningKey {
    algorithm: Algorithm,
    date: String,
    region: String,
    service: String,
    key: [u8; 32],
}

impl VerifiedKey {
    pub fn new(
        access_key_id: String,
        owner: Owner,
        expires_at: Option<i64>,
        session: Option<SessionOf>,
        last_active: Option<i64>,
        last_used: Option<i64>,
        secret: String,
    ) -> Self {
        Self {
            access_key_id,
            owner,
            expires_at,
            session,
            last_active: AtomicI64::new(last_active.unwrap_or(NEVER)),
            last_used: AtomicI64::new(last_used.unwrap_or(NEVER)),
            secret,
            signing_keys: Mutex::new(Vec::new()),
        }
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    /// The key that signs for `date` (`YYYYMMDD`) in `region`, for `service`.
    pub fn signing_key(
        &self,
        algorithm: Algorithm,
        date: &str,
        region: &str,
        service: &str,
    ) -> [u8; 32] {
        let mut known = self.signing_keys.lock().expect("signing keys");
        let found = known.iter().find(|k| {
            k.algorithm == algorithm && k.date == date && k.region == region && k.service == service
        });
        if let Some(k) = found {
            return k.key;
        }
        let key = signing::signing_key(algorithm, &self.secret, date, region, service);
        if known.len() >= MAX_SIGNING_KEYS {
            known.remove(0);
        }
        let (date, region, service) = (date.to_owned(), region.to_owned(), service.to_owned());
        known.push(SigningKey { algorithm, date, region, service, key });
        key
    }

    /// Whether the session's activity should be recorded now, once per `interval`:
    /// `true` for one call of this instance per interval (the record itself is a
    /// write that also skips a record made lately by another instance).
    pub fn activity_due(&self, now: i64, interval: i64) -> bool {
        // A session from before activity was recorded has no row to update.
        self.last_active.load(Ordering::Acquire) != NEVER
            && once_per_interval(&self.last_active, now, interval)
    }

    /// Whether the key's own use should be recorded now (its first, or once per
    /// `interval`): `true` for one call of this instance per interval, as
    /// `activity_due`.
    pub fn use_due(&self, now: i64, interval: i64) -> bool {
        once_per_interval(&self.last_used, now, interval)
    }
}

/// Moves `last` to `now` if it is `interval` old (or `NEVER`): of racing calls, one wins.
fn once_per_interval(last: &AtomicI64, now: i64, interval: i64) -> bool {
    let seen = last.load(Ordering::Acquire);
    if seen != NEVER && now - seen < interval {
        return false;
    }
    last.compare_exchange(seen, now, Ordering::AcqRel, Ordering::Acquire).is_ok()
}

/// The keys this instance has verified, by access key ID.
pub type VerifiedKeys = EpochCache<VerifiedKey>;

pub fn verified_keys(changes: Arc<Changes>) -> VerifiedKeys {
    EpochCache::new(changes, Watched::Keys, MAX_KEYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_call_per_interval_records_the_activity() {
        let k = VerifiedKey::new(
            "AK".into(),
            Owner::account("1"),
            None,
            None,
            Some(100),
            None,
            "s".into(),
        );
        assert!(!k.activity_due(130, 60));
        assert!(k.activity_due(160, 60));
        assert!(!k.activity_due(161, 60), "recorded by the call before");
        assert!(k.activity_due(220, 60));
    }

    #[test]
    fn a_key_use_is_recorded_at_first_then_once_per_interval() {
        let k =
            VerifiedKey::new("AK".into(), Owner::account("1"), None, None, None, None, "s".into());
        assert!(!k.activity_due(100, 60), "no session row to update");
        assert!(k.use_due(100, 60), "the first use");
        assert!(!k.use_due(100, 60));
        assert!(!k.use_due(159, 60));
        assert!(k.use_due(160, 60));
        let read = VerifiedKey::new(
            "AK".into(),
            Owner::account("1"),
            None,
            None,
            None,
            Some(100),
            "s".into(),
        );
        assert!(!read.use_due(130, 60), "recorded lately, as read from storage");
    }

    #[test]
    fn signing_keys_are_made_once_per_day_and_match_the_contract() {
        let k =
            VerifiedKey::new("AK".into(), Owner::account("1"), None, None, None, None, "s".into());
        let expected = signing::signing_key(Algorithm::Osc4, "s", "20261207", "eu-west-2", "api");
        assert_eq!(k.signing_key(Algorithm::Osc4, "20261207", "eu-west-2", "api"), expected);
        assert_eq!(k.signing_key(Algorithm::Osc4, "20261207", "eu-west-2", "api"), expected);
        assert_ne!(k.signing_key(Algorithm::Osc4, "20261208", "eu-west-2", "api"), expected);
        assert_eq!(k.signing_keys.lock().unwrap().len(), 2);
    }
}
