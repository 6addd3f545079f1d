//! The second step of signing in, for an identity with MFA: a code from an
//! authenticator app, a security key, or one of the recovery codes. One form for the
//! three ways: what differs is a label, a hint and what is sent.

use account_contract::{ErrorCode, MfaDeviceType};
use leptos::prelude::*;

use super::Factor;
use crate::api::CallError;
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{self, focus_by_id, FormField, SubmitButton};
use crate::components::text::{text, tr, Translation};
use crate::i18n::*;

const INPUT_ID: &str = "second-factor";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    App,
    RecoveryCode,
    SecurityKey,
}

/// The field's label and hint, and what a refused value reads as.
fn wording(way: Way) -> (Translation, Translation, Translation) {
    match way {
        Way::RecoveryCode => {
            (tr!(mfa_recovery_code), tr!(mfa_recovery_hint), tr!(mfa_recovery_wrong))
        }
        Way::App => (tr!(mfa_code), tr!(mfa_sign_in_code_hint), tr!(mfa_code_wrong)),
        Way::SecurityKey => (tr!(mfa_use_key), tr!(mfa_sign_in_key_intro), tr!(mfa_key_refused)),
    }
}

#[component]
pub fn SecondFactor(
    /// The kinds of second factor the identity has.
    kinds: Vec<MfaDeviceType>,
    #[prop(into)] pending: Signal<bool>,
    /// What the last try answered, when it failed.
    #[prop(into)]
    failed: Signal<Option<CallError>>,
    /// The endpoint signed in to, named when it cannot be reached (there is no session
    /// yet to read it from).
    endpoint_url: String,
    /// What the button says while the factor is checked (signing in, or confirming).
    #[prop(into)]
    pending_label: Signal<String>,
    on_submit: Callback<Factor>,
    on_back: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let has_app = kinds.contains(&MfaDeviceType::Totp);
    let has_key = kinds.contains(&MfaDeviceType::Webauthn);
    let way = RwSignal::new(if has_app || !has_key { Way::App } else { Way::SecurityKey });
    let typed = RwSignal::new(String::new());
    let empty = RwSignal::new(false);
    // Each try answers for itself: a new way starts with a clean slate.
    let tried = RwSignal::new(false);
    let switch = move |w: Way| {
        way.set(w);
        typed.set(String::new());
        empty.set(false);
        tried.set(false);
        focus_by_id(if w == Way::SecurityKey { "second-factor-submit" } else { INPUT_ID });
    };
    let submit = form::on_submit(pending, move || {
        let value: String = typed.get_untracked().chars().filter(|c| !c.is_whitespace()).collect();
        let factor = match way.get_untracked() {
            Way::App => Factor::Code(value),
            Way::RecoveryCode => Factor::RecoveryCode(value),
            // The sign-in gives the challenge.
            Way::SecurityKey => Factor::SecurityKey(None),
        };
        empty.set(matches!(&factor, Factor::Code(v) | Factor::RecoveryCode(v) if v.is_empty()));
        if empty.get_untracked() {
            focus_by_id(INPUT_ID);
            return;
        }
        tried.set(true);
        on_submit.run(factor);
    });
    let last_failure = move || failed.get().filter(|_| tried.get());
    let refused = move || {
        last_failure()
            .is_some_and(|e| matches!(e, CallError::Api(a) if a.has_code(ErrorCode::MfaFailed)))
    };
    let key = move || way.get() == Way::SecurityKey;
    let field_error = Signal::derive(move || {
        if empty.get() {
            Some(t_string!(i18n, error_required).to_string())
        } else {
            (refused() && !key()).then(|| wording(way.get()).2(i18n.get_locale()).to_owned())
        }
    });
    let alert = move || match last_failure()? {
        _ if refused() && !key() => None,
        _ if refused() => Some(wording(Way::SecurityKey).2(i18n.get_locale()).to_owned()),
        e => Some(failure_text(i18n, &e, &endpoint_url, Failed::Call)),
    };
    let other_way = move |to: Way, available: bool, label: Translation| {
        view! {
            <button type="button" class="link" hidden=move || !available || way.get() == to
                on:click=move |_| switch(to)>
                {text(i18n, label)}
            </button>
        }
    };
    focus_by_id(INPUT_ID);

    view! {
        <form novalidate on:submit=submit aria-labelledby="second-factor-title">
            <h2 id="second-factor-title">{tr!(i18n, mfa_sign_in_title)}</h2>
            <p hidden=move || !key()>{tr!(i18n, mfa_sign_in_key_intro)}</p>
            <div hidden=key>
                <FormField id=INPUT_ID autocomplete="one-time-code" required=true
                    input_mode="numeric"
                    label=move || wording(way.get()).0(i18n.get_locale())
                    hint=move || wording(way.get()).1(i18n.get_locale())
                    value=typed on_input=Callback::new(move |v| typed.set(v)) error=field_error />
            </div>
            <div class="alert" role="alert">{alert}</div>
            <SubmitButton id="second-factor-submit" label=tr!(i18n, mfa_verify)
                pending_label pending />
            <div class="other-ways">
                {other_way(Way::App, has_app, tr!(mfa_use_app))}
                {other_way(Way::SecurityKey, has_key, tr!(mfa_use_key))}
                {other_way(Way::RecoveryCode, true, tr!(mfa_use_recovery))}
                <button type="button" class="link" on:click=move |_| on_back.run(())>{tr!(i18n, mfa_back)}</button>
            </div>
        </form>
    }
}
