//! The app's chrome, around every page: the frame (`shell.rs`: header, main region,
//! announcer), the profile menu, the language and theme switches, and the guard
//! that asks before leaving unsaved changes.

pub mod language;
pub mod leave_guard;
pub mod profile_menu;
pub mod reauthentication;
pub mod shell;
pub mod theme;
