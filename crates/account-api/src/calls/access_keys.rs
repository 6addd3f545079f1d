//! CreateAccessKey, ReadAccessKeys, UpdateAccessKey, DeleteAccessKey.
//! A key with an expiration date is a session (the console signs in that way).

use account_contract::validation::check_tag;
use account_contract::{
    AccessKeySecretKey, ApiError, CreateAccessKeyRequest, CreateAccessKeyResponse,
    DeleteAccessKeyRequest, DeleteAccessKeyResponse, ErrorCode, KeyState, ReadAccessKeysRequest,
    ReadAccessKeysResponse, UpdateAccessKeyRequest, UpdateAccessKeyResponse,
};

use super::key_owner;
use crate::auth::{Caller, Ctx};
use crate::failure::internal;
use crate::store::access_keys::{self, KeyRecord};
use crate::store::{sessions, Db};
use crate::user_agent::UserAgent;
use crate::{clock, ids};

/// Most access keys an identity may hold (expired ones do not count, and are purged).
pub const MAX_KEYS_PER_ACCOUNT: usize = 50;

fn expiration(raw: &str, now: i64) -> Result<i64, ApiError> {
    let at = clock::parse_date_or_date_time(raw).ok_or_else(|| {
        ApiError::field(
            ErrorCode::InvalidParameterValue,
            "ExpirationDate",
            "must be an ISO 8601 date or date-time, like 2026-06-14T00:00:00.000Z.",
        )
    })?;
    if at <= now {
        return Err(ApiError::field(
            ErrorCode::InvalidParameterValue,
            "ExpirationDate",
            "must be in the future.",
        ));
    }
    Ok(at)
}

fn too_many_keys() -> ApiError {
    let limit = MAX_KEYS_PER_ACCOUNT;
    ApiError::new(
        ErrorCode::TooManyAccessKeys,
        format!("An identity holds at most {limit} access keys: delete one first."),
    )
}

fn not_found(id: &str) -> ApiError {
    ApiError::field(
        ErrorCode::AccessKeyNotFound,
        "AccessKeyId",
        format!("no access key {id:?} for this identity."),
    )
}

pub async fn create(
    ctx: &Ctx,
    req: CreateAccessKeyRequest,
) -> Result<CreateAccessKeyResponse, ApiError> {
    let owner = key_owner(ctx, &req.user_name).await?;
    if let Some(tag) = &req.tag {
        check_tag("Tag", tag)?;
    }
    let requested = req.expiration_date.as_deref().map(|d| expiration(d, ctx.now)).transpose()?;
    // A key asked to outlive the session it is made in is a lasting credential: made
    // only with the session's recent proof, and not ended with the session.
    let end = ctx.caller.session.as_ref().and_then(|s| s.expires_at);
    let lasting = matches!((requested, end), (Some(at), Some(end)) if at > end);
    let expires_at = match lasting {
        true => requested,
        false => within_session(&ctx.caller, requested)?,
    };
    let now = ctx.now;
    let access_key_id = ids::access_key_id();
    let secret = ids::secret_key();
    // A temporary key made with email/password is a sign-in: it starts a session. A key
    // made within a session joins it. A permanent key made with email/password is an
    // API key, not a session.
    let starts_session = ctx.caller.access_key_id.is_none() && expires_at.is_some();
    let session_id = match &ctx.caller.session {
        _ if starts_session => Some(access_key_id.clone()),
        _ if lasting => None,
        session => session.as_ref().map(|s| s.id.clone()),
    };
    // A sign-in notes its browser and system (off the async threads: the first one
    // compiles the rules); a dry run has no session to note.
    let user_agent = match starts_session && !ctx.dry_run {
        true => {
            let ua = ctx.user_agent.clone();
            let parsed = tokio::task::spawn_blocking(move || UserAgent::of(ua.as_deref()));
            Some((parsed.await.map_err(internal)?, ctx.source.address.to_string()))
        }
        false => None,
    };
    let sealed = ctx.state.secrets.seal(&access_key_id, &secret);
    let record = KeyRecord {
        tag: req.tag,
        expires_at,
        session_id,
        ..KeyRecord::new(
            access_key_id,
            owner.account_id.clone(),
            owner.user_id.clone(),
            sealed,
            now,
        )
    };
    let stored = record.clone();
    let write = move |c: &Db| {
        access_keys::purge_expired(c, &owner.account_id, now)?;
        let full = |c: &Db| -> Result<bool, ApiError> {
            Ok(access_keys::count_of_owner(c, &owner, now)? >= MAX_KEYS_PER_ACCOUNT)
        };
        // A new sign-in ends the oldest one rather than fail: nobody is locked out
        // of the console for never having signed out.
        while full(c)? && starts_session && access_keys::end_oldest_session(c, &owner)? {}
        if full(c)? {
            return Err(too_many_keys());
        }
        access_keys::insert(c, &stored)?;
        if let Some((user_agent, ip)) = &user_agent {
            sessions::record(c, &stored.access_key_id, user_agent, ip, now)?;
        }
        Ok(())
    };
    match lasting {
        true => ctx.write_sensitive(write).await?,
        false => ctx.write(write).await?,
    }
    if ctx.dry_run {
        return Ok(CreateAccessKeyResponse { access_key: None, response_context: ctx.context() });
    }
    let shown = record.to_api();
    Ok(CreateAccessKeyResponse {
        access_key: Some(AccessKeySecretKey {
            access_key_id: shown.access_key_id,
            creation_date: shown.creation_date,
            expiration_date: shown.expiration_date,
            last_modification_date: shown.last_modification_date,
            secret_key: Some(secret),
            state: shown.state,
            tag: shown.tag,
        }),
        response_context: ctx.context(),
    })
}

