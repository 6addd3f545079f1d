//! Password checks, one family: `check_login` (a login and its password: Basic
//! sign-ins, `CheckAuthentication`), `check_current` (the signer's own password again,
//! `CurrentPassword`, before a change), `prove_again` (a session's password and second
//! factor again, `CreateReauthentication`), all built on `check_counted`, which counts
//! the attempt toward the lockout before the hash is checked, under the key its
//! source's familiarity picks (`familiar.rs`).

use account_contract::validation::{check_secret_input, normalize_login};
use account_contract::{
    ApiError, Call, CallInfo, CreateAccessKeyRequest, CreateMfaChallengeRequest,
    CreateReauthenticationRequest, ErrorCode,
};
use axum::http::HeaderMap;
use base64::Engine;

use super::door::Ctx;
use super::familiar::{self, DeviceCookie, SignIn, Source};
use super::lockout::Pending;
use super::{check_timestamp, denied, header_str, identity_of, resolve_login, second_factor};
use super::{AppState, Authenticated, Identity};
use crate::secrets;
use crate::store::{self, sessions, Db, StoreError};

/// Email/password (Basic): only on the calls that accept it; for an identity with MFA,
/// a sign-in (`CreateAccessKey`) goes on with a second factor. A browser's sign-in
/// (`CreateAccessKey` with an `Origin`) that completes is given a device cookie
/// unless it carries one the identity knows.
pub(super) async fn basic(
    state: &AppState,
    call: CallInfo,
    headers: &HeaderMap,
    body: &[u8],
    credentials: &str,
    source: &Source,
    now: i64,
) -> Result<Authenticated, ApiError> {
    if !call.basic_auth {
        return Err(ApiError::new(
            ErrorCode::LoginPasswordNotAllowed,
            "The authentication using login/password is not allowed for this call.",
        ));
    }
    check_timestamp(header_str(headers, "x-osc-date"), "X-Osc-Date", now)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(credentials.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| denied("The Basic credentials are not valid base64 text."))?;
    let (login, password) = decoded
        .split_once(':')
        .ok_or_else(|| denied("The Basic credentials need login:password."))?;
    // A sign-in (CreateAccessKey) that carries a second factor keeps its attempt
    // counted until that factor is checked.
    let sign_in = (call.name == <CreateAccessKeyRequest as Call>::NAME)
        .then(|| crate::http::body::parse::<CreateAccessKeyRequest>(body));
    let with_factor = matches!(&sign_in, Some(Ok(r)) if r.has_second_factor());
    let mut source = source.clone();
    if sign_in.is_some() && headers.contains_key(axum::http::header::ORIGIN) {
        source.new_device = Some(DeviceCookie::fresh());
    }
    let verified = check_login(state, &source, login, password, now, with_factor).await?;
    let caller = verified.identity.password_caller();
    if !verified.has_mfa {
        return Ok(Authenticated { caller, new_device: verified.new_device });
    }
    // The identity has MFA: its password alone signs nothing in. A sign-in without
    // a factor hears which it can go on with.
    match (sign_in, verified.pending) {
        (Some(Ok(request)), Some(pending)) => {
            let new_device = pending.sign_in.new_device().cloned();
            let given = second_factor::Given::of_sign_in(&request);
            second_factor::verify(state, &verified.identity, given, pending, now).await?;
            Ok(Authenticated { caller, new_device })
        }
        (Some(Ok(_)), None) => Err(second_factor::asked(state, &caller, now).await?),
        (Some(Err(malformed)), _) => Err(malformed),
        _ if call.name == <CreateMfaChallengeRequest as Call>::NAME => {
            Ok(Authenticated { caller, new_device: None })
        }
        _ => Err(second_factor::required()),
    }
}

/// A known hash to verify against when the login matches no account, so both
/// cases take the same time.
fn decoy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| secrets::hash_password("decoy password for unknown logins"))
}

