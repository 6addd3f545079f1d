//! Light and dark themes: the system's by default, or the one chosen here.

use leptos::prelude::*;

use crate::components::text::text;
use crate::i18n::*;
use crate::preferences;

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let dark = RwSignal::new(preferences::saved_dark_theme().unwrap_or_else(preferences::system_prefers_dark));
    Effect::new(move |_| preferences::apply_theme(dark.get()));
    let toggle = move |_| {
        let next = !dark.get_untracked();
        preferences::save_dark_theme(next);
        dark.set(next);
    };
    view! {
        <button type="button" class="ghost" aria-pressed=move || dark.get().to_string() on:click=toggle>
            {text(i18n, |l| td_string!(l, theme_dark))}
        </button>
    }
}