/// The expiration a key may have when a call within a session sets it: no later
/// than the session's end (the session's end when none is asked), never none.
fn within_session(caller: &Caller, requested: Option<i64>) -> Result<Option<i64>, ApiError> {
    let Some(end) = caller.session.as_ref().and_then(|s| s.expires_at) else {
        return Ok(requested);
    };
    match requested {
        None => Ok(Some(end)),
        Some(at) if at <= end => Ok(Some(at)),
        Some(_) => Err(ApiError::field(
            ErrorCode::InvalidParameterValue,
            "ExpirationDate",
            format!("must not be later than the end of this session ({}).", clock::format(end)),
        )),
    }
}

pub async fn read(
    ctx: &Ctx,
    req: ReadAccessKeysRequest,
) -> Result<ReadAccessKeysResponse, ApiError> {
    let owner = key_owner(ctx, &req.user_name).await?;
    let filters = req.filters.unwrap_or_default();
    if ctx.dry_run {
        return Ok(ReadAccessKeysResponse { access_keys: None, response_context: ctx.context() });
    }
    let keys = ctx.read(move |c| Ok(access_keys::of_owner(c, &owner)?)).await?;
    let keys = keys
        .iter()
        .filter(|k| {
            filters.access_key_ids.as_ref().is_none_or(|ids| ids.contains(&k.access_key_id))
        })
        .filter(|k| filters.states.as_ref().is_none_or(|s| s.contains(&k.state)))
        .filter(|k| req.tag.is_none() || k.tag == req.tag)
        .map(KeyRecord::to_api)
        .collect();
    Ok(ReadAccessKeysResponse { access_keys: Some(keys), response_context: ctx.context() })
}

pub async fn update(
    ctx: &Ctx,
    req: UpdateAccessKeyRequest,
) -> Result<UpdateAccessKeyResponse, ApiError> {
    let owner = key_owner(ctx, &req.user_name).await?;
    if let Some(tag) = &req.tag {
        check_tag("Tag", tag)?;
    }
    let clear_expiration = req.clear_expiration_date == Some(true);
    let in_session = ctx.caller.session.as_ref().is_some_and(|s| s.expires_at.is_some());
    if clear_expiration && in_session {
        return Err(ApiError::field(
            ErrorCode::InvalidParameterValue,
            "ClearExpirationDate",
            "cannot be used within a session: a key may not outlive the session it was made in.",
        ));
    }
    let expires_at = match (&req.expiration_date, clear_expiration) {
        (Some(d), false) => within_session(&ctx.caller, Some(expiration(d, ctx.now)?))?,
        _ => None,
    };
    let by_user = ctx.caller.owner.user_id.is_some();
    let by_account_for_user = !by_user && owner.user_id.is_some();
    let now = ctx.now;
    let updated = ctx
        .write(move |c| {
            let mut key = access_keys::by_id(c, &req.access_key_id)?
                .filter(|k| k.owner() == owner)
                .ok_or_else(|| not_found(&req.access_key_id))?;
            if by_user && key.account_controlled {
                let undoes = req.state == Some(KeyState::Active) && key.state != KeyState::Active
                    || clear_expiration
                    || expires_at.is_some_and(|at| key.expires_at.is_some_and(|now_at| at > now_at));
                if undoes {
                    return Err(ApiError::new(
                        ErrorCode::UnauthorizedOperation,
                        "The account set this key's state or expiration: only the account may undo it.",
                    ));
                }
            }
            let sets_state_or_expiration = req.state.is_some() || clear_expiration || expires_at.is_some();
            if by_account_for_user && sets_state_or_expiration {
                key.account_controlled = true;
            }
            if let Some(state) = req.state {
                key.state = state;
            }
            if clear_expiration {
                key.expires_at = None;
            } else if expires_at.is_some() {
                key.expires_at = expires_at;
            }
            if req.clear_tag == Some(true) {
                key.tag = None;
            } else if req.tag.is_some() {
                key.tag = req.tag;
            }
            key.modified_at = now;
            access_keys::save(c, &key)?;
            if key.state != KeyState::Active && key.session_id.as_ref() == Some(&key.access_key_id) {
                access_keys::end_keys_made_within(c, &key.access_key_id)?;
            }
            Ok(key)
        })
        .await?;
    let access_key = (!ctx.dry_run).then(|| updated.to_api());
    Ok(UpdateAccessKeyResponse { access_key, response_context: ctx.context() })
}

pub async fn delete(
    ctx: &Ctx,
    req: DeleteAccessKeyRequest,
) -> Result<DeleteAccessKeyResponse, ApiError> {
    let owner = key_owner(ctx, &req.user_name).await?;
    let signing_key = ctx.caller.access_key_id.clone();
    ctx.write(move |c| {
        let key = access_keys::by_id(c, &req.access_key_id)?
            .filter(|k| k.owner() == owner)
            .ok_or_else(|| not_found(&req.access_key_id))?;
        // As on OUTSCALE, an EIM user's key must be deactivated first; a key that
        // signs its own deletion is signing out, and may.
        let signs_itself = signing_key.as_deref() == Some(key.access_key_id.as_str());
        if key.user_id.is_some() && key.state == KeyState::Active && !signs_itself {
            return Err(ApiError::field(
                ErrorCode::Conflict,
                "AccessKeyId",
                "an EIM user's access key must be INACTIVE to be deleted.",
            ));
        }
        access_keys::delete(c, &req.access_key_id)?;
        Ok(())
    })
    .await?;
    Ok(DeleteAccessKeyResponse { response_context: ctx.context() })
}
