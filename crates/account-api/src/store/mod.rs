//! Storage: SQLite (one file, the default) or PostgreSQL (several instances on one
//! database). The calls see one `Store` and storage functions that take a `&Db`
//! (`sql.rs`), whatever the engine: the engines differ only in how they run reads and
//! writes (`sqlite.rs`, `pg.rs`) and in their migrations' types (`schema.rs`).

pub mod access_keys;
pub mod accounts;
pub mod devices;
mod lockout;
pub mod meta;
pub mod mfa;
pub mod pg;
pub mod schema;
pub mod sql;
mod sqlite;
pub mod users;
mod writer;

pub use access_keys::KeyRecord;
pub use accounts::{AccountRecord, NewAccount};
pub use lockout::{Attempt, Lockout};
pub use sql::Db;
pub use users::UserRecord;

use std::path::PathBuf;
use std::sync::Arc;

use account_contract::{ApiError, ErrorCode};

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

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "storage error");
    ApiError::new(ErrorCode::Internal, "Internal error.")
}

#[derive(Clone)]
pub struct Store {
    engine: Arc<Engine>,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    Postgres(Box<pg::Postgres>),
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date. `pool_size`
    /// bounds the connections to PostgreSQL.
    pub fn open(database: &Database, pool_size: usize) -> Result<Self, String> {
        let engine = match database {
            Database::Sqlite(path) => Engine::Sqlite(sqlite::Sqlite::open(path)?),
            Database::Postgres(url) => {
                Engine::Postgres(Box::new(pg::Postgres::open(url, pool_size)?))
            }
        };
        Ok(Self { engine: Arc::new(engine) })
    }

    /// Runs a read off the async threads: on a pooled SQLite connection, or on a
    /// PostgreSQL connection with each statement in its own transaction.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Send + 'static,
    {
        let engine = self.engine.clone();
        let slot = match &*engine {
            Engine::Postgres(pg) => Some(pg.slot().await?),
            Engine::Sqlite(_) => None,
        };
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            match &*engine {
                Engine::Sqlite(db) => db.read(f),
                Engine::Postgres(pg) => pg.read(f),
            }
        })
        .await
        .map_err(internal)?
    }

    /// Runs a write in a transaction of its own (SQLite: the writer's next one, in a
    /// savepoint); answers once it is committed. An `Err` from `f` rolls back `f`'s
    /// changes only. `f` is cloned for each run: a write may run again (a SQLite batch
    /// that cannot commit, a PostgreSQL conflict with a concurrent transaction).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        match &*self.engine {
            Engine::Sqlite(db) => db.write(f).await,
            Engine::Postgres(pg) => {
                let slot = pg.slot().await?;
                let engine = self.engine.clone();
                tokio::task::spawn_blocking(move || {
                    let _slot = slot;
                    match &*engine {
                        Engine::Postgres(pg) => pg.write(f),
                        Engine::Sqlite(_) => unreachable!("the engine does not change"),
                    }
                })
                .await
                .map_err(internal)?
            }
        }
    }

    /// The same as [`Store::write`], for code that is not async (the command line).
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        match &*self.engine {
            Engine::Sqlite(db) => db.write_blocking(f),
            Engine::Postgres(pg) => {
                let _slot = pg.slot_blocking()?;
                pg.write(f)
            }
        }
    }

    /// The same as [`Store::read`], for code that is not async.
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
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
