//! UpdatePassword, this API's extension to OAPI (see docs/API.md): changes the
//! password of the identity that signs the call, the account or an EIM user. A
//! user without a password yet sets one up without `CurrentPassword`.

use account_contract::validation::check_secret_input;
use account_contract::{
    AccountField, ApiError, ErrorCode, PasswordRule, UpdatePasswordRequest, UpdatePasswordResponse,
    PASSWORD_POLICY,
};

use crate::auth::{self, Identity};
use crate::ctx::Ctx;
use crate::secrets;
use crate::store::{access_keys, accounts, users};

pub async fn update_password(
    ctx: &Ctx,
    req: UpdatePasswordRequest,
) -> Result<UpdatePasswordResponse, ApiError> {
    check_secret_input("NewPassword", &req.new_password)?;
    let identity = signer(ctx).await?;
    match identity.password_hash() {
        Some(_) => {
            let current = req.current_password.as_deref().ok_or_else(|| {
                ApiError::field(ErrorCode::MissingParameter, "CurrentPassword", "is required.")
            })?;
            check_secret_input("CurrentPassword", current)?;
            check_current_password(ctx, &identity, current).await?;
        }
        // Setting up a first password costs hashes too: the same cap per client.
        None => ctx.state.throttle.take(ctx.client)?,
    }
    check_policy(ctx, &identity, &req.new_password).await?;

    if req.dry_run == Some(true) {
        return Ok(UpdatePasswordResponse {
            logged_out_sessions: 0,
            response_context: ctx.context(),
        });
    }
    let new_hash = {
        let p = req.new_password.clone();
        ctx.state.password_work.run(move || secrets::hash_password(&p)).await?
    };
    let keep = ctx.caller.session.as_ref().map(|s| s.id.clone());
    let (now, caller) = (ctx.now, ctx.caller.clone());
    let logout = req.logout_other_sessions == Some(true);
    let logged_out = ctx
        .state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            // Checked and written in one transaction: a change that landed meanwhile
            // makes this one fail, rather than lose its entry in the history.
            let stored = auth::identity_of(c, &caller)?;
            if stored.as_ref().and_then(Identity::password_hash) != identity.password_hash() {
                return Err(ApiError::field(
                    ErrorCode::Conflict,
                    "CurrentPassword",
                    "the password changed while this request ran: try again.",
                ));
            }
            let keep_history = PASSWORD_POLICY.history;
            match &identity {
                Identity::Account(a) => {
                    accounts::set_password(c, a.id(), &new_hash, now, keep_history)?
                }
                Identity::User(u) => users::set_password(c, u, &new_hash, now, keep_history)?,
            }
            if logout {
                access_keys::delete_other_sessions(
                    c,
                    identity.account_id(),
                    identity.user_id(),
                    keep.as_deref(),
                )
            } else {
                Ok(0)
            }
        })
        .await?;
    Ok(UpdatePasswordResponse { logged_out_sessions: logged_out, response_context: ctx.context() })
}

pub(crate) async fn signer(ctx: &Ctx) -> Result<Identity, ApiError> {
    let caller = ctx.caller.clone();
    ctx.state.store.read(move |c| auth::identity_of(c, &caller)).await?.ok_or_else(|| {
        ApiError::new(ErrorCode::AuthenticationFailed, "The identity no longer exists.")
    })
}

/// The signer's own password, with the same lockout as a sign-in. A wrong one is a
/// parameter error (4048) on `CurrentPassword`, not an authentication failure: the
/// request itself is properly signed.
pub(crate) async fn check_current_password(
    ctx: &Ctx,
    identity: &Identity,
    current: &str,
) -> Result<(), ApiError> {
    let caller = identity.password_caller();
    auth::verify_with_lockout(
        &ctx.state,
        ctx.client,
        identity.lockout_key(),
        current,
        ctx.now,
        false,
        move |c| auth::identity_of(c, &caller),
    )
    .await
    .map(drop)
    .map_err(|e| {
        if e.has_code(ErrorCode::AuthenticationFailed) {
            ApiError::field(ErrorCode::InvalidPassword, "CurrentPassword", "is incorrect.")
        } else {
            e
        }
    })
}

/// Every rule of the policy; all the broken ones are reported, one error each.
async fn check_policy(ctx: &Ctx, identity: &Identity, new_password: &str) -> Result<(), ApiError> {
    let mut broken = PASSWORD_POLICY.local_failures(new_password);
    // The costly checks (zxcvbn, a hash per remembered password) run only for a
    // password that passes the cheap ones.
    if broken.is_empty() {
        let owner = identity.clone();
        let recent = ctx
            .state
            .store
            .read(move |c| match &owner {
                Identity::Account(a) => {
                    accounts::recent_password_hashes(c, a.id(), PASSWORD_POLICY.history)
                }
                Identity::User(u) => {
                    users::recent_password_hashes(c, &u.user_id, PASSWORD_POLICY.history)
                }
            })
            .await?;
        let words = own_words(identity);
        let password = new_password.to_owned();
        let (weak, reused) = ctx
            .state
            .password_work
            .run(move || {
                let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
                let weak = secrets::strength(&password, &inputs) < PASSWORD_POLICY.min_strength;
                let reused = recent.iter().any(|hash| secrets::verify_password(&password, hash));
                (weak, reused)
            })
            .await?;
        if reused {
            broken.push(PasswordRule::NotRecentlyUsed);
        }
        if weak {
            broken.push(PasswordRule::Strong);
        }
    }
    policy_error(&broken)
}

/// Words a guesser would try first: the identity's own names, email and IDs.
fn own_words(identity: &Identity) -> Vec<String> {
    let mut words = vec![identity.account_id().to_owned()];
    match identity {
        Identity::Account(a) => {
            words
                .extend(AccountField::ALL.iter().filter_map(|f| f.of_account(&a.account).cloned()));
            words.extend(a.email().split(['@', '.']).map(str::to_owned));
        }
        Identity::User(u) => {
            words.push(u.user_name.clone());
            words.extend(u.user_email.iter().flat_map(|e| e.split(['@', '.'])).map(str::to_owned));
        }
    }
    words
}

fn policy_error(broken: &[PasswordRule]) -> Result<(), ApiError> {
    let mut error: Option<ApiError> = None;
    for rule in broken {
        let e = ApiError::field(
            ErrorCode::InvalidPassword,
            "NewPassword",
            rule.describe(&PASSWORD_POLICY),
        );
        error = Some(match error {
            Some(all) => all.and(e),
            None => e,
        });
    }
    error.map_or(Ok(()), Err)
}
