//! Widgets shared by the pages (the app's own frame is `crate::chrome`).

pub mod copy_button;
pub mod dialog;
pub mod failure;
pub mod form;
pub mod icons;
pub mod loaded;
pub mod menu_button;
pub mod page_heading;
pub mod password_checklist;
pub mod problem_text;
pub mod task;
pub mod text;
pub mod unset;
