//! One pooled PostgreSQL connection, used from a blocking thread (the write closures
//! are synchronous) but on the asynchronous client, so that a write can send two
//! requests in one round trip: its `BEGIN` goes with its first statement (`pg.rs`).
//! The synchronous `postgres` client, which this replaced for the pool, waits for each
//! answer before it sends the next request; a write was four round trips, now three
//! (docs/BENCHMARKS.md, issue 20).
//!
//! Each connection drives its socket on a runtime of its own, on the thread that waits
//! for it, as `postgres::Client` does: no hand-off to another thread per statement.

use std::collections::HashMap;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::runtime::Runtime;
use tokio_postgres::{AsyncMessage, Client, Config, Connection, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_rows::connect_failure;
use crate::store::sql::DbError;

/// How long a statement may wait for the server: past PostgreSQL's own
/// `statement_timeout` (30 s, `pg.rs`), so only a link gone silent reaches it. A write
/// blocks its thread meanwhile, and its request's deadline cannot cut it short.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(35);

pub struct Conn {
    runtime: Runtime,
    pub client: Client,
    /// The statements prepared on this connection, by their SQL.
    pub statements: HashMap<String, Statement>,
    /// When it was last given back to the pool.
    pub idle_since: Instant,
    /// Its place in the pool's count (`pg_pool.rs`).
    pub counted: Option<Counted>,
    /// The server said a statement revoked an access key (migration 11's notice,
    /// `REVOKED`); the write reads and clears it (`pg_write.rs`).
    pub revoked: Arc<AtomicBool>,
}

/// One open connection of the pool (`pg_pool.rs`), of either kind, counted while it
/// lives: made once the count (already moved) made room for it.
pub struct Counted(Arc<AtomicUsize>);

impl Counted {
    pub fn new(open: Arc<AtomicUsize>) -> Self {
        Self(open)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The SQLSTATE of the notice a revocation sends its own connection (migration 11).
const REVOKED: &str = "OSC02";

impl Conn {
    pub fn connect(config: &Config, tls: MakeRustlsConnect) -> Result<Self, DbError> {
        let unavailable = |e: &dyn std::fmt::Display| DbError::Unavailable(e.to_string());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unavailable(&e))?;
        let (client, connection) = runtime
            .block_on(config.connect(tls))
            .map_err(|e| DbError::Unavailable(connect_failure(&e)))?;
        let revoked = Arc::new(AtomicBool::new(false));
        // Polled only while a statement waits (`wait`), like `postgres::Client`'s.
        runtime.spawn(drive(connection, revoked.clone()));
        Ok(Self {
            runtime,
            client,
            statements: HashMap::new(),
            idle_since: Instant::now(),
            counted: None,
            revoked,
        })
    }

    /// Waits for `f`, driving this connection meanwhile; `None` if the server said
    /// nothing for `ANSWER_WITHIN` (a link gone silent): the connection is then not to
    /// be used again.
    pub fn wait<F: Future>(&self, f: F) -> Option<F::Output> {
        // The timer is made inside: it belongs to this connection's runtime.
        self.runtime.block_on(async { tokio::time::timeout(ANSWER_WITHIN, f).await }).ok()
    }

    /// Whether the server still answers, within `within`.
    pub fn is_valid(&self, within: Duration) -> bool {
        let ping = async { tokio::time::timeout(within, self.client.simple_query("")).await };
        matches!(self.runtime.block_on(ping), Ok(Ok(_)))
    }
}

/// Drives a connection (`tokio_postgres::Connection`) until it ends, noting the notice
/// a revocation sends (`REVOKED`) in `revoked`: the notice comes before the answer to
/// the statement that raised it, so it is heard by the time its COMMIT is answered.
pub async fn drive<S, T>(mut connection: Connection<S, T>, revoked: Arc<AtomicBool>)
where
    S: AsyncRead + AsyncWrite + Unpin,
    T: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        match poll_fn(|cx| connection.poll_message(cx)).await {
            Some(Ok(AsyncMessage::Notice(n))) if n.code().code() == REVOKED => {
                revoked.store(true, Ordering::Release)
            }
            Some(Ok(AsyncMessage::Notice(n))) => {
                tracing::debug!(notice = n.message(), "postgres notice")
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                tracing::debug!(error = %e, "a connection ended");
                break;
            }
            None => break,
        }
    }
}

/// A request sent ahead of another, in the same round trip (`pipelined`).
pub type Ahead<'a> = Pin<Box<dyn Future<Output = Result<(), tokio_postgres::Error>> + 'a>>;
/// The same, for a future that must be `Send` (an async thread's: `pg_one.rs`).
pub type SendAhead<'a> =
    Pin<Box<dyn Future<Output = Result<(), tokio_postgres::Error>> + Send + 'a>>;

/// The answers to `ahead`, then `last`'s, each future polled in order every time:
/// tokio-postgres sends a request when its future is first polled, so they go out in
/// that order, in one write to the socket, and PostgreSQL runs them in that order.
pub async fn pipelined<A, T>(
    ahead: Vec<A>,
    last: impl Future<Output = T>,
) -> (Vec<Result<(), tokio_postgres::Error>>, T)
where
    A: Future<Output = Result<(), tokio_postgres::Error>> + Unpin,
{
    let mut ahead: Vec<_> = ahead.into_iter().map(|f| (f, None)).collect();
    let mut last = pin!(last);
    let mut answer = None;
    poll_fn(|cx| {
        for (f, done) in ahead.iter_mut().filter(|(_, done)| done.is_none()) {
            if let Poll::Ready(v) = Pin::new(f).poll(cx) {
                *done = Some(v);
            }
        }
        if answer.is_none() {
            if let Poll::Ready(v) = last.as_mut().poll(cx) {
                answer = Some(v);
            }
        }
        if answer.is_some() && ahead.iter().all(|(_, done)| done.is_some()) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    let answers = ahead.into_iter().map(|(_, done)| done.expect("answered")).collect();
    (answers, answer.expect("answered"))
}
