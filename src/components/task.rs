//! A call on its way and its last outcome: what the Clés d'accès and Utilisateurs EIM
//! pages would take leptos's `Action` for, without its machinery (input signal,
//! version, dispatch) compiled again for each input and outcome type: for those
//! pages' four actions, 19 KB less wasm in the signed-in module (1.7 KB brotli).

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

pub struct Task<O: Send + Sync + 'static> {
    /// True from `run` until its outcome is in `value`.
    pub pending: RwSignal<bool>,
    /// The last outcome, kept while the next call is on its way.
    pub value: RwSignal<Option<O>>,
}

impl<O: Send + Sync + 'static> Clone for Task<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O: Send + Sync + 'static> Copy for Task<O> {}

impl<O: Send + Sync + 'static> Task<O> {
    pub fn new() -> Self {
        Task { pending: RwSignal::new(false), value: RwSignal::new(None) }
    }

    /// Runs the call; `try_`: the page may be gone when the answer comes.
    pub fn run(self, call: impl Future<Output = O> + 'static) {
        self.pending.set(true);
        spawn_local(async move {
            let outcome = call.await;
            self.value.try_set(Some(outcome));
            self.pending.try_set(false);
        });
    }
}
