//! A labelled text input with its hint and error, wired for screen readers
//! (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

#[component]
pub fn FormField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional_no_strip)] hint: Option<Signal<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] max_chars: Option<usize>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=id.clone()
                type=input_type
                autocomplete=autocomplete
                required=required
                maxlength=max_chars.map(|m| (m + 1).to_string())
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |e| on_input.run(event_target_value(&e))
            />
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
