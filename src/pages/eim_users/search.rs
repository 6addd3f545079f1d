//! Rechercher par nom. OAPI's `ReadUsers` filters by user ID only, so the search reads
//! every page of users and keeps those whose name holds the text (ignoring case); the
//! hint says so. Effacer goes back to the pages.

use leptos::prelude::*;

use crate::components::form::{on_submit, FormField};
use crate::components::text::tr;
use crate::i18n::*;

pub const SEARCH_ID: &str = "user-search";

#[component]
pub fn UserSearch(
    /// Runs a search (`Some`: the text) or ends it (`None`).
    on_search: Callback<Option<String>>,
    #[prop(into)] searching: Signal<bool>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let submit = on_submit(pending, move || {
        let typed = text.get_untracked().trim().to_owned();
        on_search.run((!typed.is_empty()).then_some(typed));
    });
    let clear = move |_| {
        text.set(String::new());
        on_search.run(None);
    };
    view! {
        <form role="search" class="search" novalidate on:submit=submit aria-label=tr!(i18n, users_search_label)>
            <FormField id=SEARCH_ID input_type="search" label=tr!(i18n, users_search)
                hint=tr!(i18n, users_search_hint) value=text
                on_input=Callback::new(move |v| text.set(v)) error=Signal::stored(None::<String>) />
            <div class="actions">
                <button type="submit">{tr!(i18n, users_search_submit)}</button>
                <button type="button" hidden=move || !searching.get() on:click=clear>
                    {tr!(i18n, users_search_clear)}
                </button>
            </div>
        </form>
    }
}
