//! Inline SVG icons (no icon font: nothing to fetch, nothing the CSP must allow).
//! Decorative: hidden from assistive technology; the control that holds one
//! carries the text. One component draws every outline icon from its path, so
//! each new icon costs its path and nothing more.

use leptos::prelude::*;

/// The profile icon (Cockpit's IconProfil).
pub const PROFILE: &str = "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4.4 3.6-7 8-7s8 2.6 8 7";
/// Espace personnel (IconMySpace): an identity card.
pub const PERSONAL_SPACE: &str =
    "M3 5h18v14H3zM9 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM6 16c.5-2 5.5-2 6 0M14 9h4M14 13h4";
/// Paramètres d'authentification (IconUserSecurity): a shield.
pub const SECURITY: &str = "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM9 12l2 2 4-4";
/// Clés d'accès (IconAccessKeys): a key.
pub const ACCESS_KEYS: &str = "M8 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM12 12h9M18 12v3M21 12v2";
/// Utilisateurs EIM: two people.
pub const EIM_USERS: &str =
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 20c0-3.9 3.1-6 7-6s7 2.1 7 6M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.5c2.4.6 4 2.5 4 5.5";
/// Se déconnecter: out of the door.
pub const SIGN_OUT: &str = "M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10";
/// Modifier (IconEdit): a pencil.
pub const EDIT: &str = "M4 20h4L19 9l-4-4L4 16zM13 7l4 4";

/// A 24×24 outline icon drawn with `path`.
#[component]
pub fn Icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

#[component]
pub fn CheckIcon(met: Signal<bool>) -> impl IntoView {
    view! {
        <svg class="icon rule-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            {move || if met.get() {
                view! { <path d="M5 12l5 5 9-10" fill="none" stroke="currentColor" stroke-width="3" /> }.into_any()
            } else {
                view! { <circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="2" /> }.into_any()
            }}
        </svg>
    }
}
