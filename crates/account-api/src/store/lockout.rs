//! Failed sign-in counters. After every `THRESHOLD` failures the identity is
//! locked for one more unit (a minute by default), up to `MAX_UNITS`.

use account_contract::ApiError;
use rusqlite::{params, Connection, OptionalExtension};

use super::internal;

pub const THRESHOLD: i64 = 4;
pub const MAX_UNITS: i64 = 10;

#[derive(Debug, Clone, Copy)]
pub struct Lockout {
    /// Seconds in one lock unit.
    pub unit_secs: i64,
}

impl Lockout {
    /// Seconds left to wait, if the identity is locked now.
    pub fn locked_for(&self, conn: &Connection, identity: &str, now: i64) -> Result<Option<i64>, ApiError> {
        let until: Option<i64> = conn
            .prepare_cached("SELECT locked_until FROM login_failures WHERE identity = ?1")
            .and_then(|mut s| s.query_row([identity], |r| r.get(0)).optional())
            .map_err(internal)?;
        Ok(until.filter(|u| *u > now).map(|u| u - now))
    }

    /// Counts a failure; returns the lock it starts, in seconds, if it starts one.
    pub fn fail(&self, conn: &Connection, identity: &str, now: i64) -> Result<Option<i64>, ApiError> {
        let failures: i64 = conn
            .query_row(
                "INSERT INTO login_failures (identity, failures, locked_until) VALUES (?1, 1, 0)
                 ON CONFLICT(identity) DO UPDATE SET failures = failures + 1 RETURNING failures",
                [identity],
                |r| r.get(0),
            )
            .map_err(internal)?;
        if failures % THRESHOLD != 0 {
            return Ok(None);
        }
        let secs = (failures / THRESHOLD).min(MAX_UNITS) * self.unit_secs;
        conn.execute(
            "UPDATE login_failures SET locked_until = ?2 WHERE identity = ?1",
            params![identity, now + secs],
        )
        .map_err(internal)?;
        Ok(Some(secs))
    }

    /// A successful sign-in clears the count.
    pub fn succeed(&self, conn: &Connection, identity: &str) -> Result<(), ApiError> {
        conn.execute("DELETE FROM login_failures WHERE identity = ?1", [identity]).map(drop).map_err(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::MIGRATIONS[0]).unwrap();
        conn
    }

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
            if let Some(secs) = l.fail(&conn, "account:1", now).unwrap() {
                locks.push(secs);
            }
            now += 1;
        }
        assert_eq!(locks, [60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 600, 600, 600, 600, 600]);
        assert!(l.locked_for(&conn, "account:2", now).unwrap().is_none(), "per identity");
        l.succeed(&conn, "account:1").unwrap();
        assert_eq!(l.fail(&conn, "account:1", now + 10_000).unwrap(), None, "a success clears the count");
    }
}