/// Checks a login/password pair, counting failures toward the lockout. For an
/// identity with MFA, a right password forgives its own attempt only, unless a
/// second factor follows (`second_factor_follows`): then the attempt stays counted
/// until that factor settles it (`Verified::pending`).
pub async fn check_login(
    state: &AppState,
    source: &Source,
    login: &str,
    password: &str,
    now: i64,
    second_factor_follows: bool,
) -> Result<Verified, ApiError> {
    check_secret_input("Login", login)?;
    check_secret_input("Password", password)?;
    // One form for the lookup and for the lockout key: "ID/alice " is "ID/alice".
    let login = normalize_login(login);
    let found = {
        let login = login.clone();
        state.store.read(move |c| Ok(resolve_login(c, &login)?)).await?
    };
    let key = found.as_ref().map(Identity::lockout_key).unwrap_or_else(|| format!("login:{login}"));
    let owner = found.as_ref().map(Identity::owner);
    check_counted(state, source, key, password, now, second_factor_follows, move |c| match &owner {
        // Read again inside the attempt: the password may have changed while it queued.
        Some(owner) => identity_of(c, owner),
        None => Ok(None),
    })
    .await
}

/// The signer's own password again (`CurrentPassword`), with the same lockout as a
/// sign-in. A wrong one is a parameter error (4048) on `CurrentPassword`, not an
/// authentication failure: the request itself is properly signed. An identity
/// without a password cannot have one checked (it has not set one up).
pub async fn check_current(ctx: &Ctx, identity: &Identity, current: &str) -> Result<(), ApiError> {
    check_again(ctx, identity, "CurrentPassword", current, false).await.map(drop)
}

/// The signer's password again, given as `field`, counted as a sign-in's attempt: with
/// MFA and `second_factor_follows`, the attempt stays counted until the factor is
/// checked (`Verified::pending`), as at a sign-in.
pub(super) async fn check_again(
    ctx: &Ctx,
    identity: &Identity,
    field: &str,
    password: &str,
    second_factor_follows: bool,
) -> Result<Verified, ApiError> {
    if identity.password_hash().is_none() {
        return Err(ApiError::field(
            ErrorCode::InvalidParameterValue,
            field,
            "this identity has no password yet: set one up first (UpdatePassword).",
        ));
    }
    check_secret_input(field, password)?;
    let owner = identity.owner();
    check_counted(
        &ctx.state,
        &ctx.source,
        identity.lockout_key(),
        password,
        ctx.now,
        second_factor_follows,
        move |c| identity_of(c, &owner),
    )
    .await
    .map_err(|e| {
        if e.has_code(ErrorCode::AuthenticationFailed) {
            ApiError::field(ErrorCode::InvalidPassword, field, "is incorrect.")
        } else {
            e
        }
    })
}

/// A password that matched.
pub struct Verified {
    pub identity: Identity,
    /// Whether the identity has an active second factor (MFA is on).
    pub has_mfa: bool,
    /// With MFA, when a second factor follows: the attempt, still counted until the
    /// second factor settles it (`second_factor::verify`).
    pub pending: Option<Pending>,
    /// Without MFA: the device cookie recorded with this sign-in, for the answer to set.
    pub new_device: Option<DeviceCookie>,
}

