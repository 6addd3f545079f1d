//! Access keys. The secret is sealed (see `secrets.rs`): the database alone
//! reveals none.

use super::sql::{args, Db, DbError, Query, Row};
use super::{Owner, StoreError};
use crate::clock;
use account_contract::{AccessKey, KeyState};

/// A session: the key created with email/password (Basic) that started it, and when
/// it ends. Every key created under a session belongs to it and ends no later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOf {
    pub id: String,
    pub expires_at: Option<i64>,
}

/// An access key as stored.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub access_key_id: String,
    pub account_id: String,
    /// The EIM user the key belongs to; `None` for the account itself.
    pub user_id: Option<String>,
    pub secret_nonce: Vec<u8>,
    pub secret_sealed: Vec<u8>,
    pub state: KeyState,
    pub tag: Option<String>,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub modified_at: i64,
    /// The session this key belongs to: its own ID for a key created with
    /// email/password, the creating key's session for a key created by a signed call
    /// within one, `None` otherwise.
    pub session_id: Option<String>,
    /// The account deactivated this EIM user's key or set its expiration: the user
    /// may not undo it.
    pub account_controlled: bool,
    /// When the key last signed a call, and from which client address, as recorded
    /// (at most once a minute, `note_use`); `None` until its first use.
    pub last_use: Option<(i64, String)>,
}

impl KeyRecord {
    /// Whose key this is.
    pub fn owner(&self) -> Owner {
        Owner { account_id: self.account_id.clone(), user_id: self.user_id.clone() }
    }

    /// A new active key of `account_id` (for its user `user_id`, if any), its secret
    /// sealed by `SecretBox::seal`: permanent, untagged, in no session until told.
    pub fn new(
        access_key_id: String,
        account_id: String,
        user_id: Option<String>,
        (secret_nonce, secret_sealed): (Vec<u8>, Vec<u8>),
        now: i64,
    ) -> Self {
        Self {
            access_key_id,
            account_id,
            user_id,
            secret_nonce,
            secret_sealed,
            state: KeyState::Active,
            tag: None,
            expires_at: None,
            created_at: now,
            modified_at: now,
            session_id: None,
            account_controlled: false,
            last_use: None,
        }
    }

    /// The key as the API shows it, without its secret.
    pub fn to_api(&self) -> AccessKey {
        AccessKey {
            access_key_id: Some(self.access_key_id.clone()),
            creation_date: Some(clock::format(self.created_at)),
            expiration_date: self.expires_at.map(clock::format),
            last_modification_date: Some(clock::format(self.modified_at)),
            state: Some(self.state.as_str().to_owned()),
            tag: self.tag.clone(),
            last_used_date: self.last_use.as_ref().map(|(at, _)| clock::format(*at)),
            last_used_client_ip: self.last_use.as_ref().map(|(_, ip)| ip.clone()),
        }
    }

    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    /// The session this key belongs to, as the caller of a call it signs sees it.
    fn session(&self) -> Option<SessionOf> {
        (self.session_id.as_deref() == Some(self.access_key_id.as_str()))
            .then(|| SessionOf { id: self.access_key_id.clone(), expires_at: self.expires_at })
    }
}

/// A key with its last use, if any: `k.` names the key's columns.
const SELECT: &str =
    "SELECT k.access_key_id, k.account_id, k.secret_nonce, k.secret_sealed, k.state, k.tag,
    k.expires_at, k.created_at, k.modified_at, k.user_id, k.session_id, k.account_controlled,
    u.last_used_at, u.client_ip
    FROM access_keys k LEFT JOIN access_key_uses u ON u.access_key_id = k.access_key_id";

/// A stored state; anything else is a corrupt row.
fn state_of(text: &str) -> Result<KeyState, DbError> {
    KeyState::parse(text).ok_or_else(|| DbError::Decode(format!("unknown key state {text:?}")))
}

fn from_row(row: &Row) -> Result<KeyRecord, DbError> {
    Ok(KeyRecord {
        access_key_id: row.get(0)?,
        account_id: row.get(1)?,
        secret_nonce: row.get(2)?,
        secret_sealed: row.get(3)?,
        state: state_of(&row.get::<String>(4)?)?,
        tag: row.get(5)?,
        expires_at: row.get(6)?,
        created_at: row.get(7)?,
        modified_at: row.get(8)?,
        user_id: row.get(9)?,
        session_id: row.get(10)?,
        account_controlled: row.get(11)?,
        last_use: match (row.get::<Option<i64>>(12)?, row.get::<Option<String>>(13)?) {
            (Some(at), Some(ip)) => Some((at, ip)),
            _ => None,
        },
    })
}

