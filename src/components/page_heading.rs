//! The page's `<h1>`, and the tab's title that goes with it.

use leptos::html::H1;
use leptos::prelude::*;

use crate::components::text::{tr, Translation};
use crate::i18n::*;

/// The page's `<h1>`, saying `text`. It takes the focus when the page opens, so that
/// keyboard and screen-reader users start reading from the top of the new page; the
/// tab's title names the page too ("Espace personnel · Console de compte OUTSCALE"),
/// in the current language.
#[component]
pub fn PageHeading(text: Translation) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<H1>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let console = tr!(app_name);
    Effect::new(move |_| {
        let locale = i18n.get_locale();
        document().set_title(&format!("{} · {}", text(locale), console(locale)));
    });
    view! { <h1 id="page-heading" tabindex="-1" node_ref=heading>{move || text(i18n.get_locale())}</h1> }
}
