//! An identifier the person cannot change (account ID, customer ID), labelled
//! "Lecture seule". In a form, a read-only input (`input_id` given); in a list of
//! details (`<dl>`), its text and a copy button.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::text::{text, Translation};
use crate::i18n::*;

#[component]
pub fn ReadOnlyId(
    label: Translation,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] input_id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = view! {
        {text(i18n, label)} " " <span class="badge">{text(i18n, |l| td_string!(l, read_only))}</span>
    };
    match input_id {
        Some(id) => view! {
            <div class="field read-only">
                <label for=id>{title}</label>
                <input id=id type="text" readonly aria-readonly="true" prop:value=value />
            </div>
        }
        .into_any(),
        None => view! {
            <div class="row read-only">
                <dt>{title}</dt>
                <dd>
                    <span class="mono">{value}</span>
                    <CopyButton value field=Signal::derive(move || label(i18n.get_locale()).to_owned()) />
                </dd>
            </div>
        }
        .into_any(),
    }
}
