//! A call on its way and its last outcome: how every page reads from the API and
//! sends its changes. It stands where Leptos's `LocalResource` and `Action` would:
//! they compile their async machinery (async-derived signals, scoped futures, input
//! and version signals) once for the console and again for each value type, and the
//! console had little else in them. With every one of them a `Task`, the console is
//! 18 KB brotli smaller (docs/BENCHMARKS.md, Console size). A read is `run` again to
//! refresh; its last answer stays shown meanwhile.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

pub struct Task<O: Send + Sync + 'static> {
    /// True from `run` until the last run's outcome is in `value`.
    pub pending: RwSignal<bool>,
    /// The last outcome, kept while the next call is on its way.
    pub value: RwSignal<Option<O>>,
    /// Runs started: only the latest one's outcome is kept, so a slow earlier answer
    /// (a list read before a change) never replaces a newer one.
    runs: StoredValue<u32>,
}

impl<O: Send + Sync + 'static> Clone for Task<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O: Send + Sync + 'static> Copy for Task<O> {}

impl<O: Send + Sync + 'static> Task<O> {
    pub fn new() -> Self {
        Task {
            pending: RwSignal::new(false),
            value: RwSignal::new(None),
            runs: StoredValue::new(0),
        }
    }

    /// Runs the call; `try_`: the page may be gone when the answer comes.
    pub fn run(self, call: impl Future<Output = O> + 'static) {
        let Some(this) = start(self.runs) else { return };
        self.pending.set(true);
        spawn_local(async move {
            let outcome = call.await;
            if is_latest(self.runs, this) {
                self.value.try_set(Some(outcome));
                self.pending.try_set(false);
            }
        });
    }
}

// The run count's code, once for every outcome type and call (not inlined into each).
#[inline(never)]
fn start(runs: StoredValue<u32>) -> Option<u32> {
    runs.try_update_value(|n| {
        *n += 1;
        *n
    })
}

#[inline(never)]
fn is_latest(runs: StoredValue<u32>, this: u32) -> bool {
    runs.try_get_value() == Some(this)
}

#[cfg(test)]
mod tests {
    use leptos::prelude::*;
    use leptos::task::tick;
    use wasm_bindgen_test::*;

    use super::Task;

    async fn after(ticks: u32, outcome: u32) -> u32 {
        for _ in 0..ticks {
            tick().await;
        }
        outcome
    }

    #[wasm_bindgen_test]
    async fn a_slow_earlier_run_never_replaces_the_latest_outcome() {
        // Mounting starts the executor that runs the tasks, as in the app.
        leptos::mount::mount_to_body(|| ());
        let task = Task::<u32>::new();
        task.run(after(6, 1));
        task.run(after(2, 2));
        assert!(task.pending.get_untracked());
        for _ in 0..4 {
            tick().await;
        }
        assert_eq!(task.value.get_untracked(), Some(2));
        assert!(!task.pending.get_untracked(), "the latest run is over");
        for _ in 0..8 {
            tick().await;
        }
        assert_eq!(task.value.get_untracked(), Some(2), "the earlier run came back later");
    }
}
