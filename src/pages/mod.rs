//! One module per screen.

pub mod access_keys;
pub mod authentication_settings;
pub mod eim_users;
pub mod not_found;
pub mod personal_space;
pub mod sign_in;

/// The paths of the signed-in pages, as the router (`app.rs`) routes them: the only
/// places a sign-in goes on to (`?next=`).
pub const SIGNED_IN_PAGES: [&str; 4] =
    ["/personal-space", "/authentication-settings", "/access-keys", "/eim-users"];
