//! A labelled text input (text, email, tel) with its hint and error.

use leptos::prelude::*;

use super::{Field, FieldShell};

#[component]
pub fn FormField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// The keyboard a phone shows (`numeric` for a code).
    #[prop(optional)]
    input_mode: Option<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] max_chars: Option<usize>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional)]
    list: Option<&'static str>,
) -> impl IntoView {
    let field = Field::new(id, label, hint, error, None);
    let input = view! {
        <input
            id=field.id.clone()
            name=field.id.clone()
            type=input_type
            autocomplete=autocomplete
            inputmode=input_mode
            list=list
            required=required
            maxlength=max_chars.map(|m| (m + 1).to_string())
            aria-invalid=field.invalid()
            aria-describedby=field.described_by
            prop:value=value
            on:input=move |e| on_input.run(event_target_value(&e))
        />
    };
    view! { <FieldShell field>{input}</FieldShell> }
}
