//! PostgreSQL: a bounded pool of connections shared by reads and writes. Each write
//! runs in its own SERIALIZABLE transaction, so it behaves as if it ran alone, as it
//! does on SQLite's single writer, whichever instance runs it; when PostgreSQL
//! reports a conflict with a concurrent transaction (on this instance or another),
//! the write runs again from the start (write closures are `Clone` for that).
//! A COMMIT answered is durable (`synchronous_commit` on, PostgreSQL's default).
//!
//! Round trips are what a write costs here (docs/BENCHMARKS.md, issue 20), so a write
//! sends what does not need an answer first in the same round trip as what follows
//! (`pg_conn.rs`): its BEGIN and its requirements (`Sql::require`: the door's re-check
//! of the caller's key) go with its first statement, and its revocation check with its
//! COMMIT. UpdateAccount is two round trips.
//!
//! A database that cannot be reached answers 503 (`StoreError::Unavailable`), never a panic;
//! connections are opened again on demand, so the server recovers by itself.
//!
//! Revoked keys (`store/changes.rs`): a write whose transaction revoked one (the
//! triggers note it in `account_api.revoked`) voids this instance's caches once it
//! commits, before its call answers; other instances hear it through their watch
//! (`pg_watch.rs`).

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::types::ToSql;
use postgres::Client;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::Statement;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_conn::{pipelined, Ahead, Conn};
use super::pg_rows::{placeholders, row_of};
use super::{pg_watch, schema};
use crate::store::changes::{Changes, Watched};
use crate::store::sql::{require_now, Db, DbError, Row, Sql, Value};
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
    /// The pool's connections (`pg_conn.rs`).
    config: tokio_postgres::Config,
    /// The migrations' and the revocation watch's (the synchronous client).
    sync_config: postgres::Config,
    /// TLS as the URL's `sslmode` says (`pg_tls.rs`).
    tls: MakeRustlsConnect,
    idle: Mutex<Vec<Conn>>,
    slots: Arc<Semaphore>,
    changes: Arc<Changes>,
    /// Tells the revocation watch to end.
    closing: Arc<AtomicBool>,
    /// One-statement reads from the async threads (`pg_reads.rs`).
    reads: super::pg_reads::AsyncReads,
    /// Retries of this instance that lost `STARVING_AFTER` times already (see `write`).
    starving: AtomicUsize,
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
    /// A transaction was asked for and its BEGIN not sent yet: it goes with the first
    /// statement, in the same round trip.
    begin_pending: Cell<bool>,
    /// A BEGIN was sent: the transaction ends with a COMMIT or a ROLLBACK.
    begun: Cell<bool>,
    /// The write's requirements (`Sql::require`) not sent yet: they go ahead of its
    /// next statement or of its COMMIT, in the same round trip.
    required: RefCell<Vec<(Statement, Vec<Value>)>>,
    /// A requirement did not hold: the write is rolled back, whatever its closure says.
    unmet: Cell<bool>,
    /// The write may commit with its last statement (`Sql::fetch_ending`): it is not
    /// meant to be rolled back (a dry run).
    may_end: Cell<bool>,
    /// It did: the transaction is over.
    ended: Cell<bool>,
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
        let mut sync_config = postgres::Config::from(settings.clone());
        // PostgreSQL's notices ("already exists, skipping") are for debugging only.
        sync_config.notice_callback(|notice| {
            tracing::debug!(notice = notice.message(), "postgres notice")
        });
        let pg = Self {
            config: settings,
            sync_config,
            tls,
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(pool_size.max(1))),
            // Accounts' changes are not notified (see `store/changes.rs`).
            changes: Arc::new(Changes::new(false)),
            closing: Arc::new(AtomicBool::new(false)),
            reads,
            starving: AtomicUsize::new(0),
        };
        let cannot_connect =
            |e: &dyn std::fmt::Display| format!("cannot connect to PostgreSQL: {e}");
        let mut client = pg.sync_config.connect(pg.tls.clone()).map_err(|e| {
            let why = std::error::Error::source(&e).map(|s| format!(": {s}")).unwrap_or_default();
            cannot_connect(&format!("{e}{why}"))
        })?;
        migrate(&mut client).map_err(|e| format!("cannot migrate the PostgreSQL schema: {e}"))?;
        drop(client);
        let conn = pg.connect().map_err(|e| cannot_connect(&e))?;
        pg.idle.lock().expect("pool").push(conn);
        pg_watch::start(
            pg.sync_config.clone(),
            pg.tls.clone(),
            pg.changes.clone(),
            pg.closing.clone(),
        );
        tracing::info!(link = protection, "PostgreSQL");
        Ok(pg)
    }

    fn connect(&self) -> Result<Conn, DbError> {
        Conn::connect(&self.config, self.tls.clone())
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
            Some(conn) if conn.idle_since.elapsed() > CHECK_AFTER_IDLE => {
                if conn.is_valid(CONNECT_TIMEOUT) {
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
            begin_pending: Cell::new(false),
            begun: Cell::new(false),
            required: RefCell::new(Vec::new()),
            unmet: Cell::new(false),
            may_end: Cell::new(false),
            ended: Cell::new(false),
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
    /// compete with them. A retry that keeps losing to first attempts (one row updated
    /// by many at once) would end failed (`MAX_TRIES`): so while a retry of this
    /// instance has lost `STARVING_AFTER` times, its new writes queue for the lock too.
    ///
    /// `may_end`: the write may commit with its last statement (`Sql::fetch_ending`).
    pub fn write<T, E, F>(&self, f: F, may_end: bool) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Db) -> Result<T, E> + Clone,
    {
        if self.starving.load(Ordering::Acquire) == 0 {
            let lent = self.lend()?;
            lent.may_end.set(may_end);
            let first = lent.transaction(f.clone());
            let conflict = lent.conflict.get();
            self.give_back(lent);
            if !(first.is_err() && conflict) {
                return first;
            }
        }
        let lent = self.lend()?;
        lent.may_end.set(may_end);
        let result = lent.retries(f, &self.starving);
        self.give_back(lent);
        result
    }
}

/// Ends a write, and reads in the same round trip whether it revoked a key.
const COMMIT: &str = "SELECT current_setting('account_api.revoked', true); COMMIT";
/// After this many tries, a write's retries make the others queue (`Postgres::write`).
const STARVING_AFTER: u32 = 5;
/// The advisory lock the retries of conflicting writes queue for.
const RETRY_LOCK: i64 = 0x6f73_635f_7265_7472; // "osc_retr"

impl Lent {
    /// Runs the write again, holding `RETRY_LOCK` (a session lock, taken before the
    /// transaction so that its snapshot comes after the lock is granted).
    fn retries<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E> + Clone,
        starving: &AtomicUsize,
    ) -> Result<T, E> {
        self.run("SELECT pg_advisory_lock(?1)", &[Value::Int(RETRY_LOCK)])
            .map_err(StoreError::from)?;
        let mut tries = 1;
        let result = loop {
            tries += 1;
            if tries == STARVING_AFTER {
                starving.fetch_add(1, Ordering::AcqRel);
            }
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
        if tries >= STARVING_AFTER {
            starving.fetch_sub(1, Ordering::AcqRel);
        }
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
        self.unmet.set(false);
        self.ended.set(false);
        self.required.borrow_mut().clear();
        self.begun.set(false);
        self.begin_pending.set(true);
        let result = f(self);
        self.begin_pending.set(false);
        if !self.begun.get() {
            // Not one statement ran, so no transaction began: only requirements to ask.
            if !self.required.borrow().is_empty() {
                let _ = self.send(std::future::ready(Ok(())));
            }
            return match result {
                _ if self.unmet.get() => Err(StoreError::Unmet.into()),
                Ok(_) if self.failed.get() => {
                    Err(StoreError::internal("a requirement could not be asked").into())
                }
                result => result,
            };
        }
        if self.ended.replace(false) {
            if result.is_err() {
                // `fetch_ending`'s promise broken: the write landed, yet the call fails.
                tracing::error!("a write failed after its last statement committed it");
            }
            return result;
        }
        match result {
            // The requirement's own answer, whatever the closure made of its failure.
            _ if self.unmet.get() => {
                self.rollback();
                Err(StoreError::Unmet.into())
            }
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
    /// A requirement that does not hold, sent ahead, aborts the transaction: the
    /// COMMIT after it in the same query string is then skipped.
    fn commit(&self) -> Result<(), DbError> {
        let conn = self.conn.borrow();
        let answer = self.send(conn.client.simple_query(COMMIT));
        drop(conn);
        self.committed(&answer?);
        Ok(())
    }

    /// Notes what the answer to `COMMIT` says: whether the transaction revoked a key.
    fn committed(&self, answer: &[postgres::SimpleQueryMessage]) {
        let revoked = answer.iter().any(
            |m| matches!(m, postgres::SimpleQueryMessage::Row(row) if row.get(0) == Some("yes")),
        );
        if revoked {
            self.revoked.set(true);
        }
    }

    /// The write's last statement and its COMMIT in one round trip (`Sql::fetch_ending`):
    /// a statement that fails aborts the transaction, and the COMMIT after it in the
    /// pipeline is skipped.
    fn fetch_and_commit(&self, statement: &Statement, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let conn = self.conn.borrow();
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let rows = RefCell::new(None);
        let client = &conn.client;
        let query: Ahead = Box::pin(async {
            *rows.borrow_mut() = Some(client.query(statement, &params).await);
            Ok(())
        });
        let answer = self.send_after(vec![query], client.simple_query(COMMIT));
        drop(conn);
        if self.unmet.get() {
            // The statement failed only because the transaction was aborted.
            return Err(DbError::Unmet);
        }
        let rows = match rows.into_inner() {
            Some(Err(e)) => return Err(self.note(e)),
            Some(Ok(rows)) => rows,
            None => return Err(DbError::Decode("a statement without an answer".into())),
        };
        self.committed(&answer?);
        self.ended.set(true);
        rows.iter().map(row_of).collect()
    }

    fn rollback(&self) {
        // A connection that failed or went silent is dropped, and its transaction with it.
        if self.broken.get() {
            return;
        }
        if self.batch("ROLLBACK").is_err() {
            self.broken.set(true);
        }
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        let conn = self.conn.borrow();
        let result = conn.wait(conn.client.batch_execute(sql));
        drop(conn);
        self.answered(result)?.map_err(|e| self.note(e))
    }

    /// Sends `last`, and ahead of it in the same round trip what must go first: the
    /// transaction's BEGIN if it is still to go, and the requirements made since the
    /// last request. A requirement that does not hold answers `DbError::Unmet`.
    fn send<T>(
        &self,
        last: impl std::future::Future<Output = Result<T, postgres::Error>>,
    ) -> Result<T, DbError> {
        self.send_after(Vec::new(), last)
    }

    /// `send`, with `also` sent after the requirements, before `last`.
    fn send_after<T>(
        &self,
        also: Vec<Ahead<'_>>,
        last: impl std::future::Future<Output = Result<T, postgres::Error>>,
    ) -> Result<T, DbError> {
        if self.ended.get() {
            // It would run on its own, outside the write that has committed.
            tracing::error!("a statement after the write's last one (Sql::fetch_ending)");
            self.failed.set(true);
            return Err(DbError::Decode("a statement after the write ended".into()));
        }
        let begin = self.begin_pending.replace(false);
        let required = std::mem::take(&mut *self.required.borrow_mut());
        let conn = self.conn.borrow();
        if !begin && required.is_empty() && also.is_empty() {
            let result = conn.wait(last);
            drop(conn);
            return self.answered(result)?.map_err(|e| self.note(e));
        }
        let params: Vec<Vec<&(dyn ToSql + Sync)>> =
            required.iter().map(|(_, args)| args.iter().map(|a| a as _).collect()).collect();
        let mut ahead: Vec<Ahead> = Vec::with_capacity(1 + required.len() + also.len());
        if begin {
            self.begun.set(true);
            ahead.push(Box::pin(conn.client.batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE")));
        }
        for ((statement, _), params) in required.iter().zip(&params) {
            let client = &conn.client;
            ahead.push(Box::pin(async move { client.query(statement, params).await.map(drop) }));
        }
        ahead.extend(also);
        let answered = conn.wait(pipelined(ahead, last));
        drop(conn);
        let (answers, result) = self.answered(answered)?;
        for answer in answers {
            if let Err(e) = answer {
                if self.note(e).is_unmet() {
                    self.unmet.set(true);
                }
            }
        }
        if self.unmet.get() {
            // What came after it failed only because the transaction was aborted.
            return Err(DbError::Unmet);
        }
        result.map_err(|e| self.note(e))
    }

    /// An answer, or `Unavailable` when the server said nothing in time (`Conn::wait`):
    /// the connection is dropped.
    fn answered<T>(&self, answer: Option<T>) -> Result<T, DbError> {
        answer.ok_or_else(|| {
            self.failed.set(true);
            self.broken.set(true);
            DbError::Unavailable("no answer from the server in time".into())
        })
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
        let prepared = conn.wait(conn.client.prepare(&placeholders(sql)));
        let statement = self.answered(prepared)?.map_err(|e| self.note(e))?;
        if conn.statements.len() >= MAX_STATEMENTS {
            conn.statements.clear();
        }
        conn.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

impl Sql for Lent {
    fn fetch_ending(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        if !self.may_end.get() || !(self.begin_pending.get() || self.begun.get()) {
            return self.fetch(sql, args);
        }
        let statement = self.statement(sql)?;
        self.fetch_and_commit(&statement, args)
    }

    /// Inside a write, sent ahead of its next statement or its COMMIT (`send`),
    /// through `account_api_require` (migration 10), which raises when it does not
    /// hold; outside one (a read), asked now.
    fn require(&self, sql: &str, args: &[Value]) -> Result<(), DbError> {
        if !(self.begin_pending.get() || self.begun.get()) {
            return require_now(self, sql, args);
        }
        let statement = self.statement(&format!("SELECT account_api_require(({sql}))"))?;
        self.required.borrow_mut().push((statement, args.to_vec()));
        Ok(())
    }

    fn run(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let conn = self.conn.borrow();
        self.send(conn.client.execute(&statement, &params))
    }

    fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let statement = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let conn = self.conn.borrow();
        let rows = self.send(conn.client.query(&statement, &params))?;
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
