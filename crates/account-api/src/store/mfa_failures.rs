//! Consecutive wrong second-factor codes per identity (`MFA_FAILURES_MAX`): unlike the
//! sign-in lockout's counters, never forgotten with time, so the codes an attacker who
//! knows the password can try stay bounded for good.

use super::sql::{args, Db};
use super::{Owner, StoreError};

/// The name the failures are kept under, as the lockout's (`account:ID`, `user:ID`).
fn identity(owner: &Owner) -> String {
    match owner.user() {
        Some(user_id) => format!("user:{user_id}"),
        None => format!("account:{}", owner.account_id),
    }
}

/// Counts one code as wrong before it is checked (parallel guesses cannot all be
/// checked before one is counted); answers the count with it.
pub fn count(conn: &Db, owner: &Owner, now: i64) -> Result<i64, StoreError> {
    conn.value(
        "INSERT INTO mfa_failures (identity, failures, updated_at) VALUES (?1, 1, ?2)
         ON CONFLICT(identity) DO UPDATE SET failures = mfa_failures.failures + 1, updated_at = ?2
         RETURNING failures",
        args![identity(owner), now],
    )
}

/// The code counted by `count` was right after all: it is no failure.
pub fn forgive_one(conn: &Db, owner: &Owner) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE mfa_failures SET failures = failures - 1 WHERE identity = ?1 AND failures > 0",
        args![identity(owner)],
    )
    .map(drop)
}

/// A right factor at sign-in, a recovery code or the operator: the count starts again.
pub fn clear(conn: &Db, owner: &Owner) -> Result<bool, StoreError> {
    conn.execute("DELETE FROM mfa_failures WHERE identity = ?1", args![identity(owner)])
        .map(|n| n > 0)
}
