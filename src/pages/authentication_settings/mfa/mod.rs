//! Authentification multifacteur: the identity's second factors (ReadMfaDevices), and
//! one panel under the list for every change ([`ChangePanel`]: add an authenticator
//! app or a security key, remove one, new recovery codes), sent by one action
//! ([`change::apply`]); new recovery codes are shown once ([`RecoveryCodes`]).

mod change;
mod panel;
mod recovery_codes;

use account_contract::{ErrorCode, MfaDevice, MfaDeviceType};
use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::form::focus_by_id;
use crate::components::loaded::{Load, Loaded};
use crate::components::task::Task;
use crate::components::text::{local_date, tr};
use crate::i18n::*;
use change::{Done, Panel, Typed};
use panel::ChangePanel;
use recovery_codes::RecoveryCodes;

/// The section's heading: the focus goes back to it when a panel closes.
const TITLE_ID: &str = "mfa-title";

fn done_text(locale: Locale, done: Done) -> &'static str {
    match done {
        Done::Added => td_string!(locale, mfa_added),
        Done::Removed => td_string!(locale, mfa_removed),
        Done::TurnedOff => td_string!(locale, mfa_turned_off),
        Done::NewCodes => td_string!(locale, mfa_codes_made),
    }
}

fn kind_text(locale: Locale, kind: MfaDeviceType) -> &'static str {
    match kind {
        MfaDeviceType::Totp => td_string!(locale, mfa_kind_totp),
        MfaDeviceType::Webauthn => td_string!(locale, mfa_kind_key),
    }
}

/// One second factor: its name, kind and dates, and Supprimer.
fn device_row(
    i18n: leptos_i18n::I18nContext<Locale>,
    device: MfaDevice,
    open: impl Fn(Panel) + Copy + 'static,
) -> impl IntoView {
    let name = device.name.clone();
    let row = device.clone();
    let dates = move || {
        let locale = i18n.get_locale();
        let added = local_date(&device.creation_date, locale);
        let used = match &device.last_used_date {
            Some(date) => local_date(date, locale),
            None => td_string!(locale, mfa_never_used).to_owned(),
        };
        t_string!(i18n, mfa_device_dates, added, used).to_string()
    };
    let remove_label = {
        let name = name.clone();
        move || t_string!(i18n, mfa_remove_label, name = name.clone()).to_string()
    };
    let kind = row.kind;
    view! {
        <li>
            <div>
                <strong>{name}</strong>
                " · " {move || kind_text(i18n.get_locale(), kind)}
                <span class="hint">{dates}</span>
            </div>
            <button type="button" class="small" aria-label=remove_label
                on:click=move |_| open(Panel::Remove(row.clone()))>
                {tr!(i18n, mfa_remove)}
            </button>
        </li>
    }
}

#[component]
pub fn MfaSection(supported: bool) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let devices = Task::new();
    let load = move || devices.run(api.read_mfa_devices());
    load();
    let panel = RwSignal::new(Panel::Closed);
    // A panel is built again only when the panel changes.
    let showing = Memo::new(move |_| panel.get());
    let done = RwSignal::new(None::<Done>);

    let change = Task::<Result<(), CallError>>::new();
    let send = move |which: Panel, typed: Typed| {
        change.run(async move {
            let (next, what) = change::apply(api, which, typed).await?;
            if what.is_some() {
                done.set(what);
                load();
            }
            if next == Panel::Closed {
                focus_by_id(TITLE_ID);
            }
            panel.set(next);
            Ok::<(), CallError>(())
        });
    };
    let failed = Signal::derive(move || change.value.get().and_then(Result::err));
    let open = move |p: Panel| {
        done.set(None);
        change.value.set(None);
        panel.set(p);
    };
    let close = Callback::new(move |()| {
        panel.set(Panel::Closed);
        focus_by_id(TITLE_ID);
    });

    // Whether the identity has second factors (the list and "new recovery codes" then).
    let on = Memo::new(move |_| {
        devices.value.with(|d| matches!(d, Some(Ok(r)) if !r.mfa_devices.is_empty()))
    });
    let panel_view = move || {
        match showing.get() {
        Panel::Closed => view! {
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| open(Panel::Add(MfaDeviceType::Totp))>
                    {tr!(i18n, mfa_add_totp)}
                </button>
                <button type="button" on:click=move |_| open(Panel::Add(MfaDeviceType::Webauthn))>
                    {tr!(i18n, mfa_add_key)}
                </button>
                <Show when=move || on.get()>
                    <button type="button" on:click=move |_| open(Panel::NewCodes)>
                        {tr!(i18n, mfa_new_codes)}
                    </button>
                </Show>
            </div>
        }
        .into_any(),
        Panel::Codes(codes) => view! { <RecoveryCodes codes on_close=close /> }.into_any(),
        which => {
            let sent = which.clone();
            let on_submit = Callback::new(move |typed: Typed| {
                send(sent.clone(), typed);
            });
            view! { <ChangePanel panel=which pending=change.pending failed on_submit on_cancel=close /> }
                .into_any()
        }
    }
    };
    let list = move || {
        devices.value.with(|d| match d {
            Some(Ok(r)) if !r.mfa_devices.is_empty() => {
                let left = r.recovery_codes_left;
                let rows = r.mfa_devices.clone();
                view! {
                    <ul class="plain device-list">
                        {rows.into_iter().map(|d| device_row(i18n, d, open)).collect_view()}
                    </ul>
                    <p>{move || t_string!(i18n, mfa_codes_left, count = left).to_string()}</p>
                }
                .into_any()
            }
            _ => view! { <p><strong>{tr!(i18n, mfa_off)}</strong></p> }.into_any(),
        })
    };
    // An API without this extension (an older server): as on OUTSCALE's own.
    let no_such_call = Memo::new(move |_| {
        devices.value.with(
            |d| matches!(d, Some(Err(CallError::Api(e))) if e.has_code(ErrorCode::NoSuchCall)),
        )
    });
    let body = move || {
        if no_such_call.get() {
            return elsewhere(i18n).into_any();
        }
        view! {
            <Loaded load=move || devices.value.with(|d| Load::of(d.as_ref()))
                on_retry=Callback::new(move |()| load())>
                {list}
                {panel_view}
            </Loaded>
        }
        .into_any()
    };

    view! {
        <section class="card" aria-labelledby=TITLE_ID>
            <h2 id=TITLE_ID tabindex="-1">{tr!(i18n, mfa_section)}</h2>
            <p>{tr!(i18n, mfa_intro)}</p>
            <p class="hint">{tr!(i18n, mfa_keys_note)}</p>
            <p class="success" role="status">{move || done.get().map(|d| done_text(i18n.get_locale(), d))}</p>
            {if supported { body.into_any() } else { elsewhere(i18n).into_any() }}
        </section>
    }
}

/// On OUTSCALE's own API, second factors are managed in Cockpit.
fn elsewhere(i18n: leptos_i18n::I18nContext<Locale>) -> impl IntoView {
    view! { <p class="notice">{tr!(i18n, mfa_elsewhere)}</p> }
}
