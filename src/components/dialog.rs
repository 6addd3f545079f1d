//! What the console's modal dialogs share (the re-authentication, a deletion's
//! confirmation): `showModal` makes the page behind inert; Tab is kept inside.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Keeps Tab and Shift+Tab among the dialog's own visible controls.
pub fn keep_tab_inside(dialog: &web_sys::HtmlDialogElement, e: &web_sys::KeyboardEvent) {
    let Ok(list) = dialog.query_selector_all("input, button, a[href]") else { return };
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|c| c.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
    let active = document().active_element();
    let at = |c: &web_sys::HtmlElement| active.as_ref() == Some(c.unchecked_ref());
    let to = match e.shift_key() {
        true if at(first) => last,
        false if at(last) => first,
        _ => return,
    };
    e.prevent_default();
    let _ = to.focus();
}

/// A deletion's confirmation: a modal `<dialog>` titled `title`, saying `intro`, with
/// `confirm` and Annuler. Annuler has the focus first (the safe answer); Escape is
/// Annuler; Tab stays inside. Its parts' ids are `{id}-title`, `{id}-intro` and
/// `{id}-cancel`. The caller moves the focus afterwards.
#[component]
pub fn ConfirmDialog(
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] intro: Signal<String>,
    #[prop(into)] confirm: Signal<String>,
    on_answer: Callback<bool>,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let answer = move |confirmed: bool| {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        on_answer.run(confirmed);
    };
    let cancel_id = format!("{id}-cancel");
    let first = cancel_id.clone();
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
            crate::components::form::focus_by_id(&first);
        }
    });
    view! {
        <dialog node_ref=dialog class="confirm card" aria-modal="true"
            aria-labelledby=format!("{id}-title") aria-describedby=format!("{id}-intro")
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
            <h2 id=format!("{id}-title")>{title}</h2>
            <p id=format!("{id}-intro")>{intro}</p>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| answer(true)>
                    {confirm}
                </button>
                <button type="button" id=cancel_id on:click=move |_| answer(false)>
                    {crate::components::text::tr!(i18n, cancel)}
                </button>
            </div>
        </dialog>
    }
}
