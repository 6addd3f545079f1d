//! The OAPI error body and the error codes this API answers with.
//!
//! Codes, types and HTTP statuses are OUTSCALE's own (its errors page and
//! `gateway_errors.yaml`), so a client written for the real API understands ours.

use serde::{Deserialize, Serialize};

use crate::context::ResponseContext;
use crate::mfa::SecondFactors;

/// One error of the OAPI body: `{"Code":"4047","Type":"InvalidParameterValue","Details":"..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorItem {
    /// The error code (`"4047"`).
    pub code: String,
    /// The error type (`"InvalidParameterValue"`).
    #[serde(rename = "Type")]
    pub kind: String,
    /// What went wrong; starts with the parameter's name for a field error.
    #[serde(default)]
    pub details: String,
}

/// The body of every failed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    /// One item per problem.
    pub errors: Vec<ErrorItem>,
    /// Extension: with `1010` (a second factor is required), the factors the identity
    /// can sign in with, so the sign-in goes on without another password check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factors: Option<SecondFactors>,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// Declares `ErrorCode` from one table: variant, code, OAPI type and HTTP status.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $kind:literal, $status:literal;)*) => {
        /// The errors this API can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, so tests and documentation can walk them.
            pub const ALL: [ErrorCode; [$(ErrorCode::$variant,)*].len()] =
                [$(ErrorCode::$variant,)*];

            /// The OAPI `Code` (`"4047"`).
            pub const fn code(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The OAPI `Type` (`"InvalidParameterValue"`).
            pub const fn kind(self) -> &'static str {
                match self { $(ErrorCode::$variant => $kind,)* }
            }

            /// The HTTP status OUTSCALE answers with.
            pub const fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }
        }
    };
}

error_codes! {
    /// Bad credentials, bad or missing signature, unknown or expired key.
    AuthenticationFailed = "1", "AccessDenied", 401;
    /// An HTTP method other than POST.
    MethodNotAllowed = "2", "AccessDenied", 405;
    /// The identity may not perform this call.
    UnauthorizedOperation = "4", "AccessDenied", 401;
    /// Email/password authentication on a call that only takes signatures.
    LoginPasswordNotAllowed = "9", "AuthFailure", 401;
    /// An `Authorization` scheme we do not know.
    UnknownAuthorizationType = "12", "AccessDenied", 401;
    /// Too many failed attempts; locked for a while (401 on OUTSCALE's own API, not 429).
    TemporarilyLocked = "13", "AccessDenied", 401;
    /// Extension: email/password sign-in of an identity with MFA needs a second factor.
    MfaRequired = "1010", "AccessDenied", 401;
    /// Extension: the second factor of a sign-in is wrong, used or expired.
    MfaFailed = "1011", "AccessDenied", 401;
    /// Extension: too many wrong second-factor codes in a row (`MFA_FAILURES_MAX`): the
    /// authenticator apps and security keys are blocked until a recovery code or the
    /// operator unblocks them.
    MfaBlocked = "1013", "AccessDenied", 401;
    /// Extension: a sensitive change from a session needs the password (and the second
    /// factor) proved within the last minutes (`CreateReauthentication`); the session lives on.
    ReauthenticationRequired = "1012", "AccessDenied", 401;
    /// Request rate exceeded.
    Throttled = "25", "AccessDenied", 429;
    /// A parameter this call does not take.
    InvalidParameter = "3001", "InvalidParameter", 400;
    /// No such access key.
    AccessKeyNotFound = "4000", "InvalidParameterValue", 400;
    /// An email address that is not one.
    InvalidEmail = "4020", "InvalidParameterValue", 400;
    /// A malformed request (not JSON, not an object).
    MalformedRequest = "4045", "InvalidParameterValue", 400;
    /// A value that is not allowed.
    InvalidParameterValue = "4047", "InvalidParameterValue", 400;
    /// A password that is wrong or that breaks the policy.
    InvalidPassword = "4048", "InvalidParameterValue", 400;
    /// A value that is too long or too short, or a body too large.
    InvalidLength = "4106", "InvalidParameterValue", 400;
    /// A value of the wrong JSON type.
    InvalidParameterType = "4108", "InvalidParameterValue", 400;
    /// No such call.
    NoSuchCall = "5011", "InvalidResource", 404;
    /// No such EIM user.
    NoSuchUser = "5075", "InvalidResource", 400;
    /// A required parameter is missing.
    MissingParameter = "7000", "MissingParameter", 400;
    /// The email address belongs to another account.
    DuplicateEmail = "9007", "ResourceConflict", 409;
    /// The user name is taken in this account.
    DuplicateUserName = "9022", "ResourceConflict", 409;
    /// OUTSCALE's "busy" conflict: the state does not allow it (a key still ACTIVE, a
    /// user that still has keys, a password changed meanwhile).
    Conflict = "9002", "ResourceConflict", 409;
    /// Too many access keys.
    TooManyAccessKeys = "10005", "TooManyResources (QuotaExceded)", 400;
    /// Something failed on our side.
    Internal = "2000", "InternalError", 500;
    /// Extension: the server cannot reach its database (PostgreSQL down or every
    /// connection busy); try again (`Retry-After`).
    Unavailable = "2001", "ServiceUnavailable", 503;
}

impl ErrorCode {
    /// The code of that OAPI `Code`, if this API uses it.
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
    /// The HTTP status of the answer.
    pub status: u16,
    /// The problems, in the order found.
    pub items: Vec<ErrorItem>,
    /// Seconds to wait before trying again (locks and throttling); sent as `Retry-After`.
    pub retry_after: Option<u64>,
    /// With `1010`: what the sign-in can go on with (sent in the body, `SecondFactors`).
    pub second_factors: Option<Box<SecondFactors>>,
}

impl ApiError {
    /// An error with one item.
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        Self {
            status: code.http_status(),
            items: vec![item(code, details.into())],
            retry_after: None,
            second_factors: None,
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

    /// Whether one of the items has this code.
    pub fn has_code(&self, code: ErrorCode) -> bool {
        self.items.iter().any(|i| i.code == code.code())
    }

    /// The OAPI body of the answer.
    pub fn into_body(self, request_id: String) -> ErrorBody {
        ErrorBody {
            errors: self.items,
            second_factors: self.second_factors.map(|f| *f),
            response_context: ResponseContext { request_id },
        }
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
