//! Clés d'accès: the access keys of the signed-in identity, or, given an EIM user's
//! name, that user's (the EIM users page shows a user's keys with this section).
//! [`KeysSection`] holds the list and one action for every change to a listed key;
//! its widgets are the list (`list.rs`), Créer une access key (`create.rs`), the new
//! secret shown once (`new_secret.rs`) and the deletion's confirmation
//! (`components/dialog.rs`). The console's own session keys are not listed.

mod create;
mod list;
mod new_secret;

use account_contract::{AccessKey, AccessKeySecretKey, KeyState};
use leptos::prelude::*;

use crate::api::{use_api, CallError};
use crate::components::dialog::ConfirmDialog;
use crate::components::failure::{failure_text, Failed};
use crate::components::form::focus_by_id;
use crate::components::loaded::{Load, Loaded};
use crate::components::page_heading::PageHeading;
use crate::components::task::Task;
use crate::components::text::tr;
use crate::i18n::*;
use crate::state::AppState;
use create::CreateKey;
use list::KeyList;
use new_secret::NewSecret;

/// The section's heading: the focus goes there when a user's keys are opened.
pub const KEYS_TITLE_ID: &str = "keys-title";
const TITLE_ID: &str = KEYS_TITLE_ID;

#[component]
pub fn AccessKeys() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeading text=tr!(keys_title) />
        <p class="intro">{tr!(i18n, keys_intro)}</p>
        <KeysSection />
    }
}

/// A change to one listed key.
#[derive(Clone, PartialEq)]
pub enum Change {
    Activate(String),
    Deactivate(String),
    /// After the confirmation; `active`: an EIM user's active key is deactivated first.
    Delete {
        id: String,
        active: bool,
    },
}

impl Change {
    fn key_id(&self) -> &str {
        match self {
            Change::Activate(id) | Change::Deactivate(id) | Change::Delete { id, .. } => id,
        }
    }
}

/// Why a change was not made.
#[derive(Clone, PartialEq)]
pub enum Refusal {
    /// The key signs this very session: deactivating or deleting it would sign out.
    InUse,
    Call(CallError),
}

