//! The second step of an email/password sign-in, for an identity with MFA, as one
//! conversation (kanidm's `CredState::Continue(allowed)`): the first `CreateAccessKey`,
//! with the right password and no factor, answers `1010` with the factors the identity
//! has and, when it has a security key, the options of a challenge stored by that
//! answer (`offer`); the second carries the password again and a code from an
//! authenticator app, a recovery code, or a WebAuthn assertion (`verify`). The
//! sign-in's attempt stays counted toward the lockout until a right factor clears the
//! count; a wrong one leaves it counted. Apart from the lockout, which forgets, wrong
//! codes of authenticator apps and security keys are counted in a row for good
//! (`mfa_failures`): past `MFA_FAILURES_MAX` only a recovery code unblocks them.

use account_contract::mfa::normalize_recovery_code;
use account_contract::{
    ApiError, CreateAccessKeyRequest, CreateReauthenticationRequest, ErrorCode, MfaDeviceType,
    PublicKeyJson, SecondFactors, MFA_FAILURES_MAX,
};
use webauthn_rs::prelude::{Passkey, PasskeyAuthentication, PublicKeyCredential};

use super::door::Caller;
use super::lockout::{Lockout, Pending};
use super::webauthn::{self as ceremony, base64url, challenge_of};
use super::{otp, AppState, Identity};
use crate::failure::internal;
use crate::store::{mfa, mfa_failures, Db, Owner};

/// The second factor a request gives: a sign-in's or a re-authentication's.
#[derive(Clone, Copy)]
pub struct Given<'a> {
    pub mfa_code: Option<&'a str>,
    pub recovery_code: Option<&'a str>,
    pub web_authn_credential: Option<&'a PublicKeyJson>,
}

impl<'a> Given<'a> {
    pub fn of_sign_in(r: &'a CreateAccessKeyRequest) -> Self {
        Given {
            mfa_code: r.mfa_code.as_deref(),
            recovery_code: r.recovery_code.as_deref(),
            web_authn_credential: r.web_authn_credential.as_ref(),
        }
    }

    pub fn of_reauthentication(r: &'a CreateReauthenticationRequest) -> Self {
        Given {
            mfa_code: r.mfa_code.as_deref(),
            recovery_code: r.recovery_code.as_deref(),
            web_authn_credential: r.web_authn_credential.as_ref(),
        }
    }

    /// How many factors were given (one at most is taken).
    pub fn count(&self) -> usize {
        [self.mfa_code.is_some(), self.recovery_code.is_some(), self.web_authn_credential.is_some()]
            .into_iter()
            .filter(|given| *given)
            .count()
    }
}

/// What a password alone answers for an identity with MFA.
pub fn required() -> ApiError {
    ApiError::new(ErrorCode::MfaRequired, "A second factor is required.")
}

/// What the identity signing with `caller` can go on with: the kinds of second factor
/// it has and, when it has a security key and `start_ceremony`, the options of a
/// challenge stored now (checked inside the write that the caller's password or key
/// still holds). Nothing is stored for an identity without a security key.
pub async fn offer(
    state: &AppState,
    caller: &Caller,
    now: i64,
    start_ceremony: bool,
) -> Result<SecondFactors, ApiError> {
    let owner = caller.owner.clone();
    let factors = {
        let owner = owner.clone();
        state.store.read(move |c| Ok(mfa::active_of(c, &owner)?)).await?
    };
    let started = match start_ceremony {
        true => ceremony::start(&state.webauthn, &factors)?,
        false => None,
    };
    let public_key_options = match started {
        Some(ceremony::Ceremony { challenge, saved, options }) => {
            let caller = caller.clone();
            state
                .store
                .write(move |c| {
                    caller.still_valid(c)?;
                    Ok(mfa::insert_challenge(c, &owner, &challenge, &saved, now)?)
                })
                .await?;
            Some(options)
        }
        None => None,
    };
    Ok(SecondFactors { mfa_device_types: ceremony::kinds(&factors), public_key_options })
}

