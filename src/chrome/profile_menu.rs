//! The profile button (top right) and its menu: Espace personnel, Paramètres
//! d'authentification, Clés d'accès, Utilisateurs EIM (an account's only), Se
//! déconnecter. The menu's behaviour is the kit's [`MenuButton`]; signing out is
//! [`AppState::end_session`].

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::components::icons::{self, Icon};
use crate::components::menu_button::MenuButton;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

#[component]
pub fn ProfileMenu() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let login =
        move || state.session.with(|s| s.as_ref().map(|s| s.login.clone()).unwrap_or_default());
    // Leaving unsaved changes asks first.
    let may_leave = move || state.confirm_leave(t_string!(i18n, leave_unsaved));

    let go = {
        let navigate = navigate.clone();
        move |path: &'static str| {
            let navigate = navigate.clone();
            move |e: ev::MouseEvent| {
                e.prevent_default();
                if may_leave() {
                    navigate(path, Default::default());
                }
            }
        }
    };
    let go_personal_space = go.clone();
    let go_settings = go.clone();
    let go_users = go.clone();
    let sign_out = move |_| {
        if !may_leave() {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            state.end_session().await;
            navigate("/sign-in", Default::default());
        });
    };

    view! {
        <MenuButton class="profile" button_id="profile-button" menu_id="profile-menu"
            button=move || view! {
                // The name is the visible login after a hidden "Menu du profil" (WCAG 2.5.3:
                // the visible text is part of the name).
                <Icon path=icons::PROFILE />
                <span class="visually-hidden">{tr!(i18n, profile_button_label)}" "</span>
                <span class="profile-login">{login}</span>
            }
        >
            // An EIM user has no account information to edit.
            <Show when=move || !state.session.with(|s| s.as_ref().is_some_and(|s| s.is_user()))>
                <a role="menuitem" tabindex="-1" href="/personal-space" on:click=go_personal_space("/personal-space")>
                    <Icon path=icons::PERSONAL_SPACE />
                    {tr!(i18n, menu_personal_space)}
                </a>
            </Show>
            <a role="menuitem" tabindex="-1" href="/authentication-settings" on:click=go_settings("/authentication-settings")>
                <Icon path=icons::SECURITY />
                {tr!(i18n, menu_authentication_settings)}
            </a>
            <a role="menuitem" tabindex="-1" href="/access-keys" on:click=go.clone()("/access-keys")>
                <Icon path=icons::ACCESS_KEYS />
                {tr!(i18n, menu_access_keys)}
            </a>
            // The account's users: an EIM user has none (the API answers 401 4).
            <Show when=move || !state.session.with(|s| s.as_ref().is_some_and(|s| s.is_user()))>
                <a role="menuitem" tabindex="-1" href="/eim-users" on:click=go_users("/eim-users")>
                    <Icon path=icons::EIM_USERS />
                    {tr!(i18n, menu_eim_users)}
                </a>
            </Show>
            <button role="menuitem" tabindex="-1" type="button" on:click=sign_out>
                <Icon path=icons::SIGN_OUT />
                {tr!(i18n, menu_sign_out)}
            </button>
        </MenuButton>
    }
}
