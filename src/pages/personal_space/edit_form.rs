//! "Modifier les informations personnelles": a form over a [`Draft`] of the
//! account (its fields are in `edit_fields.rs`). It sends only what changed;
//! Sauvegarder is enabled only when something changed and everything is valid.
//! Errors from the API land next to their field; nothing typed is lost.

use account_contract::validation::{check_address, check_update_account};
use account_contract::{Account, UpdateAccountRequest};
use leptos::prelude::*;

use super::edit_fields::{example_for, max_chars_of, AccountFields, Draft};
use super::labels::{error_text, input_id};
use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, ReadOnlyId, SubmitButton};
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

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
    let account = RwSignal::new(original.get_value());
    let changes = Memo::new(move |_| {
        original.with_value(|o| account.with(|d| UpdateAccountRequest::diff(o, d)))
    });
    // The contract's checks, as the server makes them: each field, then the VAT number
    // and postal code against the country the account will have.
    let client_errors = Memo::new(move |_| {
        let changes = changes.get();
        let found = check_update_account(&changes)
            .and_then(|()| original.with_value(|o| check_address(&changes, o)));
        let Err(e) = found else { return Vec::new() };
        account.with(|a| {
            e.items
                .iter()
                .filter_map(|item| {
                    let f = item.field()?;
                    let text = error_text(i18n, item, max_chars_of(f), example_for(a, f));
                    Some((f.to_owned(), text))
                })
                .collect::<Vec<_>>()
        })
    });
    let draft = Draft { account, server_errors: RwSignal::new(Vec::new()), client_errors };

    let unchanged = move || changes.with(UpdateAccountRequest::is_empty);
    // Leaving with unsaved changes asks first (see AppState::confirm_leave).
    state.guard_unsaved(Signal::derive(move || !unchanged()));

    let save = Task::<Result<(), CallError>>::new();
    let send = move |update: UpdateAccountRequest| {
        save.run(async move {
            match api.update_account(update).await {
                Ok(account) => {
                    on_saved.run(account);
                    Ok(())
                }
                Err(e) => {
                    let fields = e.field_errors();
                    if let Some((p, _)) = fields.first() {
                        focus_by_id(&input_id(p));
                    }
                    draft.server_errors.set(fields);
                    Err(e)
                }
            }
        });
    };
    let answer = save.value;
    let failure = move || {
        answer.with(|a| {
            a.as_ref()?
                .as_ref()
                .err()
                .map(|e| failure_text(i18n, e, &state.current_url(), Failed::Save))
        })
    };

    let can_save = move || !unchanged() && client_errors.with(Vec::is_empty);
    let submit = on_submit(save.pending, move || {
        if !can_save() {
            if let Some((p, _)) = client_errors.with_untracked(|c| c.first().cloned()) {
                focus_by_id(&input_id(&p));
            }
            return;
        }
        answer.set(None);
        draft.server_errors.set(Vec::new());
        send(changes.get_untracked());
    });
    let cancel = move |_| on_cancel.run(());
    let id_of = |get: fn(&Account) -> &Option<String>| {
        account.with_untracked(|a| get(a).clone().unwrap_or_default())
    };

    view! {
        <form class="edit-panel card" novalidate on:submit=submit aria-labelledby="edit-title">
            <h2 id="edit-title">{tr!(i18n, edit_title)}</h2>
            <fieldset>
                <legend>{tr!(i18n, section_account)}</legend>
                <ReadOnlyId input_id="account-id" label=tr!(i18n, field_account_id)
                    value=id_of(|a| &a.account_id) />
                <ReadOnlyId input_id="customer-id" label=tr!(i18n, field_customer_id)
                    value=id_of(|a| &a.customer_id) />
            </fieldset>
            <AccountFields draft />
            <div class="alert" role="alert">{failure}</div>
            <p class="hint" id="save-hint">
                {move || if unchanged() {
                    Some(tr!(i18n, nothing_changed).into_any())
                } else if !client_errors.with(Vec::is_empty) {
                    Some(tr!(i18n, fix_fields).into_any())
                } else {
                    None
                }}
            </p>
            <div class="actions">
                <SubmitButton label=tr!(i18n, save) pending_label=tr!(i18n, saving)
                    pending=save.pending disabled=Signal::derive(move || !can_save())
                    described_by="save-hint" />
                <button type="button" on:click=cancel>{tr!(i18n, cancel)}</button>
            </div>
        </form>
    }
}
