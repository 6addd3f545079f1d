//! ReadSessions, DeleteSession, DeleteOtherSessions: extensions (see docs/API.md,
//! Sessions). An identity sees and ends its own sessions only.

use account_contract::{
    ApiError, DeleteOtherSessionsRequest, DeleteOtherSessionsResponse, DeleteSessionRequest,
    DeleteSessionResponse, ErrorCode, ReadSessionsRequest, ReadSessionsResponse, SessionDevice,
};

use crate::clock;
use crate::ctx::Ctx;
use crate::store::{access_keys, devices};

pub async fn read(ctx: &Ctx, _req: ReadSessionsRequest) -> Result<ReadSessionsResponse, ApiError> {
    let (account_id, user_id, now) =
        (ctx.caller.account_id.clone(), ctx.caller.user_id.clone(), ctx.now);
    let records = ctx
        .state
        .store
        .read(move |c| devices::of_identity(c, &account_id, user_id.as_deref(), now))
        .await?;
    let current = ctx.caller.session.as_ref().map(|s| s.id.as_str());
    let sessions = records
        .into_iter()
        .map(|r| SessionDevice {
            current: current == Some(r.session_id.as_str()),
            session_id: r.session_id,
            browser: r.device.browser,
            operating_system: r.device.os,
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
    let caller = ctx.caller.clone();
    let dry_run = req.dry_run == Some(true);
    let id = req.session_id;
    let found = ctx
        .state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            let (account, user) = (&caller.account_id, caller.user_id.as_deref());
            // A dry run checks the session as the deletion would, and deletes nothing.
            if dry_run {
                return access_keys::own_session(c, account, user, &id);
            }
            Ok(access_keys::end_session(c, account, user, &id)?.then_some(id))
        })
        .await?;
    match found {
        Some(_) => Ok(DeleteSessionResponse { response_context: ctx.context() }),
        None => Err(ApiError::field(
            ErrorCode::AccessKeyNotFound,
            "SessionId",
            "no such session for this identity.",
        )),
    }
}

pub async fn delete_others(
    ctx: &Ctx,
    req: DeleteOtherSessionsRequest,
) -> Result<DeleteOtherSessionsResponse, ApiError> {
    let caller = ctx.caller.clone();
    let dry_run = req.dry_run == Some(true);
    let logged_out = ctx
        .state
        .store
        .write(move |c| {
            caller.still_valid(c)?;
            if dry_run {
                return Ok(0);
            }
            let keep = caller.session.as_ref().map(|s| s.id.as_str());
            access_keys::delete_other_sessions(
                c,
                &caller.account_id,
                caller.user_id.as_deref(),
                keep,
            )
        })
        .await?;
    Ok(DeleteOtherSessionsResponse {
        logged_out_sessions: logged_out,
        response_context: ctx.context(),
    })
}
