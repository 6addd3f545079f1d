//! What the section's panels do, as one enumeration and one function: every change
//! to second factors goes through the same action (one copy of its code in the wasm).

use account_contract::{
    ActivateMfaDeviceRequest, CreateMfaDeviceRequest, CreateRecoveryCodesRequest,
    DeleteMfaDeviceRequest, MfaDevice, MfaDeviceType, PublicKeyJson, TotpSetup,
};

use crate::api::{Api, CallError};
use crate::webauthn;

/// The panel open under the list: what the person is doing.
#[derive(Clone, PartialEq)]
pub enum Panel {
    Closed,
    /// A name and the password (CreateMfaDevice); a security key is then registered
    /// and activated at once.
    Add(MfaDeviceType),
    /// An authenticator app's QR code and a first code (ActivateMfaDevice).
    Activate {
        device_id: String,
        setup: TotpSetup,
    },
    /// The password again, then DeleteMfaDevice.
    Remove(MfaDevice),
    /// The password again, then CreateRecoveryCodes.
    NewCodes,
    /// Codes just made, shown this once.
    Codes(Vec<String>),
}

/// What a change did, for the status line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Added,
    Removed,
    /// The last factor went: MFA is off.
    TurnedOff,
    NewCodes,
}

/// What the person typed in the panel.
#[derive(Clone)]
pub struct Typed {
    pub name: String,
    pub password: String,
    pub code: String,
}

/// Makes the change `panel` asks for; answers the next panel and what was done.
pub async fn apply(
    api: Api,
    panel: Panel,
    typed: Typed,
) -> Result<(Panel, Option<Done>), CallError> {
    let Typed { name, password, code } = typed;
    let added =
        |codes: Option<Vec<String>>| (codes.map_or(Panel::Closed, Panel::Codes), Some(Done::Added));
    Ok(match panel {
        Panel::Add(kind) => {
            let req =
                CreateMfaDeviceRequest { current_password: password, kind, name, dry_run: None };
            let created = api.call(&req).await?;
            let device_id = created.mfa_device_id;
            match (created.totp, created.public_key_options) {
                (Some(setup), _) => (Panel::Activate { device_id, setup }, None),
                (None, Some(options)) => {
                    let credential =
                        webauthn::register(options.get()).await.map_err(CallError::SecurityKey)?;
                    let req = ActivateMfaDeviceRequest {
                        mfa_device_id: device_id,
                        code: None,
                        credential: PublicKeyJson::from_text(credential),
                        dry_run: None,
                    };
                    added(api.call(&req).await?.recovery_codes)
                }
                (None, None) => return Err(CallError::Unexpected(200)),
            }
        }
        Panel::Activate { device_id, .. } => {
            let req = ActivateMfaDeviceRequest {
                mfa_device_id: device_id,
                code: Some(code),
                credential: None,
                dry_run: None,
            };
            added(api.call(&req).await?.recovery_codes)
        }
        Panel::Remove(device) => {
            let req = DeleteMfaDeviceRequest {
                current_password: password,
                mfa_device_id: device.mfa_device_id,
                dry_run: None,
            };
            let on = api.call(&req).await?.mfa_enabled;
            (Panel::Closed, Some(if on { Done::Removed } else { Done::TurnedOff }))
        }
        Panel::NewCodes => {
            let req = CreateRecoveryCodesRequest { current_password: password, dry_run: None };
            (Panel::Codes(api.call(&req).await?.recovery_codes), Some(Done::NewCodes))
        }
        Panel::Closed | Panel::Codes(_) => (Panel::Closed, None),
    })
}
