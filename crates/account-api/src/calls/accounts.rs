//! ReadAccounts, UpdateAccount, CheckAuthentication.

use account_contract::validation::{check_address, check_update_account, normalize_login};
use account_contract::{
    ApiError, CheckAuthenticationRequest, CheckAuthenticationResponse, ErrorCode,
    ReadAccountsRequest, ReadAccountsResponse, UpdateAccountRequest, UpdateAccountResponse,
};

use super::{account_only, signer};
use crate::auth::{password, Ctx};
use crate::failure::Taken;
use crate::store::accounts;

fn gone() -> ApiError {
    ApiError::new(ErrorCode::AuthenticationFailed, "The account no longer exists.")
}

pub async fn read_accounts(
    ctx: &Ctx,
    _req: ReadAccountsRequest,
) -> Result<ReadAccountsResponse, ApiError> {
    account_only(ctx)?;
    if ctx.dry_run {
        return Ok(ReadAccountsResponse { accounts: None, response_context: ctx.context() });
    }
    let record = ctx.account(&ctx.caller.owner.account_id).await?.ok_or_else(gone)?;
    Ok(ReadAccountsResponse {
        accounts: Some(vec![record.account.clone()]),
        response_context: ctx.context(),
    })
}

pub async fn update_account(
    ctx: &Ctx,
    req: UpdateAccountRequest,
) -> Result<UpdateAccountResponse, ApiError> {
    account_only(ctx)?;
    check_update_account(&req)?;
    let account_id = ctx.caller.owner.account_id.clone();
    // The VAT number and postal code follow the country the account will have: what the
    // update leaves out is read from the account (cached, no query on a warm path).
    if req.vat_number.is_some() || req.zip_code.is_some() || req.country.is_some() {
        let record = ctx.account(&account_id).await?.ok_or_else(gone)?;
        check_address(&req, &record.account)?;
    }
    let mut req = req;
    if ctx.dry_run {
        // Whether another account holds the email is not a dry run's to tell: any
        // account could test addresses. The real change still answers 9007.
        req.email = None;
    }
    let email_taken = || {
        ApiError::field(ErrorCode::DuplicateEmail, "Email", "is already used by another account.")
    };
    let record = match accounts::update_query(&account_id, &req)? {
        // One statement: on PostgreSQL, one round trip from the async threads.
        Some(update) => {
            ctx.write_one(update, move |rows| {
                rows.and_then(|rows| accounts::record_of(&rows)).taken_as(email_taken)
            })
            .await?
        }
        None => ctx.write(move |c| Ok(accounts::by_id(c, &account_id)?)).await?,
    }
    .ok_or_else(gone)?;
    if ctx.dry_run {
        return Ok(UpdateAccountResponse { account: None, response_context: ctx.context() });
    }
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
    let me = signer(ctx).await?;
    if normalize_login(&req.login) != normalize_login(&me.login()) {
        return Err(ApiError::field(
            ErrorCode::UnauthorizedOperation,
            "Login",
            "must be the caller's own login.",
        ));
    }
    password::check_login(&ctx.state, &ctx.source, &req.login, &req.password, ctx.now, false)
        .await?;
    Ok(CheckAuthenticationResponse { response_context: ctx.context() })
}
