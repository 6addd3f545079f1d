//! One module per group of calls; each function reads like the call it serves.

pub mod access_keys;
pub mod accounts;
pub mod password;

use account_contract::{ApiError, ErrorCode};

/// EIM users are not served yet: a `UserName` names nobody.
pub(crate) fn no_such_user(user_name: &Option<String>) -> Result<(), ApiError> {
    match user_name {
        Some(name) => Err(ApiError::field(ErrorCode::NoSuchUser, "UserName", format!("no user named {name:?}."))),
        None => Ok(()),
    }
}
