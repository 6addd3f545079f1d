//! What a part of a page shows while its data comes: a loading line, then the part;
//! an alert with a retry button when the data cannot be had. Every loaded part of
//! the console goes through [`Loaded`], so each says the same and can be retried.

use leptos::prelude::*;

use crate::components::text::tr;
use crate::i18n::*;

/// Where a part's data is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Load {
    Loading,
    Failed,
    Ready,
}

impl Load {
    /// From what a call answered so far (`None`: no answer yet).
    pub fn of<T, E>(answer: Option<&Result<T, E>>) -> Self {
        match answer {
            None => Load::Loading,
            Some(Err(_)) => Load::Failed,
            Some(Ok(_)) => Load::Ready,
        }
    }
}

/// `children` once the data is ready (drawn once: they read the data themselves, so
/// a reload keeps them); before, a loading line; on failure, an alert with
/// Réessayer, which calls `on_retry`. `failed`: the alert's text, if not
/// "Impossible de charger les informations du compte.".
#[component]
pub fn Loaded(
    #[prop(into)] load: Signal<Load>,
    on_retry: Callback<()>,
    #[prop(optional, into)] failed: Option<Signal<String>>,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let load = Memo::new(move |_| load.get());
    let failed = failed.unwrap_or_else(|| Signal::derive(move || tr!(i18n, load_failed)().into()));
    move || match load.get() {
        Load::Ready => children().into_any(),
        Load::Failed => view! {
            <div class="alert" role="alert">
                <p>{failed}</p>
                <button type="button" on:click=move |_| on_retry.run(())>{tr!(i18n, retry)}</button>
            </div>
        }
        .into_any(),
        Load::Loading => view! { <p aria-busy="true">{tr!(i18n, loading)}</p> }.into_any(),
    }
}
