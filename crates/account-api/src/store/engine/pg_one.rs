//! A write that is one statement (`Store::write_one`: UpdateAccount's), on PostgreSQL,
//! from the async threads. Its BEGIN, its requirements, its statement and its COMMIT
//! are all known before any answer, so they go in one round trip on a connection of
//! the server's own runtime: no thread waits on the socket, and none is handed the
//! request and back, which cost the pool's writes (`pg.rs`) more than their round
//! trip (docs/BENCHMARKS.md, issue 20).
//!
//! The pool (`pg_pool.rs`) lends these connections as it lends its others, and counts
//! them in its size. A write that conflicts with a concurrent transaction runs again in
//! the retries' queue, as the pool's writes do (`Postgres::write`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_postgres::{Client, Config, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_conn::{drive, pipelined, Counted, SendAhead, ANSWER_WITHIN};
use super::pg_rows::{connect_failure, params, placeholders, row_of};
use super::pg_write::{
    requirement, Tries, BEGIN, COMMIT, JOIN_RETRIES, LEAVE_RETRIES, MAX_STATEMENTS, RETRY_LOCK,
};
use crate::store::sql::{DbError, Query, Row};

/// What became of a write tried here.
pub enum Tried {
    /// Committed: the statement's rows, and whether it revoked an access key.
    Committed { rows: Vec<Row>, revoked: bool },
    /// Rolled back because a concurrent transaction conflicted: to run again.
    Conflict,
    /// Rolled back (or never sent) for this reason.
    Failed(DbError),
}

/// A connection of the server's runtime, lent to one such write at a time by the pool
/// (`Postgres::write_one`), with the statements prepared on it.
pub struct Link {
    pub client: Client,
    statements: HashMap<String, Statement>,
    /// A revocation's notice (`pg_conn::drive`).
    revoked: Arc<AtomicBool>,
    /// When it was last given back to the pool.
    pub idle_since: Instant,
    /// Its place in the pool's count (`pg_pool.rs`).
    pub counted: Option<Counted>,
}

impl Link {
    pub async fn connect(config: &Config, tls: MakeRustlsConnect) -> Result<Self, DbError> {
        let (client, connection) =
            config.connect(tls).await.map_err(|e| DbError::Unavailable(connect_failure(&e)))?;
        let revoked = Arc::new(AtomicBool::new(false));
        tokio::spawn(drive(connection, revoked.clone()));
        Ok(Self {
            client,
            statements: HashMap::new(),
            revoked,
            idle_since: Instant::now(),
            counted: None,
        })
    }

    /// Runs `requirements` then `statement` in one serializable transaction, sent
    /// whole, at most `ANSWER_WITHIN`.
    pub async fn write(&mut self, requirements: &[Query], statement: &Query) -> Tried {
        match tokio::time::timeout(ANSWER_WITHIN, send(self, requirements, statement)).await {
            Ok(tried) => tried,
            Err(_) => {
                Tried::Failed(DbError::Unavailable("no answer from the server in time".into()))
            }
        }
    }

    /// Runs the write again while it conflicts, in the retries' queue: holding
    /// `RETRY_LOCK`, as the pool's writes do (`Lent::retries`, `Postgres::write`).
    /// `broken`: the lock could not be given back, so the connection is not to be kept.
    pub async fn retries(
        &mut self,
        requirements: &[Query],
        statement: &Query,
        starving: &AtomicUsize,
    ) -> (Tried, bool) {
        let (join, leave) = (placeholders(JOIN_RETRIES), placeholders(LEAVE_RETRIES));
        if let Err(e) = self.client.execute(&join, &[&RETRY_LOCK]).await {
            return (Tried::Failed(DbError::Postgres(e)), true);
        }
        let mut tries = Tries::new(starving);
        let tried = loop {
            tries.next();
            match self.write(requirements, statement).await {
                Tried::Conflict if tries.may_go_on() => tokio::time::sleep(Tries::pause()).await,
                Tried::Conflict => {
                    tries.gave_up();
                    break Tried::Conflict;
                }
                other => break other,
            }
        };
        drop(tries);
        let unlocked = self.client.execute(&leave, &[&RETRY_LOCK]).await.is_ok();
        (tried, !unlocked)
    }

    /// Whether the server still answers, within `within`.
    pub async fn is_valid(&self, within: Duration) -> bool {
        matches!(tokio::time::timeout(within, self.client.simple_query("")).await, Ok(Ok(_)))
    }
}

/// Prepares what this connection has not seen yet, then sends the transaction.
async fn send(link: &mut Link, requirements: &[Query], statement: &Query) -> Tried {
    let required: Vec<String> = requirements.iter().map(|r| requirement(&r.sql)).collect();
    // Room for all of this write's statements at once (UpdateAccount's vary).
    if link.statements.len() + 3 + required.len() > MAX_STATEMENTS {
        link.statements.clear();
    }
    for sql in
        [BEGIN, COMMIT, &statement.sql].into_iter().chain(required.iter().map(String::as_str))
    {
        if !link.statements.contains_key(sql) {
            match link.client.prepare(&placeholders(sql)).await {
                Ok(prepared) => link.statements.insert(sql.to_owned(), prepared),
                Err(e) => return Tried::Failed(DbError::Postgres(e)),
            };
        }
    }
    let prepared = |sql: &str| &link.statements[sql];
    let client = &link.client;
    link.revoked.store(false, Ordering::Release);

    let bound: Vec<_> = requirements.iter().map(|r| params(&r.args)).collect();
    let (main, main_params) = (prepared(&statement.sql), params(&statement.args));
    let rows = Mutex::new(None);
    let mut ahead: Vec<SendAhead> = Vec::with_capacity(2 + requirements.len());
    let begin = prepared(BEGIN);
    ahead.push(Box::pin(async move { client.execute(begin, &[]).await.map(drop) }));
    for (sql, bound) in required.iter().zip(&bound) {
        let required = prepared(sql);
        ahead.push(Box::pin(async move { client.query(required, bound).await.map(drop) }));
    }
    ahead.push(Box::pin(async {
        let answer = client.query(main, &main_params).await;
        *rows.lock().expect("rows") = Some(answer);
        Ok(())
    }));
    let (answers, committed) = pipelined(ahead, client.execute(prepared(COMMIT), &[])).await;

    // The first failure aborted the transaction: what came after it failed for that
    // reason alone, and the COMMIT rolled back.
    let first_failure = answers.into_iter().find_map(Result::err);
    let outcome = match (first_failure, rows.into_inner().expect("rows")) {
        (Some(e), _) | (None, Some(Err(e))) => Err(DbError::Postgres(e)),
        (None, None) => Err(DbError::Decode("a statement without an answer".into())),
        (None, Some(Ok(rows))) => committed.map(|_| rows).map_err(DbError::Postgres),
    };
    match outcome {
        Ok(rows) => match rows.iter().map(row_of).collect() {
            Ok(rows) => {
                Tried::Committed { rows, revoked: link.revoked.swap(false, Ordering::AcqRel) }
            }
            Err(e) => {
                tracing::error!(error = %e, "a committed write's answer could not be read");
                Tried::Failed(e)
            }
        },
        Err(e) if e.is_conflict() => Tried::Conflict,
        Err(e) if e.is_unmet() => Tried::Failed(DbError::Unmet),
        Err(e) => Tried::Failed(e),
    }
}
