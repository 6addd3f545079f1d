//! Moving the focus where the person needs to read or type next.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Focuses the element with this id once the view has rendered (it may be
/// appearing, or coming back, in this very update).
pub fn focus_by_id(id: &str) {
    let id = id.to_owned();
    request_animation_frame(move || {
        let element = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}
