//! The read a signed call makes in the steady state (ReadAccounts' account), on
//! PostgreSQL, from the async threads: a few connections shared by every request,
//! on which tokio-postgres pipelines the queries of concurrent requests. The pool of
//! `pg.rs` lends a whole connection to one closure on a blocking thread; for one
//! statement, that hand-off cost more than the query (docs/BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_rows::{placeholders, row_of};
use crate::store::sql::{DbError, Row, Value};
use crate::store::StoreError;

/// Connections shared by the reads.
const LINKS: usize = 4;

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
        let link = self.link().await?;
        let prepared = link.statements.lock().expect("statements").get(sql).cloned();
        let statement = match prepared {
            Some(s) => s,
            None => {
                let s = link.client.prepare(&placeholders(sql)).await.map_err(DbError::Postgres)?;
                link.statements.lock().expect("statements").insert(sql.to_owned(), s.clone());
                s
            }
        };
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let rows = link.client.query(&statement, &params).await.map_err(DbError::Postgres)?;
        Ok(rows.iter().map(row_of).collect::<Result<_, _>>()?)
    }

    /// The next connection in turn, opened again if it closed (the server went away).
    async fn link(&self) -> Result<Arc<Link>, StoreError> {
        let slot = &self.links[self.next.fetch_add(1, Ordering::Relaxed) % LINKS];
        if let Some(link) = slot.lock().expect("links").clone() {
            if !link.client.is_closed() {
                return Ok(link);
            }
        }
        let (client, connection) = self.config.connect(self.tls.clone()).await.map_err(|e| {
            StoreError::from(DbError::Unavailable(format!("error connecting to server: {e}")))
        })?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a read connection ended");
            }
        });
        let link = Arc::new(Link { client, statements: Mutex::new(HashMap::new()) });
        *slot.lock().expect("links") = Some(link.clone());
        Ok(link)
    }
}
