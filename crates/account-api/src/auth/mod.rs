//! Who is calling, and the door through which a call reaches storage. A request is
//! signed (OSC4 or AWS4 form, `signature.rs`), or carries email/password (Basic) on
//! the access-key calls, as OUTSCALE does it (`password.rs`). For an identity with
//! MFA, email/password signs in (`CreateAccessKey`) only with a second factor
//! (`second_factor.rs`): the first answer, `1010`, names the factors and carries a
//! security key's challenge; the second request carries the password and a factor.
//!
//! The store is reachable from this module and its own files only (`BehindDoor`):
//! the calls read and write through their call's context (`door.rs`), which checks
//! again, inside each write, that the caller's credentials still hold.

pub mod door;
pub mod familiar;
pub mod lockout;
pub mod otp;
pub mod password;
pub mod password_work;
pub mod second_factor;
pub mod signature;
pub mod throttle;
pub mod verified_keys;
pub mod webauthn;

pub use door::{Caller, Ctx};
pub use lockout::Lockout;

use account_contract::signing::{Authorization, MAX_CLOCK_SKEW_SECS};
use account_contract::{ApiError, CallInfo, ErrorCode};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::clock;
use crate::secrets::SecretBox;
use crate::store::{self, AccountRecord, Db, Owner, Store, StoreError, UserRecord};

/// The store, reachable from `auth` only: the calls hold it without being able to
/// open it, and go through their call's door (`Ctx::read`, `Ctx::write`).
#[derive(Clone)]
pub struct BehindDoor(Store);

impl BehindDoor {
    pub fn new(store: Store) -> Self {
        Self(store)
    }

    /// A write outside any call (a lockout count, a session's activity).
    async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Clone + Send + 'static,
    {
        self.0.write(f).await
    }

    /// A read outside any call (who signs, whether a login is locked).
    async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, ApiError> + Send + 'static,
    {
        self.0.read(f).await
    }
}

/// What every call can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: BehindDoor,
    pub secrets: SecretBox,
    pub lockout: Lockout,
    /// Seconds between two records of a session's last activity.
    pub activity_interval_secs: i64,
    /// Seconds a session's proof of its password lasts for sensitive changes
    /// (`door.rs`, `Caller::recently_proved`).
    pub reauthentication_secs: i64,
    /// Host names clients may sign besides the `Host` header received, for a server
    /// behind a proxy that rewrites it (such as `trunk serve`).
    pub public_hosts: std::sync::Arc<Vec<String>>,
    pub throttle: std::sync::Arc<throttle::PasswordThrottle>,
    /// Bounds argon2 and zxcvbn work: per core, and one check per identity at a
    /// time; counts the argon2 hashes made.
    pub password_work: std::sync::Arc<password_work::PasswordWork>,
    /// The region signatures must name (their credential scope).
    pub region: std::sync::Arc<str>,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: std::sync::Arc<Vec<ipnet::IpNet>>,
    /// The WebAuthn relying party: its ID and the origins its ceremonies may come from.
    pub webauthn: std::sync::Arc<webauthn_rs::Webauthn>,
    /// Access keys verified lately, valid until storage hears of a revocation.
    pub verified_keys: std::sync::Arc<verified_keys::VerifiedKeys>,
    /// Accounts' rows read lately, valid until storage hears of a change (on SQLite;
    /// PostgreSQL reads them each time: `store/changes.rs`).
    pub accounts: std::sync::Arc<store::changes::EpochCache<AccountRecord>>,
}

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
    /// Whose this identity's keys, factors and password are.
    pub fn owner(&self) -> Owner {
        match self {
            Identity::Account(a) => Owner::account(a.id()),
            Identity::User(u) => {
                Owner { account_id: u.account_id.clone(), user_id: Some(u.user_id.clone()) }
            }
        }
    }

    pub fn account_id(&self) -> &str {
        match self {
            Identity::Account(a) => a.id(),
            Identity::User(u) => &u.account_id,
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
            owner: self.owner(),
            access_key_id: None,
            session: None,
            password_hash: self.password_hash().map(str::to_owned),
        }
    }
}

/// The identity a login names, if any; `login` is normalised
/// (`account_contract::validation::normalize_login`).
pub fn resolve_login(conn: &Db, login: &str) -> Result<Option<Identity>, StoreError> {
    match account_contract::validation::split_user_login(login) {
        Some((account_id, user_name)) => {
            Ok(store::users::by_name(conn, account_id, user_name)?.map(Identity::User))
        }
        None => Ok(store::accounts::by_email(conn, login)?.map(Identity::Account)),
    }
}

/// The identity that owns what `owner` names, if it still exists.
pub fn identity_of(conn: &Db, owner: &Owner) -> Result<Option<Identity>, StoreError> {
    match owner.user() {
        Some(user_id) => Ok(store::users::by_id(conn, user_id)?
            .filter(|u| u.account_id == owner.account_id)
            .map(Identity::User)),
        None => Ok(store::accounts::by_id(conn, &owner.account_id)?.map(Identity::Account)),
    }
}

fn denied(details: &str) -> ApiError {
    ApiError::new(ErrorCode::AuthenticationFailed, details)
}

/// Who makes a request, and what its answer gives the browser.
pub struct Authenticated {
    pub caller: Caller,
    /// A device cookie to set: a browser's first sign-in of this identity
    /// (`familiar.rs`).
    pub new_device: Option<familiar::DeviceCookie>,
}

/// Who makes the request, from its Authorization header: a signature, or (on the
/// calls that accept it) email/password, from `source`.
pub async fn authenticate(
    state: &AppState,
    call: CallInfo,
    parts: &Parts,
    body: &[u8],
    source: &familiar::Source,
    now: i64,
) -> Result<Authenticated, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(denied("Authentication required: sign the request with an access key."));
    };
    let value =
        value.to_str().map_err(|_| denied("The Authorization header is not valid text."))?;
    if let Some(credentials) = value.strip_prefix("Basic ") {
        return password::basic(state, call, &parts.headers, body, credentials, source, now).await;
    }
    let caller = match Authorization::parse(value) {
        Some(auth) => signature::signed(state, parts, body, auth, source.address, now).await,
        None if value.starts_with("OSC4-HMAC-SHA256 ")
            || value.starts_with("AWS4-HMAC-SHA256 ") =>
        {
            Err(denied("The Authorization header is malformed."))
        }
        None => {
            Err(ApiError::new(ErrorCode::UnknownAuthorizationType, "Unknown authorization type."))
        }
    };
    Ok(Authenticated { caller: caller?, new_device: None })
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
