//! The app: configuration, shared state, routes.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::api::{session, Session};
use crate::components::shell::Shell;
use crate::config::{self, ConsoleConfig, Endpoint};
use crate::i18n::*;
use crate::pages::authentication_settings::AuthenticationSettings;
use crate::pages::not_found::NotFound;
use crate::pages::personal_space::PersonalSpace;
use crate::pages::sign_in::SignIn;

/// Why the sign-in page is shown, when it is not the first visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    SessionExpired,
    SignedOut,
}

/// What every page shares. All fields are signals or stored values: `Copy`.
#[derive(Clone, Copy)]
pub struct AppState {
    pub config: StoredValue<ConsoleConfig>,
    pub session: RwSignal<Option<Session>>,
    pub notice: RwSignal<Option<Notice>>,
    /// A form holds changes that are not saved: leaving asks first.
    pub unsaved: RwSignal<bool>,
    /// Short messages for screen readers (`aria-live`).
    pub announcement: RwSignal<String>,
}

impl AppState {
    fn new(config: ConsoleConfig) -> Self {
        let session = session::load().filter(|s| config.endpoint(&s.endpoint_id).is_some());
        Self {
            config: StoredValue::new(config),
            session: RwSignal::new(session),
            notice: RwSignal::new(None),
            unsaved: RwSignal::new(false),
            announcement: RwSignal::new(String::new()),
        }
    }

    pub fn endpoint_of(&self, session: &Session) -> Endpoint {
        self.config.with_value(|c| c.endpoint(&session.endpoint_id).or(c.default_endpoint()).cloned().expect("an endpoint"))
    }

    pub fn current_endpoint(&self) -> Option<Endpoint> {
        self.session.with_untracked(|s| s.as_ref().map(|s| self.endpoint_of(s)))
    }

    pub fn sign_in(&self, session: Session) {
        session::save(&session);
        self.notice.set(None);
        self.session.set(Some(session));
    }

    /// Forgets the session locally (the key itself is deleted by the caller).
    pub fn sign_out(&self, notice: Notice) {
        session::clear();
        self.unsaved.set(false);
        self.notice.set(Some(notice));
        self.session.set(None);
    }

    pub fn session_expired(&self) {
        if self.session.get_untracked().is_some() {
            self.sign_out(Notice::SessionExpired);
        }
    }

    /// Asks before leaving a form with unsaved changes; `true` to go on.
    pub fn confirm_leave(&self, message: &str) -> bool {
        if !self.unsaved.get_untracked() {
            return true;
        }
        let leave = web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(true);
        if leave {
            self.unsaved.set(false);
        }
        leave
    }
}

#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(config::load);
    view! {
        <I18nContextProvider>
            {move || match config.get() {
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
    crate::components::language::restore_saved_locale();
    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFound>
                    <Route path=path!("/sign-in") view=SignIn />
                    <Route path=path!("/personal-space") view=|| view! { <RequireSession><PersonalSpace /></RequireSession> } />
                    <Route
                        path=path!("/authentication-settings")
                        view=|| view! { <RequireSession><AuthenticationSettings /></RequireSession> }
                    />
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
