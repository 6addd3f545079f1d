//! A new key, its secret shown this once: the access key ID and secret key, each with
//! Copier; Télécharger (a CSV file, as AWS and Cockpit give it); and, ready to paste,
//! a profile for `~/.osc/config.json` naming this console's API endpoint, with the
//! `oapi-cli` and `osc-cli` commands that use it. The secret lives in this view alone:
//! never in storage, a URL (the file is a `blob:`) or a log line.

use account_contract::AccessKeySecretKey;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::components::copy_button::CopyButton;
use crate::components::form::FormField;
use crate::components::text::{local_date, tr};
use crate::config::Endpoint;
use crate::i18n::*;
use crate::state::AppState;

pub const TITLE_ID: &str = "key-new-title";

/// Where a CLI reaches the API: the host the console signs for behind a proxy, else
/// the origin of the endpoint's URL (the console's own for a relative one).
fn api_origin(endpoint: &Endpoint) -> String {
    if let Some(host) = &endpoint.host {
        return format!("https://{host}");
    }
    if !endpoint.url.starts_with('/') {
        if let Ok(url) = web_sys::Url::new(&endpoint.url) {
            return url.origin();
        }
    }
    window().location().origin().unwrap_or_default()
}

/// A profile name that needs no quoting in JSON or a shell: letters, digits, `._-`.
fn profile_name(typed: &str) -> String {
    let kept: String =
        typed.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
    if kept.is_empty() {
        "default".to_owned()
    } else {
        kept
    }
}

/// The profile, as `~/.osc/config.json` holds it (oapi-cli's and osc-sdk's format),
/// its fields in the order their documentation gives them.
fn profile(name: &str, id: &str, secret: &str, region: &str, api: &str) -> String {
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let (name, id, secret) = (quoted(name), quoted(id), quoted(secret));
    let (region, api) = (quoted(region), quoted(api));
    format!(
        r#"{{
  {name}: {{
    "access_key": {id},
    "secret_key": {secret},
    "region": {region},
    "endpoints": {{
      "api": {api}
    }}
  }}
}}"#
    )
}

fn commands(name: &str) -> String {
    format!(
        "oapi-cli --profile \"{name}\" ReadAccounts\nosc-cli api ReadAccounts --profile \"{name}\""
    )
}

/// Saves the key as a CSV file, through a `blob:` address (the secret in no URL),
/// let go of once the download has started.
fn download(id: &str, secret: &str) {
    let csv = format!("Access key ID,Secret access key\r\n{id},{secret}\r\n");
    let parts = js_sys::Array::of1(&JsValue::from_str(&csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(address) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let link = document().create_element("a").ok();
    if let Some(link) = link.and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        link.set_href(&address);
        link.set_download(&format!("{id}_accessKeys.csv"));
        link.click();
    }
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&address);
        },
        std::time::Duration::from_secs(10),
    );
}

#[component]
pub fn NewSecret(key: AccessKeySecretKey, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let id = key.access_key_id.unwrap_or_default();
    let secret = key.secret_key.unwrap_or_default();
    let (region, api) =
        state.current_endpoint().map(|e| (e.region.clone(), api_origin(&e))).unwrap_or_default();
    let typed = RwSignal::new("default".to_owned());
    let name = Memo::new(move |_| typed.with(|t| profile_name(t)));
    let profile_text = {
        let (id, secret) = (id.clone(), secret.clone());
        Signal::derive(move || profile(&name.get(), &id, &secret, &region, &api))
    };
    let command_text = Signal::derive(move || commands(&name.get()));
    let expires = key.expiration_date;
    let expiry = move || match &expires {
        Some(at) => {
            let date = local_date(at, i18n.get_locale());
            t_string!(i18n, keys_new_expires, date).to_string()
        }
        None => t_string!(i18n, keys_new_never).to_string(),
    };
    let save = {
        let (id, secret) = (id.clone(), secret.clone());
        move |_| download(&id, &secret)
    };

    view! {
        <div class="panel new-key" role="group" aria-labelledby=TITLE_ID>
            <h3 id=TITLE_ID tabindex="-1">{tr!(i18n, keys_secret_title)}</h3>
            <p class="notice">{tr!(i18n, keys_secret_intro)}</p>
            <dl class="read-only">
                <div class="row">
                    <dt>{tr!(i18n, keys_access_key_id)}</dt>
                    <dd><code id="key-new-id">{id.clone()}</code>
                        <CopyButton value=id field=tr!(i18n, keys_access_key_id) /></dd>
                </div>
                <div class="row">
                    <dt>{tr!(i18n, keys_secret_key)}</dt>
                    <dd><code id="key-new-secret">{secret.clone()}</code>
                        <CopyButton value=secret field=tr!(i18n, keys_secret_key) /></dd>
                </div>
            </dl>
            <p>{expiry}</p>
            <div class="actions">
                <button type="button" on:click=save>{tr!(i18n, keys_download)}</button>
            </div>
            <h4>{tr!(i18n, keys_cli_title)}</h4>
            <p>{tr!(i18n, keys_cli_intro)}</p>
            <FormField id="key-profile-name" label=tr!(i18n, keys_profile_name) value=typed
                on_input=Callback::new(move |v| typed.set(v)) error=Signal::stored(None::<String>) />
            <pre class="cli"><code id="key-cli-profile">{profile_text}</code></pre>
            <CopyButton value=profile_text field=tr!(i18n, keys_cli_profile) />
            <pre class="cli"><code id="key-cli-commands">{command_text}</code></pre>
            <CopyButton value=command_text field=tr!(i18n, keys_cli_commands) />
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| on_close.run(())>
                    {tr!(i18n, keys_secret_saved)}
                </button>
            </div>
        </div>
    }
}
