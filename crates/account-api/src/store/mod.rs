//! Storage: SQLite (one file, the default) or PostgreSQL (several instances on one
//! database). The calls see one `Store` and storage functions that take a `&Db`
//! (`sql.rs`), whatever the engine: the engines (`engine/`) differ only in how they
//! run reads and writes (`sqlite.rs`, `pg.rs`) and in their migrations' types
//! (`schema.rs`). The tables are this folder's other files. Storage answers its own
//! errors (`StoreError`); what they mean to a client is decided by the calls.

pub mod access_keys;
pub mod accounts;
pub mod changes;
pub mod engine;
pub mod familiar_sources;
pub mod meta;
pub mod mfa;
pub mod mfa_failures;
pub mod passwords;
pub mod sessions;
pub mod sql;
pub mod users;

pub use access_keys::KeyRecord;
pub use accounts::{AccountRecord, NewAccount};
pub use engine::{pg, schema};
pub use sql::Db;
pub use users::UserRecord;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::runtime::{Handle, RuntimeFlavor};

use engine::{pg::Postgres, sqlite::Sqlite};

/// Where the data lives: `--db`. A `postgres://` or `postgresql://` URL is a
/// PostgreSQL database; anything else is the path of a SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    pub fn parse(value: &str) -> Self {
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Database::Postgres(value.to_owned())
        } else {
            Database::Sqlite(PathBuf::from(value))
        }
    }
}

impl std::fmt::Display for Database {
    /// The database as messages name it: a URL's password is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&pg::redacted(url)),
        }
    }
}

/// Whose a row is: the account itself (`user_id: None`) or one of its EIM users.
/// Every call acts for one owner (its caller's identity, or a user the account
/// names), and the tables of keys, second factors and passwords are kept per owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Owner {
    pub account_id: String,
    pub user_id: Option<String>,
}

impl Owner {
    /// The account itself.
    pub fn account(account_id: impl Into<String>) -> Self {
        Self { account_id: account_id.into(), user_id: None }
    }

    /// The EIM user, if the owner is one.
    pub fn user(&self) -> Option<&str> {
        self.user_id.as_deref()
    }
}

/// What went wrong in storage, as the calls need to tell it apart. The cause is
/// logged where it happens, never sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The database cannot be reached (or is shutting down): the request may succeed
    /// later.
    Unavailable,
    /// A UNIQUE constraint refused the change (an email, a user name, a credential
    /// already taken): the call says which of its parameters.
    Duplicate,
    /// A requirement of the write (`Sql::require`) did not hold: it was rolled back.
    Unmet,
    /// Anything else: a bug, a corrupt row, a failed statement.
    Internal,
}

impl StoreError {
    /// An unexpected storage failure, logged with its cause.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "storage error");
        StoreError::Internal
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StoreError::Unavailable => "the database is unavailable",
            StoreError::Duplicate => "a duplicate value",
            StoreError::Unmet => "a requirement of the write did not hold",
            StoreError::Internal => "a storage failure",
        })
    }
}

impl std::error::Error for StoreError {}

#[derive(Clone)]
pub struct Store {
    engine: Arc<Engine>,
}

enum Engine {
    Sqlite(Sqlite),
    Postgres(Box<Postgres>),
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date. `pool_size`
    /// bounds the connections to PostgreSQL.
    pub fn open(database: &Database, pool_size: usize) -> Result<Self, String> {
        let engine = match database {
            Database::Sqlite(path) => Engine::Sqlite(Sqlite::open(path)?),
            Database::Postgres(url) => Engine::Postgres(Box::new(Postgres::open(url, pool_size)?)),
        };
        Ok(Self { engine: Arc::new(engine) })
    }

