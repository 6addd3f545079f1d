//! Facts about the server itself, kept beside the data.

use account_contract::ApiError;
use rusqlite::{Connection, OptionalExtension};

use super::internal;

pub fn get(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>, ApiError> {
    conn.query_row("SELECT value FROM server_meta WHERE name = ?1", [name], |r| r.get(0))
        .optional()
        .map_err(internal)
}

pub fn set(conn: &Connection, name: &str, value: &[u8]) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO server_meta (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        rusqlite::params![name, value],
    )
    .map(drop)
    .map_err(internal)
}
