//! Access keys. The secret is sealed (see `secrets.rs`): the database alone
//! reveals none.

use account_contract::{AccessKey, ApiError};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::internal;
use crate::clock;

/// An access key as stored.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub access_key_id: String,
    pub account_id: String,
    /// The EIM user the key belongs to; `None` for the account itself.
    pub user_id: Option<String>,
    pub secret_nonce: Vec<u8>,
    pub secret_sealed: Vec<u8>,
    pub state: String,
    pub tag: Option<String>,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub modified_at: i64,
}

impl KeyRecord {
    /// The key as the API shows it, without its secret.
    pub fn to_api(&self) -> AccessKey {
        AccessKey {
            access_key_id: Some(self.access_key_id.clone()),
            creation_date: Some(clock::format(self.created_at)),
            expiration_date: self.expires_at.map(clock::format),
            last_modification_date: Some(clock::format(self.modified_at)),
            state: Some(self.state.clone()),
            tag: self.tag.clone(),
        }
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

const SELECT: &str = "SELECT access_key_id, account_id, secret_nonce, secret_sealed, state, tag, expires_at,
    created_at, modified_at, user_id FROM access_keys";

fn from_row(row: &Row<'_>) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        access_key_id: row.get(0)?,
        account_id: row.get(1)?,
        secret_nonce: row.get(2)?,
        secret_sealed: row.get(3)?,
        state: row.get(4)?,
        tag: row.get(5)?,
        expires_at: row.get(6)?,
        created_at: row.get(7)?,
        modified_at: row.get(8)?,
        user_id: row.get(9)?,
    })
}

pub fn by_id(conn: &Connection, access_key_id: &str) -> Result<Option<KeyRecord>, ApiError> {
    conn.prepare_cached(&format!("{SELECT} WHERE access_key_id = ?1"))
        .and_then(|mut s| s.query_row([access_key_id], from_row).optional())
        .map_err(internal)
}

/// The keys of one identity: the account itself (`user_id` `None`) or one of its users.
pub fn of_owner(conn: &Connection, account_id: &str, user_id: Option<&str>) -> Result<Vec<KeyRecord>, ApiError> {
    conn.prepare_cached(&format!(
        "{SELECT} WHERE account_id = ?1 AND user_id IS ?2 ORDER BY created_at, access_key_id"
    ))
    .and_then(|mut s| s.query_map(params![account_id, user_id], from_row)?.collect())
    .map_err(internal)
}

pub fn count_of_owner(conn: &Connection, account_id: &str, user_id: Option<&str>) -> Result<usize, ApiError> {
    conn.query_row(
        "SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND user_id IS ?2",
        params![account_id, user_id],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n as usize)
    .map_err(internal)
}

pub fn insert(conn: &Connection, k: &KeyRecord) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO access_keys (access_key_id, account_id, secret_nonce, secret_sealed, state, tag, expires_at,
            created_at, modified_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            k.access_key_id, k.account_id, k.secret_nonce, k.secret_sealed, k.state, k.tag, k.expires_at,
            k.created_at, k.modified_at, k.user_id
        ],
    )
    .map(drop)
    .map_err(internal)
}

/// Writes back the fields `UpdateAccessKey` may change.
pub fn save(conn: &Connection, k: &KeyRecord) -> Result<(), ApiError> {
    conn.execute(
        "UPDATE access_keys SET state = ?2, tag = ?3, expires_at = ?4, modified_at = ?5 WHERE access_key_id = ?1",
        params![k.access_key_id, k.state, k.tag, k.expires_at, k.modified_at],
    )
    .map(drop)
    .map_err(internal)
}

pub fn delete(conn: &Connection, access_key_id: &str) -> Result<bool, ApiError> {
    conn.execute("DELETE FROM access_keys WHERE access_key_id = ?1", [access_key_id]).map(|n| n > 0).map_err(internal)
}

/// Deletes keys that expired more than a day ago: sessions nobody signed out of.
pub fn purge_expired(conn: &Connection, account_id: &str, now: i64) -> Result<(), ApiError> {
    conn.execute(
        "DELETE FROM access_keys WHERE account_id = ?1 AND expires_at IS NOT NULL AND expires_at < ?2",
        params![account_id, now - 86_400],
    )
    .map(drop)
    .map_err(internal)
}

/// Signs out every other session: deletes the identity's temporary keys (those with
/// an expiration date) except `keep`. Permanent keys stay. Returns how many went.
pub fn delete_other_sessions(
    conn: &Connection,
    account_id: &str,
    user_id: Option<&str>,
    keep: Option<&str>,
    now: i64,
) -> Result<u32, ApiError> {
    conn.execute(
        "DELETE FROM access_keys WHERE account_id = ?1 AND user_id IS ?2 AND expires_at IS NOT NULL
            AND access_key_id != ?3 AND expires_at > ?4",
        params![account_id, user_id, keep.unwrap_or(""), now],
    )
    .map(|n| n as u32)
    .map_err(internal)
}

/// How many access keys the database holds, all accounts together.
pub fn count_all(conn: &Connection) -> Result<u64, ApiError> {
    conn.query_row("SELECT COUNT(*) FROM access_keys", [], |r| r.get(0)).map_err(internal)
}
