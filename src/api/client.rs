//! One call to an OAPI endpoint with fetch: JSON in, JSON out, signed in the
//! browser (OSC4) or with email/password (Basic), errors in the OAPI format.

use account_contract::signing::{self, Algorithm, SigningKey};
use account_contract::{ApiError, Call, ErrorBody, ErrorCode, ErrorItem};
use gloo_net::http::Request;

use crate::config::Endpoint;

pub enum Credentials<'a> {
    Key { id: &'a str, secret: &'a str },
    Password { login: &'a str, password: &'a str },
}

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
    /// long to wait instead) nor about a second factor (the password was right).
    pub fn is_wrong_credentials(&self) -> bool {
        let second_factor = matches!(self, CallError::Api(e)
            if e.has_code(ErrorCode::MfaRequired) || e.has_code(ErrorCode::MfaFailed));
        self.status() == Some(401) && self.locked_for().is_none() && !second_factor
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

/// `YYYYMMDDTHHMMSSZ` from the browser's clock.
fn amz_now() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    // 2026-11-28T10:15:00.123Z → 20261128T101500Z
    let digits: String = iso.chars().take(19).filter(|c| c.is_ascii_digit() || *c == 'T').collect();
    format!("{digits}Z")
}

/// `base64(login:password)` with the browser's own encoder (`btoa` takes a binary
/// string: one character per UTF-8 byte).
fn basic_credentials(login: &str, password: &str) -> Option<String> {
    let binary: String = format!("{login}:{password}").bytes().map(char::from).collect();
    web_sys::window()?.btoa(&binary).ok()
}

fn path_of(url: &str) -> String {
    if url.starts_with('/') {
        return url.to_owned();
    }
    web_sys::Url::new(url).map(|u| u.pathname()).unwrap_or_else(|_| url.to_owned())
}

fn signing_host(endpoint: &Endpoint) -> String {
    if let Some(host) = &endpoint.host {
        return host.clone();
    }
    if !endpoint.url.starts_with('/') {
        if let Ok(u) = web_sys::Url::new(&endpoint.url) {
            return u.host();
        }
    }
    web_sys::window().and_then(|w| w.location().host().ok()).unwrap_or_default()
}

/// Makes the call `C` (its name and response type come with the request's type).
pub async fn call<C: Call>(
    endpoint: &Endpoint,
    credentials: Credentials<'_>,
    req: &C,
) -> Result<C::Response, CallError> {
    decode::<C>(send(endpoint, credentials, C::NAME, encode(req)?).await?)
}

/// Makes the call `C` when only its success matters: the answer is not read, so no
/// code to read its type goes into the wasm.
pub async fn call_for_effect<C: Call>(
    endpoint: &Endpoint,
    credentials: Credentials<'_>,
    req: &C,
) -> Result<(), CallError> {
    send(endpoint, credentials, C::NAME, encode(req)?).await.map(drop)
}

/// The body of a request. The typed parts of a call (this and [`decode`]) are kept
/// apart from the rest, so the wasm holds one copy of `send`, not one per call.
pub fn encode<C: Call>(req: &C) -> Result<String, CallError> {
    serde_json::to_string(req).map_err(|_| CallError::Unexpected(0))
}

/// The answer of a successful call, from its status and body.
pub fn decode<C: Call>((status, text): (u16, String)) -> Result<C::Response, CallError> {
    serde_json::from_str(&text).map_err(|_| CallError::Unexpected(status))
}

/// A call's answer to come: its status and body, or why there is none.
pub type Answer<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(u16, String), CallError>> + 'a>>;

/// The untyped part of a call: signs, sends, and reads an OAPI error. Boxed, so that
/// the typed callers' futures stay small (one copy of this state in the wasm).
pub fn send<'a>(
    endpoint: &'a Endpoint,
    credentials: Credentials<'a>,
    name: &'a str,
    body: String,
) -> Answer<'a> {
    Box::pin(send_now(endpoint, credentials, name, body))
}

async fn send_now(
    endpoint: &Endpoint,
    credentials: Credentials<'_>,
    name: &str,
    body: String,
) -> Result<(u16, String), CallError> {
    let url = format!("{}/{name}", endpoint.url.trim_end_matches('/'));
    // Behind a proxy the API checks the signature over the path it receives.
    let signed_path = match endpoint.signed_path() {
        Some(p) => format!("{}/{name}", p.trim_end_matches('/')),
        None => path_of(&url),
    };
    let date = amz_now();
    let mut request = Request::post(&url).header("Content-Type", signing::CONTENT_TYPE);
    request = match credentials {
        Credentials::Key { id, secret } => {
            let key = SigningKey {
                algorithm: Algorithm::Osc4,
                access_key: id,
                secret_key: secret,
                region: &endpoint.region,
                service: "api",
            };
            let signed =
                signing::sign(&key, &signing_host(endpoint), &signed_path, body.as_bytes(), &date);
            request
                .header("Authorization", &signed.authorization)
                .header(signed.date_header.0, &signed.date_header.1)
        }
        Credentials::Password { login, password } => {
            let basic = basic_credentials(login, password).ok_or(CallError::Unexpected(0))?;
            request.header("Authorization", &format!("Basic {basic}")).header("X-Osc-Date", &date)
        }
    };
    let response = request
        .body(body)
        .map_err(|_| CallError::Unreachable)?
        .send()
        .await
        .map_err(|_| CallError::Unreachable)?;
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.trim().parse().ok());
    let text = response.text().await.map_err(|_| CallError::Unreachable)?;
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) if !body.errors.is_empty() => Err(CallError::Api(ApiError {
            status,
            items: body.errors,
            retry_after,
            second_factors: body.second_factors.map(Box::new),
        })),
        _ => Err(CallError::Unexpected(status)),
    }
}
