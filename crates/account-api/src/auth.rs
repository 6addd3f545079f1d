//! Who is calling: a signed request (OSC4 or AWS4 form), or email/password
//! (Basic) on the access-key calls, as OUTSCALE does it. For an identity with MFA,
//! email/password signs in (`CreateAccessKey`) only with a second factor, checked here
//! (`second_factor.rs`), and asks for a WebAuthn challenge (`CreateMfaChallenge`); it
//! makes no other call.

use account_contract::signing::{self, Authorization, CanonicalRequest, MAX_CLOCK_SKEW_SECS};
use account_contract::validation::{check_secret_input, normalize_login};
use account_contract::{
    ApiError, Call, CallInfo, CreateAccessKeyRequest, CreateMfaChallengeRequest, ErrorCode,
    KeyState,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::Engine;

use crate::ctx::{AppState, Caller};
use crate::store::{self, AccountRecord, Attempt, UserRecord};
use crate::{clock, second_factor, secrets};

/// Who a login and password belong to: the account (email login) or one of its
/// EIM users (`ACCOUNT_ID/username`).
// One per request, short-lived: boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
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

    /// What this identity signs in with: the account's email, or `ACCOUNT_ID/username`.
    pub fn login(&self) -> String {
        match self {
            Identity::Account(a) => a.email().to_owned(),
            Identity::User(u) => u.login(),
        }
    }

    /// The name failures are counted under.
    pub fn lockout_key(&self) -> String {
        match self {
            Identity::Account(a) => format!("account:{}", a.id()),
            Identity::User(u) => format!("user:{}", u.user_id),
        }
    }

    /// The caller for a request made with this identity's password.
    pub fn password_caller(&self) -> Caller {
        Caller {
            account_id: self.account_id().to_owned(),
            user_id: self.user_id().map(str::to_owned),
            access_key_id: None,
            session: None,
            password_hash: self.password_hash().map(str::to_owned),
        }
    }
}

/// The identity a login names, if any; `login` is normalised ([`normalize_login`]).
pub fn resolve_login(conn: &crate::store::Db, login: &str) -> Result<Option<Identity>, ApiError> {
    match account_contract::validation::split_user_login(login) {
        Some((account_id, user_name)) => {
            Ok(store::users::by_name(conn, account_id, user_name)?.map(Identity::User))
        }
        None => Ok(store::accounts::by_email(conn, login)?.map(Identity::Account)),
    }
}

/// The identity that signs a call.
pub fn identity_of(conn: &crate::store::Db, caller: &Caller) -> Result<Option<Identity>, ApiError> {
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
    call: CallInfo,
    parts: &Parts,
    body: &[u8],
    client: std::net::IpAddr,
    now: i64,
) -> Result<Caller, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(denied("Authentication required: sign the request with an access key."));
    };
    let value =
        value.to_str().map_err(|_| denied("The Authorization header is not valid text."))?;
    if let Some(credentials) = value.strip_prefix("Basic ") {
        return basic(state, call, &parts.headers, body, credentials, client, now).await;
    }
    match Authorization::parse(value) {
        Some(auth) => signed(state, parts, body, auth, now).await,
        None if value.starts_with("OSC4-HMAC-SHA256 ")
            || value.starts_with("AWS4-HMAC-SHA256 ") =>
        {
            Err(denied("The Authorization header is malformed."))
        }
        None => {
            Err(ApiError::new(ErrorCode::UnknownAuthorizationType, "Unknown authorization type."))
        }
    }
}