pub fn by_id(conn: &Db, access_key_id: &str) -> Result<Option<KeyRecord>, StoreError> {
    conn.query_opt(&format!("{SELECT} WHERE k.access_key_id = ?1"), args![access_key_id], from_row)
}

/// A key and the session it belongs to. A key whose session is gone is no key.
pub fn with_session(
    conn: &Db,
    access_key_id: &str,
) -> Result<(Option<KeyRecord>, Option<SessionOf>), StoreError> {
    let Some(key) = by_id(conn, access_key_id)? else { return Ok((None, None)) };
    let session = match key.session_id.as_deref() {
        None => None,
        Some(id) if id == key.access_key_id => key.session(),
        Some(id) => match by_id(conn, id)?.and_then(|root| root.session()) {
            Some(session) => Some(session),
            None => return Ok((None, None)),
        },
    };
    Ok((Some(key), session))
}

/// Whether the key is still active and, if it belongs to the session `session_id`,
/// the session's own key still there (a key inside a session goes with it): the
/// requirement (`Sql::require`) the door adds to a signed call's writes.
pub fn still_active(access_key_id: &str, session_id: Option<&str>) -> Query {
    Query {
        sql: "SELECT EXISTS (SELECT 1 FROM access_keys WHERE access_key_id = ?1 AND state = ?3)
            AND EXISTS (SELECT 1 FROM access_keys WHERE access_key_id = ?2)"
            .to_owned(),
        args: args![access_key_id, session_id.unwrap_or(access_key_id), KeyState::Active.as_str()]
            .to_vec(),
    }
}

/// The keys of one identity: the account itself (`user_id` `None`) or one of its users.
pub fn of_owner(conn: &Db, owner: &Owner) -> Result<Vec<KeyRecord>, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.query(
        &format!(
            "{SELECT} WHERE k.account_id = ?1 AND k.user_id IS NOT DISTINCT FROM ?2
                ORDER BY k.created_at, k.access_key_id COLLATE \"C\""
        ),
        args![account_id, user_id],
        from_row,
    )
}

/// How many keys of one identity count toward its limit: expired keys never do.
pub fn count_of_owner(conn: &Db, owner: &Owner, now: i64) -> Result<usize, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    conn.value::<i64>(
        "SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND user_id IS NOT DISTINCT FROM ?2
            AND (expires_at IS NULL OR expires_at > ?3)",
        args![account_id, user_id, now],
    )
    .map(|n| n as usize)
}

pub fn insert(conn: &Db, k: &KeyRecord) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO access_keys (access_key_id, account_id, secret_nonce, secret_sealed, state, tag, expires_at,
            created_at, modified_at, user_id, session_id, account_controlled)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        args![
            k.access_key_id, k.account_id, k.secret_nonce, k.secret_sealed, k.state.as_str(), k.tag, k.expires_at,
            k.created_at, k.modified_at, k.user_id, k.session_id, k.account_controlled
        ],
    )
    .map(drop)
}

/// Records that the key signed a call now from `client_ip`, unless a use was recorded
/// less than `interval` seconds ago (by another request or instance meanwhile); a key
/// deleted meanwhile records nothing.
pub fn note_use(
    conn: &Db,
    access_key_id: &str,
    client_ip: &str,
    now: i64,
    interval: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO access_key_uses (access_key_id, last_used_at, client_ip)
            SELECT access_key_id, CAST(?2 AS BIGINT), CAST(?3 AS TEXT) FROM access_keys WHERE access_key_id = ?1
            ON CONFLICT (access_key_id) DO UPDATE SET last_used_at = excluded.last_used_at, client_ip = excluded.client_ip
            WHERE access_key_uses.last_used_at <= excluded.last_used_at - CAST(?4 AS BIGINT)",
        args![access_key_id, now, client_ip, interval],
    )
    .map(drop)
}

