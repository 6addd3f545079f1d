//! PostgreSQL: a bounded pool of connections shared by reads and writes. Each write
//! runs in its own SERIALIZABLE transaction, so it behaves as if it ran alone, as it
//! does on SQLite's single writer, whichever instance runs it; when PostgreSQL
//! reports a conflict with a concurrent transaction (on this instance or another),
//! the write runs again from the start (write closures are `Clone` for that).
//! A COMMIT answered is durable (`synchronous_commit` on, PostgreSQL's default).
//!
//! A database that cannot be reached answers 503 (`StoreError::Unavailable`), never a panic;
//! connections are opened again on demand, so the server recovers by itself.
//!
//! Revoked keys (`store/changes.rs`): a write whose transaction revoked one (the
//! triggers note it in `account_api.revoked`) voids this instance's caches once it
//! commits, before its call answers; other instances hear it through their watch
//! (`pg_watch.rs`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::types::ToSql;
use postgres::{Client, Statement};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_rows::{placeholders, row_of};
use super::{pg_watch, schema};
use crate::store::changes::{Changes, Watched};
use crate::store::sql::{Db, DbError, Row, Sql, Value};
use crate::store::StoreError;

/// How long a request waits for a free connection before it is answered 503.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(10);
/// How long opening a connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a write that conflicts with another transaction is run.
const MAX_TRIES: u32 = 50;
/// Prepared statements kept per connection (the SQL texts are few; UpdateAccount's
/// vary with the fields sent).
const MAX_STATEMENTS: usize = 512;
/// The advisory lock held while migrating, so instances starting together migrate once.
const MIGRATION_LOCK: i64 = 0x6f73_635f_6d69_6772; // "osc_migr"

pub struct Postgres {
    config: postgres::Config,
    /// TLS as the URL's `sslmode` says (`pg_tls.rs`).
    tls: MakeRustlsConnect,
    idle: Mutex<Vec<Conn>>,
    slots: Arc<Semaphore>,
    changes: Arc<Changes>,
    /// Tells the revocation watch to end.
    closing: Arc<AtomicBool>,
    /// One-statement reads from the async threads (`pg_reads.rs`).
    reads: super::pg_reads::AsyncReads,
}

/// One connection, with the statements prepared on it.
struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// When it was last given back to the pool.
    idle_since: std::time::Instant,
}

/// A connection idle longer than this is checked (one round trip) before it is lent:
/// the server may have restarted meanwhile, and a call should not fail for that.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(2);

/// A connection lent to one read or write, noting what its failures mean.
struct Lent {
    conn: RefCell<Conn>,
    /// A statement failed: a write must not commit, whatever its closure answered.
    failed: Cell<bool>,
    /// A statement failed because of a concurrent transaction: run the write again.
    conflict: Cell<bool>,
    /// The connection itself failed: do not keep it.
    broken: Cell<bool>,
    /// A committed transaction revoked a key (migration 9's triggers).
    revoked: Cell<bool>,
}

