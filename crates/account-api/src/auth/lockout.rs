//! Failed sign-in counters. After every `THRESHOLD` failures the identity is
//! locked for one more unit (a minute by default), up to `MAX_UNITS`.
//!
//! An attempt is counted *before* its password is checked, and forgiven when the
//! password matches: attempts sent in parallel cannot all be checked before the
//! first failure is written. For an identity with a second factor, a right password
//! forgives its own attempt only; the count is cleared when the second factor is
//! right, and a wrong one leaves the attempt counted.
//!
//! The key counted under is the identity's for unfamiliar sources, and one of its own
//! for each source that signed the identity in before (`familiar.rs`).

use account_contract::ApiError;

use super::familiar::SignIn;
use crate::store::sql::{args, Db};

pub const THRESHOLD: i64 = 4;
pub const MAX_UNITS: i64 = 10;
/// Counters untouched for this long, and not locking anything, are forgotten.
const FORGET_AFTER_SECS: i64 = 86_400;
/// Most counters kept; past it the stalest unlocked ones go first.
const MAX_ROWS: i64 = 100_000;

#[derive(Debug, Clone, Copy)]
pub struct Lockout {
    /// Seconds in one lock unit.
    pub unit_secs: i64,
}

/// One counted attempt, before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    failures: i64,
    /// The lock this attempt started, in seconds, if counting it started one.
    locks_for: Option<i64>,
}

/// A sign-in attempt whose password matched, still counted as a failure until its
/// second factor settles it (`second_factor::verify`).
#[derive(Debug, Clone)]
pub struct Pending {
    pub lockout_key: String,
    pub attempt: Attempt,
    /// Its source, remembered as familiar once the second factor proves right.
    pub sign_in: SignIn,
}

impl Attempt {
    /// What a wrong password answers: the lock this attempt started, or "incorrect".
    pub fn failed(&self, incorrect: ApiError) -> ApiError {
        match self.locks_for {
            Some(secs) => ApiError::locked(secs as u64),
            None => incorrect,
        }
    }
}

impl Lockout {
    /// Seconds left to wait, if the identity is locked now.
    pub fn locked_for(&self, conn: &Db, identity: &str, now: i64) -> Result<Option<i64>, ApiError> {
        let until: Option<i64> = conn.query_opt(
            "SELECT locked_until FROM login_failures WHERE identity = ?1",
            args![identity],
            |r| r.get(0),
        )?;
        Ok(until.filter(|u| *u > now).map(|u| u - now))
    }

    /// Counts an attempt as failed until its password proves right; refused while locked.
    pub fn begin(&self, conn: &Db, identity: &str, now: i64) -> Result<Attempt, ApiError> {
        if let Some(secs) = self.locked_for(conn, identity, now)? {
            return Err(ApiError::locked(secs as u64));
        }
        let failures: i64 = conn.value(
            "INSERT INTO login_failures (identity, failures, locked_until, updated_at) VALUES (?1, 1, 0, ?2)
             ON CONFLICT(identity) DO UPDATE SET failures = login_failures.failures + 1, updated_at = ?2
             RETURNING failures",
            args![identity, now],
        )?;
        if failures == 1 {
            self.forget_stale(conn, now)?;
        }
        if failures % THRESHOLD != 0 {
            return Ok(Attempt { failures, locks_for: None });
        }
        let secs = (failures / THRESHOLD).min(MAX_UNITS) * self.unit_secs;
        conn.execute(
            "UPDATE login_failures SET locked_until = ?2 WHERE identity = ?1",
            args![identity, now + secs],
        )?;
        Ok(Attempt { failures, locks_for: Some(secs) })
    }

    /// The credentials proved right: clears the count, unless another attempt (on
    /// another instance, say) locked the identity meanwhile; a lock this attempt
    /// started itself is lifted, since it was the right password after all.
    pub fn succeed(
        &self,
        conn: &Db,
        identity: &str,
        attempt: Attempt,
        now: i64,
    ) -> Result<(), ApiError> {
        self.not_locked_by_others(conn, identity, attempt, now)?;
        conn.execute("DELETE FROM login_failures WHERE identity = ?1", args![identity])?;
        Ok(())
    }

    /// The password matched, but the identity has a second factor and this attempt
    /// did not prove it: forgives this attempt only (earlier failures stay counted),
    /// and lifts a lock this attempt started itself. Refused, as `succeed`, if
    /// another attempt locked the identity meanwhile.
    pub fn forgive(
        &self,
        conn: &Db,
        identity: &str,
        attempt: Attempt,
        now: i64,
    ) -> Result<(), ApiError> {
        let own_lock = self.not_locked_by_others(conn, identity, attempt, now)?;
        conn.execute(
            "UPDATE login_failures SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
                locked_until = CASE WHEN ?2 = 1 THEN 0 ELSE locked_until END WHERE identity = ?1",
            args![identity, own_lock],
        )?;
        Ok(())
    }

