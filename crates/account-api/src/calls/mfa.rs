//! Multi-factor authentication, this API's extension (see docs/API.md): the signer's
//! second factors (authenticator apps and WebAuthn security keys or passkeys) and
//! recovery codes, and the WebAuthn challenge of a sign-in's second step. Adding,
//! removing and renewing ask for the password again, with the sign-in lockout.

use account_contract::mfa::MFA_DEVICES_MAX;
use account_contract::validation::check_mfa_device_name;
use account_contract::{
    ActivateMfaDeviceRequest, ActivateMfaDeviceResponse, ApiError, CreateMfaChallengeRequest,
    CreateMfaChallengeResponse, CreateMfaDeviceRequest, CreateMfaDeviceResponse,
    CreateRecoveryCodesRequest, CreateRecoveryCodesResponse, DeleteMfaDeviceRequest,
    DeleteMfaDeviceResponse, ErrorCode, MfaDeviceType, PublicKeyJson, ReadMfaDevicesRequest,
    ReadMfaDevicesResponse, RECOVERY_CODES_COUNT,
};
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use super::signer;
use crate::auth::webauthn::{self, base64url, passkeys, to_json};
use crate::auth::{otp, password, second_factor, Ctx};
use crate::failure::{internal, Taken};
use crate::store::mfa::{self, FactorRecord};

/// An identity holds at most `MFA_DEVICES_MAX` second factors: checked when one is
/// added and again when one is activated (several may be pending at once).
fn too_many_factors() -> ApiError {
    ApiError::new(
        ErrorCode::TooManyAccessKeys,
        format!("An identity has at most {MFA_DEVICES_MAX} second factors: remove one first."),
    )
}

fn no_factor(id: &str) -> ApiError {
    ApiError::field(
        ErrorCode::InvalidParameterValue,
        "MfaDeviceId",
        format!("no second factor {id:?} for this identity."),
    )
}

/// Ten new recovery codes, as shown, and their keyed hashes, as stored.
fn new_recovery_codes(ctx: &Ctx) -> (Vec<String>, Vec<Vec<u8>>) {
    let codes: Vec<String> = (0..RECOVERY_CODES_COUNT).map(|_| otp::new_recovery_code()).collect();
    let hashes = codes
        .iter()
        .map(|c| ctx.state.secrets.code_hash(&account_contract::mfa::normalize_recovery_code(c)))
        .collect();
    (codes, hashes)
}

pub async fn read(
    ctx: &Ctx,
    _req: ReadMfaDevicesRequest,
) -> Result<ReadMfaDevicesResponse, ApiError> {
    if ctx.dry_run {
        return Ok(ReadMfaDevicesResponse {
            mfa_devices: Vec::new(),
            recovery_codes_left: 0,
            response_context: ctx.context(),
        });
    }
    let owner = ctx.caller.owner.clone();
    let (factors, left) = ctx
        .read(move |c| Ok((mfa::active_of(c, &owner)?, mfa::recovery_codes_left(c, &owner)?)))
        .await?;
    Ok(ReadMfaDevicesResponse {
        mfa_devices: factors.iter().map(FactorRecord::to_api).collect(),
        recovery_codes_left: left,
        response_context: ctx.context(),
    })
}

pub async fn create(
    ctx: &Ctx,
    req: CreateMfaDeviceRequest,
) -> Result<CreateMfaDeviceResponse, ApiError> {
    check_mfa_device_name("Name", &req.name)?;
    let identity = signer(ctx).await?;
    password::check_current(ctx, &identity, &req.current_password).await?;
    let owner = identity.owner();
    let existing = {
        let owner = owner.clone();
        ctx.read(move |c| Ok(mfa::active_of(c, &owner)?)).await?
    };
    if existing.len() >= MFA_DEVICES_MAX {
        return Err(too_many_factors());
    }
    if ctx.dry_run {
        return Ok(CreateMfaDeviceResponse {
            mfa_device_id: String::new(),
            totp: None,
            public_key_options: None,
            response_context: ctx.context(),
        });
    }
    let mut record =
        FactorRecord::pending(owner.clone(), req.kind, req.name.trim().to_owned(), ctx.now);
    let (mut totp, mut public_key_options) = (None, None);
    match req.kind {
        MfaDeviceType::Totp => {
            let secret = otp::new_secret();
            let (nonce, sealed) = ctx.state.secrets.seal(&record.mfa_device_id, &secret);
            record.totp_nonce = Some(nonce);
            record.totp_sealed = Some(sealed);
            totp = Some(otp::setup(&identity.login(), &secret));
        }
        MfaDeviceType::Webauthn => {
            let exclude = passkeys(&existing)?.iter().map(|p| p.cred_id().clone()).collect();
            let login = identity.login();
            let (options, registration) = ctx
                .state
                .webauthn
                .start_passkey_registration(
                    webauthn::user_handle(&owner),
                    &login,
                    &login,
                    Some(exclude),
                )
                .map_err(internal)?;
            record.registration = Some(to_json(&registration)?);
            public_key_options = PublicKeyJson::from_text(to_json(&options.public_key)?);
        }
    }
    let (stored, now) = (record.clone(), ctx.now);
    ctx.write(move |c| {
        mfa::purge_pending(c, &owner, now)?;
        Ok(mfa::insert(c, &stored)?)
    })
    .await?;
    Ok(CreateMfaDeviceResponse {
        mfa_device_id: record.mfa_device_id,
        totp,
        public_key_options,
        response_context: ctx.context(),
    })
}

