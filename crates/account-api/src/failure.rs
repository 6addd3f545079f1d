//! The server's own failures as a client sees them: storage's (`StoreError`), mapped
//! to the wire here, at the edge of the calls, and the internal failures that are
//! not storage's (a secret that does not open, a task that died).

use account_contract::{ApiError, ErrorCode};

use crate::store::StoreError;

impl From<StoreError> for ApiError {
    /// Storage already logged the cause. A duplicate the call did not name (with
    /// [`Taken::taken_as`]) is a conflict.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable => ApiError {
                retry_after: Some(1),
                ..ApiError::new(
                    ErrorCode::Unavailable,
                    "The service cannot reach its database: try again in a moment.",
                )
            },
            StoreError::Duplicate => {
                ApiError::new(ErrorCode::Conflict, "The change conflicts with existing data.")
            }
            // The door's requirement (`Caller::still_valid`), the only one there is.
            StoreError::Unmet => credentials_revoked(),
            StoreError::Internal => internal_answer(),
        }
    }
}

/// The answer to a call whose credentials were revoked while it ran.
pub fn credentials_revoked() -> ApiError {
    ApiError::new(
        ErrorCode::AuthenticationFailed,
        "The credentials of this request were revoked while it ran.",
    )
}

fn internal_answer() -> ApiError {
    ApiError::new(ErrorCode::Internal, "Internal error.")
}

/// A failure of the server that is not storage's, logged with its cause; the client
/// hears only "Internal error.".
pub fn internal(what: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %what, "internal error");
    internal_answer()
}

/// Names what a duplicate is, in the call's own parameter.
pub trait Taken<T> {
    /// `StoreError::Duplicate` answered as `taken()`; other errors as usual.
    fn taken_as(self, taken: impl FnOnce() -> ApiError) -> Result<T, ApiError>;
}

impl<T> Taken<T> for Result<T, StoreError> {
    fn taken_as(self, taken: impl FnOnce() -> ApiError) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::Duplicate => taken(),
            other => other.into(),
        })
    }
}
