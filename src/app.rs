//! The app: configuration, shared state, routes.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::chrome::shell::Shell;
use crate::components::task::Task;
use crate::config::{self, ConsoleConfig};
use crate::i18n::*;
use crate::pages::not_found::NotFound;
use crate::pages::sign_in::SignIn;
use crate::signed_in::{SignedIn, SignedInPart};
use crate::state::AppState;

#[component]
pub fn App() -> impl IntoView {
    let config = Task::new();
    config.run(config::load());
    view! {
        <I18nContextProvider>
            {move || match config.value.get() {
                None => view! { <p class="boot">"Chargement… / Loading…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <main class="boot" role="alert">
                        <h1>"La console ne peut pas démarrer / The console cannot start"</h1>
                        <p>{e}</p>
                    </main>
                }.into_any(),
                Some(Ok(c)) => view! { <Console config=c /> }.into_any(),
            }}
        </I18nContextProvider>
    }
}

#[component]
fn Console(config: ConsoleConfig) -> impl IntoView {
    let state = AppState::new(config);
    provide_context(state);
    // Before the router: its Back/Forward guard must run before the router's own.
    crate::chrome::leave_guard::guard_unsaved_changes(state, use_i18n());
    crate::chrome::language::restore_saved_locale();
    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFound>
                    <Route path=path!("/sign-in") view=SignIn />
                    <Route path=path!("/personal-space") view=|| view! { <RequireSession><SignedIn part=SignedInPart::PersonalSpace /></RequireSession> } />
                    <Route
                        path=path!("/authentication-settings")
                        view=|| view! { <RequireSession><SignedIn part=SignedInPart::AuthenticationSettings /></RequireSession> }
                    />
                    <Route path=path!("/access-keys") view=|| view! { <RequireSession><SignedIn part=SignedInPart::AccessKeys /></RequireSession> } />
                    <Route path=path!("/eim-users") view=|| view! { <RequireSession><SignedIn part=SignedInPart::EimUsers /></RequireSession> } />
                    <Route path=path!("/") view=|| view! { <Redirect path="/personal-space" /> } />
                </Routes>
            </Shell>
        </Router>
    }
}

/// Shows its children to a signed-in person; otherwise goes to sign-in, and back
/// here afterwards.
#[component]
fn RequireSession(children: ChildrenFn) -> impl IntoView {
    let state = expect_context::<AppState>();
    let location = use_location();
    // Only signing in or out re-renders the page, not a change inside the session.
    let signed_in = Memo::new(move |_| state.session.with(Option::is_some));
    move || {
        if signed_in.get() {
            children().into_any()
        } else {
            let here = location.pathname.get_untracked();
            let next = js_sys::encode_uri_component(&here);
            view! { <Redirect path=format!("/sign-in?next={next}") /> }.into_any()
        }
    }
}
