//! The re-authentication dialog ("sudo mode"): a sensitive change from this session
//! (the sign-in email, second factors, recovery codes…) was answered `401 1012`
//! (`api/reauthentication.rs`). The person types the password again, and a second
//! factor when the identity has MFA (the sign-in's own step, [`SecondFactor`]); once
//! proved (`CreateReauthentication`), the change they started is made again. A modal
//! `<dialog>`: the page behind is inert, Tab stays inside, Escape or Annuler closes,
//! the focus goes back where it was.

use account_contract::{
    CreateMfaChallengeRequest, CreateReauthenticationRequest, ErrorCode, MfaDeviceType,
    PublicKeyJson,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{reauthentication_answered, use_api, Api, CallError};
use crate::components::dialog::keep_tab_inside;
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, PasswordInput, SubmitButton};
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::pages::sign_in::second_factor::SecondFactor;
use crate::pages::sign_in::session_key::Factor;
use crate::state::AppState;

const PASSWORD_ID: &str = "reauthentication-password";

/// The password and the factor, as `CreateReauthentication` takes them; a security
/// key signs `options` (the password's answer's challenge), or a new challenge.
async fn prove(
    api: Api,
    password: String,
    factor: Factor,
    options: Option<PublicKeyJson>,
) -> Result<(), CallError> {
    // The second step asks a key to sign the password's answer's challenge, if any.
    let factor = match factor {
        Factor::SecurityKey(_) => Factor::SecurityKey(options),
        other => other,
    };
    let challenge = async { api.call(&CreateMfaChallengeRequest::default()).await };
    let factor = factor.fields(challenge).await?;
    let req = CreateReauthenticationRequest {
        password,
        mfa_code: factor.mfa_code,
        recovery_code: factor.recovery_code,
        web_authn_credential: factor.web_authn_credential,
        ..Default::default()
    };
    api.call_for_effect(&req).await
}

#[component]
pub fn ReauthenticationDialog() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let api = use_api();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    // The control that started the change gets the focus back.
    let opener = StoredValue::new_local(document().active_element());
    let password = RwSignal::new(String::new());
    let empty = RwSignal::new(false);
    // After the password's answer (1010): the identity's factors, and a security key's
    // challenge (used once).
    let factors = RwSignal::new(None::<Vec<MfaDeviceType>>);
    let key_options = StoredValue::new(None::<PublicKeyJson>);

    // `try_`: a proof may come back after Escape closed the dialog (and its owner).
    let close = move |proved: bool| {
        if let Some(d) = dialog.try_get_untracked().flatten() {
            d.close();
        }
        let opener = opener.try_get_value().flatten();
        let opener = opener.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(opener) = opener {
            let _ = opener.focus();
        }
        reauthentication_answered(state, proved);
    };
    let action = Task::<Result<(), CallError>>::new();
    let send = move |factor: Factor| {
        let secret = password.get_untracked();
        let options = key_options.try_update_value(Option::take).flatten();
        action.run(async move {
            match prove(api, secret, factor, options).await {
                Ok(()) => close(true),
                Err(CallError::Api(e)) if e.has_code(ErrorCode::MfaRequired) => {
                    let offered = e.second_factors.clone().unwrap_or_default();
                    key_options.set_value(offered.public_key_options);
                    factors.set(Some(offered.mfa_device_types));
                    return Err(CallError::Api(e));
                }
                Err(e) => {
                    if e.has_code(ErrorCode::InvalidPassword) {
                        focus_by_id(PASSWORD_ID);
                    }
                    return Err(e);
                }
            }
            Ok(())
        });
    };
    let failed = Signal::derive(move || action.value.get().and_then(Result::err));
    let password_error = Signal::derive(move || {
        if empty.get() {
            return Some(t_string!(i18n, error_required).to_string());
        }
        failed
            .get()
            .filter(|e| e.has_code(ErrorCode::InvalidPassword))
            .map(|_| t_string!(i18n, wrong_password).to_string())
    });
    // What failed, said aloud: a wrong password is shown on its field (which already
    // has the focus, so nothing new would be read), and repeated here, for screen
    // readers only.
    let on_field =
        move || failed.with(|f| f.as_ref().is_some_and(|e| e.has_code(ErrorCode::InvalidPassword)));
    let alert = move || {
        let e = failed.get()?;
        if on_field() {
            return Some(t_string!(i18n, wrong_password).to_string());
        }
        let shown = !e.has_code(ErrorCode::MfaRequired);
        shown.then(|| failure_text(i18n, &e, &state.current_url(), Failed::Call))
    };
    let submit = on_submit(action.pending, move || {
        empty.set(password.with_untracked(String::is_empty));
        if empty.get_untracked() {
            focus_by_id(PASSWORD_ID);
            return;
        }
        send(Factor::None);
    });
    let second_step = move || {
        let kinds = factors.get()?;
        let on_submit = Callback::new(move |factor| {
            send(factor);
        });
        let on_back = Callback::new(move |()| {
            factors.set(None);
            password.set(String::new());
            action.value.set(None);
            focus_by_id(PASSWORD_ID);
        });
        let endpoint_url = state.current_url();
        let pending = action.pending;
        Some(view! { <SecondFactor kinds endpoint_url pending failed on_submit on_back
        pending_label=tr!(i18n, checking) /> })
    };
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
            // At once, not at the next frame (`focus_by_id`): a key pressed meanwhile
            // would have its focus taken back.
            let password = document().get_element_by_id(PASSWORD_ID);
            if let Some(input) = password.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = input.focus();
            }
        }
    });
    // Gone without an answer (the session ended meanwhile): the waiting calls fail
    // rather than wait for ever. After an answer, nothing is left waiting.
    on_cleanup(move || {
        if state.reauthentication_asked.try_get_untracked() == Some(true) {
            reauthentication_answered(state, false);
        }
    });

    view! {
        <dialog node_ref=dialog class="reauthentication card" aria-modal="true"
            aria-labelledby="reauthentication-title" aria-describedby="reauthentication-intro"
            on:cancel=move |e: web_sys::Event| {
                e.prevent_default();
                close(false);
            }
            on:keydown=move |e| {
                if e.key() == "Tab" {
                    if let Some(d) = dialog.get_untracked() {
                        keep_tab_inside(&d, &e);
                    }
                }
            }>
            <h2 id="reauthentication-title">{tr!(i18n, reauthentication_title)}</h2>
            <p id="reauthentication-intro">{tr!(i18n, reauthentication_intro)}</p>
            <form novalidate on:submit=submit hidden=move || factors.with(Option::is_some)>
                <PasswordInput id=PASSWORD_ID autocomplete="current-password" value=password
                    label=tr!(i18n, sign_in_password) error=password_error />
                <div role="alert" class=move || if on_field() { "visually-hidden" } else { "alert" }>
                    {alert}
                </div>
                <SubmitButton label=tr!(i18n, reauthentication_confirm)
                    pending_label=tr!(i18n, checking) pending=action.pending />
            </form>
            {second_step}
            <div class="actions">
                <button type="button" on:click=move |_| close(false)>{tr!(i18n, cancel)}</button>
            </div>
        </dialog>
    }
}
