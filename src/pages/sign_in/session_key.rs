//! The calls of a sign-in: the session key (Basic `CreateAccessKey`, with the second
//! factor when there is one, and room made on OUTSCALE's key limit), then who signed in.
//!
//! A sign-in with MFA is one conversation: the password's answer (`401 1010`) says
//! which second factors the identity has, with a security key's WebAuthn options
//! (this API's `SecondFactors`), so the second step sends the factor straight away:
//! two calls before the key exists. From an API that does not say it (OUTSCALE's),
//! `CreateMfaChallenge` asks.

use account_contract::{
    AccessKey, Account, ApiError, CreateAccessKeyRequest, CreateAccessKeyResponse,
    CreateMfaChallengeRequest, CreateMfaChallengeResponse, ErrorCode, MfaDeviceType, PublicKeyJson,
    ReadAccessKeysRequest, ReadAccountsRequest, ReadIdentityRequest, ReadIdentityResponse,
};

use crate::api::{deactivate_key, delete_key, CallError, Client, Credentials, CONSOLE_TAG};
use crate::config::Endpoint;
use crate::session::Session;
use crate::webauthn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Password,
    Keys,
}

/// The second factor sent with the password, when the identity has MFA (at a sign-in,
/// or a re-authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Factor {
    None,
    Code(String),
    RecoveryCode(String),
    /// A security key: it signs these options (a fresh challenge, [`KeyOptions`]), or
    /// with `None` a new challenge asked for with CreateMfaChallenge.
    SecurityKey(Option<PublicKeyJson>),
}

/// A factor as `CreateAccessKey` and `CreateReauthentication` both take it.
#[derive(Default)]
pub(crate) struct FactorFields {
    pub mfa_code: Option<String>,
    pub recovery_code: Option<String>,
    pub web_authn_credential: Option<PublicKeyJson>,
}

impl Factor {
    /// The request's fields for this factor. A security key signs the options it
    /// holds, else those of `challenge` (`CreateMfaChallenge`, awaited only then).
    pub(crate) async fn fields(
        self,
        challenge: impl std::future::Future<Output = Result<CreateMfaChallengeResponse, CallError>>,
    ) -> Result<FactorFields, CallError> {
        Ok(match self {
            Factor::None => FactorFields::default(),
            Factor::Code(code) => FactorFields { mfa_code: Some(code), ..Default::default() },
            Factor::RecoveryCode(code) => {
                FactorFields { recovery_code: Some(code), ..Default::default() }
            }
            Factor::SecurityKey(given) => {
                let options = match given {
                    Some(options) => options,
                    None => {
                        challenge.await?.public_key_options.ok_or(CallError::Unexpected(200))?
                    }
                };
                let credential =
                    webauthn::assert(options.get()).await.map_err(CallError::SecurityKey)?;
                FactorFields {
                    web_authn_credential: PublicKeyJson::from_text(credential),
                    ..Default::default()
                }
            }
        })
    }
}

/// How long a challenge is used after it came: valid 5 minutes on the server, less a
/// minute for the person to touch the key.
const CHALLENGE_FRESH_MS: f64 = 4.0 * 60_000.0;

/// WebAuthn options the sign-in was given, for one security-key attempt while fresh:
/// a challenge answers one sign-in, so a retry (after a refused or cancelled key, or
/// later) asks for a new one.
#[derive(Clone)]
pub(super) struct KeyOptions {
    options: PublicKeyJson,
    received: f64,
}

impl KeyOptions {
    fn new(options: PublicKeyJson) -> Self {
        Self { options, received: js_sys::Date::now() }
    }

    /// The options, if they are still fresh.
    pub fn fresh(self) -> Option<PublicKeyJson> {
        (js_sys::Date::now() - self.received < CHALLENGE_FRESH_MS).then_some(self.options)
    }
}

/// What the second step goes on with: the identity's kinds of second factor, and a
/// challenge for its first security-key attempt when it has keys.
pub(super) struct SecondStep {
    pub kinds: Vec<MfaDeviceType>,
    pub key_options: Option<KeyOptions>,
}

/// The second step after the password's `401 1010`: the answer says it (this API's
/// `SecondFactors`), else CreateMfaChallenge does (OUTSCALE's API, an older server).
pub(super) async fn second_step(
    form: &SignInForm,
    refusal: ApiError,
) -> Result<SecondStep, CallError> {
    let (kinds, options) = match refusal.second_factors {
        Some(said) => (said.mfa_device_types, said.public_key_options),
        None => {
            let creds = Credentials::Password { login: &form.login, password: &form.secret };
            let asked = Client::signed_by(&form.endpoint, creds)
                .call(&CreateMfaChallengeRequest::default())
                .await?;
            (asked.mfa_device_types, asked.public_key_options)
        }
    };
    Ok(SecondStep { kinds, key_options: options.map(KeyOptions::new) })
}

