//! A connection lent to one read or write on PostgreSQL (`pg.rs`), and the write's
//! transaction sent in as few round trips as it can (`pg_conn.rs`): its BEGIN and its
//! requirements (`Sql::require`) go with its first statement, and its last statement
//! (`Sql::fetch_ending`) with its COMMIT. BEGIN and COMMIT are prepared like the
//! statements, and a revocation says so with a notice (`Conn::revoked`), so nothing
//! is parsed at each write.
//! It notes what its failures mean: a conflict to run again, a broken connection.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio_postgres::Statement;

use super::pg_conn::{pipelined, Ahead, Conn};
use super::pg_rows::{params, placeholders, row_of};
use crate::store::sql::{require_now, Db, DbError, Row, Sql, Value};
use crate::store::StoreError;

/// How many times a write that conflicts with another transaction is run.
const MAX_TRIES: u32 = 50;
/// Prepared statements kept per connection (the SQL texts are few; UpdateAccount's
/// vary with the fields sent).
pub const MAX_STATEMENTS: usize = 512;

/// A write's transaction.
pub const BEGIN: &str = "BEGIN ISOLATION LEVEL SERIALIZABLE";
pub const COMMIT: &str = "COMMIT";

/// A requirement (`Sql::require`) as a statement that raises when it does not hold
/// (`account_api_require`, migration 10), so that it can go ahead of others.
pub fn requirement(sql: &str) -> String {
    format!("SELECT account_api_require(({sql}))")
}
/// After this many tries, a write's retries make the others queue (`Postgres::write`).
const STARVING_AFTER: u32 = 5;
/// The advisory lock the retries of conflicting writes queue for.
pub const RETRY_LOCK: i64 = 0x6f73_635f_7265_7472; // "osc_retr"
/// Joins and leaves the retries' queue (with `RETRY_LOCK`): the pool's writes
/// (`Lent::retries`) and the one-statement writes (`Link::retries`) queue together.
pub const JOIN_RETRIES: &str = "SELECT pg_advisory_lock(?1)";
pub const LEAVE_RETRIES: &str = "SELECT pg_advisory_unlock(?1)";

/// The count of a write's tries in the retries' queue (`Lent::retries`, and
/// `Link::retries` for one-statement writes): past `STARVING_AFTER`, it counts in
/// `starving` (the pool's new writes then queue too) until dropped.
pub struct Tries<'a> {
    n: u32,
    starving: &'a AtomicUsize,
}

impl<'a> Tries<'a> {
    /// After the first try, which did not queue.
    pub fn new(starving: &'a AtomicUsize) -> Self {
        Self { n: 1, starving }
    }

