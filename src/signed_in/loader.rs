//! The signed-in part as a module of its own (`console_split` builds): the one
//! function the rest of the app calls into it, and the component that fetches it
//! first.
//!
//! The module is fetched when a signed-in page is first shown (after sign-in, or
//! on a reload while signed in), or earlier by [`prefetch`] while the sign-in form
//! is being filled. A module that cannot be fetched shows an alert with a retry
//! button in the page, never a blank one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;

use super::SignedInPart;
use crate::components::loaded::{Load, Loaded};
use crate::components::text::tr;
use crate::i18n::*;

/// Where the signed-in module starts. `wasm_split` turns calls to it into calls
/// that load the module first; `fallible` makes a failed load an `Err` (without
/// it the app would abort).
#[leptos::wasm_split::wasm_split(
    signed_in,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(load_module)
)]
fn signed_in_view(part: SignedInPart) -> Result<AnyView, SplitLoaderError> {
    Ok(part.view())
}

/// Where the module is at: one for the whole app, so that every part waiting for
/// it (the page and the profile menu) is drawn when it arrives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    NotAsked,
    Loading,
    Loaded,
    Failed,
}

thread_local! {
    static STATUS: ArcRwSignal<Status> = ArcRwSignal::new(Status::NotAsked);
}

fn status() -> ArcRwSignal<Status> {
    STATUS.with(Clone::clone)
}

/// Fetches the signed-in module, unless it is there or on its way. A failure
/// is not remembered by the loader: the next call tries again.
fn load() {
    let status = status();
    if matches!(status.get_untracked(), Status::Loading | Status::Loaded) {
        return;
    }
    status.set(Status::Loading);
    spawn_local(async move {
        let loaded = load_module().await.is_ok();
        status.set(if loaded { Status::Loaded } else { Status::Failed });
    });
}

/// Starts fetching the signed-in module in the background (the sign-in form
/// calls it while it is being filled), unless it was asked for already.
pub fn prefetch() {
    if status().get_untracked() == Status::NotAsked {
        load();
    }
}

/// Draws the part, once its module is loaded: the call into it then completes
/// on its first poll (`None` if it somehow did not).
fn draw(part: SignedInPart) -> Option<AnyView> {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let mut call = std::pin::pin!(signed_in_view(part));
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result.ok(),
        Poll::Pending => None,
    }
}

/// One part of the signed-in pages: drawn at once when the module is there;
/// else a loading line (a page) or nothing (the profile menu) until it is, and
/// an alert with a retry button (a page) if it cannot be fetched. Showing a
/// part after a failure tries again.
#[component]
pub fn SignedIn(part: SignedInPart) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    load();
    let ready = {
        let status = status.clone();
        move || status.get() == Status::Loaded
    };
    if matches!(part, SignedInPart::ProfileMenu) {
        return (move || ready().then(|| draw(part))).into_any();
    }
    let load_state = move || match status.get() {
        Status::Loaded => Load::Ready,
        Status::Failed => Load::Failed,
        _ => Load::Loading,
    };
    view! {
        <Loaded load=load_state on_retry=Callback::new(|()| load())
            failed=tr!(i18n, signed_in_unavailable)>
            {move || draw(part)}
        </Loaded>
    }
    .into_any()
}
