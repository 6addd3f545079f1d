//! UpdatePassword, this API's extension to OAPI (see docs/API.md): changes the
//! password of the identity that signs the call, the account or an EIM user. A
//! user without a password yet sets one up without `CurrentPassword`.

use account_contract::validation::check_secret_input;
use account_contract::{
    AccountField, ApiError, ErrorCode, PasswordRule, UpdatePasswordRequest, UpdatePasswordResponse,
    PASSWORD_POLICY,
};

use super::signer;
use crate::auth::{identity_of, password, Ctx, Identity};
use crate::secrets;
use crate::store::{access_keys, passwords};

pub async fn update_password(
    ctx: &Ctx,
    req: UpdatePasswordRequest,
) -> Result<UpdatePasswordResponse, ApiError> {
    check_secret_input("NewPassword", &req.new_password)?;
    let identity = signer(ctx).await?;
    // A user setting up a first password has none to give (and no history to check).
    if identity.password_hash().is_some() {
        let current = req.current_password.as_deref().ok_or_else(|| {
            ApiError::field(ErrorCode::MissingParameter, "CurrentPassword", "is required.")
        })?;
        password::check_current(ctx, &identity, current).await?;
    }
    // Every argon2 hash of a change is charged to the client's cap on password checks
    // before it is computed, so a change costs the client what as many sign-ins would
    // (issue 19, attack 8): `CurrentPassword`'s check above, the new password's hash
    // (or a dry run's strength check) here, and the remembered ones in `check_policy`.
    ctx.state.throttle.take(ctx.source.address)?;
    check_policy(ctx, &identity, &req.new_password).await?;

    // A dry run stops before the new hash: the checks above are all it would learn.
    if ctx.dry_run {
        return Ok(UpdatePasswordResponse {
            logged_out_sessions: 0,
            response_context: ctx.context(),
        });
    }
    let new_hash = ctx.state.password_work.hash(req.new_password.clone()).await?;
    let keep = ctx.caller.session.as_ref().map(|s| s.id.clone());
    let (now, owner) = (ctx.now, identity.owner());
    let logout = req.logout_other_sessions == Some(true);
    let logged_out = ctx
        .write(move |c| {
            // Checked and written in one transaction: a change that landed meanwhile
            // makes this one fail, rather than lose its entry in the history.
            let stored = identity_of(c, &owner)?;
            if stored.as_ref().and_then(Identity::password_hash) != identity.password_hash() {
                return Err(ApiError::field(
                    ErrorCode::Conflict,
                    "CurrentPassword",
                    "the password changed while this request ran: try again.",
                ));
            }
            passwords::set(c, &owner, &new_hash, now, PASSWORD_POLICY.history)?;
            if logout {
                Ok(access_keys::delete_other_sessions(c, &owner, keep.as_deref())?)
            } else {
                Ok(0)
            }
        })
        .await?;
    Ok(UpdatePasswordResponse { logged_out_sessions: logged_out, response_context: ctx.context() })
}

/// Every rule of the policy; all the broken ones are reported, one error each.
async fn check_policy(ctx: &Ctx, identity: &Identity, new_password: &str) -> Result<(), ApiError> {
    let mut broken = PASSWORD_POLICY.local_failures(new_password);
    // The costly checks (zxcvbn, a hash per remembered password) run only for a
    // password that passes the cheap ones.
    if broken.is_empty() {
        let owner = identity.owner();
        let recent = ctx
            .read(move |c| Ok(passwords::recent_hashes(c, &owner, PASSWORD_POLICY.history)?))
            .await?;
        // A hash per remembered password (up to 10): charged before they are computed.
        ctx.state.throttle.charge(ctx.source.address, recent.len())?;
        let words = own_words(identity);
        let password = new_password.to_owned();
        let (weak, reused, hashed) = ctx
            .state
            .password_work
            .run(move || {
                let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
                let weak = secrets::strength(&password, &inputs) < PASSWORD_POLICY.min_strength;
                let mut hashed = 0;
                let reused = recent.iter().any(|hash| {
                    hashed += 1;
                    secrets::verify_password(&password, hash)
                });
                (weak, reused, hashed)
            })
            .await?;
        ctx.state.password_work.count_hashes(hashed);
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