/// The right to use one connection of the pool.
pub struct Slot(#[allow(dead_code)] OwnedSemaphorePermit);

impl Postgres {
    /// Connects, checks the server, and brings the schema up to date.
    pub fn open(url: &str, pool_size: usize) -> Result<Self, String> {
        let super::pg_tls::Link { config: mut settings, tls, protection } =
            super::pg_tls::link(url)?;
        settings
            .connect_timeout(CONNECT_TIMEOUT)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(30))
            .application_name("account-api")
            // A statement stuck behind a lock, or a transaction left open, is given up.
            .options("-c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000");
        let reads = super::pg_reads::AsyncReads::new(settings.clone(), tls.clone());
        let mut config = postgres::Config::from(settings);
        // PostgreSQL's notices ("already exists, skipping") are for debugging only.
        config.notice_callback(|notice| {
            tracing::debug!(notice = notice.message(), "postgres notice")
        });
        let pg = Self {
            config,
            tls,
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(pool_size.max(1))),
            // Accounts' changes are not notified (see `store/changes.rs`).
            changes: Arc::new(Changes::new(false)),
            closing: Arc::new(AtomicBool::new(false)),
            reads,
        };
        let mut conn = pg.connect().map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        migrate(&mut conn.client)
            .map_err(|e| format!("cannot migrate the PostgreSQL schema: {e}"))?;
        pg.idle.lock().expect("pool").push(conn);
        pg_watch::start(pg.config.clone(), pg.tls.clone(), pg.changes.clone(), pg.closing.clone());
        tracing::info!(link = protection, "PostgreSQL");
        Ok(pg)
    }

    fn connect(&self) -> Result<Conn, DbError> {
        let client = self.config.connect(self.tls.clone()).map_err(|e| {
            // "error connecting to server", and why (its source) when it says.
            let why = std::error::Error::source(&e).map(|s| format!(": {s}")).unwrap_or_default();
            DbError::Unavailable(format!("{e}{why}"))
        })?;
        Ok(Conn { client, statements: HashMap::new(), idle_since: std::time::Instant::now() })
    }

    pub fn changes(&self) -> &Arc<Changes> {
        &self.changes
    }

    /// One statement's rows, from the async threads (`pg_reads.rs`).
    pub async fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.reads.fetch(sql, args).await
    }

    /// Waits for a free connection slot (async callers), at most `WAIT_FOR_CONNECTION`.
    pub async fn slot(&self) -> Result<Slot, StoreError> {
        match tokio::time::timeout(WAIT_FOR_CONNECTION, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Slot(permit)),
            Ok(Err(e)) => Err(StoreError::internal(e)),
            Err(_) => {
                tracing::error!("no database connection free in time");
                Err(StoreError::Unavailable)
            }
        }
    }

    /// The same for code that is not async (start-up, the command line).
    pub fn slot_blocking(&self) -> Result<Slot, StoreError> {
        let deadline = std::time::Instant::now() + WAIT_FOR_CONNECTION;
        loop {
            if let Ok(permit) = self.slots.clone().try_acquire_owned() {
                return Ok(Slot(permit));
            }
            if std::time::Instant::now() > deadline {
                return Err(StoreError::Unavailable);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn lend(&self) -> Result<Lent, StoreError> {
        let idle = self.idle.lock().expect("pool").pop();
        let conn = match idle {
            Some(mut conn) if conn.idle_since.elapsed() > CHECK_AFTER_IDLE => {
                if conn.client.is_valid(CONNECT_TIMEOUT).is_ok() {
                    conn
                } else {
                    // The server went away meanwhile: so did the other idle connections.
                    self.idle.lock().expect("pool").clear();
                    self.connect().map_err(StoreError::from)?
                }
            }
            Some(conn) => conn,
            None => self.connect().map_err(StoreError::from)?,
        };
        Ok(Lent {
            conn: RefCell::new(conn),
            failed: Cell::new(false),
            conflict: Cell::new(false),
            broken: Cell::new(false),
            revoked: Cell::new(false),
        })
    }

    fn give_back(&self, lent: Lent) {
        if lent.revoked.get() {
            self.changes.changed(Watched::Keys);
        }
        let mut conn = lent.conn.into_inner();
        conn.idle_since = std::time::Instant::now();
        if lent.broken.get() || conn.client.is_closed() {
            // The server went away: the other idle connections are as dead as this one.
            self.idle.lock().expect("pool").clear();
            return;
        }
        self.idle.lock().expect("pool").push(conn);
    }

    /// Runs a read on a pooled connection, each statement on its own (autocommit).
    /// The caller holds a `Slot` and is off the async threads.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        let lent = self.lend()?;
        let result = f(&lent);
        self.give_back(lent);
        result
    }

    /// Runs a write in its own serializable transaction, again while it conflicts
    /// with concurrent ones; answers once it is committed. The caller holds a `Slot`.
    ///
    /// Conflicts come from writes to the same rows (many updates of one account at
    /// once): retried freely, each would meet the others again. So a write that
    /// conflicted once queues for `RETRY_LOCK`, held across the instances, before its
    /// next runs: the retries of the whole cluster run one at a time, each with a
    /// snapshot taken after the one before it committed, and only first attempts
    /// compete with them.
    pub fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Db) -> Result<T, E> + Clone,
    {
        let lent = self.lend()?;
        let first = lent.transaction(f.clone());
        let conflict = lent.conflict.get();
        self.give_back(lent);
        if !(first.is_err() && conflict) {
            return first;
        }
        let lent = self.lend()?;
        let result = lent.retries(f);
        self.give_back(lent);
        result
    }
}

/// The advisory lock the retries of conflicting writes queue for.
const RETRY_LOCK: i64 = 0x6f73_635f_7265_7472; // "osc_retr"

impl Lent {
    /// Runs the write again, holding `RETRY_LOCK` (a session lock, taken before the
    /// transaction so that its snapshot comes after the lock is granted).
    fn retries<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E> + Clone,
    ) -> Result<T, E> {
        self.run("SELECT pg_advisory_lock(?1)", &[Value::Int(RETRY_LOCK)])
            .map_err(StoreError::from)?;
        let mut tries = 1;
        let result = loop {
            tries += 1;
            let result = self.transaction(f.clone());
            match result {
                Err(_) if self.conflict.get() && tries < MAX_TRIES => {
                    // First attempts (which do not queue) took the rows meanwhile.
                    std::thread::sleep(Duration::from_millis(rand::random::<u64>() % 3));
                }
                Err(e) if self.conflict.get() => {
                    tracing::error!(tries, "a write kept conflicting with concurrent ones");
                    break Err(e);
                }
                other => break other,
            }
        };
        if self.run("SELECT pg_advisory_unlock(?1)", &[Value::Int(RETRY_LOCK)]).is_err() {
            // The lock goes with the session: drop the connection rather than keep it.
            self.broken.set(true);
        }
        result
    }
}

