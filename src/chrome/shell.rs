//! The frame around every page: header (product name, language, theme, profile
//! menu), the main region, and the screen-reader announcer.

use leptos::prelude::*;

use crate::chrome::language::LanguageSwitch;
use crate::chrome::leave_guard::follow_router;
use crate::chrome::theme::ThemeSwitch;
use crate::components::text::tr;
use crate::i18n::*;
use crate::signed_in::{SignedIn, SignedInPart};
use crate::state::AppState;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    follow_router();
    view! {
        <a class="skip-link" href="#main">{tr!(i18n, skip_to_content)}</a>
        <header class="top-bar">
            <span class="product">{tr!(i18n, app_name)}</span>
            <div class="top-bar-actions">
                <LanguageSwitch />
                <ThemeSwitch />
                <Show when=move || state.session.with(Option::is_some)>
                    <SignedIn part=SignedInPart::ProfileMenu />
                </Show>
            </div>
        </header>
        <main id="main">{children()}</main>
        <Show when=move || state.reauthentication_asked.get() && state.session.with(Option::is_some)>
            <SignedIn part=SignedInPart::ReauthenticationDialog />
        </Show>
        <div class="visually-hidden" role="status" aria-live="polite">
            {move || state.announcement.get()}
        </div>
    }
}
