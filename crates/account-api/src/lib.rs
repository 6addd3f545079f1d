//! The account API: OUTSCALE-compatible account, access key and password calls,
//! served over HTTP from a SQLite database.

pub mod app;
pub mod auth;
pub mod body;
pub mod calls;
pub mod clock;
pub mod console;
pub mod ctx;
pub mod device;
pub mod ids;
pub mod listen;
pub mod otp;
pub mod password_work;
pub mod provision;
pub mod second_factor;
pub mod secrets;
pub mod server;
pub mod store;
pub mod throttle;
