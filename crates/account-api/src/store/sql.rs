//! The one seam between the storage functions and the database engine. Every storage
//! function takes a `&Db` and speaks the SQL both engines understand (SQLite's `?1`
//! placeholders; the PostgreSQL side numbers them `$1`), with values and rows of this
//! module's own types, so one function serves both engines.

use super::StoreError;

/// What a storage function runs its SQL on: a SQLite connection, or a PostgreSQL
/// connection from the pool (inside the write's transaction, for a write).
pub type Db = dyn Sql;

/// An engine's two operations; everything else is built on them (`impl Db`).
pub trait Sql {
    /// Runs a statement; returns how many rows it changed.
    fn run(&self, sql: &str, args: &[Value]) -> Result<u64, DbError>;
    /// Runs a query; returns its rows.
    fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError>;

    /// Makes a write need `sql`'s one value to be true: if it is not, the write is
    /// rolled back and answers `StoreError::Unmet`. An engine may ask it later, in the
    /// same round trip as the write's next statement or its commit (PostgreSQL,
    /// `engine/pg.rs`), so its answer is not in the result: the write goes on as if it
    /// held. By default it is asked now.
    fn require(&self, sql: &str, args: &[Value]) -> Result<(), DbError> {
        require_now(self, sql, args)
    }

    /// Runs the write's last statement; returns its rows. An engine may commit the
    /// write in the same round trip (PostgreSQL, in a write made with
    /// `Store::write_ending`): the closure must end right after, with `Ok`, and no
    /// other statement. By default it is `fetch`.
    fn fetch_ending(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        self.fetch(sql, args)
    }
}

/// A statement and its arguments, known before a write runs: a write that is one
/// statement, with the requirements before it (`Store::write_one`), needs no answer
/// before its end, so PostgreSQL sends it whole from the async threads.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: String,
    pub args: Vec<Value>,
}

impl Query {
    /// Makes the write need it (`Sql::require`).
    pub fn require(&self, db: &Db) -> Result<(), DbError> {
        db.require(&self.sql, &self.args)
    }
}

/// The first row of an answer, as `T`.
fn first_of<T>(
    rows: Result<Vec<Row>, DbError>,
    f: impl Fn(&Row) -> Result<T, DbError>,
) -> Result<Option<T>, StoreError> {
    let rows = rows.map_err(StoreError::from)?;
    rows.first().map(|r| f(r).map_err(StoreError::from)).transpose()
}

/// A requirement (`Sql::require`) asked at once.
pub fn require_now<S: Sql + ?Sized>(db: &S, sql: &str, args: &[Value]) -> Result<(), DbError> {
    let rows = db.fetch(sql, args)?;
    let row = rows.first().ok_or_else(|| DbError::Decode("a requirement without a row".into()))?;
    if row.get::<bool>(0)? {
        Ok(())
    } else {
        Err(DbError::Unmet)
    }
}

/// A parameter or a column: the types this schema uses (booleans are integers 0/1 on
/// both engines, so the same SQL compares them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// Turns a Rust value into a parameter (`args!`).
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

/// The parameters of a statement: `args![account_id, now]`.
#[macro_export]
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        &[$($crate::store::sql::ToValue::to_value(&$arg)),*][..]
    };
}
pub use args;

/// One row of a result.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Column `i`, as `T`.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T, DbError> {
        let value = self.0.get(i).ok_or_else(|| DbError::Decode(format!("no column {i}")))?;
        T::from_value(value).ok_or_else(|| DbError::Decode(format!("column {i}: {value:?}")))
    }
}

/// Reads a column as a Rust value.
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for String {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl FromValue for i64 {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for u32 {
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|i| i.try_into().ok())
    }
}
impl FromValue for u64 {
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|i| i.try_into().ok())
    }
}
impl FromValue for bool {
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).map(|i| i != 0)
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// The SQLSTATE `account_api_require` raises (migration 10 of PostgreSQL).
pub const UNMET: &str = "OSC01";

/// A database error, as either engine reports it.
#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// The pool could not give a connection (the database is unreachable, or every
    /// connection stayed busy too long).
    Unavailable(String),
    /// A column that does not hold what the code expects.
    Decode(String),
    /// A requirement of the write (`Sql::require`) did not hold.
    Unmet,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "sqlite: {e}"),
            DbError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "postgres: {} ({})", db.message(), db.code().code()),
                None => write!(f, "postgres: {e}"),
            },
            DbError::Unavailable(why) => write!(f, "database unavailable: {why}"),
            DbError::Decode(why) => write!(f, "unexpected column value: {why}"),
            DbError::Unmet => f.write_str("a requirement of the write did not hold"),
        }
    }
}

