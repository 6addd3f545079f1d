//! The read a signed call makes in the steady state (ReadAccounts' account), on
//! PostgreSQL, from the async threads: a few connections shared by every request,
//! on which tokio-postgres pipelines the queries of concurrent requests. The pool of
//! `pg.rs` lends a whole connection to one closure on a blocking thread; for one
//! statement, that hand-off cost more than the query (docs/BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio_postgres::{Client, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_rows::{params, placeholders, row_of};
use crate::store::sql::{DbError, Row, Value};
use crate::store::StoreError;

/// Connections shared by the reads.
const LINKS: usize = 4;
/// How long a read may wait for its answer: past it, its link is dropped (a link that
/// went silent) and the call answers 503 rather than waiting for the request's deadline.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

pub struct AsyncReads {
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    links: Vec<Mutex<Option<Arc<Link>>>>,
    next: AtomicUsize,
}

/// One connection, with the statements prepared on it.
struct Link {
    client: Client,
    statements: Mutex<HashMap<String, Statement>>,
}

impl AsyncReads {
    /// Connects on first use (the runtime does not exist yet at start-up).
    pub fn new(config: tokio_postgres::Config, tls: MakeRustlsConnect) -> Self {
        Self { config, tls, links: (0..LINKS).map(|_| Mutex::new(None)).collect(), next: 0.into() }
    }

    /// The rows of one statement.
    pub async fn fetch(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        let (slot, link) = self.link().await?;
        match tokio::time::timeout(ANSWER_WITHIN, Self::query(&link, sql, args)).await {
            Ok(answer) => answer,
            Err(_) => {
                tracing::error!("database unavailable: a read got no answer in {ANSWER_WITHIN:?}");
                let mut kept = self.links[slot].lock().expect("links");
                if kept.as_ref().is_some_and(|l| Arc::ptr_eq(l, &link)) {
                    *kept = None;
                }
                Err(StoreError::Unavailable)
            }
        }
    }

    async fn query(link: &Link, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        let prepared = link.statements.lock().expect("statements").get(sql).cloned();
        let statement = match prepared {
            Some(s) => s,
            None => {
                let s = link.client.prepare(&placeholders(sql)).await.map_err(DbError::Postgres)?;
                link.statements.lock().expect("statements").insert(sql.to_owned(), s.clone());
                s
            }
        };
        let rows = link.client.query(&statement, &params(args)).await.map_err(DbError::Postgres)?;
        Ok(rows.iter().map(row_of).collect::<Result<_, _>>()?)
    }

    /// The next connection in turn (and its place), opened again if it closed (the
    /// server went away) or was dropped.
    async fn link(&self) -> Result<(usize, Arc<Link>), StoreError> {
        let at = self.next.fetch_add(1, Ordering::Relaxed) % LINKS;
        let slot = &self.links[at];
        if let Some(link) = slot.lock().expect("links").clone() {
            if !link.client.is_closed() {
                return Ok((at, link));
            }
        }
        let connect = tokio::time::timeout(ANSWER_WITHIN, self.config.connect(self.tls.clone()));
        let (client, connection) = match connect.await {
            Ok(connected) => connected.map_err(|e| {
                StoreError::from(DbError::Unavailable(format!("error connecting to server: {e}")))
            })?,
            Err(_) => {
                tracing::error!("database unavailable: no connection in {ANSWER_WITHIN:?}");
                return Err(StoreError::Unavailable);
            }
        };
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a read connection ended");
            }
        });
        let link = Arc::new(Link { client, statements: Mutex::new(HashMap::new()) });
        *slot.lock().expect("links") = Some(link.clone());
        Ok((at, link))
    }
}
