//! The OAPI error body and the error codes this API answers with.
//!
//! Codes, types and HTTP statuses are OUTSCALE's own (its errors page and
//! `gateway_errors.yaml`), so a client written for the real API understands ours.

use serde::{Deserialize, Serialize};

use crate::types::ResponseContext;

/// One error of the OAPI body: `{"Code":"4047","Type":"InvalidParameterValue","Details":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorItem {
    pub code: String,
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(default)]
    pub details: String,
}

/// The body of every failed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    pub errors: Vec<ErrorItem>,
    pub response_context: ResponseContext,
}

/// The errors this API can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 1: bad credentials, bad or missing signature, unknown or expired key.
    AuthenticationFailed,
    /// 2: an HTTP method other than POST.
    MethodNotAllowed,
    /// 4: the identity may not perform this call.
    UnauthorizedOperation,
    /// 9: email/password authentication on a call that only takes signatures.
    LoginPasswordNotAllowed,
    /// 12: an `Authorization` scheme we do not know.
    UnknownAuthorizationType,
    /// 13: too many failed attempts; locked for a while.
    TemporarilyLocked,
    /// 25: request rate exceeded.
    Throttled,
    /// 3001: a parameter this call does not take.
    InvalidParameter,
    /// 4000: no such access key.
    AccessKeyNotFound,
    /// 4020: an email address that is not one.
    InvalidEmail,
    /// 4045: a malformed request (not JSON, not an object).
    MalformedRequest,
    /// 4047: a value that is not allowed.
    InvalidParameterValue,
    /// 4048: a password that is wrong or that breaks the policy.
    InvalidPassword,
    /// 4106: a value that is too long or too short, or a body too large.
    InvalidLength,
    /// 4108: a value of the wrong JSON type.
    InvalidParameterType,
    /// 5011: no such call.
    NoSuchCall,
    /// 5075: no such EIM user.
    NoSuchUser,
    /// 7000: a required parameter is missing.
    MissingParameter,
    /// 9022: the user name is taken in this account.
    DuplicateUserName,
    /// 9007: the email address belongs to another account.
    DuplicateEmail,
    /// 9002 (OUTSCALE's "busy" conflict): the state does not allow it (a key still
    /// ACTIVE, a user that still has keys, a password changed meanwhile).
    Conflict,
    /// 10005: too many access keys.
    TooManyAccessKeys,
    /// 2000: something failed on our side.
    Internal,
}

