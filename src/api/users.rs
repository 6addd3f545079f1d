//! The account's EIM users (Utilisateurs EIM): a page of them, all of them for a search
//! by name (OAPI's `ReadUsers` filters by ID only), and deleting a user with its keys
//! (the API refuses to delete a user that still has some).

use account_contract::{
    AccessKey, DeleteUserRequest, KeyState, ReadAccessKeysRequest, ReadUsersRequest, User,
};

use super::{Api, CallError};

/// Where a page of users starts: `NextPageToken` when the API gave one (ours, newer
/// OAPI), else `FirstItem` (OUTSCALE's 1.40).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageStart {
    pub first_item: u32,
    pub token: Option<String>,
}

/// One page of users, and where the next one starts if there is one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsersPage {
    pub users: Vec<User>,
    pub next: Option<PageStart>,
}

/// Most pages a search reads (at 100 users a page).
const SEARCH_PAGES: u32 = 50;

impl Api {
    /// The page of `per_page` users that starts at `start`.
    pub async fn read_users_page(
        self,
        start: PageStart,
        per_page: u32,
    ) -> Result<UsersPage, CallError> {
        let req = ReadUsersRequest {
            first_item: start.token.is_none().then_some(start.first_item),
            next_page_token: start.token,
            results_per_page: Some(per_page),
            ..Default::default()
        };
        let answer = self.call(&req).await?;
        let users = answer.users.unwrap_or_default();
        let first_item = start.first_item + users.len() as u32;
        let more = answer.has_more_items == Some(true) || answer.next_page_token.is_some();
        let next = (more && !users.is_empty())
            .then_some(PageStart { first_item, token: answer.next_page_token });
        Ok(UsersPage { users, next })
    }

    /// Every user, page after page: the API has no filter by name, so a search reads
    /// them all (at most `SEARCH_PAGES` pages).
    pub async fn read_all_users(self) -> Result<Vec<User>, CallError> {
        let (mut all, mut start) = (Vec::new(), Some(PageStart::default()));
        for _ in 0..SEARCH_PAGES {
            let Some(at) = start.take() else { break };
            let page = self.read_users_page(at, 100).await?;
            all.extend(page.users);
            start = page.next;
        }
        Ok(all)
    }

    /// Every key of the user, its console sessions included: they too keep the user
    /// from being deleted.
    pub async fn all_keys_of(self, user_name: String) -> Result<Vec<AccessKey>, CallError> {
        let req = ReadAccessKeysRequest { user_name: Some(user_name), ..Default::default() };
        Ok(self.call(&req).await?.access_keys.unwrap_or_default())
    }

    /// Deletes the user; with `with_keys`, its access keys first (each deactivated
    /// before, as the API asks of a user's key).
    pub async fn delete_user(self, user_name: String, with_keys: bool) -> Result<(), CallError> {
        if with_keys {
            for key in self.all_keys_of(user_name.clone()).await? {
                let active = key.state.as_deref() == Some(KeyState::Active.as_str());
                let id = key.access_key_id.unwrap_or_default();
                self.delete_access_key_of(Some(user_name.clone()), id, active).await?;
            }
        }
        self.call_for_effect(&DeleteUserRequest { user_name, dry_run: None }).await
    }
}
