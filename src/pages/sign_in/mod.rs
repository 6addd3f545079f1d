//! Sign-in: email and password (Basic → a short-lived, tagged access key that
//! signs everything after), then a second factor when the identity has MFA
//! ([`SecondFactor`]); or an access key and its secret key.

mod second_factor;

use account_contract::{
    AccessKey, Account, CreateAccessKeyRequest, CreateAccessKeyResponse, CreateMfaChallengeRequest,
    ErrorCode, MfaDeviceType, PublicKeyJson, ReadAccessKeysRequest, ReadAccountsRequest,
    ReadIdentityRequest, ReadIdentityResponse,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{
    call, call_for_effect, deactivate_key, delete_key, CallError, Credentials, CONSOLE_TAG,
};
use crate::components::failure::failure_text;
use crate::components::form::{Field, FieldShell, FormField, PasswordInput, SubmitButton};
use crate::components::page_heading::PageHeading;
use crate::components::text::text;
use crate::config::Endpoint;
use crate::i18n::*;
use crate::session::Session;
use crate::state::{AppState, Notice};
use crate::webauthn;
use second_factor::SecondFactor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Password,
    Keys,
}

/// The second factor sent with the password, when the identity has MFA.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Factor {
    None,
    Code(String),
    RecoveryCode(String),
    /// A security key, asked for with a new challenge (CreateMfaChallenge).
    SecurityKey,
}

#[derive(Clone)]
struct SignInForm {
    endpoint: Endpoint,
    method: Method,
    login: String,
    secret: String,
    session_seconds: u32,
    factor: Factor,
}

/// The second step of a password sign-in: the form of the first, and what the
/// identity's second factors can be.
#[derive(Clone)]
struct MfaStep {
    form: SignInForm,
    kinds: Vec<MfaDeviceType>,
}

/// An ISO 8601 date-time `seconds` from now.
fn expiration_in(seconds: u32) -> String {
    let at = js_sys::Date::now() + f64::from(seconds) * 1000.0;
    js_sys::Date::new(&at.into()).to_iso_string().into()
}

/// The console's own sessions to end so that a new one fits: the expired ones, else
/// the oldest. Only keys that expire and carry the console's tag (even if the API
/// ignored the tag filter): a person's other keys are never touched.
fn stale_sessions(keys: &[AccessKey]) -> Vec<String> {
    let at = |d: &Option<String>| d.as_deref().map_or(f64::NAN, js_sys::Date::parse);
    let sessions = || {
        keys.iter().filter(|k| k.expiration_date.is_some() && k.tag.as_deref() == Some(CONSOLE_TAG))
    };
    let now = js_sys::Date::now();
    let mut stale: Vec<&AccessKey> = sessions().filter(|k| at(&k.expiration_date) <= now).collect();
    if stale.is_empty() {
        stale.extend(
            sessions().min_by(|a, b| at(&a.creation_date).total_cmp(&at(&b.creation_date))),
        );
    }
    stale.into_iter().filter_map(|k| k.access_key_id.clone()).collect()
}

