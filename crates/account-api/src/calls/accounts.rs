//! ReadAccounts, UpdateAccount, CheckAuthentication.

use account_contract::validation::{check_update_account, normalize_login};
use account_contract::{
    ApiError, CheckAuthenticationRequest, CheckAuthenticationResponse, ErrorCode,
    ReadAccountsRequest, ReadAccountsResponse, UpdateAccountRequest, UpdateAccountResponse,
};

use super::account_only;
use crate::auth;
use crate::ctx::Ctx;
use crate::store::accounts;

fn gone() -> ApiError {
    ApiError::new(ErrorCode::AuthenticationFailed, "The account no longer exists.")
}

pub async fn read_accounts(
    ctx: &Ctx,
    req: ReadAccountsRequest,
) -> Result<ReadAccountsResponse, ApiError> {
    account_only(ctx)?;
    if req.dry_run == Some(true) {
        return Ok(ReadAccountsResponse { accounts: None, response_context: ctx.context() });
    }
    let record = ctx.state.store.account(ctx.caller.account_id.clone()).await?.ok_or_else(gone)?;
    Ok(ReadAccountsResponse {
        accounts: Some(vec![record.account]),
        response_context: ctx.context(),
    })
}

pub async fn update_account(
    ctx: &Ctx,
    req: UpdateAccountRequest,
) -> Result<UpdateAccountResponse, ApiError> {
    account_only(ctx)?;
    check_update_account(&req)?;
    let account_id = ctx.caller.account_id.clone();
    if req.dry_run == Some(true) {
        if let Some(email) = req.email.clone() {
            let taken = ctx
                .state
                .store
                .read(move |c| accounts::email_taken_by_other(c, &account_id, &email))
                .await?;
            if taken {
                return Err(ApiError::field(
                    ErrorCode::DuplicateEmail,
                    "Email",
                    "is already used by another account.",
                ));
            }
        }
        return Ok(UpdateAccountResponse { account: None, response_context: ctx.context() });
    }
    let record = ctx
        .state
        .store
        .write(move |c| {
            accounts::update(c, &account_id, &req)?;
            accounts::by_id(c, &account_id)
        })
        .await?
        .ok_or_else(gone)?;
    Ok(UpdateAccountResponse { account: Some(record.account), response_context: ctx.context() })
}

/// Checks the caller's own password (a console asks for it again before a change).
/// Failed checks count toward the lockout, dry run or not, so that `DryRun` cannot
/// be used to guess passwords; another identity's login is refused before any
/// check, so a signed key cannot be used to guess other people's passwords.
pub async fn check_authentication(
    ctx: &Ctx,
    req: CheckAuthenticationRequest,
) -> Result<CheckAuthenticationResponse, ApiError> {
    let caller = ctx.caller.clone();
    let me =
        ctx.state.store.read(move |c| auth::identity_of(c, &caller)).await?.ok_or_else(gone)?;
    if normalize_login(&req.login) != normalize_login(&me.login()) {
        return Err(ApiError::field(
            ErrorCode::UnauthorizedOperation,
            "Login",
            "must be the caller's own login.",
        ));
    }
    auth::check_password(&ctx.state, ctx.client, &req.login, &req.password, ctx.now).await?;
    Ok(CheckAuthenticationResponse { response_context: ctx.context() })
}
