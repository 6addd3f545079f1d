//! Light and dark themes: the system's, followed live, until one is chosen here.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::components::text::tr;
use crate::i18n::*;
use crate::preferences;

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(preferences::saved_dark_theme());
    let system_dark = RwSignal::new(preferences::system_prefers_dark());
    // Follow the system while nothing is chosen (one listener for the app's life).
    if let Some(query) = window().match_media("(prefers-color-scheme: dark)").ok().flatten() {
        let on_change =
            Closure::<dyn Fn()>::new(move || system_dark.set(preferences::system_prefers_dark()));
        let _ =
            query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        on_change.forget();
    }
    let dark = move || chosen.get().unwrap_or_else(|| system_dark.get());
    Effect::new(move |_| preferences::apply_theme(chosen.get()));
    let toggle = move |_| {
        let next = !dark();
        preferences::save_dark_theme(next);
        chosen.set(Some(next));
    };
    view! {
        <button type="button" class="ghost" aria-pressed=move || dark().to_string() on:click=toggle>
            {tr!(i18n, theme_dark)}
        </button>
    }
}
