//! Accounts (their passwords and history: `passwords.rs`).

use super::sql::{args, Db, DbError, Query, Row, Value};
use super::{Store, StoreError};
use account_contract::validation::normalize_login;
use account_contract::{Account, AccountField, UpdateAccountRequest};

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

/// The columns `from_row` reads (a macro, for `concat!`).
macro_rules! columns {
    () => {
        "account_id, customer_id, additional_emails, outscale_login_allowed, password_hash,
        email, first_name, last_name, job_title, phone_number, mobile_number, company_name,
        vat_number, city, zip_code, state_province, country"
    };
}

const SELECT: &str = concat!("SELECT ", columns!(), " FROM accounts");
/// One account by its ID: `by_id` and `read_now` read the same row the same way.
const BY_ID: &str = concat!("SELECT ", columns!(), " FROM accounts WHERE account_id = ?1");

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

pub fn by_id(conn: &Db, account_id: &str) -> Result<Option<AccountRecord>, StoreError> {
    conn.query_opt(BY_ID, args![account_id], from_row)
}

/// `by_id`, as one statement read now on the async threads (`Store::fetch`).
pub async fn read_now(
    store: &Store,
    account_id: &str,
) -> Result<Option<AccountRecord>, StoreError> {
    let rows = store.fetch(BY_ID, args![account_id]).await?;
    Ok(rows.first().map(from_row).transpose()?)
}

pub fn by_email(conn: &Db, email: &str) -> Result<Option<AccountRecord>, StoreError> {
    conn.query_opt(
        &format!("{SELECT} WHERE email_key = ?1"),
        args![normalize_login(email)],
        from_row,
    )
}

pub fn count(conn: &Db) -> Result<u64, StoreError> {
    conn.value("SELECT COUNT(*) FROM accounts", &[])
}

/// Applies the fields an update carries; the others stay as they are. An email
/// another account uses is `StoreError::Duplicate`. Answers the account as it is now
/// (from the UPDATE itself: one round trip on PostgreSQL).
pub fn update(
    conn: &Db,
    account_id: &str,
    update: &UpdateAccountRequest,
) -> Result<Option<AccountRecord>, StoreError> {
    match update_query(account_id, update)? {
        // The write's last statement: on PostgreSQL it goes with the COMMIT.
        Some(query) => conn.query_opt_ending(&query.sql, &query.args, from_row),
        None => by_id(conn, account_id),
    }
}

/// `update`'s statement, which answers the account as it is after it (`record_of`);
/// `None` when the update carries no field.
pub fn update_query(
    account_id: &str,
    update: &UpdateAccountRequest,
) -> Result<Option<Query>, StoreError> {
    let mut sets: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for field in AccountField::ALL {
        if let Some(v) = field.of_update(update) {
            values.push(Value::Text(v.clone()));
            sets.push(format!("{} = ?{}", column(field), values.len()));
        }
    }
    if let Some(email) = &update.email {
        values.push(Value::Text(normalize_login(email)));
        sets.push(format!("email_key = ?{}", values.len()));
    }
    if let Some(list) = &update.additional_emails {
        values.push(Value::Text(serde_json::to_string(list).map_err(StoreError::internal)?));
        sets.push(format!("additional_emails = ?{}", values.len()));
    }
    if sets.is_empty() {
        return Ok(None);
    }
    values.push(Value::Text(account_id.to_owned()));
    let sql = format!(
        "UPDATE accounts SET {} WHERE account_id = ?{} RETURNING {}",
        sets.join(", "),
        values.len(),
        columns!()
    );
    Ok(Some(Query { sql, args: values }))
}

/// The account an `update_query` answered, if its row was there.
pub fn record_of(rows: &[Row]) -> Result<Option<AccountRecord>, StoreError> {
    rows.first().map(from_row).transpose().map_err(StoreError::from)
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

/// Inserts the account; an email another account uses is `StoreError::Duplicate`.
pub fn insert(conn: &Db, new: &NewAccount) -> Result<(), StoreError> {
    if by_email(conn, &new.email)?.is_some() {
        return Err(StoreError::Duplicate);
    }
    conn.execute(
        "INSERT INTO accounts (account_id, customer_id, email, email_key, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![new.account_id, new.customer_id, new.email, normalize_login(&new.email), new.password_hash, new.now],
    )
    ?;
    update(conn, &new.account_id, &new.profile).map(drop)
}