#[derive(Clone)]
pub(super) struct SignInForm {
    pub endpoint: Endpoint,
    pub method: Method,
    pub login: String,
    pub secret: String,
    pub session_seconds: u32,
    pub factor: Factor,
}

/// An ISO 8601 date-time `seconds` from now.
fn expiration_in(seconds: u32) -> String {
    let at = js_sys::Date::now() + f64::from(seconds) * 1000.0;
    js_sys::Date::new(&at.into()).to_iso_string().into()
}

/// The console's own sessions to end so that a new one fits: the expired ones, else
/// the oldest. Only keys that expire and carry the console's tag (even if the API
/// ignored the tag filter): a person's other keys are never touched.
fn stale_sessions(keys: &[AccessKey]) -> Vec<String> {
    let at = |d: &Option<String>| d.as_deref().map_or(f64::NAN, js_sys::Date::parse);
    let sessions = || {
        keys.iter().filter(|k| k.expiration_date.is_some() && k.tag.as_deref() == Some(CONSOLE_TAG))
    };
    let now = js_sys::Date::now();
    let mut stale: Vec<&AccessKey> = sessions().filter(|k| at(&k.expiration_date) <= now).collect();
    if stale.is_empty() {
        stale.extend(
            sessions().min_by(|a, b| at(&a.creation_date).total_cmp(&at(&b.creation_date))),
        );
    }
    stale.into_iter().filter_map(|k| k.access_key_id.clone()).collect()
}

/// A session key made with email/password. OUTSCALE's API refuses one more key when
/// the identity holds its maximum (10005): end the console's stale sessions, once.
async fn create_session_key(form: &SignInForm) -> Result<CreateAccessKeyResponse, CallError> {
    let api = Client::signed_by(
        &form.endpoint,
        Credentials::Password { login: &form.login, password: &form.secret },
    );
    let challenge = async { api.call(&CreateMfaChallengeRequest::default()).await };
    let factor = form.factor.clone().fields(challenge).await?;
    let req = CreateAccessKeyRequest {
        expiration_date: Some(expiration_in(form.session_seconds)),
        tag: Some(CONSOLE_TAG.into()),
        mfa_code: factor.mfa_code,
        recovery_code: factor.recovery_code,
        web_authn_credential: factor.web_authn_credential,
        ..Default::default()
    };
    match api.call(&req).await {
        Err(CallError::Api(e)) if e.has_code(ErrorCode::TooManyAccessKeys) => {
            let read =
                ReadAccessKeysRequest { tag: Some(CONSOLE_TAG.into()), ..Default::default() };
            let keys = api.call(&read).await?;
            for id in stale_sessions(&keys.access_keys.unwrap_or_default()) {
                // An EIM user's key must be inactive before it can be deleted.
                api.call_for_effect(&deactivate_key(id.clone())).await?;
                api.call_for_effect(&delete_key(id)).await?;
            }
            api.call(&req).await
        }
        other => other,
    }
}

pub(super) async fn sign_in(form: SignInForm) -> Result<Session, CallError> {
    let (key_id, secret, owns_key) = match form.method {
        Method::Password => {
            let resp = create_session_key(&form).await?;
            let key = resp.access_key.unwrap_or_default();
            match (key.access_key_id, key.secret_key) {
                (Some(id), Some(secret)) => (id, secret, true),
                _ => return Err(CallError::Unexpected(200)),
            }
        }
        Method::Keys => (form.login.trim().to_owned(), form.secret.trim().to_owned(), false),
    };
    let api = Client::signed_by(&form.endpoint, Credentials::Key { id: &key_id, secret: &secret });
    // This project's API says who signed in (an account or an EIM user); on
    // OUTSCALE's own API, only accounts sign in here and ReadAccounts says which.
    let who: ReadIdentityResponse = if form.endpoint.password_change {
        api.call(&ReadIdentityRequest::default()).await?
    } else {
        let resp = api.call(&ReadAccountsRequest::default()).await?;
        let account: Account =
            resp.accounts.and_then(|a| a.into_iter().next()).ok_or(CallError::Unexpected(200))?;
        ReadIdentityResponse {
            account_id: account.account_id.unwrap_or_default(),
            login: account.email.unwrap_or_else(|| form.login.clone()),
            has_password: true,
            ..Default::default()
        }
    };
    Ok(Session {
        endpoint_id: form.endpoint.id.clone(),
        access_key_id: key_id,
        secret_key: secret,
        login: who.login,
        account_id: who.account_id,
        user_name: who.user_name,
        user_email: who.user_email,
        has_password: who.has_password,
        owns_key,
    })
}
