//! Step 1: the current password (Se connecter, CheckAuthentication).

use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, PasswordInput, SubmitButton};
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

const INPUT_ID: &str = "current-password";

#[component]
pub fn ConfirmIdentity(
    /// The current password, kept for the next step.
    current: RwSignal<String>,
    /// The next step found it wrong: say so until it is sent again.
    refused: bool,
    on_confirmed: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let refused = RwSignal::new(refused);
    let empty = RwSignal::new(false);

    let check = Task::<Result<(), CallError>>::new();
    let send = move |password: String| {
        let login = state.session.with_untracked(|s| s.as_ref().map(|s| s.login.clone()));
        check.run(async move {
            let result = api.check_password(login.unwrap_or_default(), password).await;
            match &result {
                Ok(()) => on_confirmed.run(()),
                Err(e) if e.is_wrong_credentials() => {
                    // CheckAuthentication answers 401 for a wrong password and for a dead
                    // session alike: ask the session itself which one it is.
                    if !api.session_is_valid().await {
                        state.session_expired();
                    }
                    focus_by_id(INPUT_ID);
                }
                Err(_) => {}
            }
            result
        });
    };
    let answer = check.value;
    let error = Signal::derive(move || {
        let wrong = answer.with(|a| match a {
            Some(Err(e)) => e.is_wrong_credentials(),
            Some(Ok(())) => false,
            None => refused.get(),
        });
        if empty.get() {
            Some(t_string!(i18n, error_required).to_string())
        } else {
            wrong.then(|| t_string!(i18n, wrong_password).to_string())
        }
    });
    let failure = move || {
        let url = state.current_url();
        answer.with(|a| match a {
            Some(Err(e)) if !e.is_wrong_credentials() => {
                Some(failure_text(i18n, e, &url, Failed::Call))
            }
            _ => None,
        })
    };

    let submit = on_submit(check.pending, move || {
        // A new try: what the last one answered no longer holds.
        answer.set(None);
        refused.set(false);
        empty.set(current.with_untracked(String::is_empty));
        if empty.get_untracked() {
            focus_by_id(INPUT_ID);
            return;
        }
        send(current.get_untracked());
    });
    focus_by_id(INPUT_ID);

    view! {
        <form novalidate on:submit=submit aria-labelledby="step1-title">
            <h3 id="step1-title">{tr!(i18n, password_step1_title)}</h3>
            <p>{tr!(i18n, password_step1_intro)}</p>
            <PasswordInput id=INPUT_ID autocomplete="current-password" value=current
                label=tr!(i18n, current_password)
                error />
            <div class="actions">
                <SubmitButton label=tr!(i18n, log_in) pending_label=tr!(i18n, checking)
                    pending=check.pending />
                <button type="button" on:click=move |_| on_cancel.run(())>{tr!(i18n, cancel)}</button>
            </div>
        </form>
        <div class="alert" role="alert">{failure}</div>
    }
}