/// A request timestamp (`YYYYMMDDTHHMMSSZ`) within five minutes of now.
fn check_timestamp(value: Option<&str>, header_name: &str, now: i64) -> Result<(), ApiError> {
    let value = value.ok_or_else(|| denied(&format!("The {header_name} header is required.")))?;
    let at = clock::parse_amz_date(value)
        .ok_or_else(|| denied(&format!("The {header_name} header must read YYYYMMDDTHHMMSSZ.")))?;
    if (at - now).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(denied(&format!(
            "The request time ({header_name}) is more than 5 minutes from the server's."
        )));
    }
    Ok(())
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn basic(
    state: &AppState,
    call: CallInfo,
    headers: &HeaderMap,
    body: &[u8],
    credentials: &str,
    client: std::net::IpAddr,
    now: i64,
) -> Result<Caller, ApiError> {
    if !call.basic_auth {
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
    let (login, password) = decoded
        .split_once(':')
        .ok_or_else(|| denied("The Basic credentials need login:password."))?;
    // A sign-in (CreateAccessKey) that carries a second factor keeps its attempt
    // counted until that factor is checked.
    let sign_in = (call.name == <CreateAccessKeyRequest as Call>::NAME)
        .then(|| crate::body::parse::<CreateAccessKeyRequest>(body));
    let with_factor = matches!(&sign_in, Some(Ok(r)) if r.has_second_factor());
    let verified = password_check(state, client, login, password, now, with_factor).await?;
    let caller = verified.identity.password_caller();
    if !verified.has_mfa {
        return Ok(caller);
    }
    // The identity has MFA: its password alone signs nothing in.
    match (sign_in, verified.pending) {
        (Some(Ok(request)), Some(pending)) => {
            second_factor::verify(state, &verified.identity, &request, pending, now).await?;
            Ok(caller)
        }
        (Some(Err(malformed)), _) => Err(malformed),
        _ if call.name == <CreateMfaChallengeRequest as Call>::NAME => Ok(caller),
        _ => Err(second_factor::required()),
    }
}

/// A known hash to verify against when the login matches no account, so both
/// cases take the same time.
fn decoy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| secrets::hash_password("decoy password for unknown logins"))
}

/// Checks a login/password pair, counting failures toward the lockout. For an
/// identity with MFA, a right password forgives its own attempt only.
pub async fn check_password(
    state: &AppState,
    client: std::net::IpAddr,
    login: &str,
    password: &str,
    now: i64,
) -> Result<Identity, ApiError> {
    password_check(state, client, login, password, now, false).await.map(|v| v.identity)
}

async fn password_check(
    state: &AppState,
    client: std::net::IpAddr,
    login: &str,
    password: &str,
    now: i64,
    second_factor_follows: bool,
) -> Result<Verified, ApiError> {
    check_secret_input("Login", login)?;
    check_secret_input("Password", password)?;
    // One form for the lookup and for the lockout key: "ID/alice " is "ID/alice".
    let login = normalize_login(login);
    let found = {
        let login = login.clone();
        state.store.read(move |c| resolve_login(c, &login)).await?
    };
    let key = found.as_ref().map(Identity::lockout_key).unwrap_or_else(|| format!("login:{login}"));
    verify_with_lockout(state, client, key, password, now, second_factor_follows, move |c| {
        match &found {
            // Read again inside the attempt: the password may have changed while it queued.
            Some(identity) => identity_of(c, &identity.password_caller()),
            None => Ok(None),
        }
    })
    .await
}

/// A password that matched.
pub struct Verified {
    pub identity: Identity,
    /// Whether the identity has an active second factor (MFA is on).
    pub has_mfa: bool,
    /// With MFA, when a second factor follows: the attempt, still counted until the
    /// second factor settles it (`second_factor::verify`).
    pub pending: Option<Pending>,
}

/// A sign-in attempt whose password matched, still counted as a failure.
#[derive(Debug, Clone)]
pub struct Pending {
    pub lockout_key: String,
    pub attempt: Attempt,
}

/// Verifies `password` for the identity `current` reads, unless locked. The attempt
/// is counted before the hash is checked, and at most one check per lockout key runs
/// at a time, so parallel guesses meet the lock one by one. When the password matches:
/// without MFA the count is cleared; with MFA this attempt alone is forgiven (earlier
/// failures stay until a second factor proves right), or, when a second factor
/// follows (`second_factor_follows`), it stays counted until that factor is checked.
/// An identity without a password (an EIM user who has not set one up) never
/// matches; an unknown one is checked against a decoy, in the same time.
pub async fn verify_with_lockout(
    state: &AppState,
    client: std::net::IpAddr,
    lockout_key: String,
    password: &str,
    now: i64,
    second_factor_follows: bool,
    current: impl FnOnce(&crate::store::Db) -> Result<Option<Identity>, ApiError>
        + Clone
        + Send
        + 'static,
) -> Result<Verified, ApiError> {
    let _turn = state.password_work.turn(&lockout_key).await;
    let lockout = state.lockout;
    // Refused while locked before the per-client cap is charged: a locked attempt costs nothing.
    let key = lockout_key.clone();
    if let Some(secs) = state.store.read(move |c| lockout.locked_for(c, &key, now)).await? {
        return Err(ApiError::locked(secs as u64));
    }
    state.throttle.take(client)?;
    let key = lockout_key.clone();
    let (identity, has_mfa, attempt) = state
        .store
        .write(move |c| {
            let attempt = lockout.begin(c, &key, now)?;
            let identity = current(c)?;
            let has_mfa = match &identity {
                Some(i) => store::mfa::has_active(c, i.account_id(), i.user_id())?,
                None => false,
            };
            Ok((identity, has_mfa, attempt))
        })
        .await?;
    let hash = identity.as_ref().and_then(|i| i.password_hash().map(str::to_owned));
    let has_hash = hash.is_some();
    let password = password.to_owned();
    let matches = state
        .password_work
        .run(move || {
            // The decoy is hashed on first use: here, off the async threads.
            let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
            secrets::verify_password(&password, &hash)
        })
        .await?
        && has_hash;
    tracing::debug!(matches, "password checked");
    match identity {
        Some(identity) if matches => {
            let pending = if !has_mfa {
                state.store.write(move |c| lockout.succeed(c, &lockout_key, attempt, now)).await?;
                None
            } else if second_factor_follows {
                Some(Pending { lockout_key, attempt })
            } else {
                state.store.write(move |c| lockout.forgive(c, &lockout_key, attempt, now)).await?;
                None
            };
            Ok(Verified { identity, has_mfa, pending })
        }
        _ => Err(attempt.failed(denied("The login or password is incorrect."))),
    }
}

