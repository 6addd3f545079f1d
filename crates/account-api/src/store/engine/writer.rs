//! The one writer: a thread that takes write jobs from a queue and commits
//! whatever is waiting in one transaction. Each job runs inside a savepoint, so
//! a job that fails (or panics) leaves the others untouched; its caller hears back
//! only after the commit. When a whole batch cannot commit, each of its jobs is
//! tried again alone, so one bad job cannot fail the others.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use rusqlite::Connection;

use crate::store::StoreError;

/// Most jobs committed together.
const MAX_BATCH: usize = 256;

/// A write job: it can run more than once (a batch that rolls back runs it again
/// alone); its caller hears once, when its transaction is settled.
trait Job: Send {
    fn run(&mut self, conn: &Connection);
    fn finish(&mut self, committed: Result<(), StoreError>);
}

struct WriteJob<F, T, E, D> {
    f: F,
    result: Option<Result<T, E>>,
    done: Option<D>,
}

impl<T, E, F, D> Job for WriteJob<F, T, E, D>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: Fn(&Connection) -> Result<T, E> + Send,
    D: FnOnce(Result<T, E>) + Send + 'static,
{
    fn run(&mut self, conn: &Connection) {
        let result = match conn.execute_batch("SAVEPOINT job") {
            Err(e) => Err(StoreError::internal(e).into()),
            Ok(()) => {
                let r = catch_unwind(AssertUnwindSafe(|| (self.f)(conn)))
                    .unwrap_or_else(|_| Err(StoreError::internal("a write job panicked").into()));
                let end = if r.is_ok() { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
                match conn.execute_batch(end) {
                    Ok(()) => r,
                    Err(e) => Err(StoreError::internal(e).into()),
                }
            }
        };
        self.result = Some(result);
    }

    fn finish(&mut self, committed: Result<(), StoreError>) {
        let result = self
            .result
            .take()
            .unwrap_or_else(|| Err(StoreError::internal("a write job never ran").into()));
        if let Some(done) = self.done.take() {
            done(committed.map_err(E::from).and(result));
        }
    }
}

pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

/// What the writer does after each commit, before the jobs' callers hear of it.
pub type AfterCommit = Box<dyn Fn(&Connection) + Send>;

impl Writer {
    pub fn start(conn: Connection, after_commit: AfterCommit) -> Self {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, jobs, after_commit))
            .expect("spawn the writer thread");
        Self { queue }
    }

    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Clone + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.await.map_err(|e| E::from(StoreError::internal(e)))?
    }

    pub fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Clone + Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        self.send(f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.recv().map_err(|e| E::from(StoreError::internal(e)))?
    }

    fn send<T, E, F>(
        &self,
        f: F,
        done: impl FnOnce(Result<T, E>) + Send + 'static,
    ) -> Result<(), StoreError>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Clone + Send + 'static,
    {
        // Each run works on a fresh copy, so the job can run again after a rollback.
        let job =
            WriteJob { f: move |c: &Connection| f.clone()(c), result: None, done: Some(done) };
        self.queue.send(Box::new(job)).map_err(StoreError::internal)
    }
}

fn run(conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>, after_commit: AfterCommit) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let committed = commit(&conn, &mut batch);
        if committed.is_err() && batch.len() > 1 {
            // Alone, a job that cannot commit fails by itself; the others go through.
            for job in &mut batch {
                let alone = commit(&conn, std::slice::from_mut(job));
                after_commit(&conn);
                job.finish(alone);
            }
        } else {
            after_commit(&conn);
            for job in &mut batch {
                job.finish(committed.clone());
            }
        }
    }
}

/// Runs the jobs in one transaction and commits it; on failure nothing is kept.
fn commit(conn: &Connection, batch: &mut [Box<dyn Job>]) -> Result<(), StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(StoreError::internal)?;
    for job in batch.iter_mut() {
        job.run(conn);
    }
    conn.execute_batch("COMMIT").map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        StoreError::internal(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("w.sqlite")).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id));",
        )
        .unwrap();
        (dir, Writer::start(conn, Box::new(|_| {})))
    }

    fn insert(
        id: i64,
        parent: i64,
    ) -> impl FnOnce(&Connection) -> Result<(), StoreError> + Clone + Send + 'static {
        move |c: &Connection| {
            c.execute("INSERT INTO child VALUES (?1, ?2)", [id, parent])
                .map(drop)
                .map_err(StoreError::internal)
        }
    }

    #[tokio::test]
    async fn a_panicking_job_fails_alone() {
        let (_dir, w) = writer();
        w.run(|c| {
            c.execute("INSERT INTO parent VALUES (1)", []).map(drop).map_err(StoreError::internal)
        })
        .await
        .unwrap();
        let panics = w.run(|_| -> Result<(), StoreError> { panic!("a bug in one call") }).await;
        assert_eq!(panics.unwrap_err(), StoreError::Internal);
        w.run(insert(1, 1)).await.expect("the writer still runs");
    }

    #[test]
    fn a_batch_that_cannot_commit_is_retried_job_by_job() {
        let (_dir, w) = writer();
        w.run_blocking(|c| {
            c.execute("INSERT INTO parent VALUES (1)", []).map(drop).map_err(StoreError::internal)
        })
        .unwrap();
        // A foreign key checked only at COMMIT fails the whole batch; each job then
        // runs alone, and only the bad one fails.
        let bad = |c: &Connection| {
            c.execute_batch("PRAGMA defer_foreign_keys = ON").map_err(StoreError::internal)?;
            c.execute("INSERT INTO child VALUES (100, 999)", [])
                .map(drop)
                .map_err(StoreError::internal)
        };
        let (tx, rx) = mpsc::channel();
        w.send(
            |_| {
                std::thread::sleep(std::time::Duration::from_millis(100));
                Ok(())
            },
            |_: Result<(), StoreError>| {},
        )
        .unwrap();
        for (i, job) in [(2, None), (3, Some(bad)), (4, None)] {
            let tx = tx.clone();
            let reply = move |r: Result<(), StoreError>| tx.send((i, r.is_ok())).unwrap();
            match job {
                Some(bad) => w.send(bad, reply).unwrap(),
                None => w.send(insert(i, 1), reply).unwrap(),
            }
        }
        drop(tx);
        let mut results: Vec<(i64, bool)> = rx.iter().collect();
        results.sort();
        assert_eq!(results, [(2, true), (3, false), (4, true)]);
    }
}
