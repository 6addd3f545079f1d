//! Mot de passe → Modifier, in two steps: [`ConfirmIdentity`] checks the current
//! password (Se connecter, CheckAuthentication), [`ChooseNew`] sets the new one
//! (Modifier, UpdatePassword). An EIM user without a password starts at the second.
//!
//! Each step owns its fields, its action and what its action answered; this section
//! says which step shows, keeps the current password from one step to the next
//! (and back, if the second finds it changed), and says when it is done.

mod choose_new;
mod confirm_identity;

use leptos::prelude::*;

use super::sessions::logged_out_text;
use crate::components::form::focus_by_id;
use crate::components::text::{text_while, tr};
use crate::i18n::*;
use crate::state::AppState;
use choose_new::ChooseNew;
use confirm_identity::ConfirmIdentity;

/// The button that opens the steps; the focus returns to it when they close.
const OPEN_ID: &str = "password-open";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Closed,
    /// `refused`: the second step found the current password wrong.
    ConfirmIdentity {
        refused: bool,
    },
    ChooseNew,
}

/// What a change did: whether it created the password, and how many other
/// sessions it signed out.
#[derive(Clone, Copy)]
pub struct Done {
    created: bool,
    logged_out: u32,
}

#[component]
pub fn PasswordSection(supported: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let step = RwSignal::new(Step::Closed);
    // A step is built again only when the step changes.
    let showing = Memo::new(move |_| step.get());
    // Typed at the first step, sent with the second.
    let current = RwSignal::new(String::new());
    let done = RwSignal::new(None::<Done>);
    // An EIM user without a password sets one up: no current password to check.
    let setting_up =
        Memo::new(move |_| state.session.with(|s| s.as_ref().is_some_and(|s| !s.has_password)));
    let login =
        move || state.session.with(|s| s.as_ref().map(|s| s.login.clone()).unwrap_or_default());
    let is_user = state.session.with_untracked(|s| s.as_ref().is_some_and(|s| s.is_user()));

    let close = Callback::new(move |()| {
        current.set(String::new());
        step.set(Step::Closed);
        focus_by_id(OPEN_ID);
    });
    let open = move |_| {
        done.set(None);
        step.set(if setting_up.get_untracked() {
            Step::ChooseNew
        } else {
            Step::ConfirmIdentity { refused: false }
        });
    };
    let on_confirmed = Callback::new(move |()| step.set(Step::ChooseNew));
    let on_refused = Callback::new(move |()| step.set(Step::ConfirmIdentity { refused: true }));
    let on_done = Callback::new(move |d: Done| {
        done.set(Some(d));
        close.run(());
    });

    let done_text = move || {
        done.get().map(|d| {
            let sessions = logged_out_text(i18n, d.logged_out);
            let updated = if d.created {
                t_string!(i18n, password_created).to_string()
            } else {
                t_string!(i18n, password_updated).to_string()
            };
            format!("{updated} {sessions}")
        })
    };
    let steps = move || match showing.get() {
        Step::Closed => view! {
            <p>
                {move || if setting_up.get() {
                    t_string!(i18n, password_none, login = login()).to_string()
                } else {
                    t_string!(i18n, password_section_intro).to_string()
                }}
            </p>
            {is_user.then(|| view! {
                <p class="hint">
                    {tr!(i18n, password_eim_note)}" "
                    <a href=tr!(i18n, eim_users_doc_url)>{tr!(i18n, eim_users_doc)}</a>
                </p>
            })}
            <button type="button" class="primary" id=OPEN_ID on:click=open>
                {text_while(i18n, setting_up.into(), tr!(setup_password), tr!(password_update))}
            </button>
        }
        .into_any(),
        Step::ConfirmIdentity { refused } => {
            view! { <ConfirmIdentity current refused on_confirmed on_cancel=close /> }.into_any()
        }
        Step::ChooseNew => {
            let current = (!setting_up.get_untracked()).then_some(current);
            view! { <ChooseNew current on_done on_refused on_cancel=close /> }.into_any()
        }
    };

    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{tr!(i18n, password_section)}</h2>
            <p class="success" role="status">{done_text}</p>
            {if supported {
                steps.into_any()
            } else {
                view! { <p class="notice">{tr!(i18n, password_elsewhere)}</p> }.into_any()
            }}
        </section>
    }
}
