//! What the console's modal dialogs share (the re-authentication, a deletion's
//! confirmation): `showModal` makes the page behind inert; Tab is kept inside.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Keeps Tab and Shift+Tab among the dialog's own visible controls.
pub fn keep_tab_inside(dialog: &web_sys::HtmlDialogElement, e: &web_sys::KeyboardEvent) {
    let Ok(list) = dialog.query_selector_all("input, button, a[href]") else { return };
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|c| c.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
    let active = document().active_element();
    let at = |c: &web_sys::HtmlElement| active.as_ref() == Some(c.unchecked_ref());
    let to = match e.shift_key() {
        true if at(first) => last,
        false if at(last) => first,
        _ => return,
    };
    e.prevent_default();
    let _ = to.focus();
}
