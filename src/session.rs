//! The signed-in session, kept in `sessionStorage`: it survives a reload of the
//! tab and ends with it; it is never written to `localStorage`.

use serde::{Deserialize, Serialize};

const KEY: &str = "osc-console.session";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub endpoint_id: String,
    pub access_key_id: String,
    pub secret_key: String,
    /// What this identity signs in with, shown on the profile button and used by the
    /// password check: the account's email, or `ACCOUNT_ID/username` for an EIM user.
    pub login: String,
    pub account_id: String,
    /// Set when an EIM user is signed in.
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub user_email: Option<String>,
    /// Whether the identity has a password (an EIM user may not, yet).
    #[serde(default = "yes")]
    pub has_password: bool,
    /// Whether the console created the key at sign-in, and so deletes it at sign-out.
    pub owns_key: bool,
}

fn yes() -> bool {
    true
}

impl Session {
    pub fn is_user(&self) -> bool {
        self.user_name.is_some()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn load() -> Option<Session> {
    let text = storage()?.get_item(KEY).ok()??;
    crate::json::read(&text).ok()
}

pub fn save(session: &Session) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(session)) {
        let _ = s.set_item(KEY, &text);
    }
}

pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}
