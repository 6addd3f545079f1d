//! UpdatePassword, this API's one extension to OAPI (see docs/API.md): changes the
//! password of the identity that signs the call.

use account_contract::validation::check_secret_input;
use account_contract::{
    AccountField, ApiError, ErrorCode, PasswordRule, UpdatePasswordRequest, UpdatePasswordResponse, PASSWORD_POLICY,
};

use crate::app::Ctx;
use crate::auth;
use crate::secrets;
use crate::store::{self, accounts, access_keys, AccountRecord};

pub async fn update_password(ctx: &Ctx, req: UpdatePasswordRequest) -> Result<UpdatePasswordResponse, ApiError> {
    let current = req
        .current_password
        .as_deref()
        .ok_or_else(|| ApiError::field(ErrorCode::MissingParameter, "CurrentPassword", "is required."))?;
    check_secret_input("CurrentPassword", current)?;
    check_secret_input("NewPassword", &req.new_password)?;
    let account = check_current_password(ctx, current).await?;
    check_policy(ctx, &account, &req.new_password).await?;

    if req.dry_run == Some(true) {
        return Ok(UpdatePasswordResponse { logged_out_sessions: 0, response_context: ctx.context() });
    }
    let new_hash = {
        let p = req.new_password.clone();
        tokio::task::spawn_blocking(move || secrets::hash_password(&p)).await.map_err(store::internal)?
    };
    let (account_id, keep, now) = (ctx.caller.account_id.clone(), ctx.caller.access_key_id.clone(), ctx.now);
    let logout = req.logout_other_sessions == Some(true);
    let logged_out = ctx
        .state
        .store
        .write(move |c| {
            accounts::set_password(c, &account_id, &new_hash, now, PASSWORD_POLICY.history)?;
            if logout {
                access_keys::delete_other_sessions(c, &account_id, keep.as_deref(), now)
            } else {
                Ok(0)
            }
        })
        .await?;
    Ok(UpdatePasswordResponse { logged_out_sessions: logged_out, response_context: ctx.context() })
}

/// The signer's own password, with the same lockout as a sign-in. A wrong one is a
/// parameter error (4048) on `CurrentPassword`, not an authentication failure: the
/// request itself is properly signed.
async fn check_current_password(ctx: &Ctx, current: &str) -> Result<AccountRecord, ApiError> {
    let (account_id, now, lockout) = (ctx.caller.account_id.clone(), ctx.now, ctx.state.lockout);
    let (account, identity, locked) = ctx
        .state
        .store
        .read(move |c| {
            let identity = auth::lockout_identity(Some(&account_id), "");
            let locked = lockout.locked_for(c, &identity, now)?;
            Ok((accounts::by_id(c, &account_id)?, identity, locked))
        })
        .await?;
    if account.is_none() {
        return Err(ApiError::new(ErrorCode::AuthenticationFailed, "The account no longer exists."));
    }
    auth::verify_with_lockout(&ctx.state, account, identity, locked, current, now).await.map_err(|e| {
        if e.has_code(ErrorCode::AuthenticationFailed) {
            ApiError::field(ErrorCode::InvalidPassword, "CurrentPassword", "is incorrect.")
        } else {
            e
        }
    })
}

/// Every rule of the policy; all the broken ones are reported, one error each.
async fn check_policy(ctx: &Ctx, account: &AccountRecord, new_password: &str) -> Result<(), ApiError> {
    let mut broken = PASSWORD_POLICY.local_failures(new_password);
    // Past the length limit the other checks mean nothing, and zxcvbn slows down.
    if !broken.contains(&PasswordRule::Length) {
        let account_id = account.id().to_owned();
        let recent = ctx
            .state
            .store
            .read(move |c| accounts::recent_password_hashes(c, &account_id, PASSWORD_POLICY.history))
            .await?;
        let words: Vec<String> = AccountField::ALL
            .iter()
            .filter_map(|f| f.of_account(&account.account).cloned())
            .chain(account.email().split(['@', '.']).map(str::to_owned))
            .chain([account.id().to_owned()])
            .collect();
        let password = new_password.to_owned();
        let (weak, reused) = tokio::task::spawn_blocking(move || {
            let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
            let weak = secrets::strength(&password, &inputs) < PASSWORD_POLICY.min_strength;
            let reused = recent.iter().any(|hash| secrets::verify_password(&password, hash));
            (weak, reused)
        })
        .await
        .map_err(store::internal)?;
        if reused {
            broken.push(PasswordRule::NotRecentlyUsed);
        }
        if weak {
            broken.push(PasswordRule::Strong);
        }
    }
    policy_error(&broken)
}

fn policy_error(broken: &[PasswordRule]) -> Result<(), ApiError> {
    let mut error: Option<ApiError> = None;
    for rule in broken {
        let e = ApiError::field(ErrorCode::InvalidPassword, "NewPassword", rule.describe(&PASSWORD_POLICY));
        error = Some(match error {
            Some(all) => all.and(e),
            None => e,
        });
    }
    error.map_or(Ok(()), Err)
}
