//! The identity's sessions as devices, and how to sign them out: with the account
//! API's session calls, or, on OUTSCALE's own API (which has none), from the access
//! keys the console tags at sign-in, as before.

use account_contract::{ErrorCode, SessionDevice};

use crate::api::{Api, CallError};

/// One session, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub id: String,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub ip: Option<String>,
    pub created: String,
    /// Known with the account API only.
    pub last_active: Option<String>,
    pub expires: String,
    pub current: bool,
}

/// Where the list came from, which says how to end a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `ReadSessions`: `DeleteSession`, `DeleteOtherSessions`.
    Sessions,
    /// The console's tagged keys: `DeleteAccessKey` each.
    ConsoleKeys,
}

/// What to sign out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignOut {
    One(String),
    Others,
}

impl From<SessionDevice> for Device {
    fn from(s: SessionDevice) -> Self {
        Self {
            id: s.session_id,
            browser: s.browser,
            os: s.operating_system,
            ip: s.client_ip,
            created: s.creation_date,
            last_active: Some(s.last_activity_date),
            expires: s.expiration_date.unwrap_or_default(),
            current: s.current,
        }
    }
}

/// The sessions, this one first. `extensions`: the endpoint is the account API (it
/// may still lack the calls: an older server answers 5011, and the keys serve).
pub async fn load(
    api: Api,
    extensions: bool,
    mine: String,
) -> Result<(Source, Vec<Device>), CallError> {
    if extensions {
        match api.read_sessions().await {
            Ok(list) => {
                return Ok((
                    Source::Sessions,
                    this_one_first(list.into_iter().map(Device::from).collect()),
                ));
            }
            Err(CallError::Api(e)) if e.has_code(ErrorCode::NoSuchCall) => {}
            Err(e) => return Err(e),
        }
    }
    let keys = api.console_sessions().await?;
    let devices: Vec<Device> = keys
        .into_iter()
        .filter_map(|k| {
            let id = k.access_key_id?;
            Some(Device {
                current: id == mine,
                id,
                browser: None,
                os: None,
                ip: None,
                created: k.creation_date.unwrap_or_default(),
                last_active: None,
                expires: k.expiration_date?,
            })
        })
        .collect();
    Ok((Source::ConsoleKeys, this_one_first(devices)))
}

/// The session in use first, the others in the order given (a move, not a sort: one
/// small function in the wasm).
fn this_one_first(mut devices: Vec<Device>) -> Vec<Device> {
    if let Some(i) = devices.iter().position(|d| d.current) {
        let this = devices.remove(i);
        devices.insert(0, this);
    }
    devices
}

/// Signs out what was asked; answers how many sessions went.
pub async fn sign_out(
    api: Api,
    source: Source,
    what: SignOut,
    others: Vec<String>,
) -> Result<u32, CallError> {
    match (source, what) {
        (Source::Sessions, SignOut::One(id)) => api.delete_session(id).await.map(|()| 1),
        (Source::Sessions, SignOut::Others) => {
            api.delete_other_sessions().await.map(|()| others.len() as u32)
        }
        (Source::ConsoleKeys, SignOut::One(id)) => api.end_other_session(id).await.map(|()| 1),
        (Source::ConsoleKeys, SignOut::Others) => {
            for id in &others {
                api.end_other_session(id.clone()).await?;
            }
            Ok(others.len() as u32)
        }
    }
}
