//! Utilisateurs EIM (accounts only): the account's EIM users, a page at a time
//! (`NextPageToken`, or `FirstItem` on OUTSCALE), with a search by name over every page
//! (`search.rs`); Créer un utilisateur and Modifier (`user_form.rs`); Supprimer after a
//! confirmation naming the user (`components/dialog.rs`), and, when the API refuses because
//! the user still has access keys, the offer to delete them first; a user's keys with
//! the Clés d'accès page's own `KeysSection`. The rows are `list.rs`.

mod list;
mod search;
mod user_form;

use account_contract::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{use_api, Api, CallError, PageStart, UsersPage};
use crate::components::dialog::ConfirmDialog;
use crate::components::failure::{failure_text, Failed};
use crate::components::form::focus_by_id;
use crate::components::loaded::{Load, Loaded};
use crate::components::page_heading::PageHeading;
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::pages::access_keys::{KeysSection, KEYS_TITLE_ID};
use crate::session::Session;
use crate::state::AppState;
use list::{row_id, RowAction, RowProblem, UserList};
use search::UserSearch;
use user_form::{Done, Purpose, UserForm};

/// The deletion asked: the user, and how many keys it still has if the API said so.
#[derive(Clone, PartialEq)]
struct Asked {
    user_name: String,
    keys: Option<usize>,
}

const TITLE_ID: &str = "users-title";
const CREATE_ID: &str = "user-create";
/// Users a page: Cockpit's list shows ten.
const PER_PAGE: u32 = 10;

#[component]
pub fn EimUsers() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<AppState>();
    let session = state.session.get_untracked();
    // An EIM user has no users (the API answers 401 4): the menu does not offer the page.
    let account_id = session.filter(|s| !s.is_user()).map(|s: Session| s.account_id);
    view! {
        <PageHeading text=tr!(users_title) />
        <p class="intro">{tr!(i18n, users_intro)}</p>
        {match account_id {
            Some(account_id) => view! { <UsersSection account_id /> }.into_any(),
            None => view! { <p class="notice">{tr!(i18n, users_accounts_only)}</p> }.into_any(),
        }}
    }
}

/// What the page last did, said in its status line.
#[derive(Clone, PartialEq)]
enum Said {
    Form(Done),
    Deleted(String),
    Page(usize),
}

/// Why a user was not deleted.
#[derive(Clone, PartialEq)]
enum Refused {
    HasKeys(usize),
    Call(CallError),
}

/// Reads the current page again; an emptied page after the first goes back one.
async fn reload(
    api: Api,
    starts: RwSignal<Vec<PageStart>>,
    listed: RwSignal<Option<Result<UsersPage, CallError>>>,
) {
    loop {
        let Some(start) = starts.try_with_untracked(|s| s.last().cloned().unwrap_or_default())
        else {
            return;
        };
        let page = api.read_users_page(start, PER_PAGE).await;
        let emptied = matches!(&page, Ok(p) if p.users.is_empty());
        if emptied && starts.try_with_untracked(Vec::len).unwrap_or(0) > 1 {
            starts.update(|s| drop(s.pop()));
            continue;
        }
        listed.set(Some(page));
        return;
    }
}

/// Whether the user's name holds `text`, ignoring case: names are ASCII (OAPI's
/// letters, digits and `+=,.@-_`), so no Unicode case tables are needed.
fn name_holds(user: &User, text: &str) -> bool {
    let name = user.user_name.as_deref().unwrap_or_default().to_ascii_lowercase();
    name.contains(&text.to_ascii_lowercase())
}

