//! How a failed call reads on screen, when it is not about one field.

use crate::api::CallError;
use crate::i18n::*;
use crate::webauthn::WebAuthnError;

/// A failed call in the reader's language: locked (with the time to wait),
/// unreachable (with the URL), a server fault (with its status), or the API's own
/// words. Empty for a session that ended (the app returns to sign-in).
pub fn failure_text(i18n: leptos_i18n::I18nContext<Locale>, e: &CallError, url: &str) -> String {
    if let Some(seconds) = e.locked_for() {
        return t_string!(i18n, error_locked, seconds).to_string();
    }
    match e {
        CallError::Unreachable => {
            t_string!(i18n, error_unreachable, url = url.to_owned()).to_string()
        }
        e if e.is_server_failure() => {
            t_string!(i18n, error_server, status = e.status().unwrap_or(0)).to_string()
        }
        CallError::SecurityKey(e) => security_key_text(i18n, *e),
        CallError::Api(a) => {
            let details = a.items.first().map(|i| i.details.clone()).unwrap_or_default();
            t_string!(i18n, error_generic, details).to_string()
        }
        _ => String::new(),
    }
}

/// Why the browser gave no security key, in the reader's language.
pub fn security_key_text(i18n: leptos_i18n::I18nContext<Locale>, e: WebAuthnError) -> String {
    match e {
        WebAuthnError::Unsupported => t_string!(i18n, mfa_key_unsupported),
        WebAuthnError::Cancelled => t_string!(i18n, mfa_key_cancelled),
        WebAuthnError::AlreadyRegistered => t_string!(i18n, mfa_key_registered),
        WebAuthnError::Failed => t_string!(i18n, mfa_key_failed),
    }
    .to_string()
}
