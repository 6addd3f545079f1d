//! What every page shares: the configuration, the session, and the few signals the
//! shell and the pages read (why sign-in is shown, unsaved changes, announcements).

use leptos::prelude::*;

use crate::config::{ConsoleConfig, Endpoint};
use crate::session::{self, Session};

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
    /// The open form's "changes not saved", while one is open: leaving asks first.
    /// Only [`AppState::guard_unsaved`] writes it.
    unsaved: StoredValue<Option<Signal<bool>>>,
    /// Short messages for screen readers (`aria-live`).
    pub announcement: RwSignal<String>,
    /// A sensitive change waits for the password again: the re-authentication dialog
    /// is open (`api/reauthentication.rs`).
    pub reauthentication_asked: RwSignal<bool>,
}

impl AppState {
    pub fn new(config: ConsoleConfig) -> Self {
        let session = session::load().filter(|s| config.endpoint(&s.endpoint_id).is_some());
        Self {
            config: StoredValue::new(config),
            session: RwSignal::new(session),
            notice: RwSignal::new(None),
            unsaved: StoredValue::new(None),
            announcement: RwSignal::new(String::new()),
            reauthentication_asked: RwSignal::new(false),
        }
    }

    pub fn endpoint_of(&self, session: &Session) -> Endpoint {
        self.config.with_value(|c| {
            c.endpoint(&session.endpoint_id).or(c.default_endpoint()).cloned().expect("an endpoint")
        })
    }

    pub fn current_endpoint(&self) -> Option<Endpoint> {
        self.session.with_untracked(|s| s.as_ref().map(|s| self.endpoint_of(s)))
    }

    /// The signed-in endpoint's URL, for the messages that name it (empty signed out).
    pub fn current_url(&self) -> String {
        self.current_endpoint().map(|e| e.url).unwrap_or_default()
    }

    pub fn sign_in(&self, session: Session) {
        session::save(&session);
        self.notice.set(None);
        self.session.set(Some(session));
    }

    /// Records that the signed-in identity now has a password.
    pub fn password_was_set(&self) {
        self.session.update(|s| {
            if let Some(s) = s {
                s.has_password = true;
                session::save(s);
            }
        });
    }

    /// Forgets the session locally (the key itself is deleted by the caller: see
    /// `end_session`, in api/mod.rs, for a sign-out the person asked for).
    pub fn sign_out(&self, notice: Notice) {
        session::clear();
        self.notice.set(Some(notice));
        self.session.set(None);
    }

    pub fn session_expired(&self) {
        if self.session.get_untracked().is_some() {
            self.sign_out(Notice::SessionExpired);
        }
    }

    /// A form's changes not saved yet, `changes`, make leaving ask first, for as long
    /// as the form is open (call it in the form's component).
    pub fn guard_unsaved(&self, changes: Signal<bool>) {
        let unsaved = self.unsaved;
        unsaved.set_value(Some(changes));
        on_cleanup(move || unsaved.set_value(None));
    }

    /// Whether an open form holds changes that are not saved.
    pub fn has_unsaved(&self) -> bool {
        self.unsaved.with_value(|u| u.is_some_and(|changes| changes.get_untracked()))
    }

    /// Asks before leaving a form with unsaved changes; `true` to go on.
    pub fn confirm_leave(&self, message: &str) -> bool {
        !self.has_unsaved()
            || web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(true)
    }
}
