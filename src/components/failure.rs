//! How a failed call reads on screen, when it is not about one field: one text for
//! every form.

use account_contract::ErrorCode;

use crate::api::CallError;
use crate::i18n::*;
use crate::webauthn::WebAuthnError;

/// What failed: a call, or saving a form (whose words say that the changes are kept
/// and which fields to correct).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    Call,
    Save,
}

/// A failed call in the reader's language: locked (with the time to wait),
/// unreachable (with the URL), a server fault (with its status), second factors
/// blocked (with the way out), or the API's own words. Empty for a session that
/// ended (the app returns to sign-in).
pub fn failure_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    e: &CallError,
    url: &str,
    what: Failed,
) -> String {
    let saving = what == Failed::Save;
    if let Some(seconds) = e.locked_for() {
        return t_string!(i18n, error_locked, seconds).to_string();
    }
    if saving && !e.field_errors().is_empty() {
        return t_string!(i18n, save_failed_fields).to_string();
    }
    match e {
        CallError::Unreachable if saving => t_string!(i18n, save_failed_network).to_string(),
        CallError::Unreachable => {
            t_string!(i18n, error_unreachable, url = url.to_owned()).to_string()
        }
        e if e.is_server_failure() => {
            let status = e.status().unwrap_or(0);
            if saving {
                t_string!(i18n, save_failed_server, status).to_string()
            } else {
                t_string!(i18n, error_server, status).to_string()
            }
        }
        CallError::Api(a) if a.has_code(ErrorCode::MfaBlocked) => {
            t_string!(i18n, error_mfa_blocked).to_string()
        }
        // The re-authentication dialog was closed: nothing saved, nothing lost.
        CallError::Api(a) if a.has_code(ErrorCode::ReauthenticationRequired) => {
            t_string!(i18n, reauthentication_declined).to_string()
        }
        // A saved form's session that ended: the app returns to sign-in.
        CallError::Api(a) if saving && a.status == 401 => String::new(),
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