/// A session key made with email/password. OUTSCALE's API refuses one more key when
/// the identity holds its maximum (10005): end the console's stale sessions, once.
async fn create_session_key(form: &SignInForm) -> Result<CreateAccessKeyResponse, CallError> {
    let creds = || Credentials::Password { login: &form.login, password: &form.secret };
    let mut req = CreateAccessKeyRequest {
        expiration_date: Some(expiration_in(form.session_seconds)),
        tag: Some(CONSOLE_TAG.into()),
        ..Default::default()
    };
    match &form.factor {
        Factor::None => {}
        Factor::Code(code) => req.mfa_code = Some(code.clone()),
        Factor::RecoveryCode(code) => req.recovery_code = Some(code.clone()),
        Factor::SecurityKey => {
            let challenge =
                call(&form.endpoint, creds(), &CreateMfaChallengeRequest::default()).await?;
            let options = challenge.public_key_options.ok_or(CallError::Unexpected(200))?;
            let credential =
                webauthn::assert(options.get()).await.map_err(CallError::SecurityKey)?;
            req.web_authn_credential = PublicKeyJson::from_text(credential);
        }
    }
    match call(&form.endpoint, creds(), &req).await {
        Err(CallError::Api(e)) if e.has_code(ErrorCode::TooManyAccessKeys) => {
            let read =
                ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
            let keys = call(&form.endpoint, creds(), &read).await?;
            for id in stale_sessions(&keys.access_keys.unwrap_or_default()) {
                // An EIM user's key must be inactive before it can be deleted.
                call_for_effect(&form.endpoint, creds(), &deactivate_key(id.clone())).await?;
                call_for_effect(&form.endpoint, creds(), &delete_key(id)).await?;
            }
            call(&form.endpoint, creds(), &req).await
        }
        other => other,
    }
}

async fn sign_in(form: SignInForm) -> Result<Session, CallError> {
    let (key_id, secret, owns_key) = match form.method {
        Method::Password => {
            let resp = create_session_key(&form).await?;
            let key = resp.access_key.unwrap_or_default();
            match (key.access_key_id, key.secret_key) {
                (Some(id), Some(secret)) => (id, secret, true),
                _ => return Err(CallError::Unexpected(200)),
            }
        }
        Method::Keys => (form.login.trim().to_owned(), form.secret.trim().to_owned(), false),
    };
    let creds = || Credentials::Key { id: &key_id, secret: &secret };
    // This project's API says who signed in (an account or an EIM user); on
    // OUTSCALE's own API, only accounts sign in here and ReadAccounts says which.
    let who: ReadIdentityResponse = if form.endpoint.password_change {
        call(&form.endpoint, creds(), &ReadIdentityRequest::default()).await?
    } else {
        let resp = call(&form.endpoint, creds(), &ReadAccountsRequest::default()).await?;
        let account: Account =
            resp.accounts.and_then(|a| a.into_iter().next()).ok_or(CallError::Unexpected(200))?;
        ReadIdentityResponse {
            account_id: account.account_id.unwrap_or_default(),
            login: account.email.unwrap_or_else(|| form.login.clone()),
            has_password: true,
            ..Default::default()
        }
    };
    Ok(Session {
        endpoint_id: form.endpoint.id.clone(),
        access_key_id: key_id,
        secret_key: secret,
        login: who.login,
        account_id: who.account_id,
        user_name: who.user_name,
        user_email: who.user_email,
        has_password: who.has_password,
        owns_key,
    })
}

