//! ReadIdentity, an extension (see docs/API.md): who signs the call, and whether
//! it has a password yet, so a console knows to offer "Set up a password".

use account_contract::{ApiError, ReadIdentityRequest, ReadIdentityResponse};

use super::signer;
use crate::auth::{Ctx, Identity};

pub async fn read(ctx: &Ctx, _req: ReadIdentityRequest) -> Result<ReadIdentityResponse, ApiError> {
    let identity = signer(ctx).await?;
    let has_password = identity.password_hash().is_some();
    Ok(match identity {
        Identity::Account(a) => ReadIdentityResponse {
            account_id: a.id().to_owned(),
            login: a.email().to_owned(),
            has_password,
            response_context: ctx.context(),
            ..Default::default()
        },
        Identity::User(u) => ReadIdentityResponse {
            account_id: u.account_id.clone(),
            login: u.login(),
            user_name: Some(u.user_name),
            user_id: Some(u.user_id),
            user_email: u.user_email,
            has_password,
            response_context: ctx.context(),
        },
    })
}
