use leptos::html::H1;
use leptos::prelude::*;

/// The page's `<h1>`. It takes the focus when the page opens, so that keyboard
/// and screen-reader users start reading from the top of the new page.
#[component]
pub fn PageHeading(children: Children) -> impl IntoView {
    let heading = NodeRef::<H1>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! { <h1 id="page-heading" tabindex="-1" node_ref=heading>{children()}</h1> }
}
