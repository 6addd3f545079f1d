//! An empty value: "—" to the eye, "Non renseigné" to a screen reader (a dash alone
//! would be read as "dash", or not at all).

use leptos::prelude::*;

use crate::components::text::tr;
use crate::i18n::*;

#[component]
pub fn Unset() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span aria-hidden="true">"—"</span>
        <span class="visually-hidden">{tr!(i18n, not_set)}</span>
    }
}
