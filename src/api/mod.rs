//! Everything that talks to the API: the client (`client.rs`: `Api`, one signed
//! fetch), how a call fails (`error.rs`), and the calls the pages name (the access
//! keys' in `access_keys.rs`, the EIM users' in `users.rs`).

mod access_keys;
mod client;
mod error;
mod reauthentication;
mod users;

pub use client::{Api, Client, Credentials};
pub use error::CallError;
pub use reauthentication::reauthentication_answered;
pub use users::{PageStart, UsersPage};

use account_contract::*;
use leptos::prelude::*;

use crate::session::Session;
use crate::state::{AppState, Notice};

/// The tag of the access keys the console creates at sign-in: its sessions.
pub const CONSOLE_TAG: &str = "osc-console";

/// `DeleteAccessKey` for one key of the signed-in identity.
pub fn delete_key(access_key_id: String) -> DeleteAccessKeyRequest {
    DeleteAccessKeyRequest { access_key_id, ..Default::default() }
}

/// `UpdateAccessKey` that deactivates one key of the signed-in identity (an EIM user's
/// key must be inactive before it can be deleted, as on OUTSCALE).
pub fn deactivate_key(access_key_id: String) -> UpdateAccessKeyRequest {
    UpdateAccessKeyRequest { access_key_id, state: Some(KeyState::Inactive), ..Default::default() }
}

/// The calls with a shape of their own (an answer to dig out, a rule to follow);
/// every other call is `api.call(&request)`.
impl Api {
    /// Whether the session still works (a cheap signed call any identity may make).
    pub async fn session_is_valid(self) -> bool {
        let probe = ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
        let result = self.call(&probe).await;
        !matches!(result, Err(e) if e.status() == Some(401) || e == CallError::SignedOut)
    }

    pub async fn read_account(self) -> Result<Account, CallError> {
        let resp = self.call(&ReadAccountsRequest::default()).await?;
        resp.accounts.and_then(|a| a.into_iter().next()).ok_or(CallError::Unexpected(200))
    }

    pub async fn update_account(self, update: UpdateAccountRequest) -> Result<Account, CallError> {
        let resp = self.call(&update).await?;
        resp.account.ok_or(CallError::Unexpected(200))
    }

    pub async fn check_password(self, login: String, password: String) -> Result<(), CallError> {
        let req = CheckAuthenticationRequest { login, password, dry_run: None };
        self.call_for_effect(&req).await
    }

    pub async fn update_password(self, req: UpdatePasswordRequest) -> Result<u32, CallError> {
        let resp = self.call(&req).await?;
        Ok(resp.logged_out_sessions)
    }

    pub async fn read_mfa_devices(self) -> Result<ReadMfaDevicesResponse, CallError> {
        self.call(&ReadMfaDevicesRequest::default()).await
    }

    /// The identity's sessions as devices (this API's extension).
    pub async fn read_sessions(self) -> Result<Vec<SessionDevice>, CallError> {
        Ok(self.call(&ReadSessionsRequest::default()).await?.sessions)
    }

    pub async fn delete_session(self, session_id: String) -> Result<(), CallError> {
        self.call_for_effect(&DeleteSessionRequest { session_id, dry_run: None }).await
    }

    /// Signs out every session but this one (its answer, how many went, is not read:
    /// the page knows which it listed).
    pub async fn delete_other_sessions(self) -> Result<(), CallError> {
        self.call_for_effect(&DeleteOtherSessionsRequest::default()).await
    }

    pub async fn console_sessions(self) -> Result<Vec<AccessKey>, CallError> {
        let req = ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
        let resp = self.call(&req).await?;
        Ok(resp.access_keys.unwrap_or_default())
    }

    pub async fn delete_access_key(self, access_key_id: String) -> Result<(), CallError> {
        self.call_for_effect(&delete_key(access_key_id)).await
    }

    /// Ends another session of this identity. An EIM user's key must be inactive
    /// before it can be deleted (OUTSCALE's rule; only a key's own deletion skips it).
    pub async fn end_other_session(self, access_key_id: String) -> Result<(), CallError> {
        let user =
            |s: AppState| s.session.with_untracked(|s| s.as_ref().is_some_and(Session::is_user));
        if self.state().is_some_and(user) {
            self.call_for_effect(&deactivate_key(access_key_id.clone())).await?;
        }
        self.delete_access_key(access_key_id).await
    }
}

/// Signing out, here because it calls the API (state.rs makes no call).
impl AppState {
    /// Ends the session as the person asked: its key goes with it when the console
    /// made it (if the API cannot be reached, the key expires on its own), then the
    /// session is forgotten and sign-in says so.
    pub async fn end_session(self) {
        let session = self.session.get_untracked();
        if let Some(s) = session.filter(|s| s.owns_key) {
            let _ = Api::new(self).delete_access_key(s.access_key_id).await;
        }
        self.sign_out(Notice::SignedOut);
    }
}

pub fn use_api() -> Api {
    Api::new(expect_context::<AppState>())
}
