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

use crate::auth::{Ctx, Identity};
use crate::store::{self, Owner};

/// What a call does: the handler of each request type. The dispatch in `http/mod.rs` asks
/// for one for every call of the contract.
pub trait Serve: Call {
    /// Serves the request for the caller in `ctx`.
    fn serve(self, ctx: &Ctx) -> impl Future<Output = Result<Self::Response, ApiError>> + Send;

    /// Whether the request asks for a dry run (`DryRun: true`); the door rolls its
    /// writes back (`auth::door`).
    fn dry_run(&self) -> bool {
        false
    }

    /// Whether the request makes a sensitive change: from a session, the door lets it
    /// write only with a recent proof of the password (`auth::door`).
    fn sensitive(&self) -> bool {
        false
    }
}

macro_rules! handlers {
    ($($request:ident => $handler:path $(, $dry_run:ident)? $(, sensitive_if $rule:expr)?;)*) => {
        $(
            impl Serve for account_contract::$request {
                fn serve(
                    self,
                    ctx: &Ctx,
                ) -> impl Future<Output = Result<Self::Response, ApiError>> + Send {
                    $handler(ctx, self)
                }
                $(
                    fn $dry_run(&self) -> bool {
                        self.dry_run == Some(true)
                    }
                )?
                $(
                    fn sensitive(&self) -> bool {
                        let rule: fn(&Self) -> bool = $rule;
                        rule(self)
                    }
                )?
            }
        )*
    };
}

// `sensitive_if`: the changes a stolen session must not make alone (docs/API.md,
// Recent re-authentication).
handlers! {
    ReadAccountsRequest => accounts::read_accounts, dry_run;
    UpdateAccountRequest => accounts::update_account, dry_run, sensitive_if |r| r.email.is_some();
    CheckAuthenticationRequest => accounts::check_authentication;
    CreateAccessKeyRequest => access_keys::create, dry_run;
    ReadAccessKeysRequest => access_keys::read, dry_run;
    UpdateAccessKeyRequest => access_keys::update, dry_run,
        sensitive_if |r| r.state == Some(account_contract::KeyState::Active);
    DeleteAccessKeyRequest => access_keys::delete, dry_run;
    // Without `CurrentPassword`: an identity's first password (an EIM user's).
    UpdatePasswordRequest => password::update_password, dry_run,
        sensitive_if |r| r.current_password.is_none();
    CreateUserRequest => users::create, dry_run;
    ReadUsersRequest => users::read, dry_run;
    UpdateUserRequest => users::update, dry_run;
    DeleteUserRequest => users::delete, dry_run;
    ReadIdentityRequest => identity::read;
    ReadMfaDevicesRequest => mfa::read, dry_run;
    CreateMfaDeviceRequest => mfa::create, dry_run, sensitive_if |_| true;
    ActivateMfaDeviceRequest => mfa::activate, dry_run;
    DeleteMfaDeviceRequest => mfa::delete, dry_run, sensitive_if |_| true;
    CreateRecoveryCodesRequest => mfa::create_recovery_codes, dry_run, sensitive_if |_| true;
    CreateMfaChallengeRequest => mfa::create_challenge, dry_run;
    ReadSessionsRequest => sessions::read;
    DeleteSessionRequest => sessions::delete, dry_run;
    DeleteOtherSessionsRequest => sessions::delete_others, dry_run;
    CreateReauthenticationRequest => sessions::reauthenticate, dry_run;
}

/// Calls about the account itself and its users are the account's, not its EIM users'.
pub(crate) fn account_only(ctx: &Ctx) -> Result<(), ApiError> {
    match ctx.caller.owner.user_id {
        None => Ok(()),
        Some(_) => Err(ApiError::new(
            ErrorCode::UnauthorizedOperation,
            "This call is for the account itself, not for its EIM users.",
        )),
    }
}

/// The identity that signs the call, as stored now.
pub(crate) async fn signer(ctx: &Ctx) -> Result<Identity, ApiError> {
    let owner = ctx.caller.owner.clone();
    ctx.read(move |c| Ok(crate::auth::identity_of(c, &owner)?)).await?.ok_or_else(|| {
        ApiError::new(ErrorCode::AuthenticationFailed, "The identity no longer exists.")
    })
}

/// The owner of the access keys a call acts on (`UserName`): a user manages its own
/// keys, the account manages its own and every user's.
pub(crate) async fn key_owner(ctx: &Ctx, user_name: &Option<String>) -> Result<Owner, ApiError> {
    let me = &ctx.caller.owner;
    let Some(name) = user_name.clone() else { return Ok(me.clone()) };
    account_contract::validation::check_user_name("UserName", &name)?;
    let account_id = me.account_id.clone();
    let user = ctx.read(move |c| Ok(store::users::by_name(c, &account_id, &name)?)).await?;
    match (me.user(), user) {
        (None, Some(u)) => Ok(Owner { account_id: u.account_id, user_id: Some(u.user_id) }),
        (Some(mine), Some(u)) if mine == u.user_id => {
            Ok(Owner { account_id: u.account_id, user_id: Some(u.user_id) })
        }
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
