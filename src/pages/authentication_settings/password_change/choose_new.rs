//! Step 2: the new password, its confirmation, Se déconnecter des autres appareils
//! (Modifier, UpdatePassword). The policy is checked as it is typed and before
//! sending; the server's reasons land next to the new password.

use account_contract::{ErrorCode, PasswordRule, UpdatePasswordRequest, PASSWORD_POLICY};
use leptos::prelude::*;

use super::Done;
use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, PasswordInput, SubmitButton};
use crate::components::password_checklist::{rule_text, PasswordChecklist};
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

const NEW_ID: &str = "new-password";
const CONFIRM_ID: &str = "confirm-password";

/// What a refused UpdatePassword is about.
#[derive(PartialEq, Eq)]
enum Refusal {
    /// Said above the buttons: locked (with the time to wait), unreachable…
    Form,
    /// The current password changed meanwhile: back to the first step.
    CurrentPassword,
    /// The server's policy (strength, reuse): said by the new password.
    NewPassword,
    /// The session ended: the app returns to sign-in.
    Quiet,
}

fn refusal(e: &CallError) -> Refusal {
    let fields = e.field_errors();
    if e.locked_for().is_some() {
        Refusal::Form
    } else if fields.iter().any(|(f, _)| f == "CurrentPassword") {
        Refusal::CurrentPassword
    } else if !fields.is_empty() {
        Refusal::NewPassword
    } else if e.status() == Some(401) {
        Refusal::Quiet
    } else {
        Refusal::Form
    }
}

/// One broken rule, as a sentence.
fn rule_refused(i18n: leptos_i18n::I18nContext<Locale>, rule: PasswordRule) -> String {
    t_string!(i18n, rule_refused, rule = rule_text(i18n, rule)).to_string()
}

fn rules_refused(i18n: leptos_i18n::I18nContext<Locale>, rules: &[PasswordRule]) -> String {
    rules.iter().map(|r| rule_refused(i18n, *r)).collect::<Vec<_>>().join(" ")
}

/// The server's reasons for refusing the new password, in the reader's language.
fn server_reasons(i18n: leptos_i18n::I18nContext<Locale>, e: &CallError) -> String {
    e.field_errors()
        .iter()
        .filter(|(f, i)| f == "NewPassword" && i.code == ErrorCode::InvalidPassword.code())
        .map(|(_, i)| match PasswordRule::from_message(i.message()) {
            Some(rule) => rule_refused(i18n, rule),
            None => i.details.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn ChooseNew(
    /// The current password confirmed at the first step; `None` when setting one up.
    current: Option<RwSignal<String>>,
    on_done: Callback<Done>,
    /// The server found the current password wrong.
    on_refused: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let logout_others = RwSignal::new(false);
    // What the last submit found before sending: the rules broken, a mismatch.
    let broken = RwSignal::new(Vec::<PasswordRule>::new());
    let mismatch = RwSignal::new(false);

    let update = Task::<Result<u32, CallError>>::new();
    let send = move |req: UpdatePasswordRequest| {
        update.run(async move {
            let result = api.update_password(req).await;
            match &result {
                Ok(count) => {
                    let created = current.is_none();
                    if created {
                        state.password_was_set();
                    }
                    on_done.run(Done { created, logged_out: *count });
                }
                Err(e) => match refusal(e) {
                    Refusal::CurrentPassword => on_refused.run(()),
                    Refusal::NewPassword => focus_by_id(NEW_ID),
                    Refusal::Form | Refusal::Quiet => {}
                },
            }
            result
        });
    };
    let answer = update.value;
    let refused_as = move |wanted: Refusal| {
        answer.with(|a| match a {
            Some(Err(e)) if refusal(e) == wanted => Some(e.clone()),
            _ => None,
        })
    };
    let new_error = Signal::derive(move || {
        if broken.with(|b| !b.is_empty()) {
            Some(broken.with(|b| rules_refused(i18n, b)))
        } else {
            refused_as(Refusal::NewPassword).map(|e| server_reasons(i18n, &e))
        }
    });
    let confirm_error =
        Signal::derive(move || mismatch.get().then(|| t_string!(i18n, mismatch).to_string()));
    let failure = move || {
        let url = state.current_url();
        refused_as(Refusal::Form).map(|e| failure_text(i18n, &e, &url, Failed::Call))
    };

    let submit = on_submit(update.pending, move || {
        // A new try: what the last one answered no longer holds.
        answer.set(None);
        let (new, again) = (new_password.get_untracked(), confirmation.get_untracked());
        broken.set(PASSWORD_POLICY.local_failures(&new));
        mismatch.set(new != again);
        if broken.with_untracked(|b| !b.is_empty()) {
            focus_by_id(NEW_ID);
        } else if new != again {
            focus_by_id(CONFIRM_ID);
        } else {
            send(UpdatePasswordRequest {
                current_password: current.map(|c| c.get_untracked()),
                new_password: new,
                logout_other_sessions: Some(logout_others.get_untracked()),
                dry_run: None,
            });
        }
    });
    focus_by_id(NEW_ID);

    view! {
        <form novalidate on:submit=submit aria-labelledby="step2-title">
            <h3 id="step2-title">{tr!(i18n, password_step2_title)}</h3>
            <PasswordInput id=NEW_ID autocomplete="new-password" value=new_password
                label=tr!(i18n, new_password)
                error=new_error described_by="new-password-rules" />
            <PasswordChecklist id="new-password-rules" password=new_password />
            <PasswordInput id=CONFIRM_ID autocomplete="new-password" value=confirmation
                label=tr!(i18n, confirm_password)
                error=confirm_error />
            <div class="field checkbox">
                <input id="logout-others" type="checkbox" prop:checked=logout_others
                    on:change=move |e| logout_others.set(event_target_checked(&e)) />
                <label for="logout-others">{tr!(i18n, logout_others)}</label>
            </div>
            <div class="actions">
                <SubmitButton label=tr!(i18n, submit_password) pending_label=tr!(i18n, updating)
                    pending=update.pending />
                <button type="button" on:click=move |_| on_cancel.run(())>{tr!(i18n, cancel)}</button>
            </div>
        </form>
        <div class="alert" role="alert">{failure}</div>
    }
}
