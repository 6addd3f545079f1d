//! The account API: OUTSCALE-compatible account, access key and password calls,
//! served over HTTP from SQLite or PostgreSQL.
//!
//! `http/` receives a request and answers it; `auth/` tells who makes it and holds
//! the door through which `calls/` (one handler per call) reach `store/` (the tables,
//! over the engines in `store/engine/`). `server.rs` puts them together.

pub mod auth;
pub mod calls;
pub mod clock;
pub mod failure;
pub mod http;
pub mod ids;
pub mod provision;
pub mod secrets;
pub mod server;
pub mod store;
pub mod user_agent;

/// Serving connections (`http::listen`), as the test harnesses name it.
pub use http::listen;
