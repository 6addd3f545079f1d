//! A field's label, optional hint and error paragraph around its control, and the
//! `aria-describedby` / `aria-invalid` that tie them to it for screen readers.

use leptos::prelude::*;

/// One field: its control's id, label, hint and error, and the ids its control is
/// described by, worked out once. The shell renders it; the control reads
/// [`Field::described_by`] and [`Field::invalid`].
pub struct Field {
    pub id: String,
    label: Signal<String>,
    hint: Option<Signal<String>>,
    error: Signal<Option<String>>,
    hint_id: String,
    error_id: String,
    /// The control's `aria-describedby`: the hint and any ids given (a checklist,
    /// say), then the error while there is one.
    pub described_by: Signal<Option<String>>,
}

impl Field {
    pub fn new(
        id: String,
        label: Signal<String>,
        hint: Option<Signal<String>>,
        error: Signal<Option<String>>,
        more: Option<String>,
    ) -> Self {
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let mut ids: Vec<&str> = hint.is_some().then_some(hint_id.as_str()).into_iter().collect();
        ids.extend(more.as_deref());
        let quiet = (!ids.is_empty()).then(|| ids.join(" "));
        ids.push(&error_id);
        let with_error = ids.join(" ");
        let described_by = Signal::derive(move || {
            if error.with(Option::is_some) {
                Some(with_error.clone())
            } else {
                quiet.clone()
            }
        });
        Self { id, label, hint, error, hint_id, error_id, described_by }
    }

    /// The control's `aria-invalid`: `"true"` while the field has an error.
    pub fn invalid(&self) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        let error = self.error;
        move || error.with(Option::is_some).then_some("true")
    }
}

#[component]
pub fn FieldShell(field: Field, children: Children) -> impl IntoView {
    let Field { id, label, hint, error, hint_id, error_id, .. } = field;
    let invalid = move || error.with(Option::is_some);
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {children()}
            <p class="field-error" id=error_id hidden=move || !invalid()>{move || error.get()}</p>
        </div>
    }
}
