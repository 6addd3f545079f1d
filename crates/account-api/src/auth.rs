//! Who is calling: a signed request (OSC4 or AWS4 form), or email/password
//! (Basic) on the access-key calls, as OUTSCALE does it.

use account_contract::signing::{self, Authorization, CanonicalRequest, MAX_CLOCK_SKEW_SECS};
use account_contract::validation::check_secret_input;
use account_contract::{ApiError, ErrorCode, KEY_ACTIVE, BASIC_AUTH_CALLS};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::Engine;

use crate::app::AppState;
use crate::clock;
use crate::secrets;
use crate::store::{self, AccountRecord, UserRecord};

/// The identity a request acts as.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    /// The EIM user acting; `None` for the account itself.
    pub user_id: Option<String>,
    /// The key that signed the request; `None` for email/password.
    pub access_key_id: Option<String>,
}

/// Who a login and password belong to: the account (email login) or one of its
/// EIM users (`ACCOUNT_ID/username`).
#[derive(Debug, Clone)]
pub enum Identity {
    Account(AccountRecord),
    User(UserRecord),
}

impl Identity {
    pub fn account_id(&self) -> &str {
        match self {
            Identity::Account(a) => a.id(),
            Identity::User(u) => &u.account_id,
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match self {
            Identity::Account(_) => None,
            Identity::User(u) => Some(&u.user_id),
        }
    }

    pub fn password_hash(&self) -> Option<&str> {
        match self {
            Identity::Account(a) => Some(&a.password_hash),
            Identity::User(u) => u.password_hash.as_deref(),
        }
    }

    /// The name failures are counted under.
    pub fn lockout_key(&self) -> String {
        match self {
            Identity::Account(a) => format!("account:{}", a.id()),
            Identity::User(u) => format!("user:{}", u.user_id),
        }
    }

    pub fn caller(&self, access_key_id: Option<String>) -> Caller {
        Caller { account_id: self.account_id().to_owned(), user_id: self.user_id().map(str::to_owned), access_key_id }
    }
}

/// The identity a login names, if any.
pub fn resolve_login(conn: &rusqlite::Connection, login: &str) -> Result<Option<Identity>, ApiError> {
    match account_contract::validation::split_user_login(login) {
        Some((account_id, user_name)) => Ok(store::users::by_name(conn, account_id, user_name)?.map(Identity::User)),
        None => Ok(store::accounts::by_email(conn, login)?.map(Identity::Account)),
    }
}

/// The identity that signs a call.
pub fn identity_of(conn: &rusqlite::Connection, caller: &Caller) -> Result<Option<Identity>, ApiError> {
    match &caller.user_id {
        Some(user_id) => Ok(store::users::by_id(conn, user_id)?.map(Identity::User)),
        None => Ok(store::accounts::by_id(conn, &caller.account_id)?.map(Identity::Account)),
    }
}

fn denied(details: &str) -> ApiError {
    ApiError::new(ErrorCode::AuthenticationFailed, details)
}

pub async fn authenticate(
    state: &AppState,
    call: &str,
    parts: &Parts,
    body: &[u8],
    client: std::net::IpAddr,
    now: i64,
) -> Result<Caller, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(denied("Authentication required: sign the request with an access key."));
    };
    let value = value.to_str().map_err(|_| denied("The Authorization header is not valid text."))?;
    if let Some(credentials) = value.strip_prefix("Basic ") {
        return basic(state, call, &parts.headers, credentials, client, now).await;
    }
    match Authorization::parse(value) {
        Some(auth) => signed(state, parts, body, auth, now).await,
        None if value.starts_with("OSC4-HMAC-SHA256 ") || value.starts_with("AWS4-HMAC-SHA256 ") => {
            Err(denied("The Authorization header is malformed."))
        }
        None => Err(ApiError::new(ErrorCode::UnknownAuthorizationType, "Unknown authorization type.")),
    }
}

/// A request timestamp (`YYYYMMDDTHHMMSSZ`) within five minutes of now.
fn check_timestamp(value: Option<&str>, header_name: &str, now: i64) -> Result<(), ApiError> {
    let value = value.ok_or_else(|| denied(&format!("The {header_name} header is required.")))?;
    let at = clock::parse_amz_date(value)
        .ok_or_else(|| denied(&format!("The {header_name} header must read YYYYMMDDTHHMMSSZ.")))?;
    if (at - now).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(denied(&format!("The request time ({header_name}) is more than 5 minutes from the server's.")));
    }
    Ok(())
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn basic(
    state: &AppState,
    call: &str,
    headers: &HeaderMap,
    credentials: &str,
    client: std::net::IpAddr,
    now: i64,
) -> Result<Caller, ApiError> {
    if !BASIC_AUTH_CALLS.contains(&call) {
        return Err(ApiError::new(
            ErrorCode::LoginPasswordNotAllowed,
            "The authentication using login/password is not allowed for this call.",
        ));
    }
    check_timestamp(header_str(headers, "x-osc-date"), "X-Osc-Date", now)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credentials.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| denied("The Basic credentials are not valid base64 text."))?;
    let (login, password) = decoded.split_once(':').ok_or_else(|| denied("The Basic credentials need login:password."))?;
    let identity = check_password(state, client, login, password, now).await?;
    Ok(identity.caller(None))
}

