//! Inline SVG icons. Decorative: hidden from assistive technology; the control
//! that holds one carries the text.

use leptos::prelude::*;

#[component]
pub fn ProfileIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2" />
            <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" fill="none" stroke="currentColor" stroke-width="2" />
        </svg>
    }
}

#[component]
pub fn CheckIcon(met: Signal<bool>) -> impl IntoView {
    view! {
        <svg class="icon rule-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            {move || if met.get() {
                view! { <path d="M5 12l5 5 9-10" fill="none" stroke="currentColor" stroke-width="3" /> }.into_any()
            } else {
                view! { <circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="2" /> }.into_any()
            }}
        </svg>
    }
}
