//! "Modifier les informations personnelles": a form over a draft of the account.
//! It sends only what changed; Sauvegarder is enabled only when something changed
//! and everything is valid. Errors from the API land next to their field.

use account_contract::validation::{check_update_account, ADDITIONAL_EMAILS_MAX, EMAIL_MAX_CHARS};
use account_contract::{Account, AccountField, UpdateAccountRequest};
use leptos::prelude::*;

use super::details::section_key;
use super::labels::{error_text, field_label, input_id, input_kind, section_title, SECTIONS};
use crate::api::{use_api, CallError};
use crate::components::form::focus_by_id;
use crate::components::form::FormField;
use crate::components::text::text;
use crate::i18n::*;
use crate::state::AppState;

fn max_chars_of(parameter: &str) -> usize {
    AccountField::ALL
        .iter()
        .find(|f| f.name() == parameter)
        .map_or(EMAIL_MAX_CHARS, |f| f.max_chars())
}

#[component]
pub fn EditForm(
    original: Account,
    on_saved: Callback<Account>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let original = StoredValue::new(original);
    let draft = RwSignal::new(original.get_value());
    // Errors the API returned, by parameter; a field's error goes when it is edited.
    let server_errors = RwSignal::new(Vec::<(String, String)>::new());
    let failure = RwSignal::new(None::<String>);

    let changes = Memo::new(move |_| {
        original.with_value(|o| draft.with(|d| UpdateAccountRequest::diff(o, d)))
    });
    let client_errors = Memo::new(move |_| match check_update_account(&changes.get()) {
        Ok(()) => Vec::new(),
        Err(e) => e
            .items
            .iter()
            .filter_map(|item| {
                item.field().map(|f| (f.to_owned(), error_text(i18n, item, max_chars_of(f))))
            })
            .collect::<Vec<_>>(),
    });
    let error_of = move |parameter: String| {
        Signal::derive(move || {
            server_errors
                .with(|s| s.iter().find(|(p, _)| *p == parameter).map(|(_, m)| m.clone()))
                .or_else(|| {
                    client_errors
                        .with(|c| c.iter().find(|(p, _)| *p == parameter).map(|(_, m)| m.clone()))
                })
        })
    };
    let clear_error =
        move |parameter: &str| server_errors.update(|s| s.retain(|(p, _)| p != parameter));

    // Leaving with unsaved changes asks first (see AppState::confirm_leave).
    Effect::new(move |_| state.unsaved.set(!changes.with(UpdateAccountRequest::is_empty)));
    on_cleanup(move || state.unsaved.set(false));

    let save =
        Action::new_local(move |update: &UpdateAccountRequest| api.update_account(update.clone()));
    let pending = save.pending();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(account)) => {
            state.unsaved.set(false);
            on_saved.run(account);
        }
        Some(Err(e)) => {
            let fields = e.field_errors();
            if !fields.is_empty() {
                let list: Vec<(String, String)> = fields
                    .iter()
                    .map(|(p, item)| (p.clone(), error_text(i18n, item, max_chars_of(p))))
                    .collect();
                focus_by_id(&input_id(&list[0].0));
                server_errors.set(list);
                failure.set(Some(t_string!(i18n, save_failed_fields).to_string()));
            } else if e == CallError::Unreachable {
                failure.set(Some(t_string!(i18n, save_failed_network).to_string()));
            } else if e.status() == Some(401) {
                // The session ended: the app returns to sign-in.
            } else if e.is_server_failure() {
                failure.set(Some(
                    t_string!(i18n, save_failed_server, status = e.status().unwrap_or(0))
                        .to_string(),
                ));
            } else {
                let details = match &e {
                    CallError::Api(a) => a.to_string(),
                    _ => String::new(),
                };
                failure.set(Some(t_string!(i18n, error_generic, details).to_string()));
            }
        }
        None => {}
    });

    let can_save =
        move || !changes.with(UpdateAccountRequest::is_empty) && client_errors.with(Vec::is_empty);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        // A second click while saving sends nothing.
        if pending.get_untracked() || !can_save() {
            if let Some((p, _)) = client_errors.get_untracked().first() {
                focus_by_id(&input_id(p));
            }
            return;
        }
        failure.set(None);
        server_errors.set(Vec::new());
        save.dispatch_local(changes.get_untracked());
    };
    let cancel = move |_| {
        draft.set(original.get_value());
        state.unsaved.set(false);
        on_cancel.run(());
    };

    let text_field = move |field: AccountField| {
        let (input_type, autocomplete) = input_kind(field);
        let hint = (field == AccountField::Email)
            .then(|| Signal::derive(move || t_string!(i18n, email_hint).to_string()));
        let value = Signal::derive(move || {
            draft.with(|d| field.of_account(d).cloned().unwrap_or_default())
        });
        let on_input = Callback::new(move |v: String| {
            clear_error(field.name());
            draft.update(|d| *field.of_account_mut(d) = Some(v));
        });
        let label = Signal::derive(move || field_label(i18n, field));
        view! {
            <FormField id=input_id(field.name()) label value on_input error=error_of(field.name().to_owned())
                input_type autocomplete required=!field.may_be_empty() max_chars=field.max_chars() hint />
        }
    };

    let email_count =
        Memo::new(move |_| draft.with(|d| d.additional_emails.as_ref().map_or(0, Vec::len)));
    let add_email = move |_: leptos::ev::MouseEvent| {
        let index = email_count.get_untracked();
        draft.update(|d| d.additional_emails.get_or_insert_with(Vec::new).push(String::new()));
        focus_by_id(&input_id(&format!("AdditionalEmails[{index}]")));
    };
    let remove_email = move |index: usize| {
        draft.update(|d| {
            if let Some(list) = d.additional_emails.as_mut() {
                list.remove(index);
            }
        });
        server_errors.update(|s| s.retain(|(p, _)| !p.starts_with("AdditionalEmails")));
        focus_by_id("add-email");
    };
    let additional_emails = move || {
        (0..email_count.get())
            .map(|i| {
                let parameter = format!("AdditionalEmails[{i}]");
                let value = Signal::derive(move || {
                    draft.with(|d| d.additional_emails.as_ref().and_then(|l| l.get(i).cloned()).unwrap_or_default())
                });
                let on_input = {
                    let parameter = parameter.clone();
                    Callback::new(move |v: String| {
                        clear_error(&parameter);
                        draft.update(|d| {
                            if let Some(slot) = d.additional_emails.as_mut().and_then(|l| l.get_mut(i)) {
                                *slot = v;
                            }
                        });
                    })
                };
                view! {
                    <li class="email-item">
                        <FormField id=input_id(&parameter) input_type="email" autocomplete="email"
                            label=Signal::derive(move || t_string!(i18n, additional_email_n, n = i + 1).to_string())
                            value on_input error=error_of(parameter.clone()) max_chars=EMAIL_MAX_CHARS />
                        <button type="button" class="ghost small" on:click=move |_| remove_email(i)>
                            {t!(i18n, remove_email, n = i + 1)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let list_error = error_of("AdditionalEmails".into());

    view! {
        <form class="edit-panel card" novalidate on:submit=submit aria-labelledby="edit-title">
            <h2 id="edit-title">{text(i18n, |l| td_string!(l, edit_title))}</h2>
            <fieldset>
                <legend>{text(i18n, |l| td_string!(l, section_account))}</legend>
                {[("account-id", draft.with_untracked(|d| d.account_id.clone())), ("customer-id", draft.with_untracked(|d| d.customer_id.clone()))]
                    .into_iter()
                    .map(|(id, value)| {
                        let label = move || if id == "account-id" { t_string!(i18n, field_account_id).to_string() } else { t_string!(i18n, field_customer_id).to_string() };
                        view! {
                            <div class="field read-only">
                                <label for=id>{label} " " <span class="badge">{text(i18n, |l| td_string!(l, read_only))}</span></label>
                                <input id=id type="text" readonly aria-readonly="true" value=value.unwrap_or_default() />
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {SECTIONS.iter().map(|(section, fields)| {
                let legend_id = format!("edit-{}", section_key(*section));
                let labelled_by = legend_id.clone();
                view! {
                    <fieldset aria-labelledby=labelled_by>
                        <legend id=legend_id>{move || section_title(i18n, *section)}</legend>
                        {fields.iter().map(|f| text_field(*f)).collect_view()}
                        {fields.contains(&AccountField::Email).then(|| view! {
                            <div class="field-group" role="group" aria-labelledby="additional-emails-title">
                                <p class="group-title" id="additional-emails-title">{text(i18n, |l| td_string!(l, field_additional_emails))}</p>
                                <p class="hint">{text(i18n, |l| td_string!(l, additional_emails_hint))}</p>
                                <ul class="plain">{additional_emails}</ul>
                                <p class="field-error" hidden=move || list_error.with(Option::is_none)>{move || list_error.get()}</p>
                                <button type="button" id="add-email" class="ghost"
                                    disabled=move || { email_count.get() >= ADDITIONAL_EMAILS_MAX }
                                    on:click=add_email>
                                    {text(i18n, |l| td_string!(l, add_email))}
                                </button>
                            </div>
                        })}
                    </fieldset>
                }
            }).collect_view()}
            <div class="alert" role="alert">{move || failure.get()}</div>
            <p class="hint" id="save-hint">
                {move || if changes.with(UpdateAccountRequest::is_empty) {
                    Some(text(i18n, |l| td_string!(l, nothing_changed)).into_any())
                } else if !client_errors.with(Vec::is_empty) {
                    Some(text(i18n, |l| td_string!(l, fix_fields)).into_any())
                } else {
                    None
                }}
            </p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || !can_save() || pending.get()
                    aria-describedby="save-hint">
                    {move || if pending.get() { text(i18n, |l| td_string!(l, saving)).into_any() } else { text(i18n, |l| td_string!(l, save)).into_any() }}
                </button>
                <button type="button" on:click=cancel>{text(i18n, |l| td_string!(l, cancel))}</button>
            </div>
        </form>
    }
}
