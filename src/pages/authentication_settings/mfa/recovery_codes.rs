//! Recovery codes, shown once, with a text file to keep them in.

use leptos::prelude::*;

use crate::components::form::focus_by_id;
use crate::components::text::tr;
use crate::i18n::*;

/// A `data:` address holding the codes as a text file: a download link that needs no
/// script and no object URL.
fn file_address(codes: &[String]) -> String {
    let mut body = String::from("OUTSCALE recovery codes\n\n");
    for code in codes {
        body += code;
        body.push('\n');
    }
    format!("data:text/plain;charset=utf-8,{}", js_sys::encode_uri_component(&body))
}

#[component]
pub fn RecoveryCodes(codes: Vec<String>, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let file = file_address(&codes);
    focus_by_id("mfa-codes-title");
    view! {
        <div class="panel" role="group" aria-labelledby="mfa-codes-title">
            <h3 id="mfa-codes-title" tabindex="-1">{tr!(i18n, mfa_codes_title)}</h3>
            <p>{tr!(i18n, mfa_codes_intro)}</p>
            <ol class="codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            <div class="actions">
                <a class="button" href=file download="outscale-recovery-codes.txt">
                    {tr!(i18n, mfa_codes_download)}
                </a>
                <button type="button" class="primary" on:click=move |_| on_close.run(())>
                    {tr!(i18n, mfa_codes_saved)}
                </button>
            </div>
        </div>
    }
}
