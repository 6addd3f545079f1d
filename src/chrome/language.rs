//! The FR/EN switch. The choice is remembered; switching keeps every form's input
//! (only the texts change).

use leptos::prelude::*;

use crate::components::text::tr;
use crate::i18n::*;
use crate::preferences;

/// Applies the language saved by an earlier visit, if any.
pub fn restore_saved_locale() {
    let i18n = use_i18n();
    let saved = preferences::saved_locale().and_then(|l| match l.as_str() {
        "fr" => Some(Locale::fr),
        "en" => Some(Locale::en),
        _ => None,
    });
    if let Some(locale) = saved {
        i18n.set_locale(locale);
    }
}

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::fr => Locale::en,
            Locale::en => Locale::fr,
        };
        preferences::save_locale(if next == Locale::fr { "fr" } else { "en" });
        i18n.set_locale(next);
    };
    let other_lang = move || match i18n.get_locale() {
        Locale::fr => "en",
        Locale::en => "fr",
    };
    view! {
        <button type="button" class="ghost" on:click=switch title=move || t_string!(i18n, lang_switch_label).to_string()>
            <span lang=other_lang>{tr!(i18n, lang_switch)}</span>
        </button>
    }
}
