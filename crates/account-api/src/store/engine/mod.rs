//! The database engines behind the one seam (`sql.rs`): SQLite (a file, one writer
//! thread) and PostgreSQL (a pool, serializable transactions), and their migrations.

pub mod pg;
mod pg_conn;
mod pg_one;
mod pg_pool;
mod pg_reads;
mod pg_rows;
mod pg_tls;
mod pg_watch;
mod pg_write;
pub mod schema;
pub(crate) mod sqlite;
mod writer;
