//! Sign-in: email and password (Basic → a short-lived, tagged access key that
//! signs everything after), then a second factor when the identity has MFA
//! ([`SecondFactor`]); or an access key and its secret key.

pub(crate) mod second_factor;
pub(crate) mod session_key;

use account_contract::{ErrorCode, MfaDeviceType};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::CallError;
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{
    on_submit, Field, FieldShell, FormField, PasswordInput, SubmitButton,
};
use crate::components::page_heading::PageHeading;
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::pages::SIGNED_IN_PAGES;
use crate::state::{AppState, Notice};
use second_factor::SecondFactor;
use session_key::{second_step, sign_in, Factor, KeyOptions, Method, SignInForm};

/// The second step of a password sign-in: the form of the first, and what the
/// identity's second factors can be.
#[derive(Clone)]
struct MfaStep {
    form: SignInForm,
    kinds: Vec<MfaDeviceType>,
}

/// Where to go after signing in: the page asked for, if it is exactly one of the
/// router's signed-in pages; else Espace personnel (Paramètres d'authentification
/// for an EIM user). A whitelist, not a filter: a browser reads `/\host` or
/// `/\t/host` as another origin, and nothing else than our own pages may follow.
pub(crate) fn next_path(raw: Option<String>, user: bool) -> String {
    let home = if user { "/authentication-settings" } else { "/personal-space" };
    raw.filter(|p| SIGNED_IN_PAGES.contains(&p.as_str()))
        .filter(|p| !(user && p == "/personal-space"))
        .unwrap_or_else(|| home.into())
}

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let query = use_query_map();
    let endpoints = state.config.with_value(|c| c.endpoints.clone());
    let default_endpoint =
        state.config.with_value(|c| c.default_endpoint().map(|e| e.id.clone()).unwrap_or_default());
    let endpoint_id = RwSignal::new(default_endpoint);
    let method = RwSignal::new(Method::Password);
    let login = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let missing = RwSignal::new(false);

    // Already signed in (a reload of /sign-in): go on.
    if let Some(session) = state.session.get_untracked() {
        navigate(
            &next_path(query.get_untracked().get("next"), session.is_user()),
            Default::default(),
        );
    }

    // Set when the password was right and the identity has MFA.
    let mfa_step = RwSignal::new(None::<MfaStep>);
    // A challenge for the first security-key attempt, taken by it (apart from the
    // step, which it would draw again).
    let key_options = StoredValue::new(None::<KeyOptions>);
    let action = Task::<Result<(), CallError>>::new();
    let send = Callback::new(move |form: SignInForm| {
        let navigate = navigate.clone();
        action.run(async move {
            match sign_in(form.clone()).await {
                Ok(session) => {
                    let user = session.is_user();
                    state.sign_in(session);
                    secret.set(String::new());
                    mfa_step.set(None);
                    navigate(
                        &next_path(query.get_untracked().get("next"), user),
                        Default::default(),
                    );
                    Ok(())
                }
                Err(CallError::Api(e))
                    if e.has_code(ErrorCode::MfaRequired)
                        && matches!(form.factor, Factor::None) =>
                {
                    let step = second_step(&form, e).await?;
                    key_options.set_value(step.key_options);
                    mfa_step.set(Some(MfaStep { form, kinds: step.kinds }));
                    Ok(())
                }
                Err(e) => Err(e),
            }
        });
    });
    let pending = action.pending;

    let submit = on_submit(pending, move || {
        let (l, s) = (login.get_untracked(), secret.get_untracked());
        missing.set(l.trim().is_empty() || s.is_empty());
        if missing.get_untracked() {
            return;
        }
        let Some(endpoint) =
            state.config.with_value(|c| c.endpoint(&endpoint_id.get_untracked()).cloned())
        else {
            return;
        };
        let session_seconds = state.config.with_value(|c| c.session_seconds);
        send.run(SignInForm {
            endpoint,
            method: method.get_untracked(),
            login: l,
            secret: s,
            session_seconds,
            factor: Factor::None,
        });
    });

    let message = move || -> Option<String> {
        let Some(Err(e)) = action.value.get() else { return None };
        if e.is_wrong_credentials() {
            return Some(match method.get_untracked() {
                Method::Password => t_string!(i18n, error_bad_credentials).to_string(),
                Method::Keys => t_string!(i18n, error_bad_keys).to_string(),
            });
        }
        let url = state
            .config
            .with_value(|c| c.endpoint(&endpoint_id.get_untracked()).map(|e| e.url.clone()));
        Some(failure_text(i18n, &e, &url.unwrap_or_default(), Failed::Call))
    };
    let notice = move || match state.notice.get() {
        Some(Notice::SessionExpired) => Some(t_string!(i18n, sign_in_expired).to_string()),
        Some(Notice::SignedOut) => Some(t_string!(i18n, sign_in_signed_out).to_string()),
        None => None,
    };
    let required_error = move |value: RwSignal<String>| {
        Signal::derive(move || {
            (missing.get() && value.with(|v| v.trim().is_empty()))
                .then(|| t_string!(i18n, error_required).to_string())
        })
    };
    let show_endpoints = endpoints.len() > 1;
    // An email is no access key: each method starts with empty fields.
    let switch_method = move |m: Method| {
        method.set(m);
        login.set(String::new());
        secret.set(String::new());
        missing.set(false);
    };

    let second_step = move || {
        let step = mfa_step.get()?;
        let endpoint_url = step.form.endpoint.url.clone();
        let on_submit = Callback::new(move |factor: Factor| {
            let factor = match factor {
                Factor::SecurityKey(_) => Factor::SecurityKey(
                    key_options
                        .try_update_value(Option::take)
                        .flatten()
                        .and_then(KeyOptions::fresh),
                ),
                other => other,
            };
            send.run(SignInForm { factor, ..step.form.clone() });
        });
        let on_back = Callback::new(move |()| {
            mfa_step.set(None);
            secret.set(String::new());
            action.value.set(None);
        });
        let failed = Signal::derive(move || action.value.get().and_then(Result::err));
        Some(view! { <SecondFactor kinds=step.kinds endpoint_url pending failed on_submit on_back
        pending_label=tr!(i18n, sign_in_pending) /> })
    };
    let second_step_shown = move || mfa_step.with(Option::is_some);

    view! {
        <section class="card narrow" aria-labelledby="page-heading">
            <PageHeading text=tr!(sign_in_title) />
            {second_step}
            <div hidden=second_step_shown>
            <p>{tr!(i18n, sign_in_intro)}</p>
            <p class="notice" role="status">{notice}</p>
            // Typing here starts fetching the signed-in pages' module, so that it is
            // there (or nearly) when the password is accepted.
            <form novalidate on:submit=submit on:input=|_| crate::signed_in::prefetch()>
                {show_endpoints.then(|| view! {
                    <FieldShell field=Field::new("endpoint".into(), Signal::derive(move || t_string!(i18n, sign_in_endpoint).to_string()), None, Signal::stored(None), None)>
                        <select id="endpoint" on:change=move |e| endpoint_id.set(event_target_value(&e)) prop:value=endpoint_id>
                            {endpoints.iter().map(|e| view! { <option value=e.id.clone()>{e.label.clone()}</option> }).collect_view()}
                        </select>
                    </FieldShell>
                })}
                <fieldset class="choices">
                    <legend>{tr!(i18n, sign_in_method)}</legend>
                    <label>
                        <input type="radio" name="method" prop:checked=move || method.get() == Method::Password
                            on:change=move |_| switch_method(Method::Password) />
                        {tr!(i18n, sign_in_method_password)}
                    </label>
                    <label>
                        <input type="radio" name="method" prop:checked=move || method.get() == Method::Keys
                            on:change=move |_| switch_method(Method::Keys) />
                        {tr!(i18n, sign_in_method_keys)}
                    </label>
                </fieldset>
                {move || if method.get() == Method::Password {
                    view! {
                        <FormField id="login" autocomplete="username" required=true
                            label=tr!(i18n, sign_in_email)
                            hint=tr!(i18n, sign_in_login_hint)
                            value=login on_input=Callback::new(move |v| login.set(v)) error=required_error(login) />
                        <PasswordInput id="password" autocomplete="current-password" value=secret
                            label=tr!(i18n, sign_in_password)
                            error=required_error(secret) />
                    }.into_any()
                } else {
                    view! {
                        <FormField id="access-key" autocomplete="username" required=true
                            label=tr!(i18n, sign_in_access_key)
                            value=login on_input=Callback::new(move |v| login.set(v)) error=required_error(login) />
                        <PasswordInput id="secret-key" autocomplete="current-password" value=secret
                            label=tr!(i18n, sign_in_secret_key)
                            error=required_error(secret) />
                    }.into_any()
                }}
                <div class="alert" role="alert">{message}</div>
                <SubmitButton label=tr!(i18n, sign_in_submit) pending_label=tr!(i18n, sign_in_pending) pending />
            </form>
            </div>
        </section>
    }
}