/// The keys of the signed-in identity, or of its EIM user `user_name`.
#[component]
pub fn KeysSection(#[prop(optional)] user_name: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let state = expect_context::<AppState>();
    let endpoint = state.current_endpoint();
    // This API tells each key's last use; OUTSCALE's does not.
    let extensions = endpoint.as_ref().is_some_and(|e| e.password_change);
    let session = state.session.get_untracked();
    // The key this session signs with, if it is one of those listed.
    let own_keys =
        session.as_ref().is_some_and(|s| user_name.is_none() || user_name == s.user_name);
    let in_use = session.as_ref().filter(|_| own_keys).map(|s| s.access_key_id.clone());
    // Without a date, a key made within a password sign-in ends with it (docs/API.md, Sessions).
    let session_bound = extensions && session.as_ref().is_some_and(|s| s.owns_key);
    let heading = match &user_name {
        Some(user) => {
            let user = user.clone();
            Signal::derive(move || t_string!(i18n, keys_of_user, user = user.clone()).to_string())
        }
        None => Signal::derive(move || tr!(i18n, keys_section)().to_owned()),
    };
    let owner = StoredValue::new(user_name);

    let listed = RwSignal::new(None::<Result<Vec<AccessKey>, CallError>>);
    // The owner is read before any answer: the page may be gone by then (a signal's
    // `set` is then a no-op, a stored value's read would panic).
    let load = move || {
        let user = owner.get_value();
        leptos::task::spawn_local(async move {
            listed.set(Some(api.read_access_keys(user).await));
        });
    };
    load();
    // The keys' longest lifetime, where OUTSCALE's access policy sets one; this API has
    // no such policy (nothing to ask). Créer waits for it.
    let max_lifetime = Task::<Option<u64>>::new();
    match extensions {
        true => max_lifetime.value.set(Some(None)),
        false => max_lifetime.run(api.max_key_lifetime()),
    }
    // The new key, its secret in memory only, until the person closes it.
    let created = RwSignal::new(None::<AccessKeySecretKey>);
    // The key whose deletion waits for a confirmation.
    // (Its ID alone: a signal of a type the console already has, no new code for it.)
    let asked = RwSignal::new(None::<String>);
    // The listed key of that ID.
    let listed_key = move |id: &str| {
        listed.with_untracked(|l| {
            let keys = l.as_ref().and_then(|l| l.as_ref().ok())?;
            keys.iter().find(|k| k.access_key_id.as_deref() == Some(id)).cloned()
        })
    };
    let refuse_in_use = StoredValue::new(in_use.clone());
    let changing = Task::<Result<Change, (String, Refusal)>>::new();
    let run_change = move |change: Change| {
        let in_use = refuse_in_use.get_value();
        let user = owner.get_value();
        changing.run(async move {
            let id = change.key_id().to_owned();
            let deactivates = !matches!(change, Change::Activate(_));
            if deactivates && in_use.as_deref() == Some(id.as_str()) {
                focus_by_id(&list::button_id(&id, &change));
                return Err((id, Refusal::InUse));
            }
            let done = match &change {
                Change::Activate(k) => {
                    api.set_access_key_state(user.clone(), k.clone(), KeyState::Active).await
                }
                Change::Deactivate(k) => {
                    api.set_access_key_state(user.clone(), k.clone(), KeyState::Inactive).await
                }
                Change::Delete { id, active } => {
                    api.delete_access_key_of(user.clone(), id.clone(), *active).await
                }
            };
            // Read again whatever the answer: a deletion may have deactivated first.
            listed.set(Some(api.read_access_keys(user).await));
            match (&done, &change) {
                (Ok(()), Change::Delete { .. }) => focus_by_id(TITLE_ID),
                _ => focus_by_id(&list::button_id(&id, &change)),
            }
            done.map(|()| change).map_err(|e| (id, Refusal::Call(e)))
        });
    };
    let problem = Signal::derive(move || {
        changing.value.with(|v| match v {
            Some(Err((id, Refusal::InUse))) => {
                Some((id.clone(), t_string!(i18n, keys_in_use_refused).to_string()))
            }
            Some(Err((id, Refusal::Call(e)))) => {
                Some((id.clone(), failure_text(i18n, e, &state.current_url(), Failed::Call)))
            }
            _ => None,
        })
    });
    let done = move || {
        changing.value.with(|v| match v {
            Some(Ok(Change::Activate(id))) => {
                t_string!(i18n, keys_activated, id = id.clone()).to_string()
            }
            Some(Ok(Change::Deactivate(id))) => {
                t_string!(i18n, keys_deactivated, id = id.clone()).to_string()
            }
            Some(Ok(Change::Delete { id, .. })) => {
                t_string!(i18n, keys_deleted, id = id.clone()).to_string()
            }
            _ => String::new(),
        })
    };
    let confirm_first = in_use.clone();
    let on_change = Callback::new(move |c: Change| match c {
        Change::Delete { id, .. } if confirm_first.as_deref() != Some(id.as_str()) => {
            asked.set(listed_key(&id).map(|_| id));
        }
        c => {
            run_change(c);
        }
    });
    let on_answer = Callback::new(move |confirmed: bool| {
        let Some(id) = asked.get_untracked() else { return };
        asked.set(None);
        let active =
            listed_key(&id).is_some_and(|k| k.state.as_deref() == Some(KeyState::Active.as_str()));
        if confirmed {
            run_change(Change::Delete { id, active });
        } else {
            focus_by_id(&list::button_id(&id, &Change::Delete { id: id.clone(), active }));
        }
    });
    let on_created = Callback::new(move |key: AccessKeySecretKey| {
        created.set(Some(key));
        focus_by_id(new_secret::TITLE_ID);
        load();
    });
    let on_closed = Callback::new(move |()| {
        created.set(None);
        focus_by_id(create::OPEN_ID);
    });
    let keys = Signal::derive(move || {
        listed.with(|l| l.as_ref().and_then(|l| l.as_ref().ok()).cloned().unwrap_or_default())
    });

    view! {
        <section class="card" aria-labelledby=TITLE_ID>
            <h2 id=TITLE_ID tabindex="-1">{heading}</h2>
            <p class="success" role="status">{done}</p>
            {move || created.get().map(|key| view! { <NewSecret key on_close=on_closed /> })}
            <Loaded load=move || listed.with(|l| Load::of(l.as_ref()))
                on_retry=Callback::new(move |()| {
                    listed.set(None);
                    load();
                })>
                <KeyList keys in_use=in_use.clone() last_use_known=extensions on_change problem
                    busy=changing.pending />
                {move || max_lifetime.value.get().map(|max_lifetime| view! {
                    <CreateKey user_name=owner session_bound max_lifetime on_created />
                })}
            </Loaded>
            {move || asked.get().map(|key_id| {
                let title = move || t_string!(i18n, keys_delete_title, id = key_id.clone()).to_string();
                view! {
                    <ConfirmDialog id="key-delete" title intro=tr!(i18n, keys_delete_intro)
                        confirm=tr!(i18n, keys_delete) on_answer />
                }
            })}
        </section>
    }
}
