//! Translated texts that follow the language switch.
//!
//! leptos_i18n's `t!` makes a new closure type at each use, and Leptos compiles
//! view code for each type: with a hundred texts that is most of the size
//! budget. Every plain text goes through [`tr!`] instead: [`text`], one closure
//! type for all, picked by a function pointer.
//!
//! One convention for labels: a component's label is a `#[prop(into)]
//! Signal<String>`, given `tr!(i18n, key)`, or a closure for a text with values.

use leptos::prelude::{Get, Signal};
use leptos_i18n::I18nContext;

use crate::i18n::Locale;

/// A translated text. `tr!(i18n, key)`: the text, kept current with the language
/// (a view's text, or a label: `Signal<String>` props take it); `tr!(key)`: the
/// [`Translation`] itself, for a table of texts picked at run time.
macro_rules! tr {
    ($i18n:expr, $key:ident) => {
        $crate::components::text::text($i18n, |l| $crate::i18n::td_string!(l, $key))
    };
    ($key:ident) => {
        (|l| $crate::i18n::td_string!(l, $key)) as $crate::components::text::Translation
    };
}
pub(crate) use tr;

/// A text as a function of the language.
pub type Translation = fn(Locale) -> &'static str;

/// The text `get` gives for the current language, kept current.
pub fn text(
    i18n: I18nContext<Locale>,
    get: Translation,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || get(i18n.get_locale())
}

/// `on` while `flag` holds, else `off`: a label that says a state (Masquer /
/// Afficher, Enregistrement… / Sauvegarder), one closure type for all.
pub fn text_while(
    i18n: I18nContext<Locale>,
    flag: Signal<bool>,
    on: Translation,
    off: Translation,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || (if flag.get() { on } else { off })(i18n.get_locale())
}

/// A date from the API, in the reader's language.
pub fn local_date(iso: &str, locale: Locale) -> String {
    let date = js_sys::Date::new(&iso.into());
    let tag = if locale == Locale::fr { "fr-FR" } else { "en-GB" };
    let text: String = date.to_locale_string(tag, &wasm_bindgen::JsValue::UNDEFINED).into();
    if text == "Invalid Date" {
        iso.to_owned()
    } else {
        text
    }
}
