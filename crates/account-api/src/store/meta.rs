//! Facts about the server itself, kept beside the data.

use super::StoreError;

use super::sql::{args, Db};

pub fn get(conn: &Db, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    conn.query_opt("SELECT value FROM server_meta WHERE name = ?1", args![name], |r| r.get(0))
}

pub fn set(conn: &Db, name: &str, value: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO server_meta (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        args![name, value],
    )
    .map(drop)
}
