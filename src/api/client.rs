//! The client: [`Client`], who signs a call and where it goes; [`Client::call`] and
//! [`Client::call_for_effect`], the typed parts; and one untyped send behind one box,
//! so the wasm holds one copy of the signing and fetch code, not one per call.

use std::future::Future;
use std::pin::Pin;

use account_contract::signing::{self, Algorithm, SigningKey};
use account_contract::{
    ApiError, Call, CheckAuthenticationRequest, CreateReauthenticationRequest, ErrorBody, ErrorCode,
};
use gloo_net::http::Request;
use leptos::prelude::*;

use super::{reauthentication, CallError};
use crate::config::Endpoint;
use crate::state::AppState;

/// What signs a call made outside the session (while signing in).
#[derive(Clone, Copy)]
pub enum Credentials<'a> {
    Key { id: &'a str, secret: &'a str },
    Password { login: &'a str, password: &'a str },
}

#[derive(Clone, Copy)]
enum Signer<'a> {
    /// The session's key, at the session's endpoint. A call refused for authentication
    /// (the key expired or was deleted elsewhere) ends the session.
    Session(AppState),
    Given(&'a Endpoint, Credentials<'a>),
}

/// Makes calls: as the signed-in person ([`Api`]), or with given credentials
/// ([`Client::signed_by`], the sign-in before its session exists).
#[derive(Clone, Copy)]
pub struct Client<'a> {
    signer: Signer<'a>,
}

/// The handle pages use: calls as the signed-in person.
pub type Api = Client<'static>;

/// A call's answer to come: its status and body, or why there is none.
type Answer<'a> = Pin<Box<dyn Future<Output = Result<(u16, String), CallError>> + 'a>>;

impl<'a> Client<'a> {
    pub fn new(state: AppState) -> Api {
        Client { signer: Signer::Session(state) }
    }

    pub fn signed_by(endpoint: &'a Endpoint, credentials: Credentials<'a>) -> Self {
        Self { signer: Signer::Given(endpoint, credentials) }
    }

    /// The app's state, when the call is made as the signed-in person.
    pub fn state(self) -> Option<AppState> {
        match self.signer {
            Signer::Session(state) => Some(state),
            Signer::Given(..) => None,
        }
    }

    /// Makes the call `C` (its name and response type come with the request's type).
    pub async fn call<C: Call>(self, req: &C) -> Result<C::Response, CallError> {
        let (status, text) = self.send(C::NAME, encode(req)?).await?;
        crate::json::read(&text).map_err(|_| CallError::Unexpected(status))
    }

    /// Makes the call `C` when only its success matters: the answer is not read, so no
    /// code to read its type goes into the wasm.
    pub async fn call_for_effect<C: Call>(self, req: &C) -> Result<(), CallError> {
        self.send(C::NAME, encode(req)?).await.map(drop)
    }

    /// The untyped part of every call: boxed, so that no typed caller's future holds
    /// (and inlines) its state.
    fn send(self, name: &'static str, body: String) -> Answer<'a> {
        Box::pin(self.send_now(name, body))
    }

    async fn send_now(self, name: &'static str, body: String) -> Result<(u16, String), CallError> {
        let state = match self.signer {
            Signer::Given(endpoint, credentials) => {
                return fetch(endpoint, credentials, name, body).await
            }
            Signer::Session(state) => state,
        };
        let Some(session) = state.session.get_untracked() else {
            return Err(CallError::SignedOut);
        };
        let endpoint = state.endpoint_of(&session);
        let key = Credentials::Key { id: &session.access_key_id, secret: &session.secret_key };
        let mut result = fetch(&endpoint, key, name, body.clone()).await;
        // A sensitive change without a recent proof: the dialog asks for the password,
        // then the change is made again.
        let needs_proof = matches!(&result, Err(CallError::Api(e))
            if e.has_code(ErrorCode::ReauthenticationRequired));
        if needs_proof
            && name != CreateReauthenticationRequest::NAME
            && reauthentication::asked(state).await
        {
            result = fetch(&endpoint, key, name, body).await;
        }
        // 401 code 1 is a dead session. The session lives on after 401 code 4 (a call
        // this identity may not make), 13 (a password check while locked) and the
        // second step's codes (a re-authentication's, `CallError::is_second_step`).
        let session_refused = matches!(&result, Err(e @ CallError::Api(a))
            if a.status == 401
                && !a.has_code(ErrorCode::UnauthorizedOperation)
                && !a.has_code(ErrorCode::TemporarilyLocked)
                && !e.is_second_step());
        if session_refused && name != CheckAuthenticationRequest::NAME {
            state.session_expired();
        }
        result
    }
}

/// The body of a request (the typed part kept out of `send`).
fn encode<C: Call>(req: &C) -> Result<String, CallError> {
    serde_json::to_string(req).map_err(|_| CallError::Unexpected(0))
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

/// Signs, sends with `fetch`, and reads an OAPI error.
async fn fetch(
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
    match crate::json::read::<ErrorBody>(&text) {
        Ok(body) if !body.errors.is_empty() => Err(CallError::Api(ApiError {
            status,
            items: body.errors,
            retry_after,
            second_factors: body.second_factors.map(Box::new),
        })),
        _ => Err(CallError::Unexpected(status)),
    }
}
