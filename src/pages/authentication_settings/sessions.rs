//! The console's open sessions for this account (its tagged, temporary access
//! keys), with a way to sign out all the others.

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::text::{local_date, text};
use crate::i18n::*;
use crate::state::AppState;

#[component]
pub fn SessionsSection() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let sessions = LocalResource::new(move || api.console_sessions());
    let mine = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.access_key_id.clone()).unwrap_or_default());
    let mine = StoredValue::new(mine);

    let sign_out_others = Action::new_local(move |ids: &Vec<String>| {
        let ids = ids.clone();
        async move {
            let mut result = Ok(());
            for id in ids {
                result = api.end_other_session(id).await;
                if result.is_err() {
                    break;
                }
            }
            sessions.refetch();
            result
        }
    });
    let signed_out = move || sign_out_others.value().with(|r| matches!(r, Some(Ok(()))));
    let others = move || -> Vec<String> {
        match sessions.get() {
            Some(Ok(list)) => list
                .iter()
                .filter(|k| k.expiration_date.is_some())
                .filter_map(|k| k.access_key_id.clone())
                .filter(|id| *id != mine.get_value())
                .collect(),
            _ => Vec::new(),
        }
    };

    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{text(i18n, |l| td_string!(l, sessions_section))}</h2>
            <p>{text(i18n, |l| td_string!(l, sessions_intro))}</p>
            <p class="success" role="status">{move || signed_out().then(|| text(i18n, |l| td_string!(l, sessions_signed_out)))}</p>
            {move || match sessions.get() {
                None => view! { <p aria-busy="true">{text(i18n, |l| td_string!(l, loading))}</p> }.into_any(),
                Some(Err(_)) => view! { <p class="alert">{text(i18n, |l| td_string!(l, load_failed))}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="plain session-list">
                        {list.into_iter().map(|k| {
                            let this = k.access_key_id.as_deref() == Some(mine.get_value().as_str());
                            let created = k.creation_date.clone().unwrap_or_default();
                            let expires = k.expiration_date.clone().unwrap_or_default();
                            view! {
                                <li class:current=this>
                                    <strong>{move || if this { text(i18n, |l| td_string!(l, session_this)).into_any() } else { text(i18n, |l| td_string!(l, session_other)).into_any() }}</strong>
                                    " — "
                                    <span>{move || {
                                        let locale = i18n.get_locale();
                                        t_string!(i18n, session_dates, created = local_date(&created, locale), expires = local_date(&expires, locale)).to_string()
                                    }}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {move || if others().is_empty() {
                view! { <p class="hint">{text(i18n, |l| td_string!(l, sessions_none_other))}</p> }.into_any()
            } else {
                view! {
                    <button type="button" on:click=move |_| { sign_out_others.dispatch_local(others()); }>
                        {text(i18n, |l| td_string!(l, sessions_sign_out_others))}
                    </button>
                }.into_any()
            }}
        </section>
    }
}
