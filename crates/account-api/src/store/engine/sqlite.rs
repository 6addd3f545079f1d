//! SQLite: WAL, a pool of read connections and one writer thread that commits
//! concurrent writes together (group commit), so every acknowledged write is on disk
//! (`synchronous=FULL`) without one fsync each.
//!
//! Reads run on the caller's thread, async or not: an indexed read of one identity's
//! rows takes microseconds, less than handing it to another thread and back.
//!
//! Caches (`store/changes.rs`): the triggers' counters are read by the writer after
//! each commit, so this server's own changes void the caches before the call that made
//! them answers, and by a watch thread every `CONFIRM_EVERY`, for the changes other
//! processes make to the file (the command line).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::schema;
use super::writer::Writer;
use crate::store::changes::{Changes, Watched, CONFIRM_EVERY};
use crate::store::sql::Db;
use crate::store::StoreError;

pub struct Sqlite {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    writer: Writer,
    changes: Arc<Changes>,
    /// Tells the watch thread to end.
    closing: Arc<AtomicBool>,
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    with_c_collation(&conn)?;
    Ok(conn)
}

/// The database holds password hashes and sealed secrets: its file, WAL and shared
/// memory are the server's alone (0600), whatever the umask. SQLite gives the WAL and
/// SHM the database file's mode when it creates them, so the file is created 0600
/// before SQLite opens it; once open, any of the three left readable by others (an
/// older server, a copy) is narrowed.
#[cfg(unix)]
fn private_files(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
        _ => {}
    }
    let name = path.as_os_str();
    for file in ["", "-wal", "-shm"].map(|suffix| {
        let mut file = name.to_owned();
        file.push(suffix);
        PathBuf::from(file)
    }) {
        match std::fs::metadata(&file) {
            Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_files(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// `COLLATE "C"`, which the shared SQL uses for byte order (PostgreSQL's name for it),
/// is SQLite's own binary order.
pub(crate) fn with_c_collation(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_collation("C", |a: &str, b: &str| a.cmp(b))
}

impl Sqlite {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, String> {
        private_files(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let mut conn = open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        private_files(path).map_err(|e| format!("cannot chmod 600 {}: {e}", path.display()))?;
        migrate(&mut conn).map_err(|e| format!("cannot migrate {}: {e}", path.display()))?;
        // One process writes the file (and the command line, heard by the watch):
        // accounts' changes are heard too.
        let changes = Arc::new(Changes::new(true));
        let heard = Arc::new(Heard {
            keys: AtomicI64::new(0),
            accounts: AtomicI64::new(0),
            changes: changes.clone(),
        });
        heard.note(&conn).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let closing = Arc::new(AtomicBool::new(false));
        watch(path.to_owned(), heard.clone(), closing.clone());
        let after_commit = move |conn: &Connection| {
            if let Err(e) = heard.note(conn) {
                // Unknown: void the caches rather than guess.
                tracing::error!(error = %e, "cannot read the cache counters");
                heard.changes.all_changed();
            }
        };
        Ok(Self {
            path: path.to_owned(),
            readers: Mutex::new(Vec::new()),
            writer: Writer::start(conn, Box::new(after_commit)),
            changes,
            closing,
        })
    }

    pub fn changes(&self) -> &Arc<Changes> {
        &self.changes
    }

    /// Runs `f` on a pooled read connection, on the caller's thread.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.readers.lock().expect("reader pool").pop();
        let conn = match conn {
            Some(c) => c,
            None => open(&self.path).map_err(StoreError::internal)?,
        };
        let result = f(&conn);
        self.readers.lock().expect("reader pool").push(conn);
        result
    }

    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Clone + Send + 'static,
    {
        self.writer.run(move |c: &Connection| f(c)).await
    }

    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Db) -> Result<T, E> + Clone + Send + 'static,
    {
        self.writer.run_blocking(move |c: &Connection| f(c))
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::Release);
    }
}

/// The triggers' counters (migration 9), as far as this process has heard them.
struct Heard {
    keys: AtomicI64,
    accounts: AtomicI64,
    changes: Arc<Changes>,
}

impl Heard {
    /// Reads the counters: a higher one than heard means changes.
    fn note(&self, conn: &Connection) -> rusqlite::Result<()> {
        let mut statement = conn.prepare_cached("SELECT what, generation FROM cache_changes")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let (what, generation): (String, i64) = (row.get(0)?, row.get(1)?);
            let (heard, watched) = match what.as_str() {
                "access_keys" => (&self.keys, Watched::Keys),
                "accounts" => (&self.accounts, Watched::Accounts),
                _ => continue,
            };
            if heard.fetch_max(generation, Ordering::AcqRel) < generation {
                self.changes.changed(watched);
            }
        }
        Ok(())
    }
}

/// Reads the counters every `CONFIRM_EVERY` on a connection of its own, for the
/// changes of other processes; each read that answers confirms what came before it.
fn watch(path: PathBuf, heard: Arc<Heard>, closing: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new().name("sqlite-changes".into()).spawn(move || {
        let mut conn = None;
        while !closing.load(Ordering::Acquire) {
            let mark = heard.changes.mark();
            if conn.is_none() {
                conn = open(&path).map_err(|e| tracing::error!(error = %e, "cache watch")).ok();
            }
            if let Some(c) = &conn {
                match heard.note(c) {
                    Ok(()) => heard.changes.confirm(mark),
                    Err(e) => {
                        tracing::error!(error = %e, "cache watch: cannot read the counters");
                        conn = None;
                    }
                }
            }
            std::thread::sleep(CONFIRM_EVERY);
        }
    });
    if let Err(e) = spawned {
        // Without its watch, nothing is ever confirmed: caches always read the database.
        tracing::error!(error = %e, "cannot start the cache watch");
    }
}

/// Brings the schema up to date; `PRAGMA user_version` counts the migrations done.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in schema::SQLITE.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// A database in memory with the whole schema, for unit tests.
#[cfg(test)]
pub(crate) fn in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().expect("SQLite in memory");
    migrate(&mut conn).expect("migrations");
    conn
}
