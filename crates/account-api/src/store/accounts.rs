//! Accounts and their passwords.

use super::sql::{args, Db, DbError, Row};
use super::{internal, Store};
use account_contract::validation::normalize_login;
use account_contract::{Account, AccountField, ApiError, ErrorCode, UpdateAccountRequest};

/// The column of each editable field.
fn column(field: AccountField) -> &'static str {
    use AccountField::*;
    match field {
        Email => "email",
        FirstName => "first_name",
        LastName => "last_name",
        JobTitle => "job_title",
        PhoneNumber => "phone_number",
        MobileNumber => "mobile_number",
        CompanyName => "company_name",
        VatNumber => "vat_number",
        City => "city",
        ZipCode => "zip_code",
        StateProvince => "state_province",
        Country => "country",
    }
}

const SELECT: &str =
    "SELECT account_id, customer_id, additional_emails, outscale_login_allowed, password_hash,
    email, first_name, last_name, job_title, phone_number, mobile_number, company_name, vat_number,
    city, zip_code, state_province, country FROM accounts";

/// An account as stored: what the API shows, plus its password hash.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub account: Account,
    pub password_hash: String,
}

impl AccountRecord {
    pub fn id(&self) -> &str {
        self.account.account_id.as_deref().unwrap_or_default()
    }
    pub fn email(&self) -> &str {
        self.account.email.as_deref().unwrap_or_default()
    }
}

fn from_row(row: &Row) -> Result<AccountRecord, DbError> {
    let emails: String = row.get(2)?;
    let mut account = Account {
        account_id: Some(row.get(0)?),
        customer_id: Some(row.get(1)?),
        additional_emails: Some(serde_json::from_str(&emails).unwrap_or_default()),
        outscale_login_allowed: Some(row.get(3)?),
        ..Default::default()
    };
    for (i, field) in AccountField::ALL.into_iter().enumerate() {
        *field.of_account_mut(&mut account) = row.get::<Option<String>>(5 + i)?;
    }
    Ok(AccountRecord { account, password_hash: row.get(4)? })
}

pub fn by_id(conn: &Db, account_id: &str) -> Result<Option<AccountRecord>, ApiError> {
    conn.query_opt(&format!("{SELECT} WHERE account_id = ?1"), args![account_id], from_row)
}

pub fn by_email(conn: &Db, email: &str) -> Result<Option<AccountRecord>, ApiError> {
    conn.query_opt(
        &format!("{SELECT} WHERE email_key = ?1"),
        args![normalize_login(email)],
        from_row,
    )
}

pub fn count(conn: &Db) -> Result<u64, ApiError> {
    conn.value("SELECT COUNT(*) FROM accounts", &[])
}

fn duplicate_email() -> ApiError {
    ApiError::field(ErrorCode::DuplicateEmail, "Email", "is already used by another account.")
}

/// Applies the fields an update carries; the others stay as they are.
pub fn update(conn: &Db, account_id: &str, update: &UpdateAccountRequest) -> Result<(), ApiError> {
    let mut sets: Vec<String> = Vec::new();
    let mut values: Vec<super::sql::Value> = Vec::new();
    for field in AccountField::ALL {
        if let Some(v) = field.of_update(update) {
            values.push(super::sql::Value::Text(v.clone()));
            sets.push(format!("{} = ?{}", column(field), values.len()));
        }
    }
    if let Some(email) = &update.email {
        values.push(super::sql::Value::Text(normalize_login(email)));
        sets.push(format!("email_key = ?{}", values.len()));
    }
    if let Some(list) = &update.additional_emails {
        values.push(super::sql::Value::Text(serde_json::to_string(list).map_err(internal)?));
        sets.push(format!("additional_emails = ?{}", values.len()));
    }
    if sets.is_empty() {
        return Ok(());
    }
    values.push(super::sql::Value::Text(account_id.to_owned()));
    let sql =
        format!("UPDATE accounts SET {} WHERE account_id = ?{}", sets.join(", "), values.len());
    match conn.run(&sql, &values) {
        Ok(_) => Ok(()),
        Err(e) if e.is_unique_violation() => Err(duplicate_email()),
        Err(e) => Err(super::sql::api_error(e)),
    }
}

/// Whether another account uses this email.
pub fn email_taken_by_other(conn: &Db, account_id: &str, email: &str) -> Result<bool, ApiError> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM accounts WHERE email_key = ?1 AND account_id != ?2)",
        args![normalize_login(email), account_id],
    )
}

/// Password hashes that may not be reused: the current one first, then the history.
pub fn recent_password_hashes(
    conn: &Db,
    account_id: &str,
    limit: usize,
) -> Result<Vec<String>, ApiError> {
    let mut hashes: Vec<String> = conn
        .query_opt(
            "SELECT password_hash FROM accounts WHERE account_id = ?1",
            args![account_id],
            |r| r.get(0),
        )?
        .into_iter()
        .collect();
    let older = conn.query(
        "SELECT password_hash FROM password_history WHERE account_id = ?1 AND user_id IS NULL ORDER BY created_at DESC, rowid DESC LIMIT ?2",
        args![account_id, limit.saturating_sub(1) as i64],
        |r| r.get::<String>(0),
    )?;
    hashes.extend(older);
    Ok(hashes)
}

/// Replaces the password, keeping the old hash in the history (trimmed to `keep`).
pub fn set_password(
    conn: &Db,
    account_id: &str,
    new_hash: &str,
    now: i64,
    keep: usize,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO password_history (account_id, password_hash, created_at)
         SELECT account_id, password_hash, CAST(?2 AS BIGINT) FROM accounts WHERE account_id = ?1",
        args![account_id, now],
    )?;
    conn.execute(
        "UPDATE accounts SET password_hash = ?2 WHERE account_id = ?1",
        args![account_id, new_hash],
    )?;
    conn.execute(
        "DELETE FROM password_history WHERE account_id = ?1 AND user_id IS NULL AND rowid NOT IN (
            SELECT rowid FROM password_history WHERE account_id = ?1 AND user_id IS NULL
            ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
        args![account_id, keep.saturating_sub(1) as i64],
    )?;
    Ok(())
}

/// What a new account is made of.
#[derive(Clone)]
pub struct NewAccount {
    pub account_id: String,
    pub customer_id: String,
    pub email: String,
    pub password_hash: String,
    pub profile: UpdateAccountRequest,
    pub now: i64,
}

pub fn insert(conn: &Db, new: &NewAccount) -> Result<(), ApiError> {
    if by_email(conn, &new.email)?.is_some() {
        return Err(duplicate_email());
    }
    conn.run(
        "INSERT INTO accounts (account_id, customer_id, email, email_key, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![new.account_id, new.customer_id, new.email, normalize_login(&new.email), new.password_hash, new.now],
    )
    .map_err(|e| if e.is_unique_violation() { duplicate_email() } else { super::sql::api_error(e) })?;
    update(conn, &new.account_id, &new.profile)
}

impl Store {
    pub async fn account(&self, account_id: String) -> Result<Option<AccountRecord>, ApiError> {
        self.read(move |c| by_id(c, &account_id)).await
    }
}