/// A known hash to verify against when the login matches no account, so both
/// cases take the same time.
fn decoy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| secrets::hash_password("decoy password for unknown logins"))
}

/// Checks a login/password pair, counting failures toward the lockout.
pub async fn check_password(
    state: &AppState,
    client: std::net::IpAddr,
    login: &str,
    password: &str,
    now: i64,
) -> Result<Identity, ApiError> {
    check_secret_input("Login", login)?;
    check_secret_input("Password", password)?;
    let lockout = state.lockout;
    let login_owned = login.to_owned();
    let (identity, key, locked) = state
        .store
        .read(move |c| {
            let identity = resolve_login(c, &login_owned)?;
            let key = identity.as_ref().map(Identity::lockout_key).unwrap_or_else(|| unknown_login_key(&login_owned));
            let locked = lockout.locked_for(c, &key, now)?;
            Ok((identity, key, locked))
        })
        .await?;
    verify_with_lockout(state, client, identity, key, locked, password, now).await
}

/// Failures for a login that matches nobody are counted under the login as typed.
fn unknown_login_key(login: &str) -> String {
    format!("login:{}", store::accounts::email_key(login))
}

/// Verifies `password` for `identity` unless locked; counts the outcome. An
/// identity without a password (an EIM user who has not set one up) never matches.
pub async fn verify_with_lockout(
    state: &AppState,
    client: std::net::IpAddr,
    identity: Option<Identity>,
    lockout_key: String,
    locked: Option<i64>,
    password: &str,
    now: i64,
) -> Result<Identity, ApiError> {
    if let Some(secs) = locked {
        return Err(ApiError::locked(secs as u64));
    }
    state.throttle.take(client)?;
    let hash = identity.as_ref().and_then(|i| i.password_hash().map(str::to_owned));
    let has_hash = hash.is_some();
    let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .map_err(store::internal)?
        && has_hash;
    let lockout = state.lockout;
    match identity {
        Some(identity) if matches => {
            state.store.write(move |c| lockout.succeed(c, &lockout_key)).await?;
            Ok(identity)
        }
        _ => match state.store.write(move |c| lockout.fail(c, &lockout_key, now)).await? {
            Some(secs) => Err(ApiError::locked(secs as u64)),
            None => Err(denied("The login or password is incorrect.")),
        },
    }
}

async fn signed(state: &AppState, parts: &Parts, body: &[u8], auth: Authorization, now: i64) -> Result<Caller, ApiError> {
    let date_header = auth.algorithm.date_header();
    for required in ["host", date_header] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(denied(&format!("The signature must cover the {required} header.")));
        }
    }
    let date_time = header_str(&parts.headers, date_header);
    check_timestamp(date_time, date_header, now)?;
    let date_time = date_time.unwrap_or_default();
    if !date_time.starts_with(&auth.date) {
        return Err(denied("The credential scope's date differs from the request time."));
    }
    if !matches!(auth.service.as_str(), "api" | "oapi") || auth.region.is_empty() {
        return Err(denied("The credential scope must name a region and the api service."));
    }

    let key_id = auth.access_key.clone();
    let key = state.store.read(move |c| store::access_keys::by_id(c, &key_id)).await?;
    let key = key.ok_or_else(|| denied("The access key ID does not exist."))?;
    if key.state != KEY_ACTIVE {
        return Err(denied("The access key is inactive."));
    }
    if key.is_expired(now) {
        return Err(denied("The access key has expired."));
    }
    let secret = state
        .secrets
        .open(&key.access_key_id, &key.secret_nonce, &key.secret_sealed)
        .ok_or_else(|| store::internal("an access key secret does not open with the server key"))?;

    let signing_key = signing::signing_key(auth.algorithm, &secret, &auth.date, &auth.region, &auth.service);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    // Some SDKs sign the host name without the port the request went to: try both.
    let host = header_str(&parts.headers, "host").unwrap_or_default();
    let mut hosts = vec![host];
    hosts.extend(state.public_hosts.iter().map(String::as_str));
    if let Some((name, port)) = host.rsplit_once(':') {
        let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if is_port && (!name.contains(':') || name.ends_with(']')) {
            hosts.push(name);
        }
    }
    for candidate in hosts {
        let list: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), if n == "host" { candidate } else { v.as_str() }))
            .collect();
        let canonical = CanonicalRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            headers: &list,
            body,
        }
        .text(&auth.signed_headers);
        let to_sign = signing::string_to_sign(auth.algorithm, date_time, &auth.scope(), &canonical);
        if signing::signatures_match(&signing::signature(&signing_key, &to_sign), &auth.signature) {
            return Ok(Caller { account_id: key.account_id, user_id: key.user_id, access_key_id: Some(key.access_key_id) });
        }
    }
    Err(denied("The request signature does not match."))
}