    /// Runs a read: on SQLite on a pooled connection, on the caller's thread (an
    /// indexed read in a local file takes less than a hand-off to another thread); on
    /// PostgreSQL off the async threads (a round trip), each statement in its own
    /// transaction.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Send + 'static,
    {
        let pg_slot = match &*self.engine {
            Engine::Sqlite(db) => return db.read(f),
            Engine::Postgres(pg) => pg.slot().await?,
        };
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = pg_slot;
            match &*engine {
                Engine::Postgres(pg) => pg.read(f),
                Engine::Sqlite(_) => unreachable!("the engine does not change"),
            }
        })
        .await
        .map_err(|e| E::from(StoreError::internal(e)))?
    }

    /// The rows of one statement, read now, on the async threads: a SQLite read (see
    /// `read`), or a query pipelined on PostgreSQL's shared read connections
    /// (`engine/pg_reads.rs`). For the one read a signed call makes in the steady state.
    pub async fn fetch(&self, sql: &str, args: &[sql::Value]) -> Result<Vec<sql::Row>, StoreError> {
        match &*self.engine {
            Engine::Sqlite(db) => db.read(|c| Ok(c.fetch(sql, args)?)),
            Engine::Postgres(pg) => pg.fetch(sql, args).await,
        }
    }

    /// What storage tells the caches above it (`changes.rs`).
    pub fn changes(&self) -> &Arc<changes::Changes> {
        match &*self.engine {
            Engine::Sqlite(db) => db.changes(),
            Engine::Postgres(pg) => pg.changes(),
        }
    }

    /// Runs a write in a transaction of its own (SQLite: the writer's next one, in a
    /// savepoint); answers once it is committed. An `Err` from `f` rolls back `f`'s
    /// changes only. `f` is cloned for each run: a write may run again (a SQLite batch
    /// that cannot commit, a PostgreSQL conflict with a concurrent transaction).
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Clone + Send + 'static,
    {
        self.write_as(false, f).await
    }

    /// `write`, for a write that is never meant to be rolled back once its closure
    /// answers `Ok` (not a dry run): its last statement may carry its COMMIT
    /// (`Sql::fetch_ending`), one round trip less on PostgreSQL.
    pub async fn write_ending<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Clone + Send + 'static,
    {
        self.write_as(true, f).await
    }

    /// A write that is one statement after its requirements (`Sql::require`), all
    /// known before it runs: UpdateAccount's. Its rows once committed; a requirement
    /// that does not hold is `StoreError::Unmet`. PostgreSQL sends it whole from the
    /// async threads (`engine/pg_one.rs`); SQLite runs it as `write_ending`.
    pub async fn write_one(
        &self,
        requirements: Vec<sql::Query>,
        statement: sql::Query,
    ) -> Result<Vec<sql::Row>, StoreError> {
        if let Engine::Postgres(pg) = &*self.engine {
            let _slot = pg.slot().await?;
            return pg.write_one(&requirements, &statement).await;
        }
        self.write_ending(move |db| {
            for required in &requirements {
                required.require(db)?;
            }
            Ok(db.fetch_ending(&statement.sql, &statement.args)?)
        })
        .await
    }

    async fn write_as<T, E, F>(&self, may_end: bool, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Clone + Send + 'static,
    {
        match &*self.engine {
            Engine::Sqlite(db) => db.write(f).await,
            Engine::Postgres(pg) => {
                let slot = pg.slot().await?;
                // In place on the server's runtime: handing the write to the blocking
                // pool and back cost more than the write's own round trip
                // (docs/BENCHMARKS.md). A current-thread runtime (a test's) cannot.
                if Handle::current().runtime_flavor() == RuntimeFlavor::MultiThread {
                    return tokio::task::block_in_place(|| pg.write(f, may_end));
                }
                let engine = self.engine.clone();
                tokio::task::spawn_blocking(move || {
                    let _slot = slot;
                    match &*engine {
                        Engine::Postgres(pg) => pg.write(f, may_end),
                        Engine::Sqlite(_) => unreachable!("the engine does not change"),
                    }
                })
                .await
                .map_err(|e| E::from(StoreError::internal(e)))?
            }
        }
    }

    /// The same as [`Store::write`], for code that is not async (the command line).
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Clone + Send + 'static,
    {
        match &*self.engine {
            Engine::Sqlite(db) => db.write_blocking(f),
            Engine::Postgres(pg) => {
                let _slot = pg.slot_blocking()?;
                pg.write(f, false)
            }
        }
    }

    /// The same as [`Store::read`], for code that is not async.
    pub fn read_blocking<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        match &*self.engine {
            Engine::Sqlite(db) => db.read(f),
            Engine::Postgres(pg) => {
                let _slot = pg.slot_blocking()?;
                pg.read(f)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgresql_url_is_postgresql_and_anything_else_a_sqlite_path() {
        for url in ["postgres://api@db/accounts", "postgresql:///accounts?host=/run/postgresql"] {
            assert_eq!(Database::parse(url), Database::Postgres(url.into()));
        }
        assert_eq!(Database::parse("data/api.sqlite"), Database::Sqlite("data/api.sqlite".into()));
        assert_eq!(Database::parse("postgres.sqlite"), Database::Sqlite("postgres.sqlite".into()));
        let shown = Database::parse("postgres://api:s3cret@db/accounts").to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}
