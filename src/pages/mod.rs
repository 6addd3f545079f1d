//! One module per screen.

pub mod authentication_settings;
pub mod not_found;
pub mod personal_space;
pub mod sign_in;
