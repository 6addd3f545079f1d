//! Créer une access key: a panel with an optional expiration date, then
//! CreateAccessKey. The new key (its secret) goes to the section, which shows it once.

use account_contract::AccessKeySecretKey;
use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, FormField, SubmitButton};
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

/// The button that opens the panel: the focus comes back to it.
pub const OPEN_ID: &str = "key-create";
const DATE_ID: &str = "key-expiration";

/// Today's date (UTC, as the API reads a date), `YYYY-MM-DD`.
fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}

#[component]
pub fn CreateKey(
    /// The EIM user whose key this is, if not the signed-in identity's.
    user_name: StoredValue<Option<String>>,
    /// Without a date, the key ends with this console session (this API's rule).
    session_bound: bool,
    on_created: Callback<AccessKeySecretKey>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let date = RwSignal::new(String::new());
    let past = RwSignal::new(false);
    // The secret goes to the section alone; the action keeps only whether it worked.
    let action = Task::<Result<(), CallError>>::new();
    let create = move |expiration: Option<String>| {
        let user = user_name.get_value();
        action.run(async move {
            match api.create_access_key(user, expiration).await {
                Ok(key) => {
                    open.set(false);
                    date.set(String::new());
                    // `try_`: the page may be gone when the answer comes.
                    on_created.try_run(key);
                    Ok(())
                }
                Err(e) => {
                    let on_date = e.field_errors().iter().any(|(f, _)| f == "ExpirationDate");
                    focus_by_id(if on_date { DATE_ID } else { "key-create-problem" });
                    Err(e)
                }
            }
        });
    };
    let failed = move || action.value.get().and_then(Result::err);
    let date_error = Signal::derive(move || {
        if past.get() {
            return Some(t_string!(i18n, keys_expiration_past).to_string());
        }
        let e = failed()?;
        let item = e.field_errors().into_iter().find(|(f, _)| f == "ExpirationDate")?.1;
        Some(t_string!(i18n, error_generic, details = item.details).to_string())
    });
    let alert = move || {
        let e = failed().filter(|e| e.field_errors().is_empty())?;
        Some(failure_text(i18n, &e, &state.current_url(), Failed::Call))
    };
    let submit = on_submit(action.pending, move || {
        let chosen = date.get_untracked();
        past.set(!chosen.is_empty() && chosen <= today());
        if past.get_untracked() {
            focus_by_id(DATE_ID);
            return;
        }
        create((!chosen.is_empty()).then_some(chosen));
    });
    let show = move |_| {
        action.value.set(None);
        past.set(false);
        open.set(true);
        focus_by_id(DATE_ID);
    };
    let cancel = move |_| {
        open.set(false);
        focus_by_id(OPEN_ID);
    };
    let hint = match session_bound {
        true => tr!(i18n, keys_expiration_hint_session),
        false => tr!(i18n, keys_expiration_hint),
    };

    view! {
        <div class="actions" hidden=move || open.get()>
            <button type="button" class="primary" id=OPEN_ID on:click=show>
                {tr!(i18n, keys_create)}
            </button>
        </div>
        <form class="panel" novalidate on:submit=submit aria-labelledby="key-create-title"
            hidden=move || !open.get()>
            <h3 id="key-create-title">{tr!(i18n, keys_create)}</h3>
            <FormField id=DATE_ID input_type="date" label=tr!(i18n, keys_expiration) hint
                value=date on_input=Callback::new(move |v| date.set(v)) error=date_error />
            <p class="alert" role="alert" id="key-create-problem" tabindex="-1">{alert}</p>
            <div class="actions">
                <SubmitButton label=tr!(i18n, keys_create_submit)
                    pending_label=tr!(i18n, keys_creating) pending=action.pending />
                <button type="button" on:click=cancel>{tr!(i18n, cancel)}</button>
            </div>
        </form>
    }
}
