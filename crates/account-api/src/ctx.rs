//! What a call runs with: the server's shared state, and the call in progress (who
//! makes it, from where, when). Every other module may use this one; it uses only
//! the storage below it.

use account_contract::{ApiError, ErrorCode, KeyState, ResponseContext};

use crate::secrets::SecretBox;
use crate::store::access_keys::SessionOf;
use crate::store::{self, Lockout, Store};

/// What every call can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub secrets: SecretBox,
    pub lockout: Lockout,
    /// Seconds between two records of a session's last activity.
    pub activity_interval_secs: i64,
    /// Host names clients may sign besides the `Host` header received, for a server
    /// behind a proxy that rewrites it (such as `trunk serve`).
    pub public_hosts: std::sync::Arc<Vec<String>>,
    pub throttle: std::sync::Arc<crate::throttle::PasswordThrottle>,
    /// Bounds argon2 and zxcvbn work: per core, and one check per identity at a time.
    pub password_work: std::sync::Arc<crate::password_work::PasswordWork>,
    /// The region signatures must name (their credential scope).
    pub region: std::sync::Arc<str>,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: std::sync::Arc<Vec<ipnet::IpNet>>,
    /// The WebAuthn relying party: its ID and the origins its ceremonies may come from.
    pub webauthn: std::sync::Arc<webauthn_rs::Webauthn>,
}

/// One call in progress: who makes it, from where, when, under which request ID.
pub struct Ctx {
    pub state: AppState,
    pub caller: Caller,
    pub client: std::net::IpAddr,
    /// What the client's User-Agent says of its device (read for sign-ins only).
    pub user_agent: Option<String>,
    pub request_id: String,
    pub now: i64,
}

impl Ctx {
    pub fn context(&self) -> ResponseContext {
        ResponseContext { request_id: self.request_id.clone() }
    }
}

/// The identity a request acts as.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    /// The EIM user acting; `None` for the account itself.
    pub user_id: Option<String>,
    /// The key that signed the request; `None` for email/password.
    pub access_key_id: Option<String>,
    /// The session the signing key belongs to, if it does.
    pub session: Option<SessionOf>,
    /// For email/password: the password hash that matched. A write made for this call
    /// checks it is still current, so a check in flight during a password change fails.
    pub password_hash: Option<String>,
}

impl Caller {
    /// Fails unless the credentials this call was made with still hold, inside the
    /// write that acts on them: the signing key (and its session) still exist, or the
    /// password checked is still the identity's.
    pub fn still_valid(&self, conn: &store::Db) -> Result<(), ApiError> {
        let gone = || {
            ApiError::new(
                ErrorCode::AuthenticationFailed,
                "The credentials of this request were revoked while it ran.",
            )
        };
        if let Some(key_id) = &self.access_key_id {
            let key = store::access_keys::by_id(conn, key_id)?.ok_or_else(gone)?;
            if key.state != KeyState::Active {
                return Err(gone());
            }
            if let Some(session) = &self.session {
                store::access_keys::by_id(conn, &session.id)?.ok_or_else(gone)?;
            }
        }
        if let Some(checked) = &self.password_hash {
            let current = match &self.user_id {
                Some(user_id) => store::users::by_id(conn, user_id)?.and_then(|u| u.password_hash),
                None => store::accounts::by_id(conn, &self.account_id)?.map(|a| a.password_hash),
            };
            if current.as_deref() != Some(checked.as_str()) {
                return Err(gone());
            }
        }
        Ok(())
    }
}
