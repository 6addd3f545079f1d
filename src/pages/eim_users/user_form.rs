//! Créer un utilisateur and Modifier l'utilisateur: one form (name, path, email), checked
//! with the contract's rules before it is sent; the API's field errors land next to
//! their field (`UserName` or `NewUserName`…), anything else in the form's alert.
//! Nothing typed is cleared by an error.

use account_contract::validation::{
    check_email, check_path, check_user_name, EMAIL_MAX_CHARS, USER_NAME_MAX_CHARS,
};
use account_contract::{ApiError, CreateUserRequest, ErrorCode, UpdateUserRequest, User};
use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::failure::{failure_text, Failed};
use crate::components::form::{focus_by_id, on_submit, FormField, SubmitButton};
use crate::components::problem_text::item_text;
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;

const NAME_ID: &str = "user-name";
const PATH_ID: &str = "user-path";
const EMAIL_ID: &str = "user-email";
const PROBLEM_ID: &str = "user-form-problem";
const PATH_MAX_CHARS: usize = 512;

/// What the form does: create a user, or edit this one.
#[derive(Clone, PartialEq)]
pub enum Purpose {
    Create,
    Edit(User),
}

/// What was done, for the page to say.
#[derive(Clone, PartialEq)]
pub enum Done {
    Created(String),
    Edited(String),
    Unchanged,
}

/// The field an API parameter is about, for this purpose.
fn field_of(parameter: &str, editing: bool) -> Option<&'static str> {
    match (parameter, editing) {
        ("UserName", false) | ("NewUserName", true) => Some(NAME_ID),
        ("Path", false) | ("NewPath", true) => Some(PATH_ID),
        ("UserEmail", false) | ("NewUserEmail", true) => Some(EMAIL_ID),
        _ => None,
    }
}

/// A parameter, its value and the contract's rule for it.
type Checked<'a> = (&'a str, &'a str, fn(&str, &str) -> Result<(), ApiError>);

/// The contract's checks of what is sent, every problem at once (as the API would
/// answer them, one at a time).
fn check(fields: &[Checked]) -> Result<(), CallError> {
    let items: Vec<_> = fields
        .iter()
        .filter_map(|(parameter, value, rule)| rule(parameter, value).err())
        .flat_map(|e| e.items)
        .collect();
    match items.is_empty() {
        true => Ok(()),
        false => Err(CallError::Api(ApiError {
            status: 400,
            items,
            retry_after: None,
            second_factors: None,
        })),
    }
}