/// Writes back the fields `UpdateAccessKey` may change.
pub fn save(conn: &Db, k: &KeyRecord) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE access_keys SET state = ?2, tag = ?3, expires_at = ?4, modified_at = ?5, account_controlled = ?6
            WHERE access_key_id = ?1",
        args![k.access_key_id, k.state.as_str(), k.tag, k.expires_at, k.modified_at, k.account_controlled],
    )
    .map(drop)
}

pub fn delete(conn: &Db, access_key_id: &str) -> Result<bool, StoreError> {
    conn.execute("DELETE FROM access_keys WHERE access_key_id = ?1", args![access_key_id])
        .map(|n| n > 0)
}

/// Ends a session whose own key was deactivated: deletes every key created within it,
/// as its deletion would. Its own key stays, inactive: re-activated, it is one key
/// again, never the keys its session made.
pub fn end_keys_made_within(conn: &Db, session_id: &str) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM access_keys WHERE session_id = ?1 AND access_key_id <> ?1",
        args![session_id],
    )
    .map(drop)
}

/// Deletes the account's expired keys (its users' too): sessions nobody signed out of.
pub fn purge_expired(conn: &Db, account_id: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM access_keys WHERE account_id = ?1 AND expires_at IS NOT NULL AND expires_at <= ?2",
        args![account_id, now],
    )
    .map(drop)
}

/// Deletes sessions and every key created within them; returns how many sessions went.
fn end_sessions(conn: &Db, sessions: &[String]) -> Result<u32, StoreError> {
    for id in sessions {
        conn.execute("DELETE FROM access_keys WHERE session_id = ?1", args![id])?;
    }
    Ok(sessions.len() as u32)
}

/// The sessions of one identity (keys it created with email/password), oldest first.
fn sessions_of(
    conn: &Db,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<Vec<(String, Option<i64>)>, StoreError> {
    conn.query(
        "SELECT access_key_id, expires_at FROM access_keys WHERE account_id = ?1
            AND user_id IS NOT DISTINCT FROM ?2 AND session_id = access_key_id ORDER BY created_at, rowid",
        args![account_id, user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Signs out every other session of the identity: deletes its sessions but `keep`,
/// with every key created within them. Keys created otherwise stay. Returns how
/// many sessions went.
pub fn delete_other_sessions(
    conn: &Db,
    owner: &Owner,
    keep: Option<&str>,
) -> Result<u32, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    let others: Vec<String> = sessions_of(conn, account_id, user_id)?
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| Some(id.as_str()) != keep)
        .collect();
    end_sessions(conn, &others)
}

/// The session `session_id` if it is one of the identity's own (a sign-in of that
/// identity, not a permanent key nor another identity's).
pub fn own_session(
    conn: &Db,
    owner: &Owner,
    session_id: &str,
) -> Result<Option<String>, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    let Some(root) = by_id(conn, session_id)? else { return Ok(None) };
    let owned = root.account_id == account_id && root.user_id.as_deref() == user_id;
    Ok((owned && root.session().is_some()).then_some(root.access_key_id))
}

/// Signs one session of the identity out, with every key created within it. `false`
/// when the identity has no such session.
pub fn end_session(conn: &Db, owner: &Owner, session_id: &str) -> Result<bool, StoreError> {
    match own_session(conn, owner, session_id)? {
        Some(id) => end_sessions(conn, &[id]).map(|_| true),
        None => Ok(false),
    }
}

/// Ends the identity's oldest temporary session (a console sign-in nobody signed
/// out of), to make room for a new one. `false` when there is none to end.
pub fn end_oldest_session(conn: &Db, owner: &Owner) -> Result<bool, StoreError> {
    let (account_id, user_id) = (owner.account_id.as_str(), owner.user());
    let oldest =
        sessions_of(conn, account_id, user_id)?.into_iter().find(|(_, expires)| expires.is_some());
    match oldest {
        Some((id, _)) => end_sessions(conn, &[id]).map(|_| true),
        None => Ok(false),
    }
}

/// Any one key, to try the server key on.
pub fn sample(conn: &Db) -> Result<Option<KeyRecord>, StoreError> {
    conn.query_opt(&format!("{SELECT} LIMIT 1"), &[], from_row)
}

/// How many access keys the database holds, all accounts together.
pub fn count_all(conn: &Db) -> Result<u64, StoreError> {
    conn.value("SELECT COUNT(*) FROM access_keys", &[])
}