/// Checks `password` for the identity `current` reads, unless locked. The attempt
/// is counted before the hash is checked, under the key of the identity (`identity`)
/// and of its source's familiarity, and at most one check per such key runs at a
/// time, so parallel guesses meet the lock one by one. When the password matches:
/// without MFA the count is cleared and the source remembered as familiar; with MFA
/// this attempt alone is forgiven (earlier failures stay until a second factor proves
/// right), or, when a second factor follows (`second_factor_follows`), it stays
/// counted until that factor is checked. An identity without a password (an EIM user
/// who has not set one up) never matches; an unknown one is checked against a decoy,
/// in the same time.
async fn check_counted(
    state: &AppState,
    source: &Source,
    identity: String,
    password: &str,
    now: i64,
    second_factor_follows: bool,
    current: impl FnOnce(&Db) -> Result<Option<Identity>, StoreError> + Clone + Send + 'static,
) -> Result<Verified, ApiError> {
    let known = {
        let (identity, source) = (identity.clone(), source.clone());
        state.store.read(move |c| Ok(familiar::familiarity(c, &identity, &source, now)?)).await?
    };
    let lockout_key = known.lockout_key(&identity);
    let sign_in = SignIn::new(identity, source.clone(), &known);
    let _turn = state.password_work.turn(&lockout_key).await;
    let lockout = state.lockout;
    // Refused while locked before the per-client cap is charged: a locked attempt costs nothing.
    let key = lockout_key.clone();
    if let Some(secs) = state.store.read(move |c| lockout.locked_for(c, &key, now)).await? {
        return Err(ApiError::locked(secs as u64));
    }
    state.throttle.take(source.address)?;
    let key = lockout_key.clone();
    let (identity, has_mfa, attempt) = state
        .store
        .write(move |c| {
            let attempt = lockout.begin(c, &key, now)?;
            let identity = current(c)?;
            let has_mfa = match &identity {
                Some(i) => store::mfa::has_active(c, &i.owner())?,
                None => false,
            };
            Ok((identity, has_mfa, attempt))
        })
        .await?;
    let hash = identity.as_ref().and_then(|i| i.password_hash().map(str::to_owned));
    let has_hash = hash.is_some();
    // The decoy is hashed on first use: off the async threads, in `verify`.
    let matches =
        state.password_work.verify(password.to_owned(), hash, decoy_hash).await? && has_hash;
    tracing::debug!(matches, "password checked");
    match identity {
        Some(identity) if matches => {
            let (mut pending, mut new_device) = (None, None);
            if !has_mfa {
                new_device = sign_in.new_device().cloned();
                state
                    .store
                    .write(move |c| {
                        lockout.succeed(c, &lockout_key, attempt, now)?;
                        Ok(sign_in.remember(c, now)?)
                    })
                    .await?;
            } else if second_factor_follows {
                pending = Some(Pending { lockout_key, attempt, sign_in });
            } else {
                state.store.write(move |c| lockout.forgive(c, &lockout_key, attempt, now)).await?;
            }
            Ok(Verified { identity, has_mfa, pending, new_device })
        }
        _ => Err(attempt.failed(denied("The login or password is incorrect."))),
    }
}

/// `CreateReauthentication`: the password of the session's identity again (counted as
/// a sign-in's attempt, one argon2 hash) and, with MFA, a second factor (without one,
/// `1010` names the factors, as at a sign-in); then the session's proof is recorded.
/// Answers until when the proof lasts.
pub async fn prove_again(
    ctx: &Ctx,
    identity: &Identity,
    req: &CreateReauthenticationRequest,
) -> Result<i64, ApiError> {
    let session = match &ctx.caller.session {
        Some(s) if ctx.caller.access_key_id.as_deref() == Some(s.id.as_str()) => s.id.clone(),
        _ => {
            return Err(ApiError::new(
                ErrorCode::UnauthorizedOperation,
                "CreateReauthentication is signed by a session's own key (a sign-in's): permanent keys need none.",
            ))
        }
    };
    let given = second_factor::Given::of_reauthentication(req);
    let verified = check_again(ctx, identity, "Password", &req.password, given.count() > 0).await?;
    if verified.has_mfa {
        match verified.pending {
            Some(pending) => {
                second_factor::verify(&ctx.state, identity, given, pending, ctx.now).await?
            }
            None => return Err(second_factor::asked(&ctx.state, &ctx.caller, ctx.now).await?),
        }
    }
    let now = ctx.now;
    ctx.write(move |c| Ok(sessions::prove(c, &session, now)?)).await?;
    Ok(now + ctx.state.reauthentication_secs)
}
