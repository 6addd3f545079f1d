//! Paramètres d'authentification: the password (Mot de passe → Modifier), multi-factor
//! authentication and the console's open sessions.

mod mfa;
mod password_change;
mod sessions;

use leptos::prelude::*;

use crate::components::page_heading::PageHeading;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;
use mfa::MfaSection;
use password_change::PasswordSection;
use sessions::SessionsSection;

#[component]
pub fn AuthenticationSettings() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let password_change = state.current_endpoint().is_some_and(|e| e.password_change);
    view! {
        <PageHeading text=tr!(auth_title) />
        <p class="intro">{tr!(i18n, auth_intro)}</p>
        <div class="sections">
            <PasswordSection supported=password_change />
            <MfaSection supported=password_change />
            <SessionsSection extensions=password_change />
        </div>
    }
}
