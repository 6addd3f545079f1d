//! The access keys a person manages (Clés d'accès): their own, or, with `user_name`,
//! those of one of the account's EIM users (Utilisateurs EIM). The console's own
//! session keys are the sessions' (Paramètres d'authentification), not listed here.

use account_contract::{
    AccessKey, AccessKeySecretKey, CreateAccessKeyRequest, DeleteAccessKeyRequest, KeyState,
    ReadAccessKeysRequest, ReadApiAccessPolicyRequest, UpdateAccessKeyRequest,
};
use leptos::prelude::*;

use super::{Api, CallError, CONSOLE_TAG};
use crate::session::Session;

impl Api {
    /// The keys, oldest first as the API lists them, without the console's sessions.
    pub async fn read_access_keys(
        self,
        user_name: Option<String>,
    ) -> Result<Vec<AccessKey>, CallError> {
        let req = ReadAccessKeysRequest { user_name, ..Default::default() };
        let keys = self.call(&req).await?.access_keys.unwrap_or_default();
        Ok(keys.into_iter().filter(|k| k.tag.as_deref() != Some(CONSOLE_TAG)).collect())
    }

    /// The longest a new key may live, in seconds, where the account's API access policy
    /// sets a limit (OUTSCALE's `ReadApiAccessPolicy`, whose `0` is no limit). `None`
    /// where the call is refused or not served.
    pub async fn max_key_lifetime(self) -> Option<u64> {
        let answer = self.call(&ReadApiAccessPolicyRequest::default()).await.ok()?;
        answer.api_access_policy?.max_access_key_expiration_seconds.filter(|s| *s > 0)
    }

    /// A new key, with its secret (shown once). `expiration_date`: `YYYY-MM-DD`. A date
    /// after this session's end makes a lasting key: the client asks for the password
    /// again when the API wants it (`1012`, `reauthentication.rs`).
    pub async fn create_access_key(
        self,
        user_name: Option<String>,
        expiration_date: Option<String>,
    ) -> Result<AccessKeySecretKey, CallError> {
        let req = CreateAccessKeyRequest { user_name, expiration_date, ..Default::default() };
        self.call(&req).await?.access_key.ok_or(CallError::Unexpected(200))
    }

    /// Activates or deactivates a key (activating one may ask for the password again).
    pub async fn set_access_key_state(
        self,
        user_name: Option<String>,
        access_key_id: String,
        state: KeyState,
    ) -> Result<(), CallError> {
        let req = UpdateAccessKeyRequest {
            access_key_id,
            user_name,
            state: Some(state),
            ..Default::default()
        };
        self.call_for_effect(&req).await
    }

    /// Deletes a key. An EIM user's key must be inactive first (OUTSCALE's rule): an
    /// active one is deactivated, then deleted.
    pub async fn delete_access_key_of(
        self,
        user_name: Option<String>,
        access_key_id: String,
        active: bool,
    ) -> Result<(), CallError> {
        let signed_in_user = self.state().is_some_and(|s| {
            s.session.with_untracked(|s| s.as_ref().is_some_and(Session::is_user))
        });
        if active && (user_name.is_some() || signed_in_user) {
            let (name, id) = (user_name.clone(), access_key_id.clone());
            self.set_access_key_state(name, id, KeyState::Inactive).await?;
        }
        let req = DeleteAccessKeyRequest { access_key_id, user_name, dry_run: None };
        self.call_for_effect(&req).await
    }
}
