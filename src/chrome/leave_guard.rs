//! Leaving a form with unsaved changes asks first, whatever the way out: the
//! profile menu (`AppState::confirm_leave`), reloading or closing the tab (the
//! browser's own question), and the browser's Back and Forward buttons.

use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::i18n::*;
use crate::state::AppState;

/// The address the router shows, kept by [`follow_router`].
#[derive(Clone, Copy)]
struct Shown(StoredValue<String>);

/// Installs the guards; call it before the router exists. Back and Forward: the
/// address has already changed when `popstate` comes, and the router re-renders
/// the page on it. This listener, added before the router's, runs first: when the
/// person stays, the router never sees the move, and the address is put back.
pub fn guard_unsaved_changes(state: AppState, i18n: leptos_i18n::I18nContext<Locale>) {
    let _ = window_event_listener(ev::beforeunload, move |e| {
        if state.has_unsaved() {
            e.prevent_default();
            e.set_return_value("");
        }
    });

    let shown = Shown(StoredValue::new(String::new()));
    provide_context(shown);
    let on_popstate = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        if state.confirm_leave(t_string!(i18n, leave_unsaved)) {
            return;
        }
        e.stop_immediate_propagation();
        if let Ok(history) = window().history() {
            let here = shown.0.get_value();
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&here));
        }
    });
    let _ =
        window().add_event_listener_with_callback("popstate", on_popstate.as_ref().unchecked_ref());
    // The console lives as long as the page.
    on_popstate.forget();
}

/// Keeps the address to go back to when Back is refused: call it inside the router.
pub fn follow_router() {
    let Some(Shown(shown)) = use_context::<Shown>() else { return };
    let location = use_location();
    Effect::new(move |_| {
        let here =
            format!("{}{}{}", location.pathname.get(), location.search.get(), location.hash.get());
        shown.set_value(here);
    });
}
