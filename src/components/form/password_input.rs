//! A password input with a show/hide button that is focusable, labelled and
//! says its state (`aria-pressed`).

use leptos::prelude::*;

use super::{Field, FieldShell};
use crate::components::text::{text_while, tr};
use crate::i18n::*;

#[component]
pub fn PasswordInput(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    autocomplete: &'static str,
    /// More ids the input is described by (a checklist, say).
    #[prop(optional, into)]
    described_by: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    let field = Field::new(id, label, None, error, described_by);
    let toggle_label = move || {
        let field = label.get();
        if shown.get() {
            t_string!(i18n, hide_label, field = field).to_string()
        } else {
            t_string!(i18n, show_label, field = field).to_string()
        }
    };
    let row = view! {
        <div class="password-row">
            <input
                id=field.id.clone()
                name=field.id.clone()
                type=move || if shown.get() { "text" } else { "password" }
                autocomplete=autocomplete
                autocapitalize="off"
                spellcheck="false"
                aria-invalid=field.invalid()
                aria-describedby=field.described_by
                prop:value=value
                on:input=move |e| value.set(event_target_value(&e))
            />
            <button
                type="button"
                class="ghost reveal"
                aria-controls=field.id.clone()
                aria-pressed=move || shown.get().to_string()
                aria-label=toggle_label
                on:click=move |_| shown.update(|s| *s = !*s)
            >
                {text_while(i18n, shown.into(), tr!(hide), tr!(show))}
            </button>
        </div>
    };
    view! { <FieldShell field>{row}</FieldShell> }
}
