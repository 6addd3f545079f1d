//! SQLite: WAL, a pool of read connections and one writer thread that commits
//! concurrent writes together (group commit), so every acknowledged write is on disk
//! (`synchronous=FULL`) without one fsync each.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

use super::schema;
use super::writer::Writer;
use crate::store::sql::Db;
use crate::store::StoreError;

pub struct Sqlite {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    writer: Writer,
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
        Ok(Self {
            path: path.to_owned(),
            readers: Mutex::new(Vec::new()),
            writer: Writer::start(conn),
        })
    }

    /// Runs `f` on a pooled read connection (the caller is off the async threads).
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
