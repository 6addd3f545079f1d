//! Everything that talks to the API: the signed fetch client, and
//! `Api`, the one handle pages use to make calls.

mod client;

pub use client::{call, call_for_effect, CallError, Credentials};

use account_contract::*;
use leptos::prelude::*;

use crate::session::Session;
use crate::state::AppState;

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

/// Makes calls as the signed-in person. A call refused for authentication (the
/// session key expired or was deleted elsewhere) ends the session, and the app
/// returns to sign-in.
#[derive(Clone, Copy)]
pub struct Api {
    state: AppState,
}

impl Api {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Makes the call `C` with the session's key.
    pub async fn call<C: Call>(self, req: &C) -> Result<C::Response, CallError> {
        client::decode::<C>(self.send(C::NAME, client::encode(req)?).await?)
    }

    /// Makes the call `C` when only its success matters (its answer is not read).
    pub async fn call_for_effect<C: Call>(self, req: &C) -> Result<(), CallError> {
        self.send(C::NAME, client::encode(req)?).await.map(drop)
    }

    /// The untyped part of a call, signed with the session's key: one copy in the wasm,
    /// behind a box so that no caller's future holds (and inlines) its state.
    fn send(self, name: &'static str, body: String) -> client::Answer<'static> {
        Box::pin(self.send_now(name, body))
    }

    async fn send_now(self, name: &'static str, body: String) -> Result<(u16, String), CallError> {
        let Some(session) = self.state.session.get_untracked() else {
            return Err(CallError::SignedOut);
        };
        let endpoint = self.state.endpoint_of(&session);
        let creds = Credentials::Key { id: &session.access_key_id, secret: &session.secret_key };
        let result = client::send(&endpoint, creds, name, body).await;
        // 401 code 1 is a dead session; 401 code 4 only a call this identity may not make,
        // 401 code 13 a password check while the identity is locked (the session lives on).
        let session_refused = matches!(&result, Err(CallError::Api(e))
            if e.status == 401 && !e.has_code(ErrorCode::UnauthorizedOperation) && !e.has_code(ErrorCode::TemporarilyLocked));
        if session_refused && name != CheckAuthenticationRequest::NAME {
            self.state.session_expired();
        }
        result
    }

    /// Whether the session still works (a cheap signed call any identity may make).
    pub async fn session_is_valid(self) -> bool {
        let probe = ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
        let result = self.call(&probe).await;
        !matches!(result, Err(e) if e.status() == Some(401) || e == CallError::SignedOut)
    }

    /// Records that the signed-in identity now has a password.
    pub fn password_was_set(self) {
        self.state.session.update(|s| {
            if let Some(s) = s {
                s.has_password = true;
                crate::session::save(s);
            }
        });
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
        if self.state.session.with_untracked(|s| s.as_ref().is_some_and(Session::is_user)) {
            self.call_for_effect(&deactivate_key(access_key_id.clone())).await?;
        }
        self.delete_access_key(access_key_id).await
    }
}

pub fn use_api() -> Api {
    Api::new(expect_context::<AppState>())
}
