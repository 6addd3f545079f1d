//! Supprimer's confirmation: a modal `<dialog>` that names the key. Annuler has the
//! focus first (the safe answer); Escape is Annuler; Tab stays inside. The section
//! moves the focus afterwards (the row's button, or the section's title once the
//! key is gone).

use leptos::prelude::*;

use crate::components::dialog::keep_tab_inside;
use crate::components::text::tr;
use crate::i18n::*;

const CANCEL_ID: &str = "key-delete-cancel";

#[component]
pub fn ConfirmDelete(key_id: String, on_answer: Callback<bool>) -> impl IntoView {
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
            if let Some(cancel) = document().get_element_by_id(CANCEL_ID) {
                use wasm_bindgen::JsCast;
                let _ = cancel.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    });
    let title = move || t_string!(i18n, keys_delete_title, id = key_id.clone()).to_string();

    view! {
        <dialog node_ref=dialog class="confirm card" aria-modal="true"
            aria-labelledby="key-delete-title" aria-describedby="key-delete-intro"
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
            <h2 id="key-delete-title">{title}</h2>
            <p id="key-delete-intro">{tr!(i18n, keys_delete_intro)}</p>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| answer(true)>
                    {tr!(i18n, keys_delete)}
                </button>
                <button type="button" id=CANCEL_ID on:click=move |_| answer(false)>
                    {tr!(i18n, cancel)}
                </button>
            </div>
        </dialog>
    }
}
