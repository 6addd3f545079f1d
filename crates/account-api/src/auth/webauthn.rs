//! WebAuthn as the server speaks it: binary in base64url, an identity's credentials
//! (passkeys) read from its second factors, and the sign-in ceremony's challenge,
//! started here for both `CreateMfaChallenge` and the first answer of a sign-in.

use account_contract::{ApiError, MfaDeviceType, PublicKeyJson};
use base64::Engine;
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{Passkey, Uuid};

use crate::failure::internal;
use crate::store::mfa::FactorRecord;
use crate::store::Owner;

/// base64url without padding, as WebAuthn's JSON writes binary.
pub fn base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The challenge a WebAuthn response answers, from its client data, in base64url.
pub fn challenge_of(client_data_json: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ClientData {
        challenge: String,
    }
    let data: ClientData = serde_json::from_slice(client_data_json).ok()?;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(data.challenge.trim()).ok().map(|b| base64url(&b))
}

/// JSON text of a value webauthn-rs made (it always serialises).
pub fn to_json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(internal)
}

/// The WebAuthn credentials among an identity's second factors.
pub fn passkeys(factors: &[FactorRecord]) -> Result<Vec<Passkey>, ApiError> {
    factors
        .iter()
        .filter(|d| d.kind == MfaDeviceType::Webauthn)
        .filter_map(|d| d.passkey.as_deref())
        .map(|p| serde_json::from_str(p).map_err(internal))
        .collect()
}

/// The kinds of second factor among `factors`, authenticator apps first.
pub fn kinds(factors: &[FactorRecord]) -> Vec<MfaDeviceType> {
    [MfaDeviceType::Totp, MfaDeviceType::Webauthn]
        .into_iter()
        .filter(|k| factors.iter().any(|d| d.kind == *k))
        .collect()
}

/// The WebAuthn user handle of an owner: stable, and telling nothing by itself.
pub fn user_handle(owner: &Owner) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"account-api webauthn user\0")
        .chain_update(&owner.account_id)
        .chain_update(b"\0")
        .chain_update(owner.user().unwrap_or_default())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// A sign-in ceremony started for an identity's security keys: what to store
/// (`mfa::insert_challenge`) and what to send.
pub struct Ceremony {
    /// The challenge, base64url: the key it is stored under.
    pub challenge: String,
    /// webauthn-rs's authentication state, JSON.
    pub saved: String,
    /// The options of `navigator.credentials.get()`.
    pub options: PublicKeyJson,
}

/// Starts a sign-in ceremony for the security keys among `factors`; `None` when
/// there is none (then nothing is to be stored).
pub fn start(
    webauthn: &webauthn_rs::Webauthn,
    factors: &[FactorRecord],
) -> Result<Option<Ceremony>, ApiError> {
    let keys = passkeys(factors)?;
    if keys.is_empty() {
        return Ok(None);
    }
    let (options, state) = webauthn.start_passkey_authentication(&keys).map_err(internal)?;
    let options_json = to_json(&options.public_key)?;
    Ok(Some(Ceremony {
        challenge: base64url(&options.public_key.challenge),
        saved: to_json(&state)?,
        options: PublicKeyJson::from_text(options_json)
            .ok_or_else(|| internal("WebAuthn options are not JSON"))?,
    }))
}
