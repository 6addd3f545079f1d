//! Supprimer's confirmation: a modal `<dialog>` naming the user, and, when the API
//! refused the deletion because the user still has access keys, saying that those
//! keys go first. Annuler has the focus first (the safe answer); Escape is Annuler;
//! Tab stays inside. The page moves the focus afterwards.

use leptos::prelude::*;

use crate::components::dialog::keep_tab_inside;
use crate::components::text::tr;
use crate::i18n::*;

const CANCEL_ID: &str = "user-delete-cancel";

/// The deletion asked: the user, and how many keys it still has if the API said so.
#[derive(Clone, PartialEq)]
pub struct Asked {
    pub user_name: String,
    pub keys: Option<usize>,
}

#[component]
pub fn ConfirmDeleteUser(asked: Asked, on_answer: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let answer = move |confirmed: bool| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        on_answer.run(confirmed);
    };
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
            crate::components::form::focus_by_id(CANCEL_ID);
        }
    });
    let Asked { user_name, keys } = asked;
    let title = {
        let user = user_name.clone();
        move || t_string!(i18n, users_delete_title, user = user.clone()).to_string()
    };
    let intro = move || match keys {
        Some(count) => {
            t_string!(i18n, users_delete_keys_intro, user = user_name.clone(), n = count)
                .to_string()
        }
        None => t_string!(i18n, users_delete_intro, user = user_name.clone()).to_string(),
    };
    let confirm = match keys {
        Some(_) => tr!(i18n, users_delete_with_keys),
        None => tr!(i18n, users_delete),
    };

    view! {
        <dialog node_ref=dialog class="confirm card" aria-modal="true"
            aria-labelledby="user-delete-title" aria-describedby="user-delete-intro"
            on:cancel=move |e: web_sys::Event| {
                e.prevent_default();
                answer(false);
            }
            on:keydown=move |e| {
                if e.key() == "Tab" {
                    if let Some(d) = dialog.get_untracked() {
                        keep_tab_inside(&d, &e);
                    }
                }
            }>
            <h2 id="user-delete-title">{title}</h2>
            <p id="user-delete-intro">{intro}</p>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| answer(true)>
                    {confirm}
                </button>
                <button type="button" id=CANCEL_ID on:click=move |_| answer(false)>
                    {tr!(i18n, cancel)}
                </button>
            </div>
        </dialog>
    }
}
