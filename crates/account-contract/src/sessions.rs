//! Sessions as devices: this API's extension to OAPI (see `docs/API.md`, Sessions).
//! A session is a temporary access key made with email/password (a console sign-in);
//! the server notes the browser, the operating system and the address it came from,
//! and when it last signed a call, so its owner can tell them apart and end one.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use crate::context::ResponseContext;

/// One session of the identity that signs the call, as a device.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SessionDevice {
    /// The session's ID: the access key ID of its sign-in.
    pub session_id: String,
    /// The browser, from its User-Agent ("Firefox", "Chrome"), when known.
    pub browser: Option<String>,
    /// The operating system, from the User-Agent ("Linux", "Android"), when known.
    pub operating_system: Option<String>,
    /// The address it signed in from (the client's, behind a trusted proxy).
    pub client_ip: Option<String>,
    /// The date and time (UTC) of the sign-in.
    pub creation_date: String,
    /// The date and time (UTC) it last signed a call, to the minute.
    pub last_activity_date: String,
    /// The date and time (UTC) at which it ends by itself.
    pub expiration_date: Option<String>,
    /// Whether it is the session that signed this call.
    pub current: bool,
}

/// `ReadSessions`: the sessions of the identity that signs the call, most recently
/// active first.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadSessionsRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `ReadSessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadSessionsResponse {
    /// The sessions.
    pub sessions: Vec<SessionDevice>,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// `DeleteSession`: signs one session of the identity out, with every access key
/// created within it. Its next call is refused.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteSessionRequest {
    /// The session's ID, as `ReadSessions` gives it.
    pub session_id: String,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// `DeleteOtherSessions`: signs every session of the identity out but the one that
/// signs the call, with every access key created within them.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteOtherSessionsRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `DeleteOtherSessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteOtherSessionsResponse {
    /// How many sessions were signed out.
    pub logged_out_sessions: u32,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// The answer of `DeleteSession`.
pub type DeleteSessionResponse = crate::types::EmptyResponse;