impl ErrorCode {
    pub const fn code(self) -> &'static str {
        use ErrorCode::*;
        match self {
            AuthenticationFailed => "1",
            MethodNotAllowed => "2",
            UnauthorizedOperation => "4",
            LoginPasswordNotAllowed => "9",
            UnknownAuthorizationType => "12",
            TemporarilyLocked => "13",
            Throttled => "25",
            InvalidParameter => "3001",
            AccessKeyNotFound => "4000",
            InvalidEmail => "4020",
            MalformedRequest => "4045",
            InvalidParameterValue => "4047",
            InvalidPassword => "4048",
            InvalidLength => "4106",
            InvalidParameterType => "4108",
            NoSuchCall => "5011",
            NoSuchUser => "5075",
            MissingParameter => "7000",
            DuplicateEmail => "9007",
            DuplicateUserName => "9022",
            Conflict => "9002",
            TooManyAccessKeys => "10005",
            Internal => "2000",
        }
    }

    pub const fn kind(self) -> &'static str {
        use ErrorCode::*;
        match self {
            AuthenticationFailed
            | MethodNotAllowed
            | UnauthorizedOperation
            | UnknownAuthorizationType
            | TemporarilyLocked
            | Throttled => "AccessDenied",
            LoginPasswordNotAllowed => "AuthFailure",
            InvalidParameter => "InvalidParameter",
            MissingParameter => "MissingParameter",
            AccessKeyNotFound
            | InvalidEmail
            | MalformedRequest
            | InvalidParameterValue
            | InvalidPassword
            | InvalidLength
            | InvalidParameterType => "InvalidParameterValue",
            NoSuchCall | NoSuchUser => "InvalidResource",
            DuplicateEmail | DuplicateUserName | Conflict => "ResourceConflict",
            TooManyAccessKeys => "TooManyResources (QuotaExceded)",
            Internal => "InternalError",
        }
    }

    pub const fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            // The lockout is 401 on OUTSCALE's own API, not 429.
            AuthenticationFailed
            | UnauthorizedOperation
            | LoginPasswordNotAllowed
            | UnknownAuthorizationType
            | TemporarilyLocked => 401,
            Throttled => 429,
            NoSuchCall => 404,
            MethodNotAllowed => 405,
            DuplicateEmail | DuplicateUserName | Conflict => 409,
            Internal => 500,
            _ => 400,
        }
    }

    /// Every code, so tests and documentation can walk them.
    pub const ALL: [ErrorCode; 23] = {
        use ErrorCode::*;
        [
            AuthenticationFailed,
            MethodNotAllowed,
            UnauthorizedOperation,
            LoginPasswordNotAllowed,
            UnknownAuthorizationType,
            TemporarilyLocked,
            Throttled,
            InvalidParameter,
            AccessKeyNotFound,
            InvalidEmail,
            MalformedRequest,
            InvalidParameterValue,
            InvalidPassword,
            InvalidLength,
            InvalidParameterType,
            NoSuchCall,
            NoSuchUser,
            MissingParameter,
            DuplicateEmail,
            DuplicateUserName,
            Conflict,
            TooManyAccessKeys,
            Internal,
        ]
    };

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// An error as the API reports it: one or more items with one HTTP status.
///
/// Field errors carry the parameter name as the start of `Details`
/// (`"Email: ..."`), so a client can put the message next to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub items: Vec<ErrorItem>,
    /// Seconds to wait before trying again (locks and throttling); sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        Self {
            status: code.http_status(),
            items: vec![item(code, details.into())],
            retry_after: None,
        }
    }

    /// The identity is locked for `secs` more seconds.
    pub fn locked(secs: u64) -> Self {
        Self {
            retry_after: Some(secs),
            ..Self::new(
                ErrorCode::TemporarilyLocked,
                format!("Too many failed connection attempts. Your access has been locked for {secs} seconds."),
            )
        }
    }

    /// An error about one request parameter.
    pub fn field(code: ErrorCode, field: &str, message: impl AsRef<str>) -> Self {
        Self::new(code, format!("{field}: {}", message.as_ref()))
    }

    /// Adds another item (the status of the first one stays).
    pub fn and(mut self, other: ApiError) -> Self {
        self.items.extend(other.items);
        self
    }

    pub fn has_code(&self, code: ErrorCode) -> bool {
        self.items.iter().any(|i| i.code == code.code())
    }

    pub fn into_body(self, request_id: String) -> ErrorBody {
        ErrorBody { errors: self.items, response_context: ResponseContext { request_id } }
    }
}

impl ErrorItem {
    /// The parameter this error is about, when `Details` names one (`"Email: ..."`).
    pub fn field(&self) -> Option<&str> {
        let (name, _) = self.details.split_once(": ")?;
        let is_name = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '[' || c == ']' || c == '.');
        is_name.then_some(name)
    }

    /// `Details` without the parameter name.
    pub fn message(&self) -> &str {
        match self.field() {
            Some(f) => &self.details[f.len() + 2..],
            None => &self.details,
        }
    }
}

fn item(code: ErrorCode, details: String) -> ErrorItem {
    ErrorItem { code: code.code().to_owned(), kind: code.kind().to_owned(), details }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} {} ({})", e.code, e.kind, e.details)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn field_errors_name_their_parameter() {
        let e =
            ApiError::field(ErrorCode::InvalidEmail, "AdditionalEmails[1]", "not an email address");
        assert_eq!(e.status, 400);
        assert_eq!(e.items[0].field(), Some("AdditionalEmails[1]"));
        assert_eq!(e.items[0].message(), "not an email address");
        let plain = ApiError::new(ErrorCode::AuthenticationFailed, "Bad credentials: try again");
        assert_eq!(plain.items[0].field(), None);
    }

    #[test]
    fn body_has_the_oapi_shape() {
        let body = ApiError::new(ErrorCode::DuplicateEmail, "Email: taken").into_body("r-1".into());
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Errors":[{"Code":"9007","Type":"ResourceConflict","Details":"Email: taken"}],
                               "ResponseContext":{"RequestId":"r-1"}})
        );
    }
}