/// A connection says goodbye to the server by blocking on its own runtime, which
/// panics on an async thread (where the last `Store` is dropped at shutdown): the
/// pool's connections are closed on a thread of their own.
impl Drop for Postgres {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::Release);
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl Lent {
    fn transaction<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        self.failed.set(false);
        self.conflict.set(false);
        self.batch("BEGIN ISOLATION LEVEL SERIALIZABLE").map_err(StoreError::from)?;
        let result = f(self);
        match result {
            // A failed statement aborts the transaction: its COMMIT would roll back
            // silently, so a closure that carried on regardless is not acknowledged.
            Ok(_) if self.failed.get() => {
                self.rollback();
                Err(StoreError::internal("a write went on after one of its statements failed")
                    .into())
            }
            Ok(value) => match self.commit() {
                Ok(()) => Ok(value),
                Err(e) => {
                    self.rollback();
                    Err(StoreError::from(e).into())
                }
            },
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// Commits, reading in the same round trip whether the transaction revoked a key.
    fn commit(&self) -> Result<(), DbError> {
        let answer = self
            .conn
            .borrow_mut()
            .client
            .simple_query("SELECT current_setting('account_api.revoked', true); COMMIT");
        let answer = answer.map_err(|e| self.note(e))?;
        let revoked = answer.iter().any(
            |m| matches!(m, postgres::SimpleQueryMessage::Row(row) if row.get(0) == Some("yes")),
        );
        if revoked {
            self.revoked.set(true);
        }
        Ok(())
    }

    fn rollback(&self) {
        if self.batch("ROLLBACK").is_err() {
            self.broken.set(true);
        }
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        let result = self.conn.borrow_mut().client.batch_execute(sql);
        result.map_err(|e| self.note(e))
    }

    /// Notes what a failure means for the connection and the transaction.
    fn note(&self, e: postgres::Error) -> DbError {
        self.failed.set(true);
        let e = DbError::Postgres(e);
        if e.is_conflict() {
            self.conflict.set(true);
        }
        if e.is_unavailable() {
            self.broken.set(true);
        }
        e
    }

    fn statement(&self, sql: &str) -> Result<Statement, DbError> {
        let mut conn = self.conn.borrow_mut();
        if let Some(s) = conn.statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = conn.client.prepare(&placeholders(sql));
        let statement = prepared.map_err(|e| self.note(e))?;
        if conn.statements.len() >= MAX_STATEMENTS {
            conn.statements.clear();
        }
        conn.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

impl Sql for Lent {
    fn run(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let result = self.conn.borrow_mut().client.execute(&statement, &params);
        result.map_err(|e| self.note(e))
    }

    fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let result = self.conn.borrow_mut().client.query(&statement, &params);
        let rows = result.map_err(|e| self.note(e))?;
        rows.iter().map(row_of).collect()
    }
}

/// Brings the schema up to date under an advisory lock: an instance that starts while
/// another migrates waits for it, then finds nothing left to do.
fn migrate(client: &mut Client) -> Result<(), String> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .map_err(|e| DbError::Postgres(e).to_string())?;
    let result = migrate_locked(client);
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    result
}

fn migrate_locked(client: &mut Client) -> Result<(), String> {
    let err = |e: postgres::Error| DbError::Postgres(e).to_string();
    client
        .batch_execute("CREATE TABLE IF NOT EXISTS account_api_schema (version BIGINT NOT NULL)")
        .map_err(err)?;
    let done: i64 =
        match client.query_opt("SELECT version FROM account_api_schema", &[]).map_err(err)? {
            Some(row) => row.get(0),
            None => {
                client
                    .execute("INSERT INTO account_api_schema (version) VALUES (0)", &[])
                    .map_err(err)?;
                0
            }
        };
    let known = schema::POSTGRES.len() as i64;
    if done > known {
        return Err(format!(
            "the database's schema is at version {done}, newer than this server's {known}: run a newer account-api"
        ));
    }
    for (i, sql) in schema::POSTGRES.iter().enumerate().skip(done as usize) {
        let mut tx = client.transaction().map_err(err)?;
        tx.batch_execute(sql).map_err(err)?;
        tx.execute("UPDATE account_api_schema SET version = $1", &[&(i as i64 + 1)])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        tracing::info!(version = i + 1, "migrated the PostgreSQL schema");
    }
    Ok(())
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redacted("postgres://api:s3cret@db/acc"), "postgres://api:***@db/acc");
        assert_eq!(
            redacted("postgres:///acc?host=/run/postgresql"),
            "postgres:///acc?host=/run/postgresql"
        );
    }

    #[allow(dead_code)]
    fn lent_is_a_db(l: &Lent) -> &Db {
        l
    }

    #[allow(dead_code)]
    fn shared(p: Arc<Postgres>) -> impl Send + Sync {
        p
    }
}
