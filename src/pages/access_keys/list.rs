//! The keys, one row each: the access key ID, its state, creation and expiration, its
//! tag, its last use (date and address) where the API tells it, and Activer /
//! Désactiver and Supprimer. A change refused or failed is said in its key's row.

use account_contract::{AccessKey, KeyState};
use leptos::prelude::*;

use super::Change;
use crate::components::text::local_date;
use crate::i18n::*;

/// The id of the button that makes `change` on key `id`: the focus goes back to it.
pub fn button_id(id: &str, change: &Change) -> String {
    match change {
        Change::Delete { .. } => format!("key-{id}-delete"),
        Change::Activate(_) | Change::Deactivate(_) => format!("key-{id}-state"),
    }
}

#[component]
pub fn KeyList(
    #[prop(into)] keys: Signal<Vec<AccessKey>>,
    /// The key this session signs with, if listed.
    in_use: Option<String>,
    /// The API tells last uses (absent: never used); OUTSCALE's does not.
    last_use_known: bool,
    on_change: Callback<Change>,
    /// A key's problem, as (access key ID, text).
    #[prop(into)]
    problem: Signal<Option<(String, String)>>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let in_use = StoredValue::new(in_use);
    // Rows are drawn again when the list, a problem or the language changes: plain
    // text inside.
    let rows = move || {
        let problem = problem.get();
        let rows = keys.get().into_iter().map(|key| {
            let id = key.access_key_id.clone().unwrap_or_default();
            let said = problem.as_ref().filter(|(p, _)| *p == id).map(|(_, text)| text.clone());
            let this = in_use.with_value(|k| k.as_deref() == Some(id.as_str()));
            key_row(i18n, key, this, last_use_known, said, on_change, busy)
        });
        rows.collect_view()
    };
    view! {
        {move || keys.with(Vec::is_empty).then(|| view! { <p>{t_string!(i18n, keys_none)}</p> })}
        <ul class="plain device-list key-list">{rows}</ul>
    }
}

/// One key, in the current language.
fn key_row(
    i18n: leptos_i18n::I18nContext<Locale>,
    key: AccessKey,
    in_use: bool,
    last_use_known: bool,
    problem: Option<String>,
    on_change: Callback<Change>,
    busy: Signal<bool>,
) -> impl IntoView {
    let locale = i18n.get_locale();
    let id = key.access_key_id.clone().unwrap_or_default();
    let active = key.state.as_deref() == Some(KeyState::Active.as_str());
    let (name_id, problem_id) = (format!("key-{id}"), format!("key-{id}-problem"));
    let created = local_date(key.creation_date.as_deref().unwrap_or_default(), locale);
    let mut dates = vec![t_string!(i18n, keys_created, date = created).to_string()];
    dates.push(match &key.expiration_date {
        Some(at) => t_string!(i18n, keys_expires, date = local_date(at, locale)).to_string(),
        None => t_string!(i18n, keys_never_expires).to_string(),
    });
    if let Some(tag) = &key.tag {
        dates.push(t_string!(i18n, keys_tag, tag = tag.clone()).to_string());
    }
    let last_use = match (&key.last_used_date, &key.last_used_client_ip) {
        (Some(at), Some(ip)) => Some(
            t_string!(i18n, keys_last_used, date = local_date(at, locale), ip = ip.clone())
                .to_string(),
        ),
        (Some(at), None) => {
            Some(t_string!(i18n, keys_last_used_on, date = local_date(at, locale)).to_string())
        }
        _ if last_use_known => Some(t_string!(i18n, keys_never_used).to_string()),
        _ => None,
    };
    let state_text = match active {
        true => t_string!(i18n, keys_state_active),
        false => t_string!(i18n, keys_state_inactive),
    };
    let toggle = match active {
        true => Change::Deactivate(id.clone()),
        false => Change::Activate(id.clone()),
    };
    let toggle_text = match active {
        true => t_string!(i18n, keys_deactivate),
        false => t_string!(i18n, keys_activate),
    };
    let delete = Change::Delete { id: id.clone(), active };
    let described = match problem.is_some() {
        true => format!("{name_id} {problem_id}"),
        false => name_id.clone(),
    };
    view! {
        <li class:current=in_use>
            <div>
                <strong id=name_id.clone() class="mono">{id.clone()}</strong>
                " " <span class="badge">{state_text}</span>
                {in_use.then(|| view! { " " <span class="badge">{t_string!(i18n, keys_in_use)}</span> })}
                <span class="hint">{dates.join(" · ")}</span>
                {last_use.map(|text| view! { <span class="hint last-use">{text}</span> })}
                {problem.map(|text| view! { <p class="alert" role="alert" id=problem_id.clone()>{text}</p> })}
            </div>
            <div class="actions">
                <button type="button" class="small" id=button_id(&id, &toggle)
                    aria-describedby=described.clone() disabled=move || busy.get()
                    on:click=move |_| on_change.run(toggle.clone())>
                    {toggle_text}
                </button>
                <button type="button" class="small" id=button_id(&id, &delete)
                    aria-describedby=described disabled=move || busy.get()
                    on:click=move |_| on_change.run(delete.clone())>
                    {t_string!(i18n, keys_delete)}
                </button>
            </div>
        </li>
    }
}
