//! The profile button (top right) and its menu: Espace personnel, Paramètres
//! d'authentification, Se déconnecter. A real menu button: opens with click,
//! Enter, Space or ↓ (↑ for the last item); arrows, Home and End move; Escape
//! (wherever the focus is in the button and menu, even before it reaches the
//! first item) and a click outside close it and give the focus back to the button.

use leptos::ev;
use leptos::html::{Button, Div};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api::use_api;
use crate::components::icons::{self, Icon};
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::{AppState, Notice};

#[component]
pub fn ProfileMenu() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let api = use_api();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let button = NodeRef::<Button>::new();
    let root = NodeRef::<Div>::new();
    let login =
        move || state.session.with(|s| s.as_ref().map(|s| s.login.clone()).unwrap_or_default());

    let items = move || -> Vec<web_sys::HtmlElement> {
        let Some(root) = root.get_untracked() else { return Vec::new() };
        let Ok(list) = root.query_selector_all("[role=menuitem]") else { return Vec::new() };
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
    };
    // Focus after the menu is shown (it is `hidden` until then).
    let focus_item = move |index: isize| {
        request_animation_frame(move || {
            // Escape may have closed the menu before this frame.
            if !open.get_untracked() {
                return;
            }
            let all = items();
            if all.is_empty() {
                return;
            }
            let i = index.rem_euclid(all.len() as isize) as usize;
            let _ = all[i].focus();
        })
    };
    let focused_index = move || {
        let active = document().active_element();
        items().iter().position(|e| Some(e.unchecked_ref::<web_sys::Element>()) == active.as_ref())
    };
    let close = move |give_focus_back: bool| {
        open.set(false);
        if give_focus_back {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let open_at = move |index: isize| {
        open.set(true);
        focus_item(index);
    };

    let on_button_key = move |e: ev::KeyboardEvent| match e.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            e.prevent_default();
            open_at(0);
        }
        "ArrowUp" => {
            e.prevent_default();
            open_at(-1);
        }
        _ => {}
    };
    let on_button_click = move |_| {
        if open.get_untracked() {
            close(false);
        } else {
            open_at(0);
        }
    };
    let on_menu_key = move |e: ev::KeyboardEvent| {
        let current = focused_index().map(|i| i as isize).unwrap_or(0);
        match e.key().as_str() {
            "ArrowDown" => focus_item(current + 1),
            "ArrowUp" => focus_item(current - 1),
            "Home" => focus_item(0),
            "End" => focus_item(-1),
            "Tab" => {
                close(false);
                return;
            }
            _ => return,
        }
        e.prevent_default();
    };
    // On the whole widget: a key pressed right after Enter reaches the button, the
    // focus not yet moved into the menu.
    let on_escape = move |e: ev::KeyboardEvent| {
        if e.key() == "Escape" && open.get_untracked() {
            e.prevent_default();
            close(true);
        }
    };
    let _ = window_event_listener(ev::click, move |e| {
        if !open.get_untracked() {
            return;
        }
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = root.get_untracked().is_some_and(|r| r.contains(target.as_ref()));
        if !inside {
            close(true);
        }
    });

    let go = {
        let navigate = navigate.clone();
        move |path: &'static str| {
            let navigate = navigate.clone();
            move |e: ev::MouseEvent| {
                e.prevent_default();
                close(false);
                if state.confirm_leave(t_string!(i18n, leave_unsaved)) {
                    navigate(path, Default::default());
                }
            }
        }
    };
    let go_personal_space = go.clone();
    let sign_out = move |_| {
        close(false);
        if !state.confirm_leave(t_string!(i18n, leave_unsaved)) {
            return;
        }
        let navigate = navigate.clone();
        let session = state.session.get_untracked();
        spawn_local(async move {
            if let Some(s) = session.filter(|s| s.owns_key) {
                // The session key goes with the session; if the API cannot be
                // reached, it expires on its own.
                let _ = api.delete_access_key(s.access_key_id).await;
            }
            state.sign_out(Notice::SignedOut);
            navigate("/sign-in", Default::default());
        });
    };

    view! {
        <div class="profile" node_ref=root on:keydown=on_escape>
            <button
                type="button"
                class="profile-button"
                id="profile-button"
                node_ref=button
                aria-haspopup="menu"
                aria-controls="profile-menu"
                aria-expanded=move || open.get().to_string()
                on:click=on_button_click
                on:keydown=on_button_key
            >
                // The name is the visible login after a hidden "Menu du profil" (WCAG 2.5.3:
                // the visible text is part of the name).
                <Icon path=icons::PROFILE />
                <span class="visually-hidden">{tr!(i18n, profile_button_label)}" "</span>
                <span class="profile-login">{login}</span>
            </button>
            <div
                class="menu"
                id="profile-menu"
                role="menu"
                aria-labelledby="profile-button"
                hidden=move || !open.get()
                on:keydown=on_menu_key
            >
                // An EIM user has no account information to edit.
                <Show when=move || !state.session.with(|s| s.as_ref().is_some_and(|s| s.is_user()))>
                    <a role="menuitem" tabindex="-1" href="/personal-space" on:click=go_personal_space("/personal-space")>
                        <Icon path=icons::PERSONAL_SPACE />
                        {tr!(i18n, menu_personal_space)}
                    </a>
                </Show>
                <a role="menuitem" tabindex="-1" href="/authentication-settings" on:click=go("/authentication-settings")>
                    <Icon path=icons::SECURITY />
                    {tr!(i18n, menu_authentication_settings)}
                </a>
                <button role="menuitem" tabindex="-1" type="button" on:click=sign_out>
                    <Icon path=icons::SIGN_OUT />
                    {tr!(i18n, menu_sign_out)}
                </button>
            </div>
        </div>
    }
}
