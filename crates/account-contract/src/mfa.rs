//! Multi-factor authentication: this API's extension to OAPI (see `docs/API.md`,
//! Multi-factor authentication). An identity (the account or an EIM user) may add
//! second factors, authenticator apps (TOTP) and WebAuthn security keys or passkeys;
//! from its first one, signing in with email/password (`CreateAccessKey` with Basic
//! authentication) also needs one of them, or one of its recovery codes.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_with::skip_serializing_none;

use crate::context::ResponseContext;

/// Most characters in a second factor's name.
pub const MFA_DEVICE_NAME_MAX_CHARS: usize = 64;
/// Most second factors one identity may have.
pub const MFA_DEVICES_MAX: usize = 20;
/// Most consecutive wrong second-factor codes an identity's authenticator apps and
/// security keys take (sign-in codes and activation codes together; NIST SP 800-63B
/// allows at most 100): past it they sign nobody in until a recovery code or the
/// operator (`account-api unblock-second-factors`) unblocks them.
pub const MFA_FAILURES_MAX: i64 = 100;
/// How many recovery codes are made at a time.
pub const RECOVERY_CODES_COUNT: usize = 10;
/// Digits in a TOTP code (RFC 6238, as every authenticator app expects).
pub const TOTP_DIGITS: usize = 6;
/// Seconds in one TOTP step.
pub const TOTP_STEP_SECS: u64 = 30;

/// The kind of a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MfaDeviceType {
    /// An authenticator app: one-time codes (TOTP, SHA-1, 6 digits, 30 seconds).
    Totp,
    /// A WebAuthn security key or passkey.
    Webauthn,
}

/// A JSON object passed through as it is: WebAuthn's options and credentials, in the
/// JSON forms of the WebAuthn Level 3 spec (`PublicKeyCredential.parseCreationOptionsFromJSON`,
/// `PublicKeyCredential.toJSON()`), so the browser reads them without conversion.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct PublicKeyJson(pub Box<RawValue>);

impl<'de> Deserialize<'de> for PublicKeyJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read by serde_json (the server, the tests): the object as it was written.
        #[cfg(not(target_arch = "wasm32"))]
        return Box::<RawValue>::deserialize(deserializer).map(Self);
        // Read in the console, whose reader is the browser's `JSON.parse` and cannot give
        // a `RawValue`: there the object arrives as its JSON text, put in its place by
        // that reader (`src/json.rs`).
        #[cfg(target_arch = "wasm32")]
        {
            let text = String::deserialize(deserializer)?;
            RawValue::from_string(text).map(Self).map_err(serde::de::Error::custom)
        }
    }
}

impl PublicKeyJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Wraps JSON text, if it is JSON.
    pub fn from_text(text: String) -> Option<Self> {
        RawValue::from_string(text).ok().map(Self)
    }
}

impl PartialEq for PublicKeyJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for PublicKeyJson {}

/// A second factor of the identity that signs the call.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDevice {
    /// The ID of the second factor.
    pub mfa_device_id: String,
    /// The name its owner gave it ("Phone", "Blue key").
    pub name: String,
    /// Its kind.
    #[serde(rename = "Type")]
    pub kind: MfaDeviceType,
    /// The date and time (UTC) at which it was added.
    pub creation_date: String,
    /// The date and time (UTC) at which it last signed someone in, if ever.
    pub last_used_date: Option<String>,
}

/// `ReadMfaDevices`: the second factors of the identity that signs the call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadMfaDevicesRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `ReadMfaDevices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadMfaDevicesResponse {
    /// The active second factors, oldest first (empty: MFA is off).
    pub mfa_devices: Vec<MfaDevice>,
    /// How many unused recovery codes are left.
    pub recovery_codes_left: u32,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// `CreateMfaDevice`: starts adding a second factor. Nothing is active until
