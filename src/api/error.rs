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
    /// long to wait instead) nor about a second factor (the password was right) nor a
    /// change waiting for a re-authentication (1012).
    pub fn is_wrong_credentials(&self) -> bool {
        let second_factor = matches!(self, CallError::Api(e)
            if [
                ErrorCode::MfaRequired,
                ErrorCode::MfaFailed,
                ErrorCode::MfaBlocked,
                ErrorCode::ReauthenticationRequired,
            ]
            .iter()
            .any(|c| e.has_code(*c)));
        self.status() == Some(401) && self.locked_for().is_none() && !second_factor
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