/// Where to go after signing in: the page asked for, if it is one of ours; else
/// Espace personnel (Paramètres d'authentification for an EIM user).
fn next_path(raw: Option<String>, user: bool) -> String {
    let home = if user { "/authentication-settings" } else { "/personal-space" };
    raw.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/sign-in"))
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
    let action = Action::new_local(move |form: &SignInForm| {
        let (form, navigate) = (form.clone(), navigate.clone());
        async move {
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
                    if e.has_code(ErrorCode::MfaRequired) && form.factor == Factor::None =>
                {
                    // What the second step can offer: the identity's kinds of factor.
                    let creds =
                        Credentials::Password { login: &form.login, password: &form.secret };
                    let req = CreateMfaChallengeRequest::default();
                    let kinds = call(&form.endpoint, creds, &req).await?.mfa_device_types;
                    mfa_step.set(Some(MfaStep { form, kinds }));
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
    });
    let pending = action.pending();

    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if pending.get_untracked() {
            return;
        }
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
        action.dispatch_local(SignInForm {
            endpoint,
            method: method.get_untracked(),
            login: l,
            secret: s,
            session_seconds,
            factor: Factor::None,
        });
    };

    let message = move || -> Option<String> {
        let Some(Err(e)) = action.value().get() else { return None };
        if e.is_wrong_credentials() {
            return Some(match method.get_untracked() {
                Method::Password => t_string!(i18n, error_bad_credentials).to_string(),
                Method::Keys => t_string!(i18n, error_bad_keys).to_string(),
            });
        }
        let url = state
            .config
            .with_value(|c| c.endpoint(&endpoint_id.get_untracked()).map(|e| e.url.clone()));
        Some(failure_text(i18n, &e, &url.unwrap_or_default()))
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
        let on_submit = Callback::new(move |factor: Factor| {
            if !action.pending().get_untracked() {
                action.dispatch_local(SignInForm { factor, ..step.form.clone() });
            }
        });
        let on_back = Callback::new(move |()| {
            mfa_step.set(None);
            secret.set(String::new());
            action.value().set(None);
        });
        let failed = Signal::derive(move || action.value().get().and_then(Result::err));
        Some(view! { <SecondFactor kinds=step.kinds pending failed on_submit on_back /> })
    };
    let second_step_shown = move || mfa_step.with(Option::is_some);

    view! {
        <section class="card narrow" aria-labelledby="page-heading">
            <PageHeading>{text(i18n, |l| td_string!(l, sign_in_title))}</PageHeading>
            {second_step}
            <div hidden=second_step_shown>
            <p>{text(i18n, |l| td_string!(l, sign_in_intro))}</p>
            <p class="notice" role="status">{notice}</p>
            <form novalidate on:submit=submit>
                {show_endpoints.then(|| view! {
                    <FieldShell field=Field::new("endpoint".into(), Signal::derive(move || t_string!(i18n, sign_in_endpoint).to_string()), None, Signal::stored(None), None)>
                        <select id="endpoint" on:change=move |e| endpoint_id.set(event_target_value(&e)) prop:value=endpoint_id>
                            {endpoints.iter().map(|e| view! { <option value=e.id.clone()>{e.label.clone()}</option> }).collect_view()}
                        </select>
                    </FieldShell>
                })}
                <fieldset class="choices">
                    <legend>{text(i18n, |l| td_string!(l, sign_in_method))}</legend>
                    <label>
                        <input type="radio" name="method" prop:checked=move || method.get() == Method::Password
                            on:change=move |_| switch_method(Method::Password) />
                        {text(i18n, |l| td_string!(l, sign_in_method_password))}
                    </label>
                    <label>
                        <input type="radio" name="method" prop:checked=move || method.get() == Method::Keys
                            on:change=move |_| switch_method(Method::Keys) />
                        {text(i18n, |l| td_string!(l, sign_in_method_keys))}
                    </label>
                </fieldset>
                {move || if method.get() == Method::Password {
                    view! {
                        <FormField id="login" autocomplete="username" required=true
                            label=Signal::derive(move || t_string!(i18n, sign_in_email).to_string())
                            hint=Some(Signal::derive(move || t_string!(i18n, sign_in_login_hint).to_string()))
                            value=login on_input=Callback::new(move |v| login.set(v)) error=required_error(login) />
                        <PasswordInput id="password" autocomplete="current-password" value=secret
                            label=Signal::derive(move || t_string!(i18n, sign_in_password).to_string())
                            error=required_error(secret) />
                    }.into_any()
                } else {
                    view! {
                        <FormField id="access-key" autocomplete="username" required=true
                            label=Signal::derive(move || t_string!(i18n, sign_in_access_key).to_string())
                            value=login on_input=Callback::new(move |v| login.set(v)) error=required_error(login) />
                        <PasswordInput id="secret-key" autocomplete="current-password" value=secret
                            label=Signal::derive(move || t_string!(i18n, sign_in_secret_key).to_string())
                            error=required_error(secret) />
                    }.into_any()
                }}
                <div class="alert" role="alert">{message}</div>
                <SubmitButton label=|l| td_string!(l, sign_in_submit) pending_label=|l| td_string!(l, sign_in_pending) pending />
            </form>
            </div>
        </section>
    }
}
