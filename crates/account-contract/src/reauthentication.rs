//! Recent re-authentication ("sudo mode", as GitHub names it): this API's extension to
//! OAPI (see `docs/API.md`, Recent re-authentication). Within a console session, the
//! changes a stolen session must not make alone (the sign-in email, second factors,
//! recovery codes, an EIM user's first password, re-activating a key) need the password,
//! and the second factor when MFA is on, proved in that session within the last
//! [`REAUTHENTICATION_SECS`] seconds: by the sign-in itself, or by `CreateReauthentication`.
//! Without it they answer `401 1012` ([`crate::ErrorCode::ReauthenticationRequired`]).
//! Permanent access keys are not sessions: they keep OUTSCALE's behaviour.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::context::ResponseContext;
use crate::mfa::PublicKeyJson;

/// How long a proof lasts, by default (the server's `--reauthentication-secs`).
pub const REAUTHENTICATION_SECS: i64 = 600;

/// `CreateReauthentication`: the password of the identity that signed in, again, and a
/// second factor when it has MFA (a sign-in's: one at most). Signed by the session's
/// own key (the one its sign-in created).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateReauthenticationRequest {
    /// The identity's password.
    pub password: String,
    /// A code from an authenticator app.
    pub mfa_code: Option<String>,
    /// A recovery code (spaces and dashes are ignored).
    pub recovery_code: Option<String>,
    /// A WebAuthn assertion (`PublicKeyCredential.toJSON()`) answering the challenge of
    /// the `1010` answer, or of `CreateMfaChallenge`.
    pub web_authn_credential: Option<PublicKeyJson>,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `CreateReauthentication`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateReauthenticationResponse {
    /// The date and time (UTC) until which the session may make sensitive changes.
    pub expiration_date: String,
    /// Information about the response.
    pub response_context: ResponseContext,
}
