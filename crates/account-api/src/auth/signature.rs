//! Signed requests (OSC4 or AWS4 form): the access key (from memory once verified,
//! `verified_keys.rs`), the signature, and the key's last use and its session's last
//! activity, recorded at most once per interval.

use std::net::IpAddr;
use std::sync::Arc;

use account_contract::signing::{self, Authorization, CanonicalRequest};
use account_contract::{ApiError, KeyState};
use axum::http::request::Parts;

use super::door::Caller;
use super::verified_keys::VerifiedKey;
use super::{check_timestamp, denied, header_str, AppState};
use crate::store;

pub(super) async fn signed(
    state: &AppState,
    parts: &Parts,
    body: &[u8],
    auth: Authorization,
    client: IpAddr,
    now: i64,
) -> Result<Caller, ApiError> {
    let date_header = auth.algorithm.date_header();
    for required in ["host", date_header] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(denied(&format!("The signature must cover the {required} header.")));
        }
    }
    let date_time = header_str(&parts.headers, date_header);
    check_timestamp(date_time, date_header, now)?;
    let date_time = date_time.unwrap_or_default();
    if !date_time.starts_with(&auth.date) {
        return Err(denied("The credential scope's date differs from the request time."));
    }
    if !matches!(auth.service.as_str(), "api" | "oapi") || auth.region.is_empty() {
        return Err(denied("The credential scope must name a region and the api service."));
    }
    if auth.region != *state.region {
        return Err(denied(&format!(
            "The credential scope names the region {:?}; this endpoint is {:?}.",
            auth.region, state.region
        )));
    }

    let key = match state.verified_keys.get(&auth.access_key) {
        Some(key) => key,
        None => verify_key(state, &auth.access_key).await?,
    };
    if key.is_expired(now) {
        return Err(denied("The access key has expired."));
    }
    let signing_key = key.signing_key(auth.algorithm, &auth.date, &auth.region, &auth.service);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    // Some SDKs sign the host name without the port the request went to: try both.
    let host = header_str(&parts.headers, "host").unwrap_or_default();
    let mut hosts = vec![host];
    hosts.extend(state.public_hosts.iter().map(String::as_str));
    if let Some((name, port)) = host.rsplit_once(':') {
        let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if is_port && (!name.contains(':') || name.ends_with(']')) {
            hosts.push(name);
        }
    }
    for candidate in hosts {
        let list: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), if n == "host" { candidate } else { v.as_str() }))
            .collect();
        let canonical = CanonicalRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            headers: &list,
            body,
        }
        .text(&auth.signed_headers);
        let to_sign = signing::string_to_sign(auth.algorithm, date_time, &auth.scope(), &canonical);
        if signing::signatures_match(&signing::signature(&signing_key, &to_sign), &auth.signature) {
            let interval = state.activity_interval_secs;
            let key_due = key.use_due(now, interval);
            let session_due = key.session.is_some() && key.activity_due(now, interval);
            if key_due || session_due {
                note_use(state, &key, (key_due, session_due), client, now);
            }
            return Ok(Caller {
                owner: key.owner.clone(),
                access_key_id: Some(key.access_key_id.clone()),
                session: key.session.clone(),
                password_hash: None,
            });
        }
    }
    Err(denied("The request signature does not match."))
}

/// Reads a key that is not in memory: it must exist and be active (its expiry is
/// checked by the caller, for a key from memory as for one read now); its secret is
/// opened with the server key. Kept for the next calls
/// (`EpochCache::keep`) unless a revocation happened during the read.
async fn verify_key(state: &AppState, key_id: &str) -> Result<Arc<VerifiedKey>, ApiError> {
    let epoch = state.verified_keys.epoch();
    let id = key_id.to_owned();
    let (key, session, last_active) = state
        .store
        .read(move |c| {
            let (key, session) = store::access_keys::with_session(c, &id)?;
            let last_active = match &session {
                Some(s) => store::sessions::last_active(c, &s.id)?,
                None => None,
            };
            Ok((key, session, last_active))
        })
        .await?;
    let key = key.ok_or_else(|| denied("The access key ID does not exist."))?;
    if key.state != KeyState::Active {
        return Err(denied("The access key is inactive."));
    }
    let secret =
        state.secrets.open(&key.access_key_id, &key.secret_nonce, &key.secret_sealed).ok_or_else(
            || crate::failure::internal("an access key secret does not open with the server key"),
        )?;
    let (id, owner) = (key.access_key_id.clone(), key.owner());
    let last_used = key.last_use.as_ref().map(|(at, _)| *at);
    let verified =
        VerifiedKey::new(id, owner, key.expires_at, session, last_active, last_used, secret);
    Ok(state.verified_keys.keep(&key.access_key_id, epoch, verified))
}

/// Records, in one write and without waiting for it, what is due: that the key signed
/// a call now from `client`, that its session did. The caller asks once per
/// `activity_interval_secs` (`VerifiedKey::use_due`, `activity_due`); the write itself
/// skips a record another instance made within the interval.
fn note_use(
    state: &AppState,
    key: &VerifiedKey,
    (key_due, session_due): (bool, bool),
    client: IpAddr,
    now: i64,
) {
    let interval = state.activity_interval_secs;
    let store = state.store.clone();
    let key_id = key_due.then(|| key.access_key_id.clone());
    let session_id = key.session.as_ref().filter(|_| session_due).map(|s| s.id.clone());
    let client = client.to_string();
    tracing::debug!(key_due, session_due, "recording a key's use");
    tokio::spawn(async move {
        // A failed record is logged by the store; the call itself goes on.
        let _ = store
            .write(move |c| {
                if let Some(id) = &key_id {
                    store::access_keys::note_use(c, id, &client, now, interval)?;
                }
                if let Some(id) = &session_id {
                    store::sessions::touch(c, id, now, interval)?;
                }
                Ok(())
            })
            .await;
    });
}