/// What proves a pending second factor works, checked before it is activated.
#[derive(Clone)]
enum Proof {
    Totp { step: i64 },
    Webauthn { credential_id: String, passkey: String },
}

pub async fn activate(
    ctx: &Ctx,
    req: ActivateMfaDeviceRequest,
) -> Result<ActivateMfaDeviceResponse, ApiError> {
    let owner = ctx.caller.owner.clone();
    let factor = {
        let id = req.mfa_device_id.clone();
        ctx.read(move |c| Ok(mfa::by_id(c, &id)?)).await?
    };
    let now = ctx.now;
    let factor = factor
        .filter(|d| d.owner() == owner)
        .filter(|d| !d.active && !d.is_expired(now))
        .ok_or_else(|| {
            ApiError::field(
                ErrorCode::InvalidParameterValue,
                "MfaDeviceId",
                format!(
                    "no second factor {:?} waiting to be activated for this identity (one not activated within 10 minutes is forgotten: start again).",
                    req.mfa_device_id
                ),
            )
        })?;
    let proof = match factor.kind {
        MfaDeviceType::Totp => {
            let code = req.code.as_deref().ok_or_else(|| {
                ApiError::field(ErrorCode::MissingParameter, "Code", "is required.")
            })?;
            let (Some(nonce), Some(sealed)) = (&factor.totp_nonce, &factor.totp_sealed) else {
                return Err(internal("a pending TOTP factor has no secret"));
            };
            let secret = ctx
                .state
                .secrets
                .open(&factor.mfa_device_id, nonce, sealed)
                .ok_or_else(|| internal("a TOTP secret does not open with the server key"))?;
            let step = otp::matching_step(&secret, code, now, None);
            second_factor::count_activation_code(&ctx.state, owner.clone(), step.is_some(), now)
                .await?;
            let step = step.ok_or_else(|| {
                ApiError::field(
                    ErrorCode::InvalidParameterValue,
                    "Code",
                    "is incorrect: enter the 6-digit code the app shows now.",
                )
            })?;
            Proof::Totp { step }
        }
        MfaDeviceType::Webauthn => {
            let json = req.credential.as_ref().ok_or_else(|| {
                ApiError::field(ErrorCode::MissingParameter, "Credential", "is required.")
            })?;
            let refused =
                |why: &str| ApiError::field(ErrorCode::InvalidParameterValue, "Credential", why);
            let credential: RegisterPublicKeyCredential = serde_json::from_str(json.get())
                .map_err(|_| {
                    refused("is not a WebAuthn registration (PublicKeyCredential.toJSON()).")
                })?;
            let registration: PasskeyRegistration = factor
                .registration
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .ok_or_else(|| internal("a pending WebAuthn factor has no registration"))?;
            let passkey = ctx
                .state
                .webauthn
                .finish_passkey_registration(&credential, &registration)
                .map_err(|e| {
                    tracing::debug!(error = %e, "a WebAuthn registration was refused");
                    refused("was not accepted: it does not answer this registration's challenge from an allowed origin.")
                })?;
            Proof::Webauthn {
                credential_id: base64url(passkey.cred_id()),
                passkey: to_json(&passkey)?,
            }
        }
    };
    let (codes, hashes) = new_recovery_codes(ctx);
    let id = factor.mfa_device_id.clone();
    let (activated, first) = ctx
        .write(move |c| {
            let active = mfa::active_of(c, &owner)?.len();
            if active >= MFA_DEVICES_MAX {
                return Err(too_many_factors());
            }
            let first = active == 0;
            let done = match &proof {
                Proof::Totp { step } => mfa::activate_totp(c, &id, *step, now)?,
                Proof::Webauthn { credential_id, passkey } => {
                    mfa::activate_webauthn(c, &id, credential_id, passkey, now).taken_as(|| {
                        ApiError::field(
                            ErrorCode::Conflict,
                            "Credential",
                            "this security key is already registered.",
                        )
                    })?
                }
            };
            if !done {
                return Err(no_factor(&id));
            }
            if first {
                mfa::replace_recovery_codes(c, &owner, &hashes, now)?;
            }
            let activated = mfa::by_id(c, &id)?.ok_or_else(|| no_factor(&id))?;
            Ok((activated, first))
        })
        .await?;
    if ctx.dry_run {
        return Ok(ActivateMfaDeviceResponse {
            mfa_device: factor.to_api(),
            recovery_codes: None,
            response_context: ctx.context(),
        });
    }
    Ok(ActivateMfaDeviceResponse {
        mfa_device: activated.to_api(),
        recovery_codes: first.then_some(codes),
        response_context: ctx.context(),
    })
}

