//! PostgreSQL: a bounded pool of connections shared by reads and writes (`pg_pool.rs`),
//! and a few more shared by the signed reads (`pg_reads.rs`). Each write
//! runs in its own SERIALIZABLE transaction, so it behaves as if it ran alone, as it
//! does on SQLite's single writer, whichever instance runs it; when PostgreSQL
//! reports a conflict with a concurrent transaction (on this instance or another),
//! the write runs again from the start (write closures are `Clone` for that).
//! A COMMIT answered is durable (`synchronous_commit` on, PostgreSQL's default).
//!
//! Round trips are what a write costs here (docs/BENCHMARKS.md, issue 20), so a write
//! sends what needs no answer in the same round trip as what follows (`pg_write.rs`,
//! `pg_conn.rs`): its BEGIN and its requirements (`Sql::require`: the door's re-check
//! of the caller's key) go with its first statement, its last statement with its
//! COMMIT (`Sql::fetch_ending`). A write that is one statement known in advance
//! (`Store::write_one`: UpdateAccount) is sent whole from the async threads
//! (`pg_one.rs`), on connections of the same pool.
//!
//! A database that cannot be reached answers 503 (`StoreError::Unavailable`), never a panic;
//! connections are opened again on demand, so the server recovers by itself.
//!
//! Revoked keys (`store/changes.rs`): a write whose transaction revoked one (the
//! triggers tell its connection with a notice, migration 11, `pg_conn::drive`) voids
//! this instance's caches once it commits, before its call answers; other instances
//! hear it through their watch (`pg_watch.rs`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use postgres::Client;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_one::Tried;
use super::pg_pool::{Pool, Slot, CONNECT_TIMEOUT};
use super::pg_rows::connect_failure;
use super::pg_write::Lent;
use super::{pg_watch, schema};
use crate::store::changes::{Changes, Watched};
use crate::store::sql::{Db, DbError, Query, Row, Value};
use crate::store::StoreError;

/// The advisory lock held while migrating, so instances starting together migrate once.
const MIGRATION_LOCK: i64 = 0x6f73_635f_6d69_6772; // "osc_migr"

pub struct Postgres {
    /// The migrations' and the revocation watch's (the synchronous client).
    sync_config: postgres::Config,
    /// TLS as the URL's `sslmode` says (`pg_tls.rs`).
    tls: MakeRustlsConnect,
    pool: Pool,
    changes: Arc<Changes>,
    /// Tells the revocation watch to end.
    closing: Arc<AtomicBool>,
    /// One-statement reads from the async threads (`pg_reads.rs`).
    reads: super::pg_reads::AsyncReads,
    /// Retries of this instance that lost `STARVING_AFTER` times already (see `write`).
    starving: AtomicUsize,
}

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
            // A statement stuck behind a lock is given up after 30 s. A transaction whose
            // client went silent (an instance whose link froze mid-write) is ended by the
            // server after 10 s, so its locks stop holding up the other instances: a key
            // that instance was noting the use of could not be deleted (revoked) meanwhile.
            // Our transactions never wait on anything but their own statements (hashing
            // is done before they begin). Notices are heard whatever the server's default
            // (a revocation's, `pg_conn.rs`).
            .options(
                "-c statement_timeout=30000 -c idle_in_transaction_session_timeout=10000 \
                 -c client_min_messages=notice",
            );
        let reads = super::pg_reads::AsyncReads::new(settings.clone(), tls.clone());
        let mut sync_config = postgres::Config::from(settings.clone());
        // PostgreSQL's notices ("already exists, skipping") are for debugging only.
        sync_config.notice_callback(|notice| {
            tracing::debug!(notice = notice.message(), "postgres notice")
        });
        let pg = Self {
            pool: Pool::new(settings, tls.clone(), pool_size),
            sync_config,
            tls,
            // Accounts' changes are not notified (see `store/changes.rs`).
            changes: Arc::new(Changes::new(false)),
            closing: Arc::new(AtomicBool::new(false)),
            reads,
            starving: AtomicUsize::new(0),
        };
        let cannot_connect =
            |e: &dyn std::fmt::Display| format!("cannot connect to PostgreSQL: {e}");
        let mut client = pg
            .sync_config
            .connect(pg.tls.clone())
            .map_err(|e| cannot_connect(&connect_failure(&e)))?;
        migrate(&mut client).map_err(|e| format!("cannot migrate the PostgreSQL schema: {e}"))?;
        drop(client);
        let conn = pg.pool.lend().map_err(|e| cannot_connect(&e))?;
        pg.pool.give_back(conn, false);
        pg_watch::start(
            pg.sync_config.clone(),
            pg.tls.clone(),
            pg.changes.clone(),
            pg.closing.clone(),
        );
        tracing::info!(link = protection, "PostgreSQL");
        Ok(pg)
    }

    pub fn changes(&self) -> &Arc<Changes> {
        &self.changes
    }

    /// One statement's rows, from the async threads (`pg_reads.rs`).
    pub async fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.reads.fetch(sql, args).await
    }

    /// A write that is one statement after its requirements, from the async threads,
    /// in one round trip (`pg_one.rs`); run again while it conflicts, in the queue
    /// `write` describes. The caller holds a slot.
    pub async fn write_one(
        &self,
        requirements: &[Query],
        statement: &Query,
    ) -> Result<Vec<Row>, StoreError> {
        let mut link = self.pool.lend_link().await?;
        let mut tried = Tried::Conflict;
        if self.starving.load(Ordering::Acquire) == 0 {
            tried = link.write(requirements, statement).await;
        }
        let mut broken = false;
        if let Tried::Conflict = tried {
            (tried, broken) = link.retries(requirements, statement, &self.starving).await;
        }
        // Every answer came, the COMMIT's last: the transaction is over, whatever it
        // answered. A connection that failed or went silent is dropped, and the
        // server rolls back what it was doing.
        broken |= matches!(&tried, Tried::Failed(e) if e.is_unavailable());
        self.pool.give_back_link(link, broken);
        match tried {
            Tried::Committed { rows, revoked } => {
                if revoked {
                    self.changes.changed(Watched::Keys);
                }
                Ok(rows)
            }
            Tried::Conflict => Err(StoreError::internal("a write kept conflicting")),
            Tried::Failed(e) => Err(e.into()),
        }
    }

    /// Waits for a free slot of the pool (async callers).
    pub async fn slot(&self) -> Result<Slot, StoreError> {
        self.pool.slot().await
    }

    /// The same for code that is not async (start-up, the command line).
    pub fn slot_blocking(&self) -> Result<Slot, StoreError> {
        self.pool.slot_blocking()
    }

    fn lend(&self) -> Result<Lent, StoreError> {
        Ok(Lent::new(self.pool.lend()?))
    }

    fn give_back(&self, lent: Lent) {
        if lent.revoked.get() {
            self.changes.changed(Watched::Keys);
        }
        let broken = lent.broken.get();
        self.pool.give_back(lent.into_conn(), broken);
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

/// The watch ends with the store; the pool closes its connections (`Pool`'s drop).
impl Drop for Postgres {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::Release);
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
    fn shared(p: Arc<Postgres>) -> impl Send + Sync {
        p
    }
}
