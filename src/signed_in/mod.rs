//! The signed-in part of the console: Espace personnel, Paramètres
//! d'authentification, Clés d'accès, Utilisateurs EIM, the profile menu and the re-authentication dialog.
//!
//! A visitor who has not signed in needs none of it. The release build
//! (`scripts/build-console`, with the `console_split` cfg) puts it in a wasm
//! module of its own, fetched when a signed-in page is first shown ([`loader`]);
//! development and test builds (`trunk serve`, wasm-bindgen-test) draw it directly. docs/BENCHMARKS.md (Console
//! size) has what each costs.

#[cfg(console_split)]
mod loader;

use leptos::prelude::*;

/// What the signed-in part draws.
#[derive(Clone, Copy)]
#[repr(u8)]
pub enum SignedInPart {
    PersonalSpace,
    AuthenticationSettings,
    AccessKeys,
    EimUsers,
    ProfileMenu,
    ReauthenticationDialog,
}

impl SignedInPart {
    fn view(self) -> AnyView {
        use crate::chrome::profile_menu::ProfileMenu;
        use crate::chrome::reauthentication::ReauthenticationDialog;
        use crate::pages::access_keys::AccessKeys;
        use crate::pages::authentication_settings::AuthenticationSettings;
        use crate::pages::eim_users::EimUsers;
        use crate::pages::personal_space::PersonalSpace;
        match self {
            Self::PersonalSpace => view! { <PersonalSpace /> }.into_any(),
            Self::AuthenticationSettings => view! { <AuthenticationSettings /> }.into_any(),
            Self::AccessKeys => view! { <AccessKeys /> }.into_any(),
            Self::EimUsers => view! { <EimUsers /> }.into_any(),
            Self::ProfileMenu => view! { <ProfileMenu /> }.into_any(),
            Self::ReauthenticationDialog => view! { <ReauthenticationDialog /> }.into_any(),
        }
    }
}

#[cfg(console_split)]
pub use loader::{prefetch, SignedIn};

/// One part of the signed-in pages.
#[cfg(not(console_split))]
#[component]
pub fn SignedIn(part: SignedInPart) -> impl IntoView {
    part.view()
}

/// Starts fetching the signed-in module: nothing to fetch in an unsplit build.
#[cfg(not(console_split))]
pub fn prefetch() {}