/// What a right password alone answers the sign-in of an identity with MFA: `1010`,
/// carrying what it can go on with (`offer`).
pub async fn asked(state: &AppState, caller: &Caller, now: i64) -> Result<ApiError, ApiError> {
    let factors = offer(state, caller, now, true).await?;
    Ok(ApiError { second_factors: Some(Box::new(factors)), ..required() })
}

fn failed(field: &str) -> ApiError {
    ApiError::field(ErrorCode::MfaFailed, field, "is incorrect or already used.")
}

/// What a code answers once the identity's codes went wrong `MFA_FAILURES_MAX` times
/// in a row, right or not: said to the person, with the way out.
pub fn blocked() -> ApiError {
    ApiError::new(
        ErrorCode::MfaBlocked,
        format!(
            "Too many wrong second-factor codes in a row ({MFA_FAILURES_MAX}): this identity's authenticator apps and security keys are blocked. Sign in with a recovery code to unblock them, or ask the operator."
        ),
    )
}

/// Counts a code of an authenticator app or a security key before it is checked:
/// `false` once the identity's codes are blocked (this one is not checked).
fn count_code(conn: &Db, owner: &Owner, now: i64) -> Result<bool, ApiError> {
    Ok(mfa_failures::count(conn, owner, now)? <= MFA_FAILURES_MAX)
}

/// The activation code of a pending authenticator app (`ActivateMfaDevice`, dry runs
/// included, as a password check counts in a dry run): counted in a row with the
/// sign-in's codes, so another key of the identity cannot guess it without bound.
/// `right` was found without storage; a right code is forgiven (it proves the new
/// app, not the identity), and none is answered once the codes are blocked.
pub async fn count_activation_code(
    state: &AppState,
    owner: Owner,
    right: bool,
    now: i64,
) -> Result<(), ApiError> {
    state
        .store
        .write(move |c| {
            if !count_code(c, &owner, now)? {
                return Err(blocked());
            }
            if right {
                mfa_failures::forgive_one(c, &owner)?;
            }
            Ok(())
        })
        .await
}

/// A right second factor settles its sign-in, in the write that found it right: the
/// attempt succeeds (unless another attempt locked the identity meanwhile, `13`), the
/// wrong codes in a row are cleared, and the source is familiar from now on.
fn proved(
    c: &Db,
    lockout: Lockout,
    pending: &Pending,
    owner: &Owner,
    now: i64,
) -> Result<(), ApiError> {
    lockout.succeed(c, &pending.lockout_key, pending.attempt, now)?;
    mfa_failures::clear(c, owner)?;
    Ok(pending.sign_in.remember(c, now)?)
}

/// How a second factor turned out.
enum Check {
    Right,
    Wrong,
    /// Not checked: too many wrong codes in a row.
    Blocked,
}

