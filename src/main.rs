//! The OUTSCALE account console: a Leptos single-page app that talks to an
//! OUTSCALE-compatible API with signed fetch requests.

mod api;
mod app;
#[cfg(test)]
mod browser_tests;
mod chrome;
mod components;
mod config;
mod json;
mod pages;
mod preferences;
mod session;
mod signed_in;
mod state;
mod webauthn;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

fn main() {
    // Panic messages in the browser console while developing; release builds
    // abort without them, which keeps the wasm smaller.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
