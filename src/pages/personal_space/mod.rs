//! Espace personnel: the account's information (ReadAccounts), and its edit panel
//! (UpdateAccount).

mod country;
mod details;
mod edit_fields;
mod edit_form;
mod labels;

use account_contract::Account;
use leptos::prelude::*;

use crate::api::use_api;
use crate::components::form::focus_by_id;
use crate::components::icons::{self, Icon};
use crate::components::loaded::{Load, Loaded};
use crate::components::page_heading::PageHeading;
use crate::components::task::Task;
use crate::components::text::tr;
use crate::components::unset::Unset;
use crate::i18n::*;
use details::AccountDetails;
use edit_form::EditForm;

/// The Modifier button; the focus returns to it when the edit panel closes.
const EDIT_ID: &str = "edit-account";

#[component]
pub fn PersonalSpace() -> impl IntoView {
    let state = expect_context::<crate::state::AppState>();
    if state.session.with_untracked(|s| s.as_ref().is_some_and(|s| s.is_user())) {
        view! { <UserSpace /> }.into_any()
    } else {
        view! { <AccountSpace /> }.into_any()
    }
}

/// What an EIM user sees: who they are, read-only. The account's information is
/// the account's to manage.
#[component]
fn UserSpace() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<crate::state::AppState>();
    let session = state.session.get_untracked().unwrap_or_else(|| unreachable!("RequireSession"));
    let rows = [
        (tr!(i18n, field_login), session.login.clone()),
        (tr!(i18n, field_user_name), session.user_name.clone().unwrap_or_default()),
        (tr!(i18n, field_user_email), session.user_email.clone().unwrap_or_default()),
        (tr!(i18n, field_account_id), session.account_id.clone()),
    ];
    view! {
        <PageHeading text=tr!(personal_space_title) />
        <p class="intro">{tr!(i18n, user_space_intro)}</p>
        <section class="card" aria-labelledby="page-heading">
            <dl>
                {rows.into_iter().map(|(label, value)| view! {
                    <div class="row read-only">
                        <dt>{label}</dt>
                        {if value.is_empty() {
                            view! { <dd class="unset"><Unset /></dd> }.into_any()
                        } else {
                            view! { <dd>{value}</dd> }.into_any()
                        }}
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}

/// The account's own space: its information, and the edit panel.
#[component]
fn AccountSpace() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let loaded = Task::new();
    let load = move || loaded.run(api.read_account());
    load();
    // What Sauvegarder got back: newer than what was loaded.
    let updated = RwSignal::new(None::<Account>);
    let account =
        Memo::new(move |_| updated.get().or_else(|| loaded.value.get().and_then(Result::ok)));
    let editing = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let on_saved = Callback::new(move |account: Account| {
        updated.set(Some(account));
        editing.set(false);
        saved.set(true);
        focus_by_id(EDIT_ID);
    });
    let on_cancel = Callback::new(move |()| {
        editing.set(false);
        focus_by_id(EDIT_ID);
    });
    let start_editing = move |_| {
        saved.set(false);
        editing.set(true);
    };

    view! {
        <PageHeading text=tr!(personal_space_title) />
        <p class="intro">{tr!(i18n, personal_space_intro)}</p>
        <p class="success" role="status">
            {move || saved.get().then(|| tr!(i18n, saved))}
        </p>
        <Loaded load=move || loaded.value.with(|a| Load::of(a.as_ref())) on_retry=Callback::new(move |()| load())>
                <Show
                    when=move || editing.get()
                    fallback=move || view! {
                        <div class="toolbar">
                            <button type="button" class="primary with-icon" id=EDIT_ID on:click=start_editing>
                                <Icon path=icons::EDIT />
                                {tr!(i18n, edit)}
                            </button>
                        </div>
                        <AccountDetails account=account.into() />
                    }
                >
                    <EditForm original=account.get_untracked().unwrap_or_default() on_saved on_cancel />
                </Show>
        </Loaded>
    }
}