/// `ActivateMfaDevice` proves the device works; a device not activated within ten
/// minutes is forgotten.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateMfaDeviceRequest {
    /// The identity's password, checked again (with the sign-in lockout).
    pub current_password: String,
    /// The kind of second factor.
    #[serde(rename = "Type")]
    pub kind: MfaDeviceType,
    /// A name for it, 1 to 64 characters.
    pub name: String,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// What an authenticator app needs: the secret, as text and as a QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TotpSetup {
    /// The shared secret, in base32 (RFC 4648, no padding), for typing in.
    pub secret: String,
    /// The `otpauth://totp/...` URI that the QR code holds.
    pub otp_auth_uri: String,
    /// The QR code of the URI, one string of `1` (dark) and `0` per row, without its
    /// quiet zone: a client draws it however it likes.
    pub qr_code: Vec<String>,
}

/// The answer of `CreateMfaDevice`: what the device needs to be set up.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateMfaDeviceResponse {
    /// The ID of the pending second factor, for `ActivateMfaDevice`.
    pub mfa_device_id: String,
    /// For an authenticator app: its secret.
    pub totp: Option<TotpSetup>,
    /// For a security key: the options of `navigator.credentials.create()`, in the
    /// JSON form `PublicKeyCredential.parseCreationOptionsFromJSON` reads.
    pub public_key_options: Option<PublicKeyJson>,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// `ActivateMfaDevice`: proves a pending second factor works, which activates it.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ActivateMfaDeviceRequest {
    /// The ID `CreateMfaDevice` answered.
    pub mfa_device_id: String,
    /// For an authenticator app: a code it shows now.
    pub code: Option<String>,
    /// For a security key: the new credential, `PublicKeyCredential.toJSON()`.
    pub credential: Option<PublicKeyJson>,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `ActivateMfaDevice`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActivateMfaDeviceResponse {
    /// The second factor, now active.
    pub mfa_device: MfaDevice,
    /// With the identity's first second factor: its recovery codes, shown this once.
    pub recovery_codes: Option<Vec<String>>,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// `DeleteMfaDevice`: removes a second factor; removing the last one turns MFA off
/// (and voids the recovery codes).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteMfaDeviceRequest {
    /// The identity's password, checked again (with the sign-in lockout).
    pub current_password: String,
    /// The ID of the second factor.
    pub mfa_device_id: String,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `DeleteMfaDevice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMfaDeviceResponse {
    /// Whether the identity still has a second factor (false: MFA is now off).
    pub mfa_enabled: bool,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// `CreateRecoveryCodes`: new recovery codes, which void the old ones.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateRecoveryCodesRequest {
    /// The identity's password, checked again (with the sign-in lockout).
    pub current_password: String,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `CreateRecoveryCodes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRecoveryCodesResponse {
    /// Ten one-time codes, shown this once.
    pub recovery_codes: Vec<String>,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// The second step a password sign-in goes on with, for an identity with MFA: sent
/// in the error body of `401 1010` (this API's extension, `SecondFactors`), so the
/// password is checked once for the whole sign-in.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecondFactors {
    /// The kinds of second factor the identity has.
    pub mfa_device_types: Vec<MfaDeviceType>,
    /// With security keys: the options of `navigator.credentials.get()` for a challenge
    /// made with this answer (valid 5 minutes, answers one sign-in).
    pub public_key_options: Option<PublicKeyJson>,
}

/// `CreateMfaChallenge` (email/password authentication): what the second step of a
/// sign-in may use, and a WebAuthn challenge when the identity has security keys.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateMfaChallengeRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `CreateMfaChallenge`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateMfaChallengeResponse {
    /// The kinds of second factor the identity has (empty: MFA is off).
    pub mfa_device_types: Vec<MfaDeviceType>,
    /// With security keys: the options of `navigator.credentials.get()`, in the JSON
    /// form `PublicKeyCredential.parseRequestOptionsFromJSON` reads (valid 5 minutes).
    pub public_key_options: Option<PublicKeyJson>,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// A recovery code as typed: lower case, without spaces or dashes.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_read_as_typed() {
        assert_eq!(normalize_recovery_code(" AB12-cd34 ef "), "ab12cd34ef");
    }
}
