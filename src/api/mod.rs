//! Everything that talks to the API: the signed fetch client, the session, and
//! `Api`, the one handle pages use to make calls.

mod client;
pub mod messages;
pub mod session;

pub use client::{call, CallError, Credentials};
pub use session::Session;

use account_contract::*;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::app::AppState;

/// The tag of the access keys the console creates at sign-in: its sessions.
pub const CONSOLE_TAG: &str = "osc-console";

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

    pub async fn call<Req: Serialize, Resp: DeserializeOwned>(self, name: &str, req: &Req) -> Result<Resp, CallError> {
        let Some(session) = self.state.session.get_untracked() else {
            return Err(CallError::SignedOut);
        };
        let endpoint = self.state.endpoint_of(&session);
        let creds = Credentials::Key { id: &session.access_key_id, secret: &session.secret_key };
        let result = call(&endpoint, creds, name, req).await;
        // 401 code 1 is a dead session; 401 code 4 only a call this identity may not make.
        let session_refused = matches!(&result, Err(CallError::Api(e)) if e.status == 401 && !e.has_code(ErrorCode::UnauthorizedOperation));
        if session_refused && name != "CheckAuthentication" {
            self.state.session_expired();
        }
        result
    }

    /// Whether the session still works (a cheap signed call any identity may make).
    pub async fn session_is_valid(self) -> bool {
        let probe = ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
        let result = self.call::<_, ReadAccessKeysResponse>("ReadAccessKeys", &probe).await;
        !matches!(result, Err(e) if e.status() == Some(401) || e == CallError::SignedOut)
    }

    /// Records that the signed-in identity now has a password.
    pub fn password_was_set(self) {
        self.state.session.update(|s| {
            if let Some(s) = s {
                s.has_password = true;
                session::save(s);
            }
        });
    }

    pub async fn read_account(self) -> Result<Account, CallError> {
        let resp: ReadAccountsResponse = self.call("ReadAccounts", &ReadAccountsRequest::default()).await?;
        resp.accounts.and_then(|a| a.into_iter().next()).ok_or(CallError::Unexpected(200))
    }

    pub async fn update_account(self, update: UpdateAccountRequest) -> Result<Account, CallError> {
        let resp: UpdateAccountResponse = self.call("UpdateAccount", &update).await?;
        resp.account.ok_or(CallError::Unexpected(200))
    }

    pub async fn check_password(self, login: String, password: String) -> Result<(), CallError> {
        let req = CheckAuthenticationRequest { login, password, dry_run: None };
        self.call::<_, EmptyResponse>("CheckAuthentication", &req).await.map(drop)
    }

    pub async fn update_password(self, req: UpdatePasswordRequest) -> Result<u32, CallError> {
        let resp: UpdatePasswordResponse = self.call("UpdatePassword", &req).await?;
        Ok(resp.logged_out_sessions)
    }

    pub async fn console_sessions(self) -> Result<Vec<AccessKey>, CallError> {
        let req = ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
        let resp: ReadAccessKeysResponse = self.call("ReadAccessKeys", &req).await?;
        Ok(resp.access_keys.unwrap_or_default())
    }

    pub async fn delete_access_key(self, access_key_id: String) -> Result<(), CallError> {
        let req = DeleteAccessKeyRequest { access_key_id, dry_run: None, user_name: None };
        self.call::<_, EmptyResponse>("DeleteAccessKey", &req).await.map(drop)
    }
}

pub fn use_api() -> Api {
    Api::new(expect_context::<AppState>())
}