    pub fn next(&mut self) {
        self.n += 1;
        if self.n == STARVING_AFTER {
            self.starving.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Whether a try that conflicted may be followed by another.
    pub fn may_go_on(&self) -> bool {
        self.n < MAX_TRIES
    }

    /// Before the next try: first attempts (which do not queue) took the rows meanwhile.
    pub fn pause() -> Duration {
        Duration::from_millis(rand::random::<u64>() % 3)
    }

    pub fn gave_up(&self) {
        tracing::error!(tries = self.n, "a write kept conflicting with concurrent ones");
    }
}

impl Drop for Tries<'_> {
    fn drop(&mut self) {
        if self.n >= STARVING_AFTER {
            self.starving.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A connection lent to one read or write, noting what its failures mean.
pub struct Lent {
    conn: RefCell<Conn>,
    /// A statement failed: a write must not commit, whatever its closure answered.
    failed: Cell<bool>,
    /// A statement failed because of a concurrent transaction: run the write again.
    pub conflict: Cell<bool>,
    /// The connection itself failed: do not keep it.
    pub broken: Cell<bool>,
    /// A transaction was asked for and its BEGIN (prepared) not sent yet: it goes with
    /// the first statement, in the same round trip.
    begin_pending: RefCell<Option<Statement>>,
    /// A BEGIN was sent: the transaction ends with a COMMIT or a ROLLBACK.
    begun: Cell<bool>,
    /// The write's requirements (`Sql::require`) not sent yet: they go ahead of its
    /// next statement or of its COMMIT, in the same round trip.
    required: RefCell<Vec<(Statement, Vec<Value>)>>,
    /// A requirement did not hold: the write is rolled back, whatever its closure says.
    unmet: Cell<bool>,
    /// The write may commit with its last statement (`Sql::fetch_ending`): it is not
    /// meant to be rolled back (a dry run).
    pub may_end: Cell<bool>,
    /// It did: the transaction is over.
    ended: Cell<bool>,
    /// A committed transaction revoked a key (migration 9's triggers).
    pub revoked: Cell<bool>,
}

impl Lent {
    pub fn new(conn: Conn) -> Self {
        Self {
            conn: RefCell::new(conn),
            failed: Cell::new(false),
            conflict: Cell::new(false),
            broken: Cell::new(false),
            begin_pending: RefCell::new(None),
            begun: Cell::new(false),
            required: RefCell::new(Vec::new()),
            unmet: Cell::new(false),
            may_end: Cell::new(false),
            ended: Cell::new(false),
            revoked: Cell::new(false),
        }
    }

    /// The connection, to give back to the pool.
    pub fn into_conn(self) -> Conn {
        self.conn.into_inner()
    }

    /// Runs the write again, holding `RETRY_LOCK` (a session lock, taken before the
    /// transaction so that its snapshot comes after the lock is granted).
    pub fn retries<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E> + Clone,
        starving: &AtomicUsize,
    ) -> Result<T, E> {
        self.run(JOIN_RETRIES, &[Value::Int(RETRY_LOCK)]).map_err(StoreError::from)?;
        let mut tries = Tries::new(starving);
        let result = loop {
            tries.next();
            let result = self.transaction(f.clone());
            match result {
                Err(_) if self.conflict.get() && tries.may_go_on() => {
                    std::thread::sleep(Tries::pause());
                }
                Err(e) if self.conflict.get() => {
                    tries.gave_up();
                    break Err(e);
                }
                other => break other,
            }
        };
        drop(tries);
        if self.run(LEAVE_RETRIES, &[Value::Int(RETRY_LOCK)]).is_err() {
            // The lock goes with the session: drop the connection rather than keep it.
            self.broken.set(true);
        }
        result
    }

    pub fn transaction<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        self.failed.set(false);
        self.conflict.set(false);
        self.unmet.set(false);
        self.ended.set(false);
        self.required.borrow_mut().clear();
        self.begun.set(false);
        // Prepared before any statement borrows the connection (once per connection).
        let begin = self.statement(BEGIN).map_err(StoreError::from)?;
        *self.begin_pending.borrow_mut() = Some(begin);
        self.conn.borrow().revoked.store(false, Ordering::Release);
        let result = f(self);
        self.begin_pending.borrow_mut().take();
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

    /// Commits. A requirement that does not hold, sent ahead, aborts the transaction:
    /// the COMMIT after it then rolls back, and `send` answers `Unmet`.
    fn commit(&self) -> Result<(), DbError> {
        let commit = self.statement(COMMIT)?;
        let conn = self.conn.borrow();
        let answer = self.send(conn.client.execute(&commit, &[]));
        drop(conn);
        answer?;
        self.committed();
        Ok(())
    }

    /// Notes, once the transaction committed, whether it revoked a key: the server
    /// said so with a notice before the COMMIT's answer (`Conn::revoked`).
    fn committed(&self) {
        if self.conn.borrow().revoked.swap(false, Ordering::AcqRel) {
            self.revoked.set(true);
        }
    }

    /// The write's last statement and its COMMIT in one round trip (`Sql::fetch_ending`):
    /// a statement that fails aborts the transaction, and the COMMIT after it in the
    /// pipeline is skipped.
    fn fetch_and_commit(&self, statement: &Statement, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let commit = self.statement(COMMIT)?;
        let conn = self.conn.borrow();
        let bound = params(args);
        let rows = RefCell::new(None);
        let client = &conn.client;
        let query: Ahead = Box::pin(async {
            *rows.borrow_mut() = Some(client.query(statement, &bound).await);
            Ok(())
        });
        let answer = self.send_after(vec![query], client.execute(&commit, &[]));
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
        answer?;
        self.committed();
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
        let begin = self.begin_pending.borrow_mut().take();
        let required = std::mem::take(&mut *self.required.borrow_mut());
        let conn = self.conn.borrow();
        if begin.is_none() && required.is_empty() && also.is_empty() {
            let result = conn.wait(last);
            drop(conn);
            return self.answered(result)?.map_err(|e| self.note(e));
        }
        let bound: Vec<_> = required.iter().map(|(_, args)| params(args)).collect();
        let mut ahead: Vec<Ahead> = Vec::with_capacity(1 + required.len() + also.len());
        if let Some(begin) = &begin {
            self.begun.set(true);
            let client = &conn.client;
            ahead.push(Box::pin(async move { client.execute(begin, &[]).await.map(drop) }));
        }
        for ((statement, _), bound) in required.iter().zip(&bound) {
            let client = &conn.client;
            ahead.push(Box::pin(async move { client.query(statement, bound).await.map(drop) }));
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

    /// Inside a write's transaction (begun, or to begin with the next statement), not
    /// a read's statements on their own.
    fn in_write(&self) -> bool {
        self.begin_pending.borrow().is_some() || self.begun.get()
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
        if !self.may_end.get() || !self.in_write() {
            return self.fetch(sql, args);
        }
        let statement = self.statement(sql)?;
        self.fetch_and_commit(&statement, args)
    }

    /// Inside a write, sent ahead of its next statement or its COMMIT (`send`),
    /// through `account_api_require` (migration 10), which raises when it does not
    /// hold; outside one (a read), asked now.
    fn require(&self, sql: &str, args: &[Value]) -> Result<(), DbError> {
        if !self.in_write() {
            return require_now(self, sql, args);
        }
        let statement = self.statement(&requirement(sql))?;
        self.required.borrow_mut().push((statement, args.to_vec()));
        Ok(())
    }

    fn run(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        let conn = self.conn.borrow();
        self.send(conn.client.execute(&statement, &params(args)))
    }

    fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let statement = self.statement(sql)?;
        let conn = self.conn.borrow();
        let rows = self.send(conn.client.query(&statement, &params(args)))?;
        rows.iter().map(row_of).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    fn lent_is_a_db(l: &Lent) -> &Db {
        l
    }
}
