//! The one writer: a thread that takes write jobs from a queue and commits
//! whatever is waiting in one transaction. Each job runs inside a savepoint, so
//! a job that fails leaves the others untouched; its caller hears back only
//! after the commit.

use std::sync::mpsc;

use account_contract::ApiError;
use rusqlite::Connection;

use super::internal;

/// Most jobs committed together.
const MAX_BATCH: usize = 256;

type Reply = Box<dyn FnOnce(Result<(), ApiError>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Reply + Send>;

pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    pub fn start(conn: Connection) -> Self {
        let (queue, jobs) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, jobs))
            .expect("spawn the writer thread");
        Self { queue }
    }

    fn job<T, F>(f: F, done: impl FnOnce(Result<T, ApiError>) + Send + 'static) -> Job
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        Box::new(move |conn: &Connection| -> Reply {
            let result = match conn.execute_batch("SAVEPOINT job") {
                Err(e) => Err(internal(e)),
                Ok(()) => {
                    let r = f(conn);
                    let end = if r.is_ok() { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
                    match conn.execute_batch(end) {
                        Ok(()) => r,
                        Err(e) => Err(internal(e)),
                    }
                }
            };
            Box::new(move |committed: Result<(), ApiError>| done(committed.and(result)))
        })
    }

    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job = Self::job(f, move |r| {
            let _ = tx.send(r);
        });
        self.queue.send(job).map_err(internal)?;
        rx.await.map_err(internal)?
    }

    pub fn run_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let job = Self::job(f, move |r| {
            let _ = tx.send(r);
        });
        self.queue.send(job).map_err(internal)?;
        rx.recv().map_err(internal)?
    }
}

fn run(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Without a transaction, run nothing: dropping the jobs drops their
            // reply channels, and each caller gets an internal error.
            internal(e);
            drop(batch);
            continue;
        }
        let replies: Vec<Reply> = batch.into_iter().map(|job| job(&conn)).collect();
        let committed = conn.execute_batch("COMMIT").map_err(internal);
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for reply in replies {
            reply(committed.clone());
        }
    }
}
