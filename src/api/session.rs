//! The signed-in session, kept in `sessionStorage`: it survives a reload of the
//! tab and ends with it; it is never written to `localStorage`.

use serde::{Deserialize, Serialize};

const KEY: &str = "osc-console.session";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub endpoint_id: String,
    pub access_key_id: String,
    pub secret_key: String,
    /// The account's email: what the profile button shows and the password checks use.
    pub login: String,
    pub account_id: String,
    /// Whether the console created the key at sign-in, and so deletes it at sign-out.
    pub owns_key: bool,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn load() -> Option<Session> {
    let text = storage()?.get_item(KEY).ok()??;
    serde_json::from_str(&text).ok()
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