impl DbError {
    /// A UNIQUE constraint refused the change (a duplicate email, user name, credential).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
            }
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// A requirement of the write did not hold: on PostgreSQL, `account_api_require`
    /// (migration 10) raised it.
    pub fn is_unmet(&self) -> bool {
        match self {
            DbError::Unmet => true,
            DbError::Postgres(e) => e.code().is_some_and(|c| c.code() == UNMET),
            _ => false,
        }
    }

    /// A concurrent transaction changed what this one read or wrote (PostgreSQL's
    /// serialization failures and deadlocks): the write runs again (`pg.rs`).
    pub fn is_conflict(&self) -> bool {
        use postgres::error::SqlState;
        matches!(self, DbError::Postgres(e) if matches!(e.code(), Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED))
    }

    /// The database cannot be reached (or is shutting down): the request may succeed
    /// later, and the answer is 503 rather than 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Unavailable(_) => true,
            DbError::Postgres(e) => {
                e.is_closed()
                    || match e.code() {
                        // Class 08 (connection exception), 57P01-57P03 (shutdown,
                        // crash, starting up), 53300 (too many connections).
                        Some(code) => {
                            code.code().starts_with("08")
                                || ["57P01", "57P02", "57P03", "53300"].contains(&code.code())
                        }
                        // No SQLSTATE: the socket itself failed.
                        None => e.as_db_error().is_none(),
                    }
            }
            _ => false,
        }
    }
}

impl From<DbError> for StoreError {
    /// Unavailable when the database is unreachable (the client may try again), else
    /// a duplicate or an internal failure. The cause is logged, never sent.
    fn from(e: DbError) -> Self {
        if e.is_unmet() {
            return StoreError::Unmet;
        }
        if e.is_unique_violation() {
            return StoreError::Duplicate;
        }
        if e.is_conflict() {
            // Expected under contention, and retried: not worth an error line.
            tracing::debug!(error = %e, "write conflict");
            return StoreError::Internal;
        }
        if e.is_unavailable() {
            tracing::error!(error = %e, "database unavailable");
            return StoreError::Unavailable;
        }
        StoreError::internal(e)
    }
}

impl Db {
    /// Runs a statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        self.run(sql, args).map_err(StoreError::from)
    }

    /// Every row of a query, each read by `f`.
    pub fn query<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl Fn(&Row) -> Result<T, DbError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = self.fetch(sql, args).map_err(StoreError::from)?;
        rows.iter().map(|r| f(r).map_err(StoreError::from)).collect()
    }

    /// The first row of a query, if any, read by `f`.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl Fn(&Row) -> Result<T, DbError>,
    ) -> Result<Option<T>, StoreError> {
        first_of(self.fetch(sql, args), f)
    }

    /// `query_opt` for the write's last statement (`Sql::fetch_ending`).
    pub fn query_opt_ending<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl Fn(&Row) -> Result<T, DbError>,
    ) -> Result<Option<T>, StoreError> {
        first_of(self.fetch_ending(sql, args), f)
    }

    /// The single value of a query that always answers one row (COUNT, EXISTS).
    pub fn value<T: FromValue>(&self, sql: &str, args: &[Value]) -> Result<T, StoreError> {
        self.query_opt(sql, args, |r| r.get(0))?
            .ok_or_else(|| StoreError::internal(format!("no row from {sql}")))
    }
}

/// SQLite: a connection runs the SQL as written, statements cached per connection.
impl Sql for rusqlite::Connection {
    fn run(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let mut stmt = self.prepare_cached(sql).map_err(DbError::Sqlite)?;
        stmt.execute(rusqlite::params_from_iter(args.iter()))
            .map(|n| n as u64)
            .map_err(DbError::Sqlite)
    }

    fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.prepare_cached(sql).map_err(DbError::Sqlite)?;
        let width = stmt.column_count();
        let mut rows =
            stmt.query(rusqlite::params_from_iter(args.iter())).map_err(DbError::Sqlite)?;
        let mut all = Vec::new();
        while let Some(row) = rows.next().map_err(DbError::Sqlite)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                use rusqlite::types::ValueRef;
                values.push(match row.get_ref(i).map_err(DbError::Sqlite)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Int(i),
                    ValueRef::Real(f) => Value::Int(f as i64),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            all.push(Row(values));
        }
        Ok(all)
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let db: &Db = &conn;
        db.execute("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)", &[]).unwrap();
        let none: Option<&str> = None;
        db.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", args![7i64, "x", vec![1u8, 2], none])
            .unwrap();
        let row = db
            .query_opt("SELECT i, s, b, n FROM t", &[], |r| {
                Ok((
                    r.get::<i64>(0)?,
                    r.get::<String>(1)?,
                    r.get::<Vec<u8>>(2)?,
                    r.get::<Option<String>>(3)?,
                ))
            })
            .unwrap();
        assert_eq!(row, Some((7, "x".to_owned(), vec![1, 2], None)));
        assert!(db
            .value::<bool>("SELECT EXISTS(SELECT 1 FROM t WHERE i = ?1)", args![7i64])
            .unwrap());
    }
}