/// Checks the second factor of a sign-in (or a re-authentication) and settles its
/// attempt: a right one as `proved` says, a wrong one leaves the attempt counted
/// (`1011`, or `13` if it is the attempt that locks).
pub(super) async fn verify(
    state: &AppState,
    identity: &Identity,
    request: Given<'_>,
    pending: Pending,
    now: i64,
) -> Result<(), ApiError> {
    let owner = identity.owner();
    let lockout = state.lockout;
    let (lockout_key, attempt) = (pending.lockout_key.clone(), pending.attempt);
    if request.count() > 1 {
        // Not a guess: this attempt is forgiven, as one without a factor.
        state.store.write(move |c| lockout.forgive(c, &lockout_key, attempt, now)).await?;
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "Give one second factor: MfaCode, RecoveryCode or WebAuthnCredential.",
        ));
    }
    let (field, check) = if let Some(code) = request.mfa_code {
        let (code, secrets, pending) = (code.to_owned(), state.secrets.clone(), pending.clone());
        let check = state
            .store
            .write(move |c| {
                if !count_code(c, &owner, now)? {
                    return Ok(Check::Blocked);
                }
                let factors = mfa::active_of(c, &owner)?;
                for d in factors.iter().filter(|d| d.kind == MfaDeviceType::Totp) {
                    let (Some(nonce), Some(sealed)) = (&d.totp_nonce, &d.totp_sealed) else {
                        continue;
                    };
                    let secret =
                        secrets.open(&d.mfa_device_id, nonce, sealed).ok_or_else(|| {
                            internal("a TOTP secret does not open with the server key")
                        })?;
                    if let Some(step) = otp::matching_step(&secret, &code, now, d.totp_last_step) {
                        if !mfa::accept_totp_step(c, &d.mfa_device_id, step, now)? {
                            return Ok(Check::Wrong);
                        }
                        proved(c, lockout, &pending, &owner, now)?;
                        return Ok(Check::Right);
                    }
                }
                Ok(Check::Wrong)
            })
            .await?;
        ("MfaCode", check)
    } else if let Some(code) = request.recovery_code {
        let hash = state.secrets.code_hash(&normalize_recovery_code(code));
        // A recovery code is not counted in a row: it is the way out of a block (its
        // guesses are bounded by the lockout and its 50 bits).
        let pending = pending.clone();
        let check = state
            .store
            .write(move |c| {
                if !mfa::use_recovery_code(c, &owner, &hash)? {
                    return Ok(Check::Wrong);
                }
                proved(c, lockout, &pending, &owner, now)?;
                Ok(Check::Right)
            })
            .await?;
        ("RecoveryCode", check)
    } else if let Some(json) = request.web_authn_credential {
        let counted = owner.clone();
        let check = if !state.store.write(move |c| count_code(c, &counted, now)).await? {
            Check::Blocked
        } else {
            match serde_json::from_str::<PublicKeyCredential>(json.get()) {
                Ok(credential) => match webauthn(state, owner, credential, pending, now).await? {
                    true => Check::Right,
                    false => Check::Wrong,
                },
                Err(_) => Check::Wrong,
            }
        };
        ("WebAuthnCredential", check)
    } else {
        return Err(required());
    };
    match check {
        Check::Right => Ok(()),
        Check::Wrong => Err(attempt.failed(failed(field))),
        Check::Blocked => {
            // Not a guess, since nothing was checked: the attempt is forgiven.
            state.store.write(move |c| lockout.forgive(c, &lockout_key, attempt, now)).await?;
            Err(blocked())
        }
    }
}

/// A WebAuthn assertion: its challenge is used up whatever the outcome; the
/// credential's counter is checked by webauthn-rs and saved.
async fn webauthn(
    state: &AppState,
    owner: Owner,
    credential: PublicKeyCredential,
    pending: Pending,
    now: i64,
) -> Result<bool, ApiError> {
    let Some(challenge) = challenge_of(&credential.response.client_data_json) else {
        return Ok(false);
    };
    let taker = owner.clone();
    let Some(saved) =
        state.store.write(move |c| Ok(mfa::take_challenge(c, &taker, &challenge, now)?)).await?
    else {
        return Ok(false);
    };
    let saved: PasskeyAuthentication = serde_json::from_str(&saved).map_err(internal)?;
    let result = match state.webauthn.finish_passkey_authentication(&credential, &saved) {
        Ok(result) => result,
        Err(e) => {
            tracing::debug!(error = %e, "a WebAuthn assertion was refused");
            return Ok(false);
        }
    };
    let lockout = state.lockout;
    state
        .store
        .write(move |c| {
            let credential_id = base64url(result.cred_id());
            let Some(factor) = mfa::by_credential_id(c, &credential_id)?
                .filter(|d| d.active && d.owner() == owner)
            else {
                return Ok(false);
            };
            let mut passkey: Passkey = factor
                .passkey
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .ok_or_else(|| internal("a stored WebAuthn credential does not read"))?;
            passkey.update_credential(&result);
            let passkey = serde_json::to_string(&passkey).map_err(internal)?;
            proved(c, lockout, &pending, &owner, now)?;
            mfa::save_passkey(c, &factor.mfa_device_id, &passkey, now)?;
            Ok(true)
        })
        .await
}
