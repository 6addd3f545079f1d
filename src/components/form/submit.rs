//! A form's submit handler: the one preamble every form shares.

use leptos::prelude::*;

/// `on:submit` for a form: the browser's own submit never happens, and while
/// `pending` (its call is on its way, and Enter was pressed again) nothing more is
/// sent. Otherwise `send` runs: it checks what was typed (saying what is wrong) and
/// sends it.
pub fn on_submit(
    pending: impl Into<Signal<bool>>,
    send: impl Fn() + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    let pending = pending.into();
    move |e| {
        e.prevent_default();
        if !pending.get_untracked() {
            send();
        }
    }
}