    /// Fails if another attempt locked the identity after this one was counted;
    /// `Ok(true)` if the lock in force, if any, is this attempt's own.
    fn not_locked_by_others(
        &self,
        conn: &Db,
        identity: &str,
        attempt: Attempt,
        now: i64,
    ) -> Result<bool, ApiError> {
        let row: Option<(i64, i64)> = conn.query_opt(
            "SELECT failures, locked_until FROM login_failures WHERE identity = ?1",
            args![identity],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((failures, until)) = row else { return Ok(false) };
        let own_lock = attempt.locks_for.is_some() && failures == attempt.failures;
        if until > now && !own_lock {
            return Err(ApiError::locked((until - now) as u64));
        }
        Ok(own_lock)
    }

    /// Keeps the table bounded: counters idle for a day go, and past `MAX_ROWS` the
    /// stalest unlocked ones.
    fn forget_stale(&self, conn: &Db, now: i64) -> Result<(), ApiError> {
        conn.execute(
            "DELETE FROM login_failures WHERE updated_at < ?1 AND locked_until <= ?2",
            args![now - FORGET_AFTER_SECS, now],
        )?;
        let over = conn.value::<i64>("SELECT COUNT(*) FROM login_failures", &[])? - MAX_ROWS;
        if over > 0 {
            conn.execute(
                "DELETE FROM login_failures WHERE identity IN (SELECT identity FROM login_failures
                    WHERE locked_until <= ?1 ORDER BY updated_at LIMIT ?2)",
                args![now, over],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::store::engine::sqlite::in_memory as db;

    #[test]
    fn locks_grow_one_unit_per_four_failures_up_to_ten() {
        let conn = db();
        let l = Lockout { unit_secs: 60 };
        let mut now = 1_000_000;
        let mut locks = Vec::new();
        for _ in 0..60 {
            if let Some(wait) = l.locked_for(&conn, "account:1", now).unwrap() {
                now += wait; // a locked attempt is refused before counting: wait it out
            }
            let attempt = l.begin(&conn, "account:1", now).unwrap();
            if let Some(secs) = attempt.locks_for {
                locks.push(secs);
            }
            now += 1;
        }
        assert_eq!(
            locks,
            [60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 600, 600, 600, 600, 600]
        );
        assert!(l.locked_for(&conn, "account:2", now).unwrap().is_none(), "per identity");
        assert_eq!(
            l.begin(&conn, "account:1", now).unwrap_err().items[0].code,
            "13",
            "locked before counting"
        );
    }

    #[test]
    fn a_success_is_forgiven_unless_another_attempt_locked_meanwhile() {
        let conn = db();
        let l = Lockout { unit_secs: 60 };
        let now = 1_000_000;
        let first = l.begin(&conn, "a", now).unwrap();
        l.succeed(&conn, "a", first, now).unwrap();
        assert_eq!(l.begin(&conn, "a", now).unwrap().failures, 1, "a success clears the count");

        // Three more attempts in flight beside a right one: the fourth locks, and the
        // right one, checked after, is refused.
        let right = l.begin(&conn, "b", now).unwrap();
        for _ in 0..3 {
            l.begin(&conn, "b", now).unwrap();
        }
        assert_eq!(l.succeed(&conn, "b", right, now).unwrap_err().items[0].code, "13");

        // The attempt that started the lock may lift it: it was the right password.
        for _ in 0..3 {
            l.begin(&conn, "c", now).unwrap();
        }
        let fourth = l.begin(&conn, "c", now).unwrap();
        assert!(fourth.locks_for.is_some());
        l.succeed(&conn, "c", fourth, now).unwrap();
        assert!(l.locked_for(&conn, "c", now).unwrap().is_none());
    }

    #[test]
    fn forgiving_keeps_earlier_failures_and_lifts_only_its_own_lock() {
        let conn = db();
        let l = Lockout { unit_secs: 60 };
        let now = 1_000_000;
        for _ in 0..2 {
            l.begin(&conn, "a", now).unwrap();
        }
        let right = l.begin(&conn, "a", now).unwrap();
        l.forgive(&conn, "a", right, now).unwrap();
        assert_eq!(l.begin(&conn, "a", now).unwrap().failures, 3, "two failures and this one");

        for _ in 0..3 {
            l.begin(&conn, "b", now).unwrap();
        }
        let fourth = l.begin(&conn, "b", now).unwrap();
        assert!(fourth.locks_for.is_some());
        l.forgive(&conn, "b", fourth, now).unwrap();
        assert!(l.locked_for(&conn, "b", now).unwrap().is_none(), "its own lock is lifted");
        assert_eq!(l.begin(&conn, "b", now).unwrap().locks_for, Some(60), "three stay counted");

        let right = l.begin(&conn, "c", now).unwrap();
        for _ in 0..3 {
            l.begin(&conn, "c", now).unwrap();
        }
        assert_eq!(l.forgive(&conn, "c", right, now).unwrap_err().items[0].code, "13");
    }

    #[test]
    fn idle_counters_are_forgotten() {
        let conn = db();
        let l = Lockout { unit_secs: 60 };
        l.begin(&conn, "old", 1_000).unwrap();
        l.begin(&conn, "new", 1_000 + FORGET_AFTER_SECS + 1).unwrap();
        let n: i64 = (&conn as &Db).value("SELECT COUNT(*) FROM login_failures", &[]).unwrap();
        assert_eq!(n, 1);
    }
}
