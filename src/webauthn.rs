//! Security keys and passkeys through the browser's WebAuthn API. The API sends the
//! options in WebAuthn's JSON form and reads credentials in it, so the browser's own
//! `PublicKeyCredential.parse*OptionsFromJSON` and `toJSON` convert them: the console
//! carries the text through and never handles the bytes.

use js_sys::{Function, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why the browser gave no credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebAuthnError {
    /// This browser (or this address: WebAuthn needs a domain name or localhost)
    /// cannot use security keys.
    Unsupported,
    /// The person cancelled, or no key answered in time.
    Cancelled,
    /// The key is already registered for this identity.
    AlreadyRegistered,
    /// Anything else the browser refused.
    Failed,
}

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
}

fn method(target: &JsValue, name: &str) -> Result<Function, WebAuthnError> {
    get(target, name).and_then(|f| f.dyn_into().ok()).ok_or(WebAuthnError::Unsupported)
}

fn refusal(e: JsValue) -> WebAuthnError {
    match get(&e, "name").and_then(|n| n.as_string()).as_deref() {
        Some("NotAllowedError") | Some("AbortError") => WebAuthnError::Cancelled,
        Some("InvalidStateError") => WebAuthnError::AlreadyRegistered,
        Some("SecurityError") | Some("NotSupportedError") => WebAuthnError::Unsupported,
        _ => WebAuthnError::Failed,
    }
}

/// `navigator.credentials[verb]({publicKey: parse(options)})`, answered as JSON text.
async fn ceremony(verb: &str, parse: &str, options: &str) -> Result<String, WebAuthnError> {
    let window: JsValue = web_sys::window().ok_or(WebAuthnError::Unsupported)?.into();
    let class = get(&window, "PublicKeyCredential").ok_or(WebAuthnError::Unsupported)?;
    let credentials = get(&window, "navigator")
        .and_then(|n| get(&n, "credentials"))
        .ok_or(WebAuthnError::Unsupported)?;
    let json = JSON::parse(options).map_err(|_| WebAuthnError::Failed)?;
    let public_key = method(&class, parse)?.call1(&class, &json).map_err(refusal)?;
    let request = Object::new();
    Reflect::set(&request, &JsValue::from_str("publicKey"), &public_key)
        .map_err(|_| WebAuthnError::Failed)?;
    let promise = method(&credentials, verb)?.call1(&credentials, &request).map_err(refusal)?;
    let credential = JsFuture::from(js_sys::Promise::from(promise)).await.map_err(refusal)?;
    let as_json = method(&credential, "toJSON")?.call0(&credential).map_err(refusal)?;
    JSON::stringify(&as_json).ok().and_then(|s| s.as_string()).ok_or(WebAuthnError::Failed)
}

/// Registers a new credential from `CreateMfaDevice`'s options.
pub async fn register(options: &str) -> Result<String, WebAuthnError> {
    ceremony("create", "parseCreationOptionsFromJSON", options).await
}

/// Signs `CreateMfaChallenge`'s challenge with one of the identity's credentials.
pub async fn assert(options: &str) -> Result<String, WebAuthnError> {
    ceremony("get", "parseRequestOptionsFromJSON", options).await
}
