//! The second step of an email/password sign-in, for an identity with MFA, as one
//! conversation (kanidm's `CredState::Continue(allowed)`): the first `CreateAccessKey`,
//! with the right password and no factor, answers `1010` with the factors the identity
//! has and, when it has a security key, the options of a challenge stored by that
//! answer (`offer`); the second carries the password again and a code from an
//! authenticator app, a recovery code, or a WebAuthn assertion (`verify`). The
//! sign-in's attempt stays counted toward the lockout until a right factor clears the
//! count; a wrong one leaves it counted.

use account_contract::mfa::normalize_recovery_code;
use account_contract::{
    ApiError, CreateAccessKeyRequest, CreateReauthenticationRequest, ErrorCode, MfaDeviceType,
    PublicKeyJson, SecondFactors,
};
use webauthn_rs::prelude::{Passkey, PasskeyAuthentication, PublicKeyCredential};

use super::door::Caller;
use super::lockout::{Attempt, Pending};
use super::webauthn::{self as ceremony, base64url, challenge_of};
use super::{otp, AppState, Identity};
use crate::failure::internal;
use crate::store::{mfa, Owner};

/// The second factor a request gives: a sign-in's or a re-authentication's.
#[derive(Clone, Copy)]
pub struct Given<'a> {
    pub mfa_code: Option<&'a str>,
    pub recovery_code: Option<&'a str>,
    pub web_authn_credential: Option<&'a PublicKeyJson>,
    /// How many factors were given (one at most is taken).
    pub count: usize,
}

impl<'a> Given<'a> {
    pub fn of_sign_in(r: &'a CreateAccessKeyRequest) -> Self {
        Given {
            mfa_code: r.mfa_code.as_deref(),
            recovery_code: r.recovery_code.as_deref(),
            web_authn_credential: r.web_authn_credential.as_ref(),
            count: r.second_factors(),
        }
    }

    pub fn of_reauthentication(r: &'a CreateReauthenticationRequest) -> Self {
        Given {
            mfa_code: r.mfa_code.as_deref(),
            recovery_code: r.recovery_code.as_deref(),
            web_authn_credential: r.web_authn_credential.as_ref(),
            count: r.second_factors(),
        }
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

/// Checks the second factor of a sign-in (or a re-authentication) and settles its attempt: a right one clears
/// the identity's failure count (unless another attempt locked it meanwhile, `13`), a
/// wrong one leaves the attempt counted (`1011`, or `13` if it is the attempt that locks).
pub(super) async fn verify(
    state: &AppState,
    identity: &Identity,
    request: Given<'_>,
    pending: Pending,
    now: i64,
) -> Result<(), ApiError> {
    let owner = identity.owner();
    let lockout = state.lockout;
    let Pending { lockout_key, attempt } = pending;
    if request.count > 1 {
        // Not a guess: this attempt is forgiven, as one without a factor.
        state.store.write(move |c| lockout.forgive(c, &lockout_key, attempt, now)).await?;
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "Give one second factor: MfaCode, RecoveryCode or WebAuthnCredential.",
        ));
    }
    let (field, right) = if let Some(code) = request.mfa_code {
        let (code, secrets) = (code.to_owned(), state.secrets.clone());
        let right = state
            .store
            .write(move |c| {
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
                            return Ok(false);
                        }
                        lockout.succeed(c, &lockout_key, attempt, now)?;
                        return Ok(true);
                    }
                }
                Ok(false)
            })
            .await?;
        ("MfaCode", right)
    } else if let Some(code) = request.recovery_code {
        let hash = state.secrets.code_hash(&normalize_recovery_code(code));
        let right = state
            .store
            .write(move |c| {
                if !mfa::use_recovery_code(c, &owner, &hash)? {
                    return Ok(false);
                }
                lockout.succeed(c, &lockout_key, attempt, now)?;
                Ok(true)
            })
            .await?;
        ("RecoveryCode", right)
    } else if let Some(json) = request.web_authn_credential {
        let right = match serde_json::from_str::<PublicKeyCredential>(json.get()) {
            Ok(credential) => webauthn(state, owner, credential, lockout_key, attempt, now).await?,
            Err(_) => false,
        };
        ("WebAuthnCredential", right)
    } else {
        return Err(required());
    };
    if right {
        Ok(())
    } else {
        Err(attempt.failed(failed(field)))
    }
}

/// A WebAuthn assertion: its challenge is used up whatever the outcome; the
/// credential's counter is checked by webauthn-rs and saved.
async fn webauthn(
    state: &AppState,
    owner: Owner,
    credential: PublicKeyCredential,
    lockout_key: String,
    attempt: Attempt,
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
            lockout.succeed(c, &lockout_key, attempt, now)?;
            mfa::save_passkey(c, &factor.mfa_device_id, &passkey, now)?;
            Ok(true)
        })
        .await
}
