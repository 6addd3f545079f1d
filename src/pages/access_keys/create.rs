//! Créer une access key: a panel with an expiration date, optional unless the account's
//! access policy limits the keys' lifetime (on OUTSCALE), then CreateAccessKey. The new
//! key (its secret) goes to the section, which shows it once.

use account_contract::AccessKeySecretKey;
use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, FormField, SubmitButton};
use crate::components::task::Task;
use crate::components::text::{local_date, tr};
use crate::i18n::*;
use crate::state::AppState;

/// The button that opens the panel: the focus comes back to it.
pub const OPEN_ID: &str = "key-create";
const DATE_ID: &str = "key-expiration";

/// The date (UTC, as the API reads a date) `seconds` from now, `YYYY-MM-DD`.
fn date_in(seconds: u64) -> String {
    let at = js_sys::Date::now() + seconds as f64 * 1000.0;
    let iso: String = js_sys::Date::new(&at.into()).to_iso_string().into();
    iso.chars().take(10).collect()
}

/// Why the chosen date is refused before anything is sent.
#[derive(Clone, Copy, PartialEq)]
enum DateProblem {
    Past,
    /// The access policy wants every key to expire.
    Needed,
    /// After the last date the access policy allows.
    TooLate,
}

#[component]
pub fn CreateKey(
    /// The EIM user whose key this is, if not the signed-in identity's.
    user_name: StoredValue<Option<String>>,
    /// Without a date, the key ends with this console session (this API's rule).
    session_bound: bool,
    /// The account's longest key lifetime in seconds, where its access policy sets one.
    max_lifetime: Option<u64>,
    on_created: Callback<AccessKeySecretKey>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let date = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<DateProblem>);
    // The last date a key may have (within the policy's lifetime from now).
    let latest = StoredValue::new(max_lifetime.map(date_in));
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
        match problem.get() {
            Some(DateProblem::Past) => {
                return Some(t_string!(i18n, keys_expiration_past).to_string())
            }
            Some(DateProblem::Needed) => {
                return Some(t_string!(i18n, keys_expiration_needed).to_string())
            }
            Some(DateProblem::TooLate) => {
                let date = local_date(&latest.get_value().unwrap_or_default(), i18n.get_locale());
                return Some(t_string!(i18n, keys_expiration_too_late, date).to_string());
            }
            None => {}
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
        let found = match latest.get_value() {
            _ if !chosen.is_empty() && chosen <= date_in(0) => Some(DateProblem::Past),
            Some(_) if chosen.is_empty() => Some(DateProblem::Needed),
            Some(last) if chosen > last => Some(DateProblem::TooLate),
            _ => None,
        };
        problem.set(found);
        if found.is_some() {
            focus_by_id(DATE_ID);
            return;
        }
        create((!chosen.is_empty()).then_some(chosen));
    });
    let show = move |_| {
        action.value.set(None);
        problem.set(None);
        open.set(true);
        focus_by_id(DATE_ID);
    };
    let cancel = move |_| {
        open.set(false);
        focus_by_id(OPEN_ID);
    };
    let hint = Signal::derive(move || match max_lifetime {
        Some(seconds) => {
            let days = seconds / 86_400;
            let date = local_date(&latest.get_value().unwrap_or_default(), i18n.get_locale());
            t_string!(i18n, keys_expiration_hint_max, days, date).to_string()
        }
        None if session_bound => tr!(i18n, keys_expiration_hint_session)().to_owned(),
        None => tr!(i18n, keys_expiration_hint)().to_owned(),
    });
    let label = match max_lifetime {
        Some(_) => tr!(i18n, keys_expiration_required),
        None => tr!(i18n, keys_expiration),
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
            <FormField id=DATE_ID input_type="date" label hint required=max_lifetime.is_some()
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
