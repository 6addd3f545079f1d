//! An identifier the person cannot change (account ID, customer ID), labelled
//! "Lecture seule". In a form, a read-only input (`input_id` given); in a list of
//! details (`<dl>`), its text and a copy button.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::text::tr;
use crate::components::unset::Unset;
use crate::i18n::*;

#[component]
pub fn ReadOnlyId(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] input_id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = view! {
        {label} " " <span class="badge">{tr!(i18n, read_only)}</span>
    };
    match input_id {
        Some(id) => view! {
            <div class="field read-only">
                <label for=id>{title}</label>
                <input id=id type="text" readonly aria-readonly="true" placeholder="—" prop:value=value />
            </div>
        }
        .into_any(),
        None => view! {
            <div class="row read-only">
                <dt>{title}</dt>
                {move || match value.with(String::is_empty) {
                    // OUTSCALE's API may leave an ID out: nothing to copy.
                    true => view! { <dd class="unset"><Unset /></dd> }.into_any(),
                    false => view! {
                        <dd>
                            <span class="mono">{value}</span>
                            <CopyButton value field=label />
                        </dd>
                    }.into_any(),
                }}
            </div>
        }
        .into_any(),
    }
}
