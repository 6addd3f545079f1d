//! How a call fails, and what the pages ask of a failure.

use account_contract::{ApiError, ErrorCode, ErrorItem};

#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The API answered with an OAPI error.
    Api(ApiError),
    /// No answer at all: network down, endpoint unreachable, request blocked.
    Unreachable,
    /// An answer that is not the API's (a proxy's error page, say), with its status.
    Unexpected(u16),
    /// No session to sign with.
    SignedOut,
    /// The browser gave no security key, so the call that needed one was not made.
    SecurityKey(crate::webauthn::WebAuthnError),
}

impl CallError {
    pub fn status(&self) -> Option<u16> {
        match self {
            CallError::Api(e) => Some(e.status),
            CallError::Unexpected(s) => Some(*s),
            _ => None,
        }
    }

    /// Seconds to wait when the identity is locked after failed attempts (code 13:
    /// 401 as on OUTSCALE's API, 429 from older servers) or the caller throttled (429).
    /// Read it before a 401: a locked identity is not a wrong password.
    pub fn locked_for(&self) -> Option<u64> {
        match self {
            CallError::Api(e) if e.has_code(ErrorCode::TemporarilyLocked) || e.status == 429 => {
                Some(e.retry_after.unwrap_or(60))
            }
            _ => None,
        }
    }

    /// Refused credentials: a 401 that is not the lockout (code 13, which says how
    /// long to wait instead) nor of the second step (the password was right).
    pub fn is_wrong_credentials(&self) -> bool {
        self.status() == Some(401) && self.locked_for().is_none() && !self.is_second_step()
    }

    /// A 401 of the second step, after a right password or a live session: a second
    /// factor asked (1010), wrong (1011) or blocked (1013), or a recent proof asked for
    /// a sensitive change (1012).
    pub fn is_second_step(&self) -> bool {
        [
            ErrorCode::MfaRequired,
            ErrorCode::MfaFailed,
            ErrorCode::MfaBlocked,
            ErrorCode::ReauthenticationRequired,
        ]
        .into_iter()
        .any(|c| self.has_code(c))
    }

    /// Whether the API answered with this code.
    pub fn has_code(&self, code: ErrorCode) -> bool {
        matches!(self, CallError::Api(e) if e.has_code(code))
    }

    /// The errors that name a parameter, as (parameter, error).
    pub fn field_errors(&self) -> Vec<(String, ErrorItem)> {
        match self {
            CallError::Api(e) => e
                .items
                .iter()
                .filter_map(|i| i.field().map(|f| (f.to_owned(), i.clone())))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A server-side failure (5xx or an answer we cannot read).
    pub fn is_server_failure(&self) -> bool {
        matches!(self, CallError::Unexpected(_)) || self.status().is_some_and(|s| s >= 500)
    }
}
