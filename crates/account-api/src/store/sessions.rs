//! What is known of each session: its browser and operating system (`UserAgent`), the
//! address it signed in from, when it last signed a call, and when it last proved its
//! password (recent re-authentication). A row goes with its session (the foreign key
//! deletes it when the session's key goes).

use super::sql::{args, Db};
use super::{Owner, StoreError};
use crate::user_agent::UserAgent;

/// A session of an identity, with its browser and system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub session_id: String,
    pub user_agent: UserAgent,
    pub client_ip: Option<String>,
    pub created_at: i64,
    pub last_active_at: i64,
    pub expires_at: Option<i64>,
}

/// Notes the browser and system of a session that starts now; the sign-in proved the
/// password (and the second factor) now.
pub fn record(
    conn: &Db,
    session_id: &str,
    user_agent: &UserAgent,
    client_ip: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO session_devices (session_id, browser, os, client_ip, last_active_at, proved_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        args![session_id, user_agent.browser, user_agent.os, client_ip, now],
    )
    .map(drop)
}

/// When the session last signed a call, as recorded (`None`: a session from before
/// browsers were recorded).
pub fn last_active(conn: &Db, session_id: &str) -> Result<Option<i64>, StoreError> {
    conn.query_opt(
        "SELECT last_active_at FROM session_devices WHERE session_id = ?1",
        args![session_id],
        |r| r.get(0),
    )
}

/// When the session last proved its password (and second factor), if ever recorded.
pub fn proved_at(conn: &Db, session_id: &str) -> Result<Option<i64>, StoreError> {
    let at: Option<Option<i64>> = conn.query_opt(
        "SELECT proved_at FROM session_devices WHERE session_id = ?1",
        args![session_id],
        |r| r.get(0),
    )?;
    Ok(at.flatten())
}

/// Records that the session proved its password (and second factor) now; a session
/// from before devices were recorded gets its row.
pub fn prove(conn: &Db, session_id: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO session_devices (session_id, last_active_at, proved_at) VALUES (?1, ?2, ?2)
            ON CONFLICT(session_id) DO UPDATE SET proved_at = excluded.proved_at",
        args![session_id, now],
    )
    .map(drop)
}

/// Records that the session signed a call now, unless it was recorded less than
/// `interval` seconds ago (by another request or another instance meanwhile).
pub fn touch(conn: &Db, session_id: &str, now: i64, interval: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE session_devices SET last_active_at = CAST(?2 AS BIGINT)
            WHERE session_id = ?1 AND last_active_at <= CAST(?2 AS BIGINT) - CAST(?3 AS BIGINT)",
        args![session_id, now, interval],
    )
    .map(drop)
}

/// The identity's sessions that have not ended, most recently active first.
pub fn of_owner(conn: &Db, owner: &Owner, now: i64) -> Result<Vec<SessionRecord>, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.query(
        "SELECT k.access_key_id, d.browser, d.os, d.client_ip, k.created_at,
                COALESCE(d.last_active_at, k.created_at) AS active, k.expires_at
            FROM access_keys k LEFT JOIN session_devices d ON d.session_id = k.access_key_id
            WHERE k.account_id = ?1 AND k.user_id IS NOT DISTINCT FROM ?2
                AND k.session_id = k.access_key_id AND (k.expires_at IS NULL OR k.expires_at > ?3)
            ORDER BY active DESC, k.created_at DESC, k.access_key_id COLLATE \"C\"",
        args![account_id, user_id, now],
        |r| {
            Ok(SessionRecord {
                session_id: r.get(0)?,
                user_agent: UserAgent { browser: r.get(1)?, os: r.get(2)? },
                client_ip: r.get(3)?,
                created_at: r.get(4)?,
                last_active_at: r.get(5)?,
                expires_at: r.get(6)?,
            })
        },
    )
}
