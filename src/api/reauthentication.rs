//! A sensitive change refused for want of a recent proof of the password (`401 1012`,
//! docs/API.md, Recent re-authentication): the call asks the app to open the
//! re-authentication dialog, waits for its answer, and is made again once the session
//! proved itself. Calls refused meanwhile wait for the same dialog.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::state::AppState;

thread_local! {
    /// The calls waiting for the dialog: each one's promise, to settle.
    static WAITING: RefCell<Vec<js_sys::Function>> = const { RefCell::new(Vec::new()) };
}

/// Opens the dialog and answers whether the session proved itself.
pub(super) async fn asked(state: AppState) -> bool {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        WAITING.with(|w| w.borrow_mut().push(resolve));
    });
    state.reauthentication_asked.set(true);
    JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// The dialog's answer: every waiting call is made again (`proved`) or fails with its
/// `1012`.
pub fn reauthentication_answered(state: AppState, proved: bool) {
    state.reauthentication_asked.set(false);
    for resolve in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
        let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(proved));
    }
}
