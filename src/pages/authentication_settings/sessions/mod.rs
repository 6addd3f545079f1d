//! Sessions de la console: where this identity is signed in, one device per session
//! ("Firefox sur Linux", its address, when it signed in and was last active), with
//! "Déconnecter" for each other one and "Déconnecter les autres sessions".

mod devices;

use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::focus_by_id;
use crate::components::loaded::{Load, Loaded};
use crate::components::task::Task;
use crate::components::text::{local_date, tr};
use crate::i18n::*;
use crate::state::AppState;
use devices::{Device, SignOut, Source};

const TITLE_ID: &str = "sessions-title";

#[component]
pub fn SessionsSection(
    /// The endpoint is the account API, with its session calls.
    extensions: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let mine = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.access_key_id.clone()).unwrap_or_default());
    let listed = Task::new();
    let mine = StoredValue::new(mine);
    // `try_`: a sign-out's answer may come after the page is gone.
    let load = move || {
        if let Some(mine) = mine.try_get_value() {
            listed.run(devices::load(api, extensions, mine));
        }
    };
    load();
    // Signing out answers how many sessions went; the list is read again after each.
    let sign_out = Task::<Result<(SignOut, u32), CallError>>::new();
    let send = move |what: SignOut, source: Source, others: Vec<String>| {
        sign_out.run(async move {
            let signed_out = devices::sign_out(api, source, what.clone(), others).await;
            // The button pressed is gone: the section's title keeps the focus in place.
            focus_by_id(TITLE_ID);
            load();
            signed_out.map(|count| (what, count))
        });
    };
    let list = move || listed.value.get().and_then(Result::ok);
    let others = move || {
        let list = list().map(|(_, l)| l).unwrap_or_default();
        list.into_iter().filter(|d| !d.current).map(|d| d.id).collect::<Vec<_>>()
    };
    let ask = Callback::new(move |what: SignOut| {
        let source = list().map_or(Source::ConsoleKeys, |(source, _)| source);
        send(what, source, others());
    });
    let outcome = move || {
        sign_out.value.with(|s| match s {
            Some(Ok((SignOut::One(_), _))) => {
                (true, t_string!(i18n, session_signed_out).to_string())
            }
            Some(Ok((SignOut::Others, count))) => (true, logged_out_text(i18n, *count)),
            Some(Err(e)) => (false, failure_text(i18n, e, &state.current_url(), Failed::Call)),
            None => (true, String::new()),
        })
    };
    let busy = sign_out.pending;

    view! {
        <section class="card" aria-labelledby=TITLE_ID>
            <h2 id=TITLE_ID tabindex="-1">{tr!(i18n, sessions_section)}</h2>
            <p>{tr!(i18n, sessions_intro)}</p>
            <p class=move || if outcome().0 { "success" } else { "alert" } role="status">{move || outcome().1}</p>
            <Loaded load=move || listed.value.with(|l| Load::of(l.as_ref()))
                on_retry=Callback::new(move |()| load())>
                <ul class="plain device-list">
                    // Rows are drawn again when the language changes: plain text inside.
                    {move || list().map(|(_, l)| l).unwrap_or_default().iter().map(|d| device_row(i18n, d, ask, busy)).collect_view()}
                </ul>
                {move || if others().is_empty() {
                    view! { <p class="hint">{tr!(i18n, sessions_none_other)}</p> }.into_any()
                } else {
                    view! {
                        <button type="button" disabled=move || busy.get()
                            on:click=move |_| ask.run(SignOut::Others)>
                            {tr!(i18n, sessions_sign_out_others)}
                        </button>
                    }.into_any()
                }}
            </Loaded>
        </section>
    }
}

/// One session: the device, "Cette session" or a "Déconnecter" button, its address
/// and dates, in the current language.
fn device_row(
    i18n: leptos_i18n::I18nContext<Locale>,
    device: &Device,
    sign_out: Callback<SignOut>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let locale = i18n.get_locale();
    let name_id = format!("device-{}", device.id);
    let created = local_date(&device.created, locale);
    let dates = match &device.last_active {
        Some(active) => {
            t_string!(i18n, device_dates, created, active = local_date(active, locale)).to_string()
        }
        None => {
            let expires = local_date(&device.expires, locale);
            t_string!(i18n, session_dates, created, expires).to_string()
        }
    };
    let details = match &device.ip {
        Some(ip) => format!("{} · {dates}", t_string!(i18n, device_ip, ip = ip.clone())),
        None => dates,
    };
    let id = device.id.clone();
    view! {
        <li class:current=device.current>
            <div>
                <strong id=name_id.clone()>{device_name(i18n, device)}</strong>
                {device.current.then(|| view! { " " <span class="badge">{t_string!(i18n, session_this)}</span> })}
                <span class="hint">{details}</span>
            </div>
            {(!device.current).then(|| view! {
                <button type="button" class="secondary" aria-describedby=name_id
                    disabled=move || busy.get()
                    on:click=move |_| sign_out.run(SignOut::One(id.clone()))>
                    {t_string!(i18n, session_sign_out)}
                </button>
            })}
        </li>
    }
}

/// "Firefox sur Linux", or what is known of it.
fn device_name(i18n: leptos_i18n::I18nContext<Locale>, d: &Device) -> String {
    match (&d.browser, &d.os) {
        (Some(browser), Some(os)) => {
            t_string!(i18n, device_named, browser = browser.clone(), os = os.clone()).to_string()
        }
        (Some(known), None) | (None, Some(known)) => known.clone(),
        (None, None) => t_string!(i18n, device_unknown).to_string(),
    }
}

/// "3 autres sessions ont été déconnectées."
pub(super) fn logged_out_text(i18n: leptos_i18n::I18nContext<Locale>, count: u32) -> String {
    match count {
        0 => t_string!(i18n, logged_out_none).to_string(),
        1 => t_string!(i18n, logged_out_one).to_string(),
        count => t_string!(i18n, logged_out_many, count).to_string(),
    }
}
