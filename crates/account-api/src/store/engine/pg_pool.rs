//! The pool of PostgreSQL connections (`pg.rs`): slots bound how many are lent at
//! once, and it keeps the idle ones of its two kinds: the write closures' (`Conn`,
//! driven by the thread that waits on it, `pg_conn.rs`) and the one-statement writes'
//! (`Link`, on the server's runtime, `pg_one.rs`). Both count in its size: at that
//! size, opening one closes an idle one of the other kind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pg_conn::{Conn, Counted};
use super::pg_one::Link;
use crate::store::sql::DbError;
use crate::store::StoreError;

/// How long a request waits for a free connection before it is answered 503.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(10);
/// How long opening a connection may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A connection idle longer than this is checked (one round trip) before it is lent:
/// the server may have restarted meanwhile, and a call should not fail for that.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(2);

pub struct Pool {
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    size: usize,
    slots: Arc<Semaphore>,
    idle: Mutex<Idle>,
    /// Connections open, of both kinds (`Counted`).
    open: Arc<AtomicUsize>,
}

#[derive(Default)]
struct Idle {
    conns: Vec<Conn>,
    links: Vec<Link>,
}

/// The right to use one connection of the pool.
pub struct Slot(#[allow(dead_code)] OwnedSemaphorePermit);

#[derive(Clone, Copy)]
enum Kind {
    Conn,
    Link,
}

/// What `Pool::make_room` found.
enum Room {
    Made,
    OwnKindIdle,
    None,
}

impl Pool {
    pub fn new(config: tokio_postgres::Config, tls: MakeRustlsConnect, size: usize) -> Self {
        let size = size.max(1);
        Self {
            config,
            tls,
            size,
            slots: Arc::new(Semaphore::new(size)),
            idle: Mutex::new(Idle::default()),
            open: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Waits for a free slot (async callers), at most `WAIT_FOR_CONNECTION`.
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
        let deadline = Instant::now() + WAIT_FOR_CONNECTION;
        loop {
            if let Ok(permit) = self.slots.clone().try_acquire_owned() {
                return Ok(Slot(permit));
            }
            if Instant::now() > deadline {
                return Err(StoreError::Unavailable);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// A connection for a write closure, idle or new. The caller holds a slot and is
    /// off the async threads.
    pub fn lend(&self) -> Result<Conn, DbError> {
        loop {
            let idle = self.idle.lock().expect("pool").conns.pop();
            match idle {
                Some(conn) if conn.idle_since.elapsed() > CHECK_AFTER_IDLE => {
                    if conn.is_valid(CONNECT_TIMEOUT) {
                        return Ok(conn);
                    }
                    // The server went away meanwhile: so did the other idle connections.
                    self.forget_idle();
                }
                Some(conn) => return Ok(conn),
                None => {}
            }
            let Some(counted) = self.count(Kind::Conn) else { continue };
            let mut conn = Conn::connect(&self.config, self.tls.clone())?;
            conn.counted = Some(counted);
            return Ok(conn);
        }
    }

    /// A connection for a one-statement write, idle or new. The caller holds a slot.
    pub async fn lend_link(&self) -> Result<Link, DbError> {
        loop {
            let idle = self.idle.lock().expect("pool").links.pop();
            match idle {
                Some(link) if link.idle_since.elapsed() > CHECK_AFTER_IDLE => {
                    if link.is_valid(CONNECT_TIMEOUT).await {
                        return Ok(link);
                    }
                    self.forget_idle();
                }
                Some(link) if !link.client.is_closed() => return Ok(link),
                Some(_) => self.forget_idle(),
                None => {}
            }
            let Some(counted) = self.count(Kind::Link) else { continue };
            let connect = Link::connect(&self.config, self.tls.clone());
            let mut link = match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
                Ok(link) => link?,
                Err(_) => return Err(DbError::Unavailable("no connection in time".into())),
            };
            link.counted = Some(counted);
            return Ok(link);
        }
    }

    /// Takes a lent connection back; `broken`: it failed, and so did the idle ones.
    pub fn give_back(&self, mut conn: Conn, broken: bool) {
        if broken || conn.client.is_closed() {
            self.forget_idle();
            return;
        }
        conn.idle_since = Instant::now();
        self.idle.lock().expect("pool").conns.push(conn);
    }

    /// The same for a one-statement write's connection.
    pub fn give_back_link(&self, mut link: Link, broken: bool) {
        if broken || link.client.is_closed() {
            self.forget_idle();
            return;
        }
        link.idle_since = Instant::now();
        self.idle.lock().expect("pool").links.push(link);
    }

    /// Counts a connection about to open, within the pool's size: at that size, an
    /// idle connection of the other kind is closed first. The caller holds a slot and
    /// no connection, and a slot is freed only once its connection is idle again, so
    /// at the size one connection is idle: `None` when it is of `kind`, to be lent.
    fn count(&self, kind: Kind) -> Option<Counted> {
        loop {
            let open = self.open.load(Ordering::Acquire);
            if open >= self.size {
                match self.make_room(kind) {
                    Room::Made => continue,
                    Room::OwnKindIdle => return None,
                    // Not expected: over the size for a moment rather than wait.
                    Room::None => {}
                }
            }
            if self
                .open
                .compare_exchange(open, open + 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return Some(Counted::new(self.open.clone()));
            }
        }
    }

    /// Closes one idle connection of the other kind than `kind`, if there is one.
    fn make_room(&self, kind: Kind) -> Room {
        let mut idle = self.idle.lock().expect("pool");
        let own_idle = match kind {
            Kind::Conn => !idle.conns.is_empty(),
            Kind::Link => !idle.links.is_empty(),
        };
        if own_idle {
            return Room::OwnKindIdle;
        }
        match kind {
            Kind::Link => match idle.conns.pop() {
                Some(conn) => {
                    drop(idle);
                    close(vec![conn]);
                }
                None => return Room::None,
            },
            Kind::Conn => match idle.links.pop() {
                Some(link) => {
                    drop(idle);
                    drop(link);
                }
                None => return Room::None,
            },
        }
        Room::Made
    }

    /// Closes the idle connections: the server went away, they are as dead as the one
    /// that failed.
    pub fn forget_idle(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        close(idle.conns);
    }
}

/// A `Conn` says goodbye to the server by blocking on its own runtime, which panics on
/// an async thread: from one, it is closed on a blocking thread, uncounted at once.
fn close(mut conns: Vec<Conn>) {
    if conns.is_empty() {
        return;
    }
    for conn in &mut conns {
        drop(conn.counted.take());
    }
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn_blocking(move || drop(conns))),
        Err(_) => drop(conns),
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        if !idle.conns.is_empty() {
            // Not on the runtime, which may be going away with the server.
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}