pub async fn delete(
    ctx: &Ctx,
    req: DeleteMfaDeviceRequest,
) -> Result<DeleteMfaDeviceResponse, ApiError> {
    let identity = signer(ctx).await?;
    password::check_current(ctx, &identity, &req.current_password).await?;
    let owner = identity.owner();
    let enabled = ctx
        .write(move |c| {
            let id = &req.mfa_device_id;
            let factor =
                mfa::by_id(c, id)?.filter(|d| d.owner() == owner).ok_or_else(|| no_factor(id))?;
            let others =
                mfa::active_of(c, &owner)?.iter().any(|d| d.mfa_device_id != factor.mfa_device_id);
            mfa::delete(c, id)?;
            if !others {
                // MFA is off: its recovery codes go with it.
                mfa::delete_recovery_codes(c, &owner)?;
            }
            Ok(others)
        })
        .await?;
    Ok(DeleteMfaDeviceResponse { mfa_enabled: enabled, response_context: ctx.context() })
}

fn mfa_is_off() -> ApiError {
    ApiError::new(
        ErrorCode::Conflict,
        "Multi-factor authentication is off for this identity: recovery codes come with its first second factor.",
    )
}

pub async fn create_recovery_codes(
    ctx: &Ctx,
    req: CreateRecoveryCodesRequest,
) -> Result<CreateRecoveryCodesResponse, ApiError> {
    let identity = signer(ctx).await?;
    let owner = identity.owner();
    let on = {
        let owner = owner.clone();
        ctx.read(move |c| Ok(mfa::has_active(c, &owner)?)).await?
    };
    if !on {
        return Err(mfa_is_off());
    }
    password::check_current(ctx, &identity, &req.current_password).await?;
    if ctx.dry_run {
        return Ok(CreateRecoveryCodesResponse {
            recovery_codes: Vec::new(),
            response_context: ctx.context(),
        });
    }
    let (codes, hashes) = new_recovery_codes(ctx);
    let now = ctx.now;
    ctx.write(move |c| {
        if !mfa::has_active(c, &owner)? {
            return Err(mfa_is_off());
        }
        Ok(mfa::replace_recovery_codes(c, &owner, &hashes, now)?)
    })
    .await?;
    Ok(CreateRecoveryCodesResponse { recovery_codes: codes, response_context: ctx.context() })
}

/// A WebAuthn challenge for a sign-in's second step (older consoles; a new one after
/// one expired): a sign-in's first answer (`1010`) already carries one. A challenge
/// is stored only for an identity with a security key, and never by a dry run.
pub async fn create_challenge(
    ctx: &Ctx,
    _req: CreateMfaChallengeRequest,
) -> Result<CreateMfaChallengeResponse, ApiError> {
    let offered = second_factor::offer(&ctx.state, &ctx.caller, ctx.now, !ctx.dry_run).await?;
    Ok(CreateMfaChallengeResponse {
        mfa_device_types: offered.mfa_device_types,
        public_key_options: offered.public_key_options,
        response_context: ctx.context(),
    })
}
