//! One module per group of calls; each function reads like the call it serves.

pub mod access_keys;
pub mod accounts;
pub mod identity;
pub mod mfa;
pub mod password;
pub mod sessions;
pub mod users;

use std::future::Future;

use account_contract::{ApiError, Call, ErrorCode};

use crate::ctx::Ctx;
use crate::store;

/// What a call does: the handler of each request type. The dispatch in `app.rs` asks
/// for one for every call of the contract.
pub trait Serve: Call {
    /// Serves the request for the caller in `ctx`.
    fn serve(self, ctx: &Ctx) -> impl Future<Output = Result<Self::Response, ApiError>> + Send;
}

macro_rules! handlers {
    ($($request:ident => $handler:path,)*) => {
        $(
            impl Serve for account_contract::$request {
                fn serve(
                    self,
                    ctx: &Ctx,
                ) -> impl Future<Output = Result<Self::Response, ApiError>> + Send {
                    $handler(ctx, self)
                }
            }
        )*
    };
}

handlers! {
    ReadAccountsRequest => accounts::read_accounts,
    UpdateAccountRequest => accounts::update_account,
    CheckAuthenticationRequest => accounts::check_authentication,
    CreateAccessKeyRequest => access_keys::create,
    ReadAccessKeysRequest => access_keys::read,
    UpdateAccessKeyRequest => access_keys::update,
    DeleteAccessKeyRequest => access_keys::delete,
    UpdatePasswordRequest => password::update_password,
    CreateUserRequest => users::create,
    ReadUsersRequest => users::read,
    UpdateUserRequest => users::update,
    DeleteUserRequest => users::delete,
    ReadIdentityRequest => identity::read,
    ReadMfaDevicesRequest => mfa::read,
    CreateMfaDeviceRequest => mfa::create,
    ActivateMfaDeviceRequest => mfa::activate,
    DeleteMfaDeviceRequest => mfa::delete,
    CreateRecoveryCodesRequest => mfa::create_recovery_codes,
    CreateMfaChallengeRequest => mfa::create_challenge,
    ReadSessionsRequest => sessions::read,
    DeleteSessionRequest => sessions::delete,
    DeleteOtherSessionsRequest => sessions::delete_others,
}

/// Calls about the account itself and its users are the account's, not its EIM users'.
pub(crate) fn account_only(ctx: &Ctx) -> Result<(), ApiError> {
    match ctx.caller.user_id {
        None => Ok(()),
        Some(_) => Err(ApiError::new(
            ErrorCode::UnauthorizedOperation,
            "This call is for the account itself, not for its EIM users.",
        )),
    }
}

/// The identity whose access keys a call acts on (`UserName`): a user manages its
/// own keys, the account manages its own and every user's. `None` is the account.
pub(crate) async fn key_owner(
    ctx: &Ctx,
    user_name: &Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(name) = user_name.clone() else { return Ok(ctx.caller.user_id.clone()) };
    account_contract::validation::check_user_name("UserName", &name)?;
    let account_id = ctx.caller.account_id.clone();
    let user = ctx.state.store.read(move |c| store::users::by_name(c, &account_id, &name)).await?;
    match (&ctx.caller.user_id, user) {
        (None, Some(u)) => Ok(Some(u.user_id)),
        (Some(me), Some(u)) if *me == u.user_id => Ok(Some(u.user_id)),
        (Some(_), _) => Err(ApiError::new(
            ErrorCode::UnauthorizedOperation,
            "An EIM user manages only its own access keys.",
        )),
        (None, None) => Err(ApiError::field(
            ErrorCode::NoSuchUser,
            "UserName",
            format!(
                "no user named {:?} in this account.",
                user_name.as_deref().unwrap_or_default()
            ),
        )),
    }
}
