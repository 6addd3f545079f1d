//! The users, one row each: the name, whether the user has set up its password (where
//! the API tells it), its path, email and sign-in login; Access keys (shown below the
//! list), Modifier and Supprimer. A deletion refused or failed is said in its row,
//! with, when the user still has keys, the offer to delete them first.

use account_contract::User;
use leptos::prelude::*;

use crate::i18n::*;

/// What a row's button asks of the page.
#[derive(Clone, PartialEq)]
pub enum RowAction {
    Keys(String),
    Edit(User),
    Delete(String),
    /// After the API refused: the user's keys first, then the user.
    DeleteWithKeys(String, usize),
}

/// Why a user is still there.
#[derive(Clone, PartialEq)]
pub enum RowProblem {
    /// The API refuses to delete a user with access keys: this many.
    HasKeys(usize),
    Failed(String),
}

/// The ids of a row's parts, from the user's name (unique in the account; the
/// characters a name may hold are fine in an id).
pub fn row_id(user_name: &str, part: &str) -> String {
    format!("user-{user_name}-{part}")
}

#[component]
pub fn UserList(
    #[prop(into)] users: Signal<Vec<User>>,
    /// The account's ID, for the users' sign-in login.
    account_id: String,
    /// The user whose keys are shown.
    #[prop(into)]
    keys_of: Signal<Option<String>>,
    /// A user's problem, as (user name, problem).
    #[prop(into)]
    problem: Signal<Option<(String, RowProblem)>>,
    on_action: Callback<RowAction>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let account_id = StoredValue::new(account_id);
    let rows = move || {
        let (problem, open) = (problem.get(), keys_of.get());
        let rows = users.get().into_iter().map(|user| {
            let name = user.user_name.clone().unwrap_or_default();
            let said = problem.as_ref().filter(|(p, _)| *p == name).map(|(_, p)| p.clone());
            let open = open.as_deref() == Some(name.as_str());
            user_row(i18n, user, &account_id.get_value(), open, said, on_action, busy)
        });
        rows.collect_view()
    };
    view! {
        {move || users.with(Vec::is_empty).then(|| view! { <p>{t_string!(i18n, users_none)}</p> })}
        <ul class="plain device-list user-list">{rows}</ul>
    }
}

fn user_row(
    i18n: leptos_i18n::I18nContext<Locale>,
    user: User,
    account_id: &str,
    keys_open: bool,
    problem: Option<RowProblem>,
    on_action: Callback<RowAction>,
    busy: Signal<bool>,
) -> impl IntoView {
    let name = user.user_name.clone().unwrap_or_default();
    let (name_id, problem_id) = (row_id(&name, "name"), row_id(&name, "problem"));
    let password = user.has_password.map(|has| match has {
        true => t_string!(i18n, users_has_password).to_string(),
        false => t_string!(i18n, users_no_password).to_string(),
    });
    let mut facts =
        vec![t_string!(i18n, users_path_is, path = user.path.clone().unwrap_or_default())
            .to_string()];
    if let Some(email) = &user.user_email {
        facts.push(email.clone());
    }
    let login = t_string!(i18n, users_login, login = format!("{account_id}/{name}")).to_string();
    let described = match problem.is_some() {
        true => format!("{name_id} {problem_id}"),
        false => name_id.clone(),
    };
    let problem = problem.map(|p| {
        let (text, offer) = match p {
            RowProblem::HasKeys(count) => (
                t_string!(i18n, users_has_keys, user = name.clone(), n = count).to_string(),
                Some(count),
            ),
            RowProblem::Failed(text) => (text, None),
        };
        let offer = offer.map(|count| {
            let asked = RowAction::DeleteWithKeys(name.clone(), count);
            view! {
                <button type="button" class="small" id=row_id(&name, "delete-keys")
                    disabled=move || busy.get() on:click=move |_| on_action.run(asked.clone())>
                    {t_string!(i18n, users_delete_keys_first)}
                </button>
            }
        });
        view! { <div class="alert" role="alert" id=problem_id.clone()><p>{text}</p>{offer}</div> }
    });
    let (keys, edit, delete) = (
        RowAction::Keys(name.clone()),
        RowAction::Edit(user.clone()),
        RowAction::Delete(name.clone()),
    );
    view! {
        <li>
            <div>
                <strong id=name_id.clone()>{name.clone()}</strong>
                {password.map(|text| view! { " " <span class="badge">{text}</span> })}
                <span class="hint">{facts.join(" · ")}</span>
                <span class="hint mono">{login}</span>
                {problem}
            </div>
            <div class="actions">
                <button type="button" class="small" id=row_id(&name, "keys")
                    aria-expanded=keys_open.to_string() aria-controls=keys_open.then_some("user-keys")
                    aria-describedby=name_id.clone() on:click=move |_| on_action.run(keys.clone())>
                    {t_string!(i18n, users_keys)}
                </button>
                <button type="button" class="small" id=row_id(&name, "edit")
                    aria-describedby=name_id.clone() on:click=move |_| on_action.run(edit.clone())>
                    {t_string!(i18n, users_edit)}
                </button>
                <button type="button" class="small" id=row_id(&name, "delete")
                    aria-describedby=described disabled=move || busy.get()
                    on:click=move |_| on_action.run(delete.clone())>
                    {t_string!(i18n, users_delete)}
                </button>
            </div>
        </li>
    }
}
