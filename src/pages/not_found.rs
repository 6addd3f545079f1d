use leptos::prelude::*;

use crate::components::page_heading::PageHeading;
use crate::components::text::text;
use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeading>{text(i18n, |l| td_string!(l, not_found_title))}</PageHeading>
        <p><a href="/personal-space">{text(i18n, |l| td_string!(l, not_found_back))}</a></p>
    }
}
