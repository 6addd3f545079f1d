//! A request body read into its request type, with errors that name the parameter.
//! The dispatch reads every call's body with it, and authentication the body of a
//! sign-in that carries a second factor.

use account_contract::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;

/// Reads a request body into its type; an empty body is `{}`. Errors say which
/// parameter is wrong and how.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { &b"{}"[..] } else { body };
    // serde would also read a struct from a JSON array, by position: refuse it.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Err(e) => describe("", e),
            Ok(_) => ApiError::new(
                ErrorCode::MalformedRequest,
                "The request body must be a JSON object.",
            ),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        describe(&path, e.into_inner())
    })?;
    de.end().map_err(|e| describe("", e))?;
    Ok(value)
}

fn describe(path: &str, error: serde_json::Error) -> ApiError {
    let msg = error.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    let at_root = path == "." || path.is_empty();
    if !error.is_data() {
        return ApiError::new(
            ErrorCode::MalformedRequest,
            format!("The request body is not valid JSON: {msg}."),
        );
    }
    let quoted = msg.split('`').nth(1).unwrap_or_default();
    let at = |name: &str| if at_root { name.to_owned() } else { format!("{path}.{name}") };
    if msg.starts_with("unknown variant") {
        // A value outside an enumeration (`State: "PAUSED"`) is a bad value, not a bad type.
        ApiError::field(ErrorCode::InvalidParameterValue, path, format!("{msg}."))
    } else if msg.starts_with("unknown field") {
        // The path already ends with the unknown name.
        let name = if at_root { quoted.to_owned() } else { path.to_owned() };
        ApiError::field(ErrorCode::InvalidParameter, &name, "is not a parameter of this call.")
    } else if msg.starts_with("missing field") {
        ApiError::field(ErrorCode::MissingParameter, &at(quoted), "is required.")
    } else if at_root {
        ApiError::new(ErrorCode::MalformedRequest, "The request body must be a JSON object.")
    } else {
        ApiError::field(ErrorCode::InvalidParameterType, path, format!("{msg}."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use account_contract::{CheckAuthenticationRequest, UpdateAccountRequest};

    #[test]
    fn parse_errors_name_the_parameter() {
        let e = parse::<UpdateAccountRequest>(br#"{"City": 3}"#).unwrap_err();
        assert_eq!((e.items[0].code.as_str(), e.items[0].field()), ("4108", Some("City")));
        let e =
            parse::<UpdateAccountRequest>(br#"{"AdditionalEmails": ["a@b.c", 1]}"#).unwrap_err();
        assert_eq!(e.items[0].field(), Some("AdditionalEmails[1]"));
        let e = parse::<UpdateAccountRequest>(br#"{"AccountId": "1"}"#).unwrap_err();
        assert_eq!((e.items[0].code.as_str(), e.items[0].field()), ("3001", Some("AccountId")));
        let e = parse::<CheckAuthenticationRequest>(br#"{"Login": "a"}"#).unwrap_err();
        assert_eq!((e.items[0].code.as_str(), e.items[0].field()), ("7000", Some("Password")));
        for bad in [&b"{"[..], b"[]", b"\"x\"", b"{} {}"] {
            assert_eq!(parse::<UpdateAccountRequest>(bad).unwrap_err().items[0].code, "4045");
        }
        assert_eq!(parse::<UpdateAccountRequest>(b"").unwrap(), UpdateAccountRequest::default());
    }
}
