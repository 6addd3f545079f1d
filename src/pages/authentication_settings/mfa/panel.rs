//! The panel under the list: one form for every change to second factors. It asks for
//! what its change needs (a name, the password again, a first code) and shows an
//! authenticator app's QR code; the section's action sends it.

use account_contract::validation::check_mfa_device_name;
use account_contract::{MfaDeviceType, TotpSetup, MFA_DEVICE_NAME_MAX_CHARS};
use leptos::prelude::*;

use super::change::{Panel, Typed};
use crate::api::CallError;
use crate::components::copy_button::CopyButton;
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{self, focus_by_id, FormField, PasswordInput, SubmitButton};
use crate::components::problem_text::item_text;
use crate::components::text::{text, tr, Translation};
use crate::i18n::*;
use crate::state::AppState;

const NAME_ID: &str = "mfa-device-name";
const PASSWORD_ID: &str = "mfa-password";
const CODE_ID: &str = "mfa-code";
/// Light modules around a QR code, as its standard asks.
const QUIET_ZONE: usize = 4;

/// One SVG path for a QR code's dark modules (the API sends rows of `1` and `0`), so
/// the code is drawn with no image and no script, as the CSP wants.
fn qr_path(rows: &[String]) -> String {
    let mut path = String::new();
    for (y, row) in rows.iter().enumerate() {
        for (x, _) in row.bytes().enumerate().filter(|(_, m)| *m == b'1') {
            path += &format!("M{} {}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE);
        }
    }
    path
}

/// `JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`, easier to copy by eye.
fn grouped(secret: &str) -> String {
    let groups: Vec<&str> =
        secret.as_bytes().chunks(4).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    groups.join(" ")
}

fn totp_setup(i18n: leptos_i18n::I18nContext<Locale>, setup: TotpSetup) -> impl IntoView {
    let size = setup.qr_code.len() + 2 * QUIET_ZONE;
    view! {
        <svg class="qr" viewBox=format!("0 0 {size} {size}") role="img"
            aria-label=move || t_string!(i18n, mfa_qr_label).to_string()>
            <rect width=size height=size fill="#fff" />
            <path d=qr_path(&setup.qr_code) fill="#000" />
        </svg>
        <p>{tr!(i18n, mfa_secret_intro)}</p>
        <p class="secret">
            <span id="mfa-secret-label">{tr!(i18n, mfa_secret)}</span>
            " "
            <code id="mfa-secret" aria-labelledby="mfa-secret-label mfa-secret">{grouped(&setup.secret)}</code>
            " "
            <CopyButton value=setup.secret field=tr!(i18n, mfa_secret) />
        </p>
    }
}

/// The panel's heading and its button.
fn wording(panel: &Panel) -> (Translation, Translation) {
    match panel {
        Panel::Add(MfaDeviceType::Totp) => (tr!(mfa_add_totp), tr!(mfa_continue)),
        Panel::Add(MfaDeviceType::Webauthn) => (tr!(mfa_add_key), tr!(mfa_continue)),
        Panel::Activate { .. } => (tr!(mfa_scan_title), tr!(mfa_activate)),
        Panel::Remove(_) => (tr!(mfa_remove), tr!(mfa_remove)),
        _ => (tr!(mfa_new_codes), tr!(mfa_new_codes)),
    }
}

/// What the panel says first: what to do, or (to remove one) which factor goes.
fn introduction(i18n: leptos_i18n::I18nContext<Locale>, panel: &Panel) -> String {
    let locale = i18n.get_locale();
    match panel {
        Panel::Add(MfaDeviceType::Totp) => td_string!(locale, mfa_add_totp_intro).to_owned(),
        Panel::Add(MfaDeviceType::Webauthn) => td_string!(locale, mfa_add_key_intro).to_owned(),
        Panel::Activate { .. } => td_string!(locale, mfa_scan_intro).to_owned(),
        Panel::Remove(d) => t_string!(i18n, mfa_remove_intro, name = d.name.clone()).to_string(),
        _ => td_string!(locale, mfa_new_codes_intro).to_owned(),
    }
}

#[component]
pub fn ChangePanel(
    panel: Panel,
    #[prop(into)] pending: Signal<bool>,
    /// What the last try answered, when it failed.
    #[prop(into)]
    failed: Signal<Option<CallError>>,
    on_submit: Callback<Typed>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let (name, password, code) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let naming = matches!(panel, Panel::Add(_));
    let setup = match &panel {
        Panel::Activate { setup, .. } => Some(setup.clone()),
        _ => None,
    };
    let activating = setup.is_some();
    // Checked here before sending: (name, password, code) left empty or wrong.
    let local = RwSignal::new((None::<String>, false, false));
    // The API's field error on `field`, in the reader's language.
    let field_error = move |field: &'static str, max: usize| {
        failed.with(|f| {
            let errors = f.as_ref()?.field_errors();
            let (_, item) = errors.into_iter().find(|(name, _)| name == field)?;
            Some(item_text(i18n.get_locale(), &item, max))
        })
    };
    let required = move || t_string!(i18n, error_required).to_string();
    let name_error = Signal::derive(move || {
        local.get().0.or_else(|| field_error("Name", MFA_DEVICE_NAME_MAX_CHARS))
    });
    let password_error = Signal::derive(move || {
        if local.get().1 {
            return Some(required());
        }
        field_error("CurrentPassword", 0).map(|_| t_string!(i18n, wrong_password).to_string())
    });
    let code_error = Signal::derive(move || {
        if local.get().2 {
            return Some(required());
        }
        field_error("Code", 0).map(|_| t_string!(i18n, mfa_code_wrong).to_string())
    });
    let alert = move || {
        let shown = ["Name", "CurrentPassword", "Code"];
        let url = state.current_url();
        failed.with(|f| {
            let e = f.as_ref()?;
            let on_a_field = e.field_errors().iter().any(|(f, _)| shown.contains(&f.as_str()));
            (!on_a_field).then(|| failure_text(i18n, e, &url, Failed::Call))
        })
    };

    let submit = form::on_submit(pending, move || {
        let typed = Typed {
            name: name.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            code: code.get_untracked().chars().filter(|c| !c.is_whitespace()).collect(),
        };
        let name_problem = naming
            .then(|| check_mfa_device_name("Name", &typed.name).err())
            .flatten()
            .map(|e| item_text(i18n.get_locale(), &e.items[0], MFA_DEVICE_NAME_MAX_CHARS));
        let check = (
            name_problem,
            !activating && typed.password.is_empty(),
            activating && typed.code.is_empty(),
        );
        let first_wrong = match &check {
            (Some(_), ..) => Some(NAME_ID),
            (_, true, _) => Some(PASSWORD_ID),
            (_, _, true) => Some(CODE_ID),
            _ => None,
        };
        local.set(check);
        match first_wrong {
            Some(id) => focus_by_id(id),
            None => on_submit.run(typed),
        }
    });
    let (title, button) = wording(&panel);
    let intro = move || introduction(i18n, &panel);
    focus_by_id(if naming {
        NAME_ID
    } else if activating {
        CODE_ID
    } else {
        PASSWORD_ID
    });

    view! {
        <form class="panel" novalidate on:submit=submit aria-labelledby="mfa-panel-title">
            <h3 id="mfa-panel-title">{text(i18n, title)}</h3>
            <p>{intro}</p>
            {setup.map(|s| totp_setup(i18n, s))}
            {naming.then(|| view! {
                <FormField id=NAME_ID required=true max_chars=MFA_DEVICE_NAME_MAX_CHARS
                    label=tr!(i18n, mfa_device_name)
                    hint=tr!(i18n, mfa_device_name_hint)
                    value=name on_input=Callback::new(move |v| name.set(v)) error=name_error />
            })}
            {if activating {
                view! {
                    <FormField id=CODE_ID autocomplete="one-time-code" input_mode="numeric" required=true
                        label=tr!(i18n, mfa_code)
                        hint=tr!(i18n, mfa_code_hint)
                        value=code on_input=Callback::new(move |v| code.set(v)) error=code_error />
                }.into_any()
            } else {
                view! {
                    <PasswordInput id=PASSWORD_ID autocomplete="current-password" value=password
                        label=tr!(i18n, current_password)
                        error=password_error />
                }.into_any()
            }}
            <div class="alert" role="alert">{alert}</div>
            <div class="actions">
                <SubmitButton label=text(i18n, button) pending_label=tr!(i18n, checking) pending />
                <button type="button" on:click=move |_| on_cancel.run(())>{tr!(i18n, cancel)}</button>
            </div>
        </form>
    }
}
