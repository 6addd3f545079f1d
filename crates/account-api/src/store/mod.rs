//! SQLite storage: WAL, migrations, a pool of read connections and one writer
//! thread that commits concurrent writes together (group commit), so every
//! acknowledged write is on disk (`synchronous=FULL`) without one fsync each.

pub mod access_keys;
pub mod accounts;
pub mod devices;
mod lockout;
pub mod meta;
pub mod mfa;
pub mod users;
mod writer;

pub use access_keys::KeyRecord;
pub use accounts::{AccountRecord, NewAccount};
pub use lockout::{Attempt, Lockout};
pub use users::UserRecord;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use account_contract::{ApiError, ErrorCode};
use rusqlite::Connection;

use writer::Writer;

/// Schema versions, applied in order; `PRAGMA user_version` says how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, their password history, access keys, failed sign-in counters.
    "CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        first_name TEXT, last_name TEXT, job_title TEXT,
        phone_number TEXT, mobile_number TEXT,
        company_name TEXT, vat_number TEXT,
        city TEXT, zip_code TEXT, state_province TEXT, country TEXT,
        additional_emails TEXT NOT NULL DEFAULT '[]',
        outscale_login_allowed INTEGER NOT NULL DEFAULT 1,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE TABLE password_history (
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE INDEX password_history_account ON password_history(account_id, created_at);
     CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        secret_nonce BLOB NOT NULL,
        secret_sealed BLOB NOT NULL,
        state TEXT NOT NULL,
        tag TEXT,
        expires_at INTEGER,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL
     );
     CREATE INDEX access_keys_account ON access_keys(account_id);
     CREATE TABLE login_failures (
        identity TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until INTEGER NOT NULL
     );",
    // 2: EIM users; access keys and password history may belong to one.
    "CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        user_email TEXT,
        path TEXT NOT NULL DEFAULT '/',
        password_hash TEXT,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        UNIQUE (account_id, user_name)
     );
     ALTER TABLE access_keys ADD COLUMN user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE;
     ALTER TABLE password_history ADD COLUMN user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE;
     CREATE INDEX access_keys_user ON access_keys(user_id);",
    // 3: sessions (a key created with email/password, and every key created under it),
    // keys whose state or expiration the account decided, when failures were last
    // counted (old counters are purged), and a check that the server key is the right one.
    "ALTER TABLE access_keys ADD COLUMN session_id TEXT;
     ALTER TABLE access_keys ADD COLUMN account_controlled INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX access_keys_session ON access_keys(session_id);
     ALTER TABLE login_failures ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX login_failures_updated ON login_failures(updated_at);
     CREATE TABLE server_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);",
    // 4: second factors (authenticator apps, WebAuthn credentials), recovery codes (keyed
    // hashes only), WebAuthn sign-in challenges. Each belongs to the account (`user_id`
    // NULL) or one of its users, and goes with it.
    "CREATE TABLE mfa_devices (
        mfa_device_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0,
        pending_until INTEGER,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        totp_nonce BLOB,
        totp_sealed BLOB,
        totp_last_step INTEGER,
        credential_id TEXT UNIQUE,
        passkey TEXT,
        registration TEXT
     );
     CREATE INDEX mfa_devices_owner ON mfa_devices(account_id, user_id);
     CREATE TABLE recovery_codes (
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        code_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE INDEX recovery_codes_owner ON recovery_codes(account_id, user_id, code_hash);
     CREATE TABLE webauthn_challenges (
        challenge TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
        user_id TEXT REFERENCES users(user_id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        expires_at INTEGER NOT NULL
     );
     CREATE INDEX webauthn_challenges_owner ON webauthn_challenges(account_id, user_id, expires_at);
     CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges(expires_at);",
    // 5: the device of each session (sessions as devices).
    "CREATE TABLE session_devices (
        session_id TEXT PRIMARY KEY REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
        browser TEXT,
        os TEXT,
        client_ip TEXT,
        last_active_at INTEGER NOT NULL
     );",
];

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
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
    Ok(conn)
}

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "storage error");
    ApiError::new(ErrorCode::Internal, "Internal error.")
}

impl Store {
    /// Opens (or creates) the database and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, String> {
        let mut conn = open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        migrate(&mut conn).map_err(|e| format!("cannot migrate {}: {e}", path.display()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                readers: Mutex::new(Vec::new()),
                writer: Writer::start(conn),
            }),
        })
    }

    /// Runs a read on a pooled connection, off the async threads.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.readers.lock().expect("reader pool").pop();
            let conn = match conn {
                Some(c) => c,
                None => open(&inner.path).map_err(internal)?,
            };
            let result = f(&conn);
            inner.readers.lock().expect("reader pool").push(conn);
            result
        })
        .await
        .map_err(internal)?
    }

    /// Runs a write in the writer's next transaction; answers once it is committed.
    /// An `Err` from `f` rolls back `f`'s changes only. `f` is cloned for each run:
    /// when its batch cannot commit, it runs again alone.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        self.inner.writer.run(f).await
    }

    /// The same as [`Store::write`], for code that is not async (the command line).
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        self.inner.writer.run_blocking(f)
    }

    /// The same as [`Store::read`], for code that is not async.
    pub fn read_blocking<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let conn = open(&self.inner.path).map_err(internal)?;
        f(&conn)
    }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}
