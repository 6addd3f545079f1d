//! Widgets shared by the pages.

pub mod copy_button;
pub mod failure;
pub mod form;
pub mod icons;
pub mod language;
pub mod leave_guard;
pub mod loaded;
pub mod page_heading;
pub mod password_checklist;
pub mod problem_text;
pub mod profile_menu;
pub mod shell;
pub mod text;
pub mod theme;
