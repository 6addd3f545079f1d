use leptos::prelude::*;

use crate::components::page_heading::PageHeading;
use crate::components::text::tr;
use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeading text=tr!(not_found_title) />
        <p><a href="/personal-space">{tr!(i18n, not_found_back)}</a></p>
    }
}
