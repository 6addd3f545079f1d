//! Passwords and their history, one rule for the account and its EIM users: a new
//! password moves the stored one (as it is in the write's transaction) into the
//! history, which keeps the `keep - 1` before it; none of these `keep` may be reused.
//! An EIM user setting up a first password has none to move.

use super::sql::{args, Db};
use super::{Owner, StoreError};

/// The owner's stored password hash (`None`: an EIM user without one yet, or gone).
fn current(conn: &Db, owner: &Owner) -> Result<Option<String>, StoreError> {
    let hash: Option<Option<String>> = match owner.user() {
        None => conn.query_opt(
            "SELECT password_hash FROM accounts WHERE account_id = ?1",
            args![owner.account_id],
            |r| r.get(0),
        )?,
        Some(user_id) => conn.query_opt(
            "SELECT password_hash FROM users WHERE user_id = ?1 AND account_id = ?2",
            args![user_id, owner.account_id],
            |r| r.get(0),
        )?,
    };
    Ok(hash.flatten())
}

/// The owner's earlier hashes, newest first, at most `limit`.
fn history(conn: &Db, owner: &Owner, limit: usize) -> Result<Vec<String>, StoreError> {
    let limit = limit as i64;
    match owner.user() {
        None => conn.query(
            "SELECT password_hash FROM password_history WHERE account_id = ?1 AND user_id IS NULL
                ORDER BY created_at DESC, rowid DESC LIMIT ?2",
            args![owner.account_id, limit],
            |r| r.get::<String>(0),
        ),
        Some(user_id) => conn.query(
            "SELECT password_hash FROM password_history WHERE user_id = ?1
                ORDER BY created_at DESC, rowid DESC LIMIT ?2",
            args![user_id, limit],
            |r| r.get::<String>(0),
        ),
    }
}

/// Password hashes that may not be reused: the current one first, then the history,
/// `keep` in all.
pub fn recent_hashes(conn: &Db, owner: &Owner, keep: usize) -> Result<Vec<String>, StoreError> {
    let mut hashes: Vec<String> = current(conn, owner)?.into_iter().collect();
    hashes.extend(history(conn, owner, keep.saturating_sub(1))?);
    Ok(hashes)
}

/// Sets the owner's password; the stored one goes into the history (trimmed to
/// `keep - 1`, so that `recent_hashes` finds `keep`).
pub fn set(
    conn: &Db,
    owner: &Owner,
    new_hash: &str,
    now: i64,
    keep: usize,
) -> Result<(), StoreError> {
    if let Some(old) = current(conn, owner)? {
        conn.execute(
            "INSERT INTO password_history (account_id, user_id, password_hash, created_at)
                VALUES (?1, ?2, ?3, ?4)",
            args![owner.account_id, owner.user_id, old, now],
        )?;
    }
    let older = keep.saturating_sub(1) as i64;
    match owner.user() {
        None => {
            conn.execute(
                "UPDATE accounts SET password_hash = ?2 WHERE account_id = ?1",
                args![owner.account_id, new_hash],
            )?;
            conn.execute(
                "DELETE FROM password_history WHERE account_id = ?1 AND user_id IS NULL
                    AND rowid NOT IN (SELECT rowid FROM password_history
                        WHERE account_id = ?1 AND user_id IS NULL
                        ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
                args![owner.account_id, older],
            )?;
        }
        Some(user_id) => {
            conn.execute(
                "UPDATE users SET password_hash = ?2, modified_at = ?3 WHERE user_id = ?1",
                args![user_id, new_hash, now],
            )?;
            conn.execute(
                "DELETE FROM password_history WHERE user_id = ?1 AND rowid NOT IN (
                    SELECT rowid FROM password_history WHERE user_id = ?1
                    ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
                args![user_id, older],
            )?;
        }
    }
    Ok(())
}
