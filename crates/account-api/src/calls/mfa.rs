//! Multi-factor authentication, this API's extension (see docs/API.md): the signer's
//! second factors (authenticator apps and WebAuthn security keys or passkeys) and
//! recovery codes, and the WebAuthn challenge of a sign-in's second step. Adding,
//! removing and renewing ask for the password again, with the sign-in lockout.

use account_contract::mfa::MFA_DEVICES_MAX;
use account_contract::validation::{check_mfa_device_name, check_secret_input};
use account_contract::{
    ActivateMfaDeviceRequest, ActivateMfaDeviceResponse, ApiError, CreateMfaChallengeRequest,
    CreateMfaChallengeResponse, CreateMfaDeviceRequest, CreateMfaDeviceResponse,
    CreateRecoveryCodesRequest, CreateRecoveryCodesResponse, DeleteMfaDeviceRequest,
    DeleteMfaDeviceResponse, ErrorCode, MfaDeviceType, PublicKeyJson, ReadMfaDevicesRequest,
    ReadMfaDevicesResponse, RECOVERY_CODES_COUNT,
};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{Passkey, PasskeyRegistration, RegisterPublicKeyCredential, Uuid};

use super::password::{check_current_password, signer};
use crate::auth::Identity;
use crate::ctx::Ctx;
use crate::otp;
use crate::second_factor::base64url;
use crate::store::mfa::{self, DeviceRecord};
use crate::store::{self};

/// The identity's password, checked again; an identity without one cannot have MFA
/// (it cannot sign in with a password at all).
async fn check_password(ctx: &Ctx, identity: &Identity, password: &str) -> Result<(), ApiError> {
    if identity.password_hash().is_none() {
        return Err(ApiError::field(
            ErrorCode::InvalidParameterValue,
            "CurrentPassword",
            "this identity has no password yet: set one up first (UpdatePassword).",
        ));
    }
    check_secret_input("CurrentPassword", password)?;
    check_current_password(ctx, identity, password).await
}

fn owner(identity: &Identity) -> (String, Option<String>) {
    (identity.account_id().to_owned(), identity.user_id().map(str::to_owned))
}

fn no_device(id: &str) -> ApiError {
    ApiError::field(
        ErrorCode::InvalidParameterValue,
        "MfaDeviceId",
        format!("no second factor {id:?} for this identity."),
    )
}

fn to_json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(store::internal)
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

/// The identity's WebAuthn credentials.
fn passkeys(devices: &[DeviceRecord]) -> Result<Vec<Passkey>, ApiError> {
    devices
        .iter()
        .filter(|d| d.kind == MfaDeviceType::Webauthn)
        .filter_map(|d| d.passkey.as_deref())
        .map(|p| serde_json::from_str(p).map_err(store::internal))
        .collect()
}

/// The WebAuthn user handle of an identity: stable, and telling nothing by itself.
fn webauthn_user_id(identity: &Identity) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"account-api webauthn user\0")
        .chain_update(identity.account_id())
        .chain_update(b"\0")
        .chain_update(identity.user_id().unwrap_or_default())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