async fn signed(
    state: &AppState,
    parts: &Parts,
    body: &[u8],
    auth: Authorization,
    now: i64,
) -> Result<Caller, ApiError> {
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
    if auth.region != *state.region {
        return Err(denied(&format!(
            "The credential scope names the region {:?}; this endpoint is {:?}.",
            auth.region, state.region
        )));
    }

    let key_id = auth.access_key.clone();
    let (key, session, last_active) = state
        .store
        .read(move |c| {
            let (key, session) = store::access_keys::with_session(c, &key_id)?;
            let last_active = match &session {
                Some(s) => store::devices::last_active(c, &s.id)?,
                None => None,
            };
            Ok((key, session, last_active))
        })
        .await?;
    let key = key.ok_or_else(|| denied("The access key ID does not exist."))?;
    if key.state != KeyState::Active {
        return Err(denied("The access key is inactive."));
    }
    if key.is_expired(now) {
        return Err(denied("The access key has expired."));
    }
    let secret = state
        .secrets
        .open(&key.access_key_id, &key.secret_nonce, &key.secret_sealed)
        .ok_or_else(|| store::internal("an access key secret does not open with the server key"))?;

    let signing_key =
        signing::signing_key(auth.algorithm, &secret, &auth.date, &auth.region, &auth.service);
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
            if let (Some(session), Some(at)) = (&session, last_active) {
                note_activity(state, &session.id, at, now);
            }
            return Ok(Caller {
                account_id: key.account_id,
                user_id: key.user_id,
                access_key_id: Some(key.access_key_id),
                session,
                password_hash: None,
            });
        }
    }
    Err(denied("The request signature does not match."))
}

/// Records that a session signed a call, at most once per `activity_interval_secs`:
/// a request only reads the last record (with its key), and writes, without waiting
/// for it, when that record is older.
fn note_activity(state: &AppState, session_id: &str, last_active: i64, now: i64) {
    let interval = state.activity_interval_secs;
    if now - last_active < interval {
        return;
    }
    let (store, id) = (state.store.clone(), session_id.to_owned());
    tokio::spawn(async move {
        // A failed record is logged by the store; the call itself goes on.
        let _ = store.write(move |c| store::devices::touch(c, &id, now, interval)).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{accounts, NewAccount, Store};

    /// A password check that passed before a password change no longer vouches for
    /// the writes of its request (a Basic `CreateAccessKey` in flight, say).
    #[test]
    fn a_password_check_made_before_a_change_is_void_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::open(&crate::store::Database::Sqlite(dir.path().join("db.sqlite")), 1).unwrap();
        let new = NewAccount {
            account_id: "123456789012".into(),
            customer_id: "12345678".into(),
            email: "a@example.com".into(),
            password_hash: "$argon2id$old".into(),
            profile: Default::default(),
            now: 1,
        };
        store.write_blocking(move |c| accounts::insert(c, &new)).unwrap();
        let identity = store.read_blocking(|c| resolve_login(c, "a@example.com")).unwrap().unwrap();
        let caller = identity.password_caller();
        let check = caller.clone();
        store.read_blocking(move |c| check.still_valid(c)).expect("valid before the change");
        store
            .write_blocking(|c| accounts::set_password(c, "123456789012", "$argon2id$new", 2, 10))
            .unwrap();
        let e = store.read_blocking(move |c| caller.still_valid(c)).unwrap_err();
        assert_eq!((e.status, e.items[0].code.as_str()), (401, "1"));
    }
}
