//! Copies a read-only value (an ID) to the clipboard and says so.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

fn write_clipboard(text: &str) -> bool {
    // navigator.clipboard.writeText(text), looked up at run time: not every
    // context (plain http on another host) has a clipboard.
    let Some(window) = web_sys::window() else { return false };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard")).ok();
    let Some(clipboard) = clipboard.filter(|c| !c.is_undefined()) else { return false };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")) else {
        return false;
    };
    let Ok(write) = write.dyn_into::<js_sys::Function>() else { return false };
    write.call1(&clipboard, &JsValue::from_str(text)).is_ok()
}

#[component]
pub fn CopyButton(
    #[prop(into)] value: Signal<String>,
    #[prop(into)] field: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let copy = move |_| {
        if write_clipboard(&value.get_untracked()) {
            state
                .announcement
                .set(t_string!(i18n, copied, field = field.get_untracked()).to_string());
        }
    };
    view! {
        <button
            type="button"
            class="ghost small"
            aria-label=move || t_string!(i18n, copy_label, field = field.get()).to_string()
            on:click=copy
        >
            {tr!(i18n, copy)}
        </button>
    }
}
