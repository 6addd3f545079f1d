//! A password input with a show/hide button that is focusable, labelled and
//! says its state (`aria-pressed`).

use leptos::prelude::*;

use crate::components::text::text;
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
    let error_id = format!("{id}-error");
    let describedby = {
        let error_id = error_id.clone();
        move || {
            let mut ids: Vec<String> = described_by.iter().cloned().collect();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let toggle_label = move || {
        let field = label.get();
        if shown.get() {
            t_string!(i18n, hide_label, field = field).to_string()
        } else {
            t_string!(i18n, show_label, field = field).to_string()
        }
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <div class="password-row">
                <input
                    id=id.clone()
                    name=id.clone()
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    autocapitalize="off"
                    spellcheck="false"
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    aria-describedby=describedby
                    prop:value=move || value.get()
                    on:input=move |e| value.set(event_target_value(&e))
                />
                <button
                    type="button"
                    class="ghost reveal"
                    aria-controls=id.clone()
                    aria-pressed=move || shown.get().to_string()
                    aria-label=toggle_label
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { text(i18n, |l| td_string!(l, hide)).into_any() } else { text(i18n, |l| td_string!(l, show)).into_any() }}
                </button>
            </div>
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
