//! The account API, one test binary (one link, tests in parallel): most servers are
//! their router in this process, called without a port (`Server::start`); those that
//! need a socket listen in this process (`Server::listen`); those that must be a
//! process (`kill -9`, standard output, the log, start-up) run the binary
//! (`Server::process`).

// Shared with tests/instances.rs: each binary uses a part of it.
#[allow(dead_code)]
mod common;

mod access_keys;
mod accounts;
mod auth;
mod durability;
mod errors;
mod last_use;
mod lockout;
mod mfa;
mod mfa_bounds;
mod password;
mod password_cost;
mod reauthentication;
mod revocation;
mod sessions;
mod trust;
mod users;
