//! The form kit: every form of the console is built from these.
//!
//! - [`FieldShell`]: a field's label, hint and error around its control, with the
//!   ids that tie them together ([`Field`]) worked out once;
//! - [`FormField`] (a text input) and [`PasswordInput`] (with its show/hide
//!   button), built on that shell;
//! - [`SubmitButton`]: says it is working while its action is pending, and
//!   [`on_submit`], the form's submit handler that sends nothing more meanwhile;
//! - [`ReadOnlyId`]: an identifier the person cannot change;
//! - [`focus_by_id`]: moving the focus where the person reads or types next.

mod field_shell;
mod focus;
mod form_field;
mod password_input;
mod read_only_id;
mod submit;
mod submit_button;

pub use field_shell::{Field, FieldShell};
pub use focus::focus_by_id;
pub use form_field::FormField;
pub use password_input::PasswordInput;
pub use read_only_id::ReadOnlyId;
pub use submit::on_submit;
pub use submit_button::SubmitButton;
