//! The API contract shared by the console (wasm) and the account API (native).
//!
//! Everything here follows the OUTSCALE API (OAPI) 1.40 spec: request and response
//! shapes, the error body, the OSC4/AWS4 request signature. The additions (password
//! change, multi-factor authentication, sessions as devices, recent re-authentication) are extensions, documented in `docs/API.md`.
//!
//! This crate has no clock, no I/O and no randomness, so it builds for
//! `wasm32-unknown-unknown` and its tests run natively in seconds.

#![warn(missing_docs)]

pub mod address;
pub mod calls;
pub mod context;
pub mod error;
pub mod fields;
pub mod mfa;
pub mod policy;
pub mod problem;
pub mod reauthentication;
pub mod sessions;
pub mod signing;
pub mod types;
pub mod validation;

pub use calls::{call_named, Call, CallInfo, CALLS};
pub use error::{ApiError, ErrorBody, ErrorCode, ErrorItem};
pub use fields::AccountField;
pub use mfa::*;
pub use policy::{PasswordPolicy, PasswordRule, PASSWORD_POLICY};
pub use problem::Problem;
pub use reauthentication::*;
pub use sessions::*;
pub use types::*;