#[component]
fn UsersSection(account_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    // The pages visited, the current one last: Précédente goes back to where it began.
    let starts = RwSignal::new(vec![PageStart::default()]);
    let listed = RwSignal::new(None::<Result<UsersPage, CallError>>);
    // A search: its text, and what it found once every page was read.
    let search = RwSignal::new(None::<(String, Option<Result<Vec<User>, CallError>>)>);
    let run_search = move |text: String| {
        search.set(Some((text.clone(), None)));
        spawn_local(async move {
            let found = api.read_all_users().await;
            let found = found.map(|all| all.into_iter().filter(|u| name_holds(u, &text)).collect());
            // Only if this search is still the one shown.
            search.try_update(|s| match s {
                Some((shown, result)) if *shown == text => *result = Some(found),
                _ => {}
            });
        });
    };
    let refresh = move || async move {
        reload(api, starts, listed).await;
        if let Some(text) =
            search.try_with_untracked(|s| s.as_ref().map(|(t, _)| t.clone())).flatten()
        {
            run_search(text);
        }
    };
    spawn_local(refresh());

    let said = RwSignal::new(None::<Said>);
    let form = RwSignal::new(None::<Purpose>);
    let keys_of = RwSignal::new(None::<String>);
    let asked = RwSignal::new(None::<Asked>);

    let delete = Task::<Result<String, (String, Refused)>>::new();
    let run_delete = move |name: String, with_keys: bool| {
        delete.run(async move {
            let outcome = match api.delete_user(name.clone(), with_keys).await {
                Ok(()) => Ok(name.clone()),
                // Refused while the user has keys (409 9002 here; whatever OUTSCALE says):
                // count them, to offer deleting them first.
                Err(e @ CallError::Api(_)) => match api.all_keys_of(name.clone()).await {
                    Ok(keys) if !keys.is_empty() => {
                        Err((name.clone(), Refused::HasKeys(keys.len())))
                    }
                    _ => Err((name.clone(), Refused::Call(e))),
                },
                Err(e) => Err((name.clone(), Refused::Call(e))),
            };
            refresh().await;
            match &outcome {
                Ok(gone) => {
                    said.set(Some(Said::Deleted(gone.clone())));
                    if keys_of.get_untracked().as_ref() == Some(gone) {
                        keys_of.set(None);
                    }
                    focus_by_id(TITLE_ID);
                }
                Err((n, Refused::HasKeys(_))) => focus_by_id(&row_id(n, "delete-keys")),
                Err((n, Refused::Call(_))) => focus_by_id(&row_id(n, "delete")),
            }
            outcome
        });
    };
    let problem = Signal::derive(move || {
        delete.value.with(|v| match v {
            Some(Err((name, Refused::HasKeys(count)))) => {
                Some((name.clone(), RowProblem::HasKeys(*count)))
            }
            Some(Err((name, Refused::Call(e)))) => Some((
                name.clone(),
                RowProblem::Failed(failure_text(i18n, e, &state.current_url(), Failed::Call)),
            )),
            _ => None,
        })
    });

    let on_action = Callback::new(move |action: RowAction| match action {
        RowAction::Keys(name) => {
            let open = keys_of.get_untracked().as_deref() != Some(name.as_str());
            keys_of.set(open.then(|| name.clone()));
            focus_by_id(&if open { KEYS_TITLE_ID.to_owned() } else { row_id(&name, "keys") });
        }
        RowAction::Edit(user) => {
            said.set(None);
            form.set(Some(Purpose::Edit(user)));
        }
        RowAction::Delete(user_name) => asked.set(Some(Asked { user_name, keys: None })),
        RowAction::DeleteWithKeys(user_name, count) => {
            asked.set(Some(Asked { user_name, keys: Some(count) }))
        }
    });
    let on_answer = Callback::new(move |confirmed: bool| {
        let Some(Asked { user_name, keys }) = asked.get_untracked() else { return };
        asked.set(None);
        if confirmed {
            run_delete(user_name, keys.is_some());
        } else {
            focus_by_id(&row_id(&user_name, if keys.is_some() { "delete-keys" } else { "delete" }));
        }
    });
    // Back to where the form was opened from.
    let opener = move || match form.get_untracked() {
        Some(Purpose::Edit(u)) => row_id(u.user_name.as_deref().unwrap_or_default(), "edit"),
        _ => CREATE_ID.to_owned(),
    };
    let on_done = Callback::new(move |done: Done| {
        let back = match &done {
            Done::Edited(name) => row_id(name, "edit"),
            _ => opener(),
        };
        form.set(None);
        keys_of.set(None);
        said.set(Some(Said::Form(done)));
        spawn_local(async move {
            refresh().await;
            focus_by_id(&back);
        });
    });
    let on_cancel = Callback::new(move |()| {
        let back = opener();
        form.set(None);
        focus_by_id(&back);
    });
    let on_search = Callback::new(move |text: Option<String>| match text {
        Some(text) => run_search(text),
        None => {
            search.set(None);
            focus_by_id(search::SEARCH_ID);
        }
    });
    let turn = move |forward: bool| {
        let next =
            listed.with_untracked(|l| l.as_ref().and_then(|l| l.as_ref().ok()?.next.clone()));
        match (forward, next) {
            (true, Some(next)) => starts.update(|s| s.push(next)),
            (false, _) if starts.with_untracked(Vec::len) > 1 => starts.update(|s| drop(s.pop())),
            _ => return,
        }
        spawn_local(async move {
            reload(api, starts, listed).await;
            said.set(Some(Said::Page(starts.with_untracked(Vec::len))));
            // The button pressed is now off on the first or last page: the focus goes
            // to the list's title rather than to nothing.
            let last = listed.with_untracked(|l| {
                l.as_ref().is_some_and(|l| l.as_ref().is_ok_and(|p| p.next.is_none()))
            });
            let first = starts.with_untracked(Vec::len) == 1;
            if (forward && last) || (!forward && first) {
                focus_by_id(TITLE_ID);
            }
        });
    };

    let said_text = move || {
        said.with(|s| match s {
            Some(Said::Form(Done::Created(n))) => {
                t_string!(i18n, users_created, user = n.clone()).to_string()
            }
            Some(Said::Form(Done::Edited(n))) => {
                t_string!(i18n, users_edited, user = n.clone()).to_string()
            }
            Some(Said::Form(Done::Unchanged)) => t_string!(i18n, users_unchanged).to_string(),
            Some(Said::Deleted(n)) => t_string!(i18n, users_deleted, user = n.clone()).to_string(),
            Some(Said::Page(n)) => t_string!(i18n, users_page, page = *n).to_string(),
            None => String::new(),
        })
    };
    let searching = Signal::derive(move || search.with(Option::is_some));
    let search_text = move || {
        search.with(|s| match s {
            Some((text, Some(Ok(found)))) => {
                t_string!(i18n, users_found, text = text.clone(), n = found.len()).to_string()
            }
            _ => String::new(),
        })
    };
    let users = Signal::derive(move || {
        let found = search
            .with(|s| s.as_ref().map(|(_, r)| r.as_ref().and_then(|r| r.as_ref().ok()).cloned()));
        match found {
            Some(found) => found.unwrap_or_default(),
            None => listed.with(|l| {
                l.as_ref()
                    .and_then(|l| l.as_ref().ok())
                    .map(|p| p.users.clone())
                    .unwrap_or_default()
            }),
        }
    });
    let load_state = move || match search.with(|s| s.as_ref().map(|(_, r)| Load::of(r.as_ref()))) {
        Some(load) => load,
        None => listed.with(|l| Load::of(l.as_ref())),
    };
    let retry = Callback::new(move |()| {
        listed.set(None);
        spawn_local(refresh());
    });
    let page_number =
        move || t_string!(i18n, users_page_of, page = starts.with(Vec::len)).to_string();
    let has_next = move || {
        listed.with(|l| l.as_ref().is_some_and(|l| l.as_ref().is_ok_and(|p| p.next.is_some())))
    };
    let account_id = StoredValue::new(account_id);

    view! {
        <section class="card" aria-labelledby=TITLE_ID>
            <h2 id=TITLE_ID tabindex="-1">{tr!(i18n, users_list)}</h2>
            <p class="success" role="status">{said_text}</p>
            {move || match form.get() {
                Some(purpose) => view! { <UserForm purpose on_done on_cancel /> }.into_any(),
                None => view! {
                    <div class="actions">
                        <button type="button" class="primary" id=CREATE_ID
                            on:click=move |_| { said.set(None); form.set(Some(Purpose::Create)); }>
                            {tr!(i18n, users_create)}
                        </button>
                    </div>
                }.into_any(),
            }}
            <UserSearch on_search searching pending=Signal::derive(move || search.with(|s| matches!(s, Some((_, None))))) />
            <p role="status">{search_text}</p>
            <Loaded load=load_state on_retry=retry>
                <UserList users account_id=account_id.get_value() keys_of problem on_action
                    busy=delete.pending />
                <nav class="actions pages" aria-label=tr!(i18n, users_pages) hidden=move || searching.get()>
                    <button type="button" id="users-previous" disabled=move || starts.with(Vec::len) < 2
                        on:click=move |_| turn(false)>{tr!(i18n, users_previous)}</button>
                    <span>{page_number}</span>
                    <button type="button" id="users-next" disabled=move || !has_next()
                        on:click=move |_| turn(true)>{tr!(i18n, users_next)}</button>
                </nav>
            </Loaded>
        </section>
        {move || keys_of.get().map(|name| {
            let back = row_id(&name, "keys");
            view! {
                <div id="user-keys">
                    <KeysSection user_name=name />
                    <div class="actions">
                        <button type="button" on:click=move |_| {
                            keys_of.set(None);
                            focus_by_id(&back);
                        }>{tr!(i18n, users_keys_close)}</button>
                    </div>
                </div>
            }
        })}
        {move || asked.get().map(|Asked { user_name, keys }| {
            let title = t_string!(i18n, users_delete_title, user = user_name.clone()).to_string();
            let intro = match keys {
                Some(n) => t_string!(i18n, users_delete_keys_intro, user = user_name, n = n),
                None => t_string!(i18n, users_delete_intro, user = user_name),
            }
            .to_string();
            let confirm = match keys {
                Some(_) => tr!(i18n, users_delete_with_keys),
                None => tr!(i18n, users_delete),
            };
            view! { <ConfirmDialog id="user-delete" title intro confirm on_answer /> }
        })}
    }
}