pub async fn read(
    ctx: &Ctx,
    req: ReadMfaDevicesRequest,
) -> Result<ReadMfaDevicesResponse, ApiError> {
    let identity = signer(ctx).await?;
    if req.dry_run == Some(true) {
        return Ok(ReadMfaDevicesResponse {
            mfa_devices: Vec::new(),
            recovery_codes_left: 0,
            response_context: ctx.context(),
        });
    }
    let (account_id, user_id) = owner(&identity);
    let (devices, left) = ctx
        .state
        .store
        .read(move |c| {
            Ok((
                mfa::active_of(c, &account_id, user_id.as_deref())?,
                mfa::recovery_codes_left(c, &account_id, user_id.as_deref())?,
            ))
        })
        .await?;
    Ok(ReadMfaDevicesResponse {
        mfa_devices: devices.iter().map(DeviceRecord::to_api).collect(),
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
    check_password(ctx, &identity, &req.current_password).await?;
    let (account_id, user_id) = owner(&identity);
    let existing = {
        let (a, u) = (account_id.clone(), user_id.clone());
        ctx.state.store.read(move |c| mfa::active_of(c, &a, u.as_deref())).await?
    };
    if existing.len() >= MFA_DEVICES_MAX {
        return Err(ApiError::new(
            ErrorCode::TooManyAccessKeys,
            format!("An identity has at most {MFA_DEVICES_MAX} second factors: remove one first."),
        ));
    }
    if req.dry_run == Some(true) {
        return Ok(CreateMfaDeviceResponse {
            mfa_device_id: String::new(),
            totp: None,
            public_key_options: None,
            response_context: ctx.context(),
        });
    }
    let mut record = DeviceRecord::pending(
        account_id.clone(),
        user_id.clone(),
        req.kind,
        req.name.trim().to_owned(),
        ctx.now,
    );
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
                    webauthn_user_id(&identity),
                    &login,
                    &login,
                    Some(exclude),
                )
                .map_err(store::internal)?;
            record.registration = Some(to_json(&registration)?);
            public_key_options = PublicKeyJson::from_text(to_json(&options.public_key)?);
        }
    }
    let (stored, caller, now) = (record.clone(), ctx.caller.clone(), ctx.now);
    ctx.state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            mfa::purge_pending(c, &account_id, user_id.as_deref(), now)?;
            mfa::insert(c, &stored)
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
    let identity = signer(ctx).await?;
    let (account_id, user_id) = owner(&identity);
    let device = {
        let id = req.mfa_device_id.clone();
        ctx.state.store.read(move |c| mfa::by_id(c, &id)).await?
    };
    let now = ctx.now;
    let device = device
        .filter(|d| d.account_id == account_id && d.user_id == user_id)
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
    let proof = match device.kind {
        MfaDeviceType::Totp => {
            let code = req.code.as_deref().ok_or_else(|| {
                ApiError::field(ErrorCode::MissingParameter, "Code", "is required.")
            })?;
            let (Some(nonce), Some(sealed)) = (&device.totp_nonce, &device.totp_sealed) else {
                return Err(store::internal("a pending TOTP device has no secret"));
            };
            let secret =
                ctx.state.secrets.open(&device.mfa_device_id, nonce, sealed).ok_or_else(|| {
                    store::internal("a TOTP secret does not open with the server key")
                })?;
            let step = otp::matching_step(&secret, code, now, None).ok_or_else(|| {
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
            let registration: PasskeyRegistration = device
                .registration
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .ok_or_else(|| store::internal("a pending WebAuthn device has no registration"))?;
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
    if req.dry_run == Some(true) {
        return Ok(ActivateMfaDeviceResponse {
            mfa_device: device.to_api(),
            recovery_codes: None,
            response_context: ctx.context(),
        });
    }
    let (codes, hashes) = new_recovery_codes(ctx);
    let (caller, id) = (ctx.caller.clone(), device.mfa_device_id.clone());
    let (activated, first) = ctx
        .state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            let first = !mfa::has_active(c, &account_id, user_id.as_deref())?;
            let done = match &proof {
                Proof::Totp { step } => mfa::activate_totp(c, &id, *step, now)?,
                Proof::Webauthn { credential_id, passkey } => {
                    mfa::activate_webauthn(c, &id, credential_id, passkey, now)?
                }
            };
            if !done {
                return Err(no_device(&id));
            }
            if first {
                mfa::replace_recovery_codes(c, &account_id, user_id.as_deref(), &hashes, now)?;
            }
            let activated = mfa::by_id(c, &id)?.ok_or_else(|| no_device(&id))?;
            Ok((activated, first))
        })
        .await?;
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
    check_password(ctx, &identity, &req.current_password).await?;
    let (account_id, user_id) = owner(&identity);
    let (caller, dry_run) = (ctx.caller.clone(), req.dry_run == Some(true));
    let enabled = ctx
        .state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            let id = &req.mfa_device_id;
            let device = mfa::by_id(c, id)?
                .filter(|d| d.account_id == account_id && d.user_id == user_id)
                .ok_or_else(|| no_device(id))?;
            let others = mfa::active_of(c, &account_id, user_id.as_deref())?
                .iter()
                .any(|d| d.mfa_device_id != device.mfa_device_id);
            if !dry_run {
                mfa::delete(c, id)?;
                if !others {
                    // MFA is off: its recovery codes go with it.
                    mfa::delete_recovery_codes(c, &account_id, user_id.as_deref())?;
                }
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
    let (account_id, user_id) = owner(&identity);
    let on = {
        let (a, u) = (account_id.clone(), user_id.clone());
        ctx.state.store.read(move |c| mfa::has_active(c, &a, u.as_deref())).await?
    };
    if !on {
        return Err(mfa_is_off());
    }
    check_password(ctx, &identity, &req.current_password).await?;
    if req.dry_run == Some(true) {
        return Ok(CreateRecoveryCodesResponse {
            recovery_codes: Vec::new(),
            response_context: ctx.context(),
        });
    }
    let (codes, hashes) = new_recovery_codes(ctx);
    let (caller, now) = (ctx.caller.clone(), ctx.now);
    ctx.state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            if !mfa::has_active(c, &account_id, user_id.as_deref())? {
                return Err(mfa_is_off());
            }
            mfa::replace_recovery_codes(c, &account_id, user_id.as_deref(), &hashes, now)
        })
        .await?;
    Ok(CreateRecoveryCodesResponse { recovery_codes: codes, response_context: ctx.context() })
}

pub async fn create_challenge(
    ctx: &Ctx,
    req: CreateMfaChallengeRequest,
) -> Result<CreateMfaChallengeResponse, ApiError> {
    let identity = signer(ctx).await?;
    let (account_id, user_id) = owner(&identity);
    let devices = {
        let (a, u) = (account_id.clone(), user_id.clone());
        ctx.state.store.read(move |c| mfa::active_of(c, &a, u.as_deref())).await?
    };
    let types: Vec<MfaDeviceType> = [MfaDeviceType::Totp, MfaDeviceType::Webauthn]
        .into_iter()
        .filter(|k| devices.iter().any(|d| d.kind == *k))
        .collect();
    let keys = passkeys(&devices)?;
    let mut public_key_options = None;
    if !keys.is_empty() && req.dry_run != Some(true) {
        let (options, state) =
            ctx.state.webauthn.start_passkey_authentication(&keys).map_err(store::internal)?;
        let challenge = base64url(&options.public_key.challenge);
        let (state, now) = (to_json(&state)?, ctx.now);
        ctx.state
            .store
            .write(move |c| {
                mfa::insert_challenge(c, &account_id, user_id.as_deref(), &challenge, &state, now)
            })
            .await?;
        public_key_options = PublicKeyJson::from_text(to_json(&options.public_key)?);
    }
    Ok(CreateMfaChallengeResponse {
        mfa_device_types: types,
        public_key_options,
        response_context: ctx.context(),
    })
}
