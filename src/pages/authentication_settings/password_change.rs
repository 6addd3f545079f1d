//! Mot de passe → Modifier: step 1 checks the current password (Se connecter,
//! CheckAuthentication), step 2 sets the new one (Modifier, UpdatePassword).
//! Nothing typed is cleared after an error.

use account_contract::{ErrorCode, PasswordRule, UpdatePasswordRequest, PASSWORD_POLICY};
use leptos::html::Button;
use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::failure::failure_text;
use crate::components::form::focus_by_id;
use crate::components::form::PasswordInput;
use crate::components::password_checklist::{rule_text, PasswordChecklist};
use crate::components::text::text;
use crate::i18n::*;
use crate::state::AppState;

/// A 401 that is not the lockout (code 13, which says how long to wait).
fn is_wrong_password(e: &CallError) -> bool {
    e.status() == Some(401) && e.locked_for().is_none()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Closed,
    ConfirmIdentity,
    ChooseNew,
}

#[component]
pub fn PasswordSection(supported: bool) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let endpoint_url = state.current_endpoint().map(|e| e.url).unwrap_or_default();
    let endpoint_url = StoredValue::new(endpoint_url);
    let step = RwSignal::new(Step::Closed);
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let logout_others = RwSignal::new(false);
    let current_error = RwSignal::new(None::<String>);
    let new_error = RwSignal::new(None::<String>);
    let confirm_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<u32>);
    let open_button = NodeRef::<Button>::new();
    // An EIM user without a password sets one up: no current password to check.
    let setting_up =
        Memo::new(move |_| state.session.with(|s| s.as_ref().is_some_and(|s| !s.has_password)));
    let set_up_done = RwSignal::new(false);
    let login =
        move || state.session.with(|s| s.as_ref().map(|s| s.login.clone()).unwrap_or_default());

    let reset = move || {
        current.set(String::new());
        new_password.set(String::new());
        confirmation.set(String::new());
        logout_others.set(false);
        current_error.set(None);
        new_error.set(None);
        confirm_error.set(None);
        failure.set(None);
    };
    let close = move || {
        reset();
        step.set(Step::Closed);
        request_animation_frame(move || {
            if let Some(b) = open_button.get_untracked() {
                let _ = b.focus();
            }
        });
    };

    // Step 1.
    let check = Action::new_local(move |password: &String| {
        let (password, login) = (
            password.clone(),
            state.session.with_untracked(|s| s.as_ref().map(|s| s.login.clone())),
        );
        async move {
            let result = api.check_password(login.unwrap_or_default(), password).await;
            // CheckAuthentication answers 401 for a wrong password and for a dead
            // session alike: ask the session itself which one it is (a lock says so).
            if matches!(&result, Err(e) if is_wrong_password(e)) && !api.session_is_valid().await {
                state.session_expired();
            }
            result
        }
    });
    Effect::new(move |_| match check.value().get() {
        Some(Ok(())) => {
            current_error.set(None);
            failure.set(None);
            step.set(Step::ChooseNew);
            focus_by_id("new-password");
        }
        Some(Err(e)) if is_wrong_password(&e) => {
            current_error.set(Some(t_string!(i18n, wrong_password).to_string()));
            focus_by_id("current-password");
        }
        Some(Err(e)) => failure.set(Some(failure_text(i18n, &e, &endpoint_url.get_value()))),
        None => {}
    });
    let submit_current = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if check.pending().get_untracked() {
            return;
        }
        failure.set(None);
        if current.with_untracked(String::is_empty) {
            current_error.set(Some(t_string!(i18n, error_required).to_string()));
            focus_by_id("current-password");
            return;
        }
        current_error.set(None);
        check.dispatch_local(current.get_untracked());
    };

    // Step 2.
    let update =
        Action::new_local(move |req: &UpdatePasswordRequest| api.update_password(req.clone()));
    Effect::new(move |_| match update.value().get() {
        Some(Ok(count)) => {
            if setting_up.get_untracked() {
                set_up_done.set(true);
                api.password_was_set();
            } else {
                set_up_done.set(false);
            }
            done.set(Some(count));
            close();
        }
        Some(Err(e)) => {
            let fields = e.field_errors();
            if e.locked_for().is_some() {
                // Too many wrong current passwords: say how long to wait, stay here.
                failure.set(Some(failure_text(i18n, &e, &endpoint_url.get_value())));
            } else if fields.iter().any(|(f, _)| f == "CurrentPassword") {
                // The current password changed meanwhile: back to step 1, typed text kept.
                current_error.set(Some(t_string!(i18n, wrong_password).to_string()));
                step.set(Step::ConfirmIdentity);
                focus_by_id("current-password");
            } else if !fields.is_empty() {
                let messages: Vec<String> = fields
                    .iter()
                    .filter(|(f, i)| {
                        f == "NewPassword" && i.code == ErrorCode::InvalidPassword.code()
                    })
                    .map(|(_, i)| match PasswordRule::from_message(i.message()) {
                        Some(rule) => {
                            t_string!(i18n, rule_refused, rule = rule_text(i18n, rule)).to_string()
                        }
                        None => i.details.clone(),
                    })
                    .collect();
                new_error.set(Some(messages.join(" ")));
                focus_by_id("new-password");
            } else if e.status() != Some(401) {
                failure.set(Some(failure_text(i18n, &e, &endpoint_url.get_value())));
            }
        }
        None => {}
    });
    let submit_new = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if update.pending().get_untracked() {
            return;
        }
        failure.set(None);
        let (new, again) = (new_password.get_untracked(), confirmation.get_untracked());
        let broken = PASSWORD_POLICY.local_failures(&new);
        new_error.set((!broken.is_empty()).then(|| {
            broken
                .iter()
                .map(|r| t_string!(i18n, rule_refused, rule = rule_text(i18n, *r)).to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }));
        confirm_error.set((new != again).then(|| t_string!(i18n, mismatch).to_string()));
        if !broken.is_empty() {
            focus_by_id("new-password");
            return;
        }
        if new != again {
            focus_by_id("confirm-password");
            return;
        }
        update.dispatch_local(UpdatePasswordRequest {
            current_password: (!setting_up.get_untracked()).then(|| current.get_untracked()),
            new_password: new,
            logout_other_sessions: Some(logout_others.get_untracked()),
            dry_run: None,
        });
    };

    let done_text = move || {
        done.get().map(|count| {
            let sessions = match count {
                0 => t_string!(i18n, logged_out_none).to_string(),
                1 => t_string!(i18n, logged_out_one).to_string(),
                count => t_string!(i18n, logged_out_many, count).to_string(),
            };
            let updated = if set_up_done.get() {
                t_string!(i18n, password_created).to_string()
            } else {
                t_string!(i18n, password_updated).to_string()
            };
            format!("{updated} {sessions}")
        })
    };

    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{text(i18n, |l| td_string!(l, password_section))}</h2>
            <p class="success" role="status">{done_text}</p>
            {if !supported {
                view! { <p class="notice">{text(i18n, |l| td_string!(l, password_elsewhere))}</p> }.into_any()
            } else {
                view! {
                    <Show when=move || step.get() == Step::Closed>
                        <p>
                            {move || if setting_up.get() {
                                t_string!(i18n, password_none, login = login()).to_string()
                            } else {
                                t_string!(i18n, password_section_intro).to_string()
                            }}
                        </p>
                        <button type="button" class="primary" node_ref=open_button on:click=move |_| {
                            done.set(None);
                            if setting_up.get_untracked() {
                                step.set(Step::ChooseNew);
                                focus_by_id("new-password");
                            } else {
                                step.set(Step::ConfirmIdentity);
                                focus_by_id("current-password");
                            }
                        }>
                            {move || if setting_up.get() {
                                t_string!(i18n, setup_password)
                            } else {
                                t_string!(i18n, password_update)
                            }}
                        </button>
                    </Show>
                    <Show when=move || step.get() == Step::ConfirmIdentity>
                        <form novalidate on:submit=submit_current aria-labelledby="step1-title">
                            <h3 id="step1-title">{text(i18n, |l| td_string!(l, password_step1_title))}</h3>
                            <p>{text(i18n, |l| td_string!(l, password_step1_intro))}</p>
                            <PasswordInput id="current-password" autocomplete="current-password" value=current
                                label=Signal::derive(move || t_string!(i18n, current_password).to_string())
                                error=current_error />
                            <div class="actions">
                                <button type="submit" class="primary">
                                    {move || if check.pending().get() { text(i18n, |l| td_string!(l, checking)).into_any() } else { text(i18n, |l| td_string!(l, log_in)).into_any() }}
                                </button>
                                <button type="button" on:click=move |_| close()>{text(i18n, |l| td_string!(l, cancel))}</button>
                            </div>
                        </form>
                    </Show>
                    <Show when=move || step.get() == Step::ChooseNew>
                        <form novalidate on:submit=submit_new aria-labelledby="step2-title">
                            <h3 id="step2-title">{text(i18n, |l| td_string!(l, password_step2_title))}</h3>
                            <PasswordInput id="new-password" autocomplete="new-password" value=new_password
                                label=Signal::derive(move || t_string!(i18n, new_password).to_string())
                                error=new_error described_by="new-password-rules" />
                            <PasswordChecklist id="new-password-rules" password=new_password />
                            <PasswordInput id="confirm-password" autocomplete="new-password" value=confirmation
                                label=Signal::derive(move || t_string!(i18n, confirm_password).to_string())
                                error=confirm_error />
                            <div class="field checkbox">
                                <input id="logout-others" type="checkbox" prop:checked=move || logout_others.get()
                                    on:change=move |e| logout_others.set(event_target_checked(&e)) />
                                <label for="logout-others">{text(i18n, |l| td_string!(l, logout_others))}</label>
                            </div>
                            <div class="actions">
                                <button type="submit" class="primary">
                                    {move || if update.pending().get() { text(i18n, |l| td_string!(l, updating)).into_any() } else { text(i18n, |l| td_string!(l, submit_password)).into_any() }}
                                </button>
                                <button type="button" on:click=move |_| close()>{text(i18n, |l| td_string!(l, cancel))}</button>
                            </div>
                        </form>
                    </Show>
                    <div class="alert" role="alert">{move || failure.get()}</div>
                }.into_any()
            }}
        </section>
    }
}
