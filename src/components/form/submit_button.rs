//! A form's submit button: while its action is pending it says so (its pending label,
//! `aria-busy`, `aria-disabled`); the form's submit handler ignores a second submit
//! while its action is pending. It stays focusable: a `disabled` button would drop the
//! focus to the page while the call runs.

use leptos::prelude::*;

use crate::components::text::{text_while, Translation};
use crate::i18n::*;

#[component]
pub fn SubmitButton(
    label: Translation,
    pending_label: Translation,
    #[prop(into)] pending: Signal<bool>,
    /// Disabled for another reason too (nothing to send, say).
    #[prop(optional, into)]
    disabled: Option<Signal<bool>>,
    /// The id of a text that says why it is disabled.
    #[prop(optional)]
    described_by: Option<&'static str>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="submit"
            class="primary"
            id=id
            aria-busy=move || pending.get().then_some("true")
            aria-disabled=move || pending.get().then_some("true")
            aria-describedby=described_by
            disabled=move || disabled.is_some_and(|d| d.get())
        >
            {text_while(i18n, pending, pending_label, label)}
        </button>
    }
}
