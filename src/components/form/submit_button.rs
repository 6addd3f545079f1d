//! A form's submit button: while its action is pending it says so (its pending label,
//! `aria-busy`, `aria-disabled`); the form's submit handler ignores a second submit
//! while its action is pending. It stays focusable: a `disabled` button would drop the
//! focus to the page while the call runs.

use leptos::prelude::*;

#[component]
pub fn SubmitButton(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] pending_label: Signal<String>,
    #[prop(into)] pending: Signal<bool>,
    /// Disabled for another reason too (nothing to send, say).
    #[prop(optional, into)]
    disabled: Option<Signal<bool>>,
    /// The id of a text that says why it is disabled.
    #[prop(optional)]
    described_by: Option<&'static str>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
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
            {move || if pending.get() { pending_label.get() } else { label.get() }}
        </button>
    }
}
