//! EIM users: identities inside an account, with their own password (maybe none
//! yet) and access keys.

use super::sql::{args, Db, DbError, Row};
use super::StoreError;
use crate::clock;
use account_contract::User;

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user_id: String,
    pub account_id: String,
    pub user_name: String,
    pub user_email: Option<String>,
    pub path: String,
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub modified_at: i64,
}

impl UserRecord {
    /// A new user of `account_id`, without a password yet, at path `/` unless given.
    pub fn new(
        account_id: String,
        user_name: String,
        user_email: Option<String>,
        path: Option<String>,
        now: i64,
    ) -> Self {
        Self {
            user_id: crate::ids::user_id(),
            account_id,
            user_name,
            user_email,
            path: path.unwrap_or_else(|| "/".into()),
            password_hash: None,
            created_at: now,
            modified_at: now,
        }
    }

    /// The user as the API shows it.
    pub fn to_api(&self) -> User {
        User {
            creation_date: Some(clock::format(self.created_at)),
            last_modification_date: Some(clock::format(self.modified_at)),
            outscale_login_allowed: Some(true),
            path: Some(self.path.clone()),
            user_email: self.user_email.clone(),
            user_id: Some(self.user_id.clone()),
            user_name: Some(self.user_name.clone()),
            has_password: Some(self.password_hash.is_some()),
        }
    }

    /// `ACCOUNT_ID/username`: how the user signs in.
    pub fn login(&self) -> String {
        format!("{}/{}", self.account_id, self.user_name)
    }
}

const SELECT: &str =
    "SELECT user_id, account_id, user_name, user_email, path, password_hash, created_at, modified_at FROM users";

fn from_row(row: &Row) -> Result<UserRecord, DbError> {
    Ok(UserRecord {
        user_id: row.get(0)?,
        account_id: row.get(1)?,
        user_name: row.get(2)?,
        user_email: row.get(3)?,
        path: row.get(4)?,
        password_hash: row.get(5)?,
        created_at: row.get(6)?,
        modified_at: row.get(7)?,
    })
}

pub fn by_id(conn: &Db, user_id: &str) -> Result<Option<UserRecord>, StoreError> {
    conn.query_opt(&format!("{SELECT} WHERE user_id = ?1"), args![user_id], from_row)
}

pub fn by_name(
    conn: &Db,
    account_id: &str,
    user_name: &str,
) -> Result<Option<UserRecord>, StoreError> {
    conn.query_opt(
        &format!("{SELECT} WHERE account_id = ?1 AND user_name = ?2"),
        args![account_id, user_name],
        from_row,
    )
}

pub fn of_account(conn: &Db, account_id: &str) -> Result<Vec<UserRecord>, StoreError> {
    // Byte order on both engines (PostgreSQL would sort by the database's locale).
    conn.query(
        &format!("{SELECT} WHERE account_id = ?1 ORDER BY user_name COLLATE \"C\""),
        args![account_id],
        from_row,
    )
}

/// Inserts the user; a name the account already uses is `StoreError::Duplicate`.
pub fn insert(conn: &Db, u: &UserRecord) -> Result<(), StoreError> {
    if by_name(conn, &u.account_id, &u.user_name)?.is_some() {
        return Err(StoreError::Duplicate);
    }
    conn.execute(
        "INSERT INTO users (user_id, account_id, user_name, user_email, path, password_hash, created_at, modified_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![u.user_id, u.account_id, u.user_name, u.user_email, u.path, u.password_hash, u.created_at, u.modified_at],
    )
    .map(drop)
}

/// Writes back name, email and path; a name the account already uses is
/// `StoreError::Duplicate`.
pub fn save(conn: &Db, u: &UserRecord) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET user_name = ?2, user_email = ?3, path = ?4, modified_at = ?5 WHERE user_id = ?1",
        args![u.user_id, u.user_name, u.user_email, u.path, u.modified_at],
    )
    .map(drop)
}

/// Deletes the user; its keys and password history go with it (foreign keys).
pub fn delete(conn: &Db, user_id: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM users WHERE user_id = ?1", args![user_id]).map(drop)
}