#[component]
pub fn UserForm(
    purpose: Purpose,
    on_done: Callback<Done>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let editing = matches!(purpose, Purpose::Edit(_));
    let before = match &purpose {
        Purpose::Edit(u) => u.clone(),
        Purpose::Create => User { path: Some("/".into()), ..Default::default() },
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let name = RwSignal::new(text(&before.user_name));
    let path = RwSignal::new(text(&before.path));
    let email = RwSignal::new(text(&before.user_email));
    let before = StoredValue::new(before);

    let action = Task::<Result<Done, CallError>>::new();
    let save = move || {
        let (n, p, e) = (name.get_untracked(), path.get_untracked(), email.get_untracked());
        let (n, p, e) = (n.trim().to_owned(), p.trim().to_owned(), e.trim().to_owned());
        let was = before.get_value();
        action.run(async move {
            let result = match editing {
                false => create(api, n, p, e).await,
                true => edit(api, was, n, p, e).await,
            };
            match &result {
                Ok(done) => {
                    // `try_`: the page may be gone when the answer comes.
                    let _ = on_done.try_run(done.clone());
                }
                Err(err) => {
                    let fields = err.field_errors();
                    let first = fields.iter().find_map(|(f, _)| field_of(f, editing));
                    focus_by_id(first.unwrap_or(PROBLEM_ID));
                }
            }
            result
        });
    };
    let failed = move || action.value.get().and_then(Result::err);
    let error_of = move |id: &'static str, max: usize| {
        Signal::derive(move || {
            let e = failed()?;
            let (_, item) =
                e.field_errors().into_iter().find(|(f, _)| field_of(f, editing) == Some(id))?;
            Some(match e.has_code(ErrorCode::DuplicateUserName) {
                true => t_string!(i18n, users_name_taken).to_string(),
                false => item_text(i18n.get_locale(), &item, max),
            })
        })
    };
    let alert = move || {
        let e = failed()?;
        let fields = e.field_errors();
        if fields.iter().any(|(f, _)| field_of(f, editing).is_some()) {
            return None;
        }
        Some(match e.has_code(ErrorCode::NoSuchUser) {
            true => t_string!(i18n, users_gone).to_string(),
            false => failure_text(i18n, &e, &state.current_url(), Failed::Call),
        })
    };
    let submit = on_submit(action.pending, save);
    let was = before.with_value(|u| text(&u.user_name));
    let title = Signal::derive(move || match editing {
        true => t_string!(i18n, users_edit_title, user = was.clone()).to_string(),
        false => t_string!(i18n, users_create).to_string(),
    });
    let submit_label = match editing {
        true => tr!(i18n, users_save),
        false => tr!(i18n, users_create_submit),
    };
    let input = |s: RwSignal<String>| Callback::new(move |v| s.set(v));
    Effect::new(move |_| focus_by_id(NAME_ID));

    view! {
        <form class="panel" novalidate on:submit=submit aria-labelledby="user-form-title">
            <h3 id="user-form-title">{title}</h3>
            <FormField id=NAME_ID label=tr!(i18n, users_name) hint=tr!(i18n, users_name_hint)
                value=name on_input=input(name) error=error_of(NAME_ID, USER_NAME_MAX_CHARS)
                required=true max_chars=USER_NAME_MAX_CHARS />
            <FormField id=PATH_ID label=tr!(i18n, users_path) hint=tr!(i18n, users_path_hint)
                value=path on_input=input(path) error=error_of(PATH_ID, PATH_MAX_CHARS)
                max_chars=PATH_MAX_CHARS />
            <FormField id=EMAIL_ID input_type="email" autocomplete="off" label=tr!(i18n, users_email)
                value=email on_input=input(email) error=error_of(EMAIL_ID, EMAIL_MAX_CHARS)
                max_chars=EMAIL_MAX_CHARS />
            <p class="alert" role="alert" id=PROBLEM_ID tabindex="-1">{alert}</p>
            <div class="actions">
                <SubmitButton label=submit_label pending_label=tr!(i18n, users_saving)
                    pending=action.pending />
                <button type="button" on:click=move |_| on_cancel.run(())>{tr!(i18n, cancel)}</button>
            </div>
        </form>
    }
}

async fn create(
    api: crate::api::Api,
    name: String,
    path: String,
    email: String,
) -> Result<Done, CallError> {
    check(&[("UserName", &name, check_user_name), ("Path", &path, check_path)])?;
    if !email.is_empty() {
        check(&[("UserEmail", &email, check_email)])?;
    }
    let req = CreateUserRequest {
        user_name: name.clone(),
        path: (!path.is_empty()).then_some(path),
        user_email: (!email.is_empty()).then_some(email),
        dry_run: None,
    };
    // The answer is not read (the list is read again): no decoder for it in the wasm.
    api.call_for_effect(&req).await?;
    Ok(Done::Created(name))
}

/// Sends only what changed. OAPI cannot clear a user's email: an emptied one is
/// checked (and refused) as any other.
async fn edit(
    api: crate::api::Api,
    was: User,
    name: String,
    path: String,
    email: String,
) -> Result<Done, CallError> {
    let changed =
        |new: &str, old: &Option<String>| (Some(new) != old.as_deref()).then(|| new.to_owned());
    let new_name = changed(&name, &was.user_name);
    let new_path = changed(&path, &was.path);
    let new_email =
        changed(&email, &was.user_email).filter(|e| !(e.is_empty() && was.user_email.is_none()));
    let mut rules: Vec<Checked> = Vec::new();
    if let Some(n) = &new_name {
        rules.push(("NewUserName", n, check_user_name));
    }
    if let Some(p) = &new_path {
        rules.push(("NewPath", p, check_path));
    }
    if let Some(e) = &new_email {
        rules.push(("NewUserEmail", e, check_email));
    }
    check(&rules)?;
    if rules.is_empty() {
        return Ok(Done::Unchanged);
    }
    let req = UpdateUserRequest {
        user_name: was.user_name.unwrap_or_default(),
        new_user_name: new_name,
        new_path,
        new_user_email: new_email,
        dry_run: None,
    };
    api.call_for_effect(&req).await?;
    Ok(Done::Edited(name))
}
