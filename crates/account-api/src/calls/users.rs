//! CreateUser, ReadUsers, UpdateUser, DeleteUser: the account manages its EIM users.

use account_contract::validation::{check_email, check_path, check_user_name};
use account_contract::{
    ApiError, CreateUserRequest, DeleteUserRequest, EmptyResponse, ErrorCode, ReadUsersRequest,
    ReadUsersResponse, UpdateUserRequest, UserResponse,
};

use super::account_only;
use crate::auth::Ctx;
use crate::failure::Taken;
use crate::store::{access_keys, users, Owner, UserRecord};

/// Most users an account may have.
pub const MAX_USERS_PER_ACCOUNT: usize = 500;

fn name_taken(field: &str, name: &str) -> ApiError {
    ApiError::field(
        ErrorCode::DuplicateUserName,
        field,
        format!("a user named {name:?} already exists in this account."),
    )
}

fn no_such_user(name: &str) -> ApiError {
    ApiError::field(
        ErrorCode::NoSuchUser,
        "UserName",
        format!("no user named {name:?} in this account."),
    )
}

pub async fn create(ctx: &Ctx, req: CreateUserRequest) -> Result<UserResponse, ApiError> {
    account_only(ctx)?;
    check_user_name("UserName", &req.user_name)?;
    if let Some(email) = &req.user_email {
        check_email("UserEmail", email)?;
    }
    if let Some(path) = &req.path {
        check_path("Path", path)?;
    }
    let record = UserRecord::new(
        ctx.caller.owner.account_id.clone(),
        req.user_name,
        req.user_email,
        req.path,
        ctx.now,
    );
    let stored = record.clone();
    ctx.write(move |c| {
        if users::of_account(c, &stored.account_id)?.len() >= MAX_USERS_PER_ACCOUNT {
            return Err(ApiError::new(
                ErrorCode::TooManyAccessKeys,
                format!("At most {MAX_USERS_PER_ACCOUNT} users."),
            ));
        }
        users::insert(c, &stored).taken_as(|| name_taken("UserName", &stored.user_name))
    })
    .await?;
    let user = (!ctx.dry_run).then(|| record.to_api());
    Ok(UserResponse { user, response_context: ctx.context() })
}

/// Largest page of `ReadUsers`, and the page when `ResultsPerPage` is not given.
pub const MAX_RESULTS_LIMIT: u32 = 1000;
pub const DEFAULT_RESULTS_PER_PAGE: u32 = 100;

pub async fn read(ctx: &Ctx, req: ReadUsersRequest) -> Result<ReadUsersResponse, ApiError> {
    account_only(ctx)?;
    let first = match &req.next_page_token {
        Some(token) => page_token::read(token)?,
        None => req.first_item.unwrap_or(0) as usize,
    };
    let asked = req.results_per_page.unwrap_or(DEFAULT_RESULTS_PER_PAGE);
    if asked == 0 {
        return Err(ApiError::field(
            ErrorCode::InvalidParameterValue,
            "ResultsPerPage",
            "must be at least 1.",
        ));
    }
    let per_page = asked.min(MAX_RESULTS_LIMIT) as usize;
    if ctx.dry_run {
        return Ok(ReadUsersResponse {
            users: None,
            response_context: ctx.context(),
            ..Default::default()
        });
    }
    let account_id = ctx.caller.owner.account_id.clone();
    let all = ctx.read(move |c| Ok(users::of_account(c, &account_id)?)).await?;
    let ids = req.filters.and_then(|f| f.user_ids);
    let matching: Vec<&UserRecord> =
        all.iter().filter(|u| ids.as_ref().is_none_or(|ids| ids.contains(&u.user_id))).collect();
    let list: Vec<_> = matching.iter().skip(first).take(per_page).map(|u| u.to_api()).collect();
    let next = first + list.len();
    let has_more = next < matching.len();
    Ok(ReadUsersResponse {
        users: Some(list),
        has_more_items: Some(has_more),
        max_results_limit: Some(MAX_RESULTS_LIMIT),
        max_results_truncated: Some(asked > MAX_RESULTS_LIMIT),
        next_page_token: has_more.then(|| page_token::make(next)),
        response_context: ctx.context(),
    })
}

/// `NextPageToken`: where the next page starts, opaque to clients.
mod page_token {
    use account_contract::{ApiError, ErrorCode};
    use base64::Engine;

    const PREFIX: &str = "users:";

    pub fn make(first: usize) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{PREFIX}{first}"))
    }

    pub fn read(token: &str) -> Result<usize, ApiError> {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix(PREFIX)?.parse().ok())
            .ok_or_else(|| {
                ApiError::field(
                    ErrorCode::InvalidParameterValue,
                    "NextPageToken",
                    "is not a token this call gave.",
                )
            })
    }
}

pub async fn update(ctx: &Ctx, req: UpdateUserRequest) -> Result<UserResponse, ApiError> {
    account_only(ctx)?;
    check_user_name("UserName", &req.user_name)?;
    if let Some(name) = &req.new_user_name {
        check_user_name("NewUserName", name)?;
    }
    if let Some(email) = &req.new_user_email {
        check_email("NewUserEmail", email)?;
    }
    if let Some(path) = &req.new_path {
        check_path("NewPath", path)?;
    }
    let (account_id, now) = (ctx.caller.owner.account_id.clone(), ctx.now);
    let user = ctx
        .write(move |c| {
            let mut user = users::by_name(c, &account_id, &req.user_name)?
                .ok_or_else(|| no_such_user(&req.user_name))?;
            if let Some(name) = req.new_user_name {
                user.user_name = name;
            }
            if let Some(email) = req.new_user_email {
                user.user_email = Some(email);
            }
            if let Some(path) = req.new_path {
                user.path = path;
            }
            user.modified_at = now;
            users::save(c, &user).taken_as(|| name_taken("NewUserName", &user.user_name))?;
            Ok(user)
        })
        .await?;
    Ok(UserResponse {
        user: (!ctx.dry_run).then(|| user.to_api()),
        response_context: ctx.context(),
    })
}

pub async fn delete(ctx: &Ctx, req: DeleteUserRequest) -> Result<EmptyResponse, ApiError> {
    account_only(ctx)?;
    check_user_name("UserName", &req.user_name)?;
    let (account_id, now) = (ctx.caller.owner.account_id.clone(), ctx.now);
    ctx.write(move |c| {
        let user = users::by_name(c, &account_id, &req.user_name)?
            .ok_or_else(|| no_such_user(&req.user_name))?;
        // As on OUTSCALE: a user with access keys is not deleted; delete them first.
        access_keys::purge_expired(c, &account_id, now)?;
        let owner = Owner { account_id: account_id.clone(), user_id: Some(user.user_id.clone()) };
        if access_keys::count_of_owner(c, &owner, now)? > 0 {
            return Err(ApiError::field(
                ErrorCode::Conflict,
                "UserName",
                "this user still has access keys: delete them first.",
            ));
        }
        users::delete(c, &user.user_id)?;
        Ok(())
    })
    .await?;
    Ok(EmptyResponse { response_context: ctx.context() })
}
