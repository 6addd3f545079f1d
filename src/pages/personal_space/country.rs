//! Pays: a text input offering the ISO 3166-1 countries in the reader's language, in a
//! `<datalist>`: the browser filters it as one types and reads it out, by keyboard and
//! screen reader alike, for no code of ours (a combobox of our own would be several KB).
//! The account stores a country by its English name (`account_contract::address`): the
//! field shows it in the reader's language, and stores what is chosen in English. A
//! stored value that is not a country (OUTSCALE's API keeps any text) is shown and kept
//! as it is until it is changed.

use account_contract::address::countries;
use js_sys::{Array, Function, JsString, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::Locale;

/// The datalist's id.
pub const LIST_ID: &str = "countries";

/// The countries, as (code, name in `locale`), in that language's alphabetical order.
/// The browser names them (`Intl.DisplayNames`); a browser without it, in English.
pub fn country_names(locale: Locale) -> Vec<(&'static str, String)> {
    let tag = JsValue::from_str(if locale == Locale::fr { "fr" } else { "en" });
    let name_of = display_names(&tag);
    let mut names: Vec<(&'static str, String)> = countries()
        .map(|country| {
            let code = JsValue::from_str(country.code);
            let named =
                name_of.as_ref().and_then(|(of, this)| of.call1(this, &code).ok()?.as_string());
            (country.code, named.unwrap_or_else(|| country.name.to_owned()))
        })
        .collect();
    let (locales, options) = (Array::of1(&tag), Object::new());
    names.sort_by(|a, b| {
        JsString::from(a.1.as_str()).locale_compare(&b.1, &locales, &options).cmp(&0)
    });
    names
}

/// `new Intl.DisplayNames([tag], {type: "region"})` and its `of`.
fn display_names(tag: &JsValue) -> Option<(Function, JsValue)> {
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
    let class: Function =
        Reflect::get(&intl, &JsValue::from_str("DisplayNames")).ok()?.dyn_into().ok()?;
    let options = Object::new();
    Reflect::set(&options, &JsValue::from_str("type"), &JsValue::from_str("region")).ok()?;
    let names = Reflect::construct(&class, &Array::of2(&Array::of1(tag), &options)).ok()?;
    let of = Reflect::get(&names, &JsValue::from_str("of")).ok()?.dyn_into().ok()?;
    Some((of, names))
}

/// How a stored value reads: a country's name in the reader's language, else the value
/// as it is (a code too: what is being typed is shown as typed).
pub fn shown(stored: &str, names: &[(&'static str, String)]) -> String {
    let english = countries().find(|c| c.name.eq_ignore_ascii_case(stored.trim()));
    let Some(country) = english else { return stored.to_owned() };
    names
        .iter()
        .find(|(code, _)| *code == country.code)
        .map_or(country.name, |(_, n)| n.as_str())
        .to_owned()
}

/// What to store for a typed value: the English name of the country it names, in the
/// reader's language or in English, else the text as typed. Not a code: while one types
/// "Germany", "Ge" would be Georgia's.
pub fn to_store(typed: &str, names: &[(&'static str, String)]) -> String {
    let text = typed.trim();
    let named = names.iter().find(|(_, n)| n.eq_ignore_ascii_case(text)).map(|(code, _)| *code);
    let english = countries().find(|c| Some(c.code) == named || c.name.eq_ignore_ascii_case(text));
    match english {
        Some(country) => country.name.to_owned(),
        None => typed.to_owned(),
    }
}
