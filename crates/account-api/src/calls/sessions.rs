//! ReadSessions, DeleteSession, DeleteOtherSessions, CreateReauthentication:
//! extensions (see docs/API.md, Sessions). An identity sees and ends its own sessions
//! only, and proves its password again in its own session.

use account_contract::{
    ApiError, CreateReauthenticationRequest, CreateReauthenticationResponse,
    DeleteOtherSessionsRequest, DeleteOtherSessionsResponse, DeleteSessionRequest,
    DeleteSessionResponse, ErrorCode, ReadSessionsRequest, ReadSessionsResponse, SessionDevice,
};

use super::signer;
use crate::auth::{password, Ctx};
use crate::clock;
use crate::store::{access_keys, sessions};

pub async fn read(ctx: &Ctx, _req: ReadSessionsRequest) -> Result<ReadSessionsResponse, ApiError> {
    let (owner, now) = (ctx.caller.owner.clone(), ctx.now);
    let records = ctx.read(move |c| Ok(sessions::of_owner(c, &owner, now)?)).await?;
    let current = ctx.caller.session.as_ref().map(|s| s.id.as_str());
    let sessions = records
        .into_iter()
        .map(|r| SessionDevice {
            current: current == Some(r.session_id.as_str()),
            session_id: r.session_id,
            browser: r.user_agent.browser,
            operating_system: r.user_agent.os,
            client_ip: r.client_ip,
            creation_date: clock::format(r.created_at),
            last_activity_date: clock::format(r.last_active_at),
            expiration_date: r.expires_at.map(clock::format),
        })
        .collect();
    Ok(ReadSessionsResponse { sessions, response_context: ctx.context() })
}

pub async fn delete(
    ctx: &Ctx,
    req: DeleteSessionRequest,
) -> Result<DeleteSessionResponse, ApiError> {
    let (owner, id) = (ctx.caller.owner.clone(), req.session_id);
    let found = ctx.write(move |c| Ok(access_keys::end_session(c, &owner, &id)?)).await?;
    match found {
        true => Ok(DeleteSessionResponse { response_context: ctx.context() }),
        false => Err(ApiError::field(
            ErrorCode::AccessKeyNotFound,
            "SessionId",
            "no such session for this identity.",
        )),
    }
}

pub async fn delete_others(
    ctx: &Ctx,
    _req: DeleteOtherSessionsRequest,
) -> Result<DeleteOtherSessionsResponse, ApiError> {
    let owner = ctx.caller.owner.clone();
    let keep = ctx.caller.session.as_ref().map(|s| s.id.clone());
    let logged_out = ctx
        .write(move |c| Ok(access_keys::delete_other_sessions(c, &owner, keep.as_deref())?))
        .await?;
    Ok(DeleteOtherSessionsResponse {
        // A dry run ends no session.
        logged_out_sessions: if ctx.dry_run { 0 } else { logged_out },
        response_context: ctx.context(),
    })
}

/// The password (and second factor) again, so the session may make sensitive changes
/// for a while (`auth::door`).
pub async fn reauthenticate(
    ctx: &Ctx,
    req: CreateReauthenticationRequest,
) -> Result<CreateReauthenticationResponse, ApiError> {
    let identity = signer(ctx).await?;
    let until = password::prove_again(ctx, &identity, &req).await?;
    Ok(CreateReauthenticationResponse {
        expiration_date: clock::format(until),
        response_context: ctx.context(),
    })
}
