//! Requests and responses, named and shaped as in the OAPI spec: PascalCase fields,
//! optional fields left out when absent. Requests refuse unknown fields
//! (`additionalProperties: false`); responses are read leniently, so a console
//! keeps working when a newer API adds a field (or a key state: `AccessKey::state`
//! stays text, `KeyState::parse` reads it).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

pub use crate::context::ResponseContext;

/// Information about the account.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    /// The ID of the account.
    pub account_id: Option<String>,
    /// One or more additional email addresses for the account.
    pub additional_emails: Option<Vec<String>>,
    /// The city of the account owner.
    pub city: Option<String>,
    /// The name of the company for the account.
    pub company_name: Option<String>,
    /// The country of the account owner.
    pub country: Option<String>,
    /// The ID of the customer.
    pub customer_id: Option<String>,
    /// The main email address for the account.
    pub email: Option<String>,
    /// The first name of the account owner.
    pub first_name: Option<String>,
    /// The job title of the account owner.
    pub job_title: Option<String>,
    /// The last name of the account owner.
    pub last_name: Option<String>,
    /// The mobile phone number of the account owner.
    pub mobile_number: Option<String>,
    /// Whether the account is allowed to log in to Cockpit v2 using its Outscale credentials when identity federation is activated.
    pub outscale_login_allowed: Option<bool>,
    /// The landline phone number of the account owner.
    pub phone_number: Option<String>,
    /// The state/province of the account.
    pub state_province: Option<String>,
    /// The value added tax (VAT) number for the account.
    pub vat_number: Option<String>,
    /// The ZIP code of the city.
    pub zip_code: Option<String>,
}

/// `ReadAccounts`: the signing account's information.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadAccountsRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `ReadAccounts`: one account, the caller's.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadAccountsResponse {
    /// The list of the accounts.
    pub accounts: Option<Vec<Account>>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// Only the fields sent change; `AdditionalEmails` replaces the whole list.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateAccountRequest {
    /// One or more additional email addresses for the account.
    pub additional_emails: Option<Vec<String>>,
    /// The new city of the account owner.
    pub city: Option<String>,
    /// The new name of the company for the account.
    pub company_name: Option<String>,
    /// The new country of the account owner.
    pub country: Option<String>,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The main email address for the account.
    pub email: Option<String>,
    /// The new first name of the account owner.
    pub first_name: Option<String>,
    /// The new job title of the account owner.
    pub job_title: Option<String>,
    /// The new last name of the account owner.
    pub last_name: Option<String>,
    /// The new mobile phone number of the account owner.
    pub mobile_number: Option<String>,
    /// The new landline phone number of the account owner.
    pub phone_number: Option<String>,
    /// The new state/province of the account owner.
    pub state_province: Option<String>,
    /// The new value added tax (VAT) number for the account.
    pub vat_number: Option<String>,
    /// The new ZIP code of the city.
    pub zip_code: Option<String>,
}

/// The answer of `UpdateAccount`: the account as stored.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccountResponse {
    /// Information about the account.
    pub account: Option<Account>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// `CheckAuthentication`: whether a login and password are right (the caller's own).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CheckAuthenticationRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The email address of the account.
    pub login: String,
    /// The password of the account.
    pub password: String,
}

/// The answer of calls that return nothing but their context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmptyResponse {
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// The answer of `CheckAuthentication`.
pub type CheckAuthenticationResponse = EmptyResponse;
/// The answer of `DeleteAccessKey`.
pub type DeleteAccessKeyResponse = EmptyResponse;

/// Information about an access key, without its secret.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKey {
    /// The ID of the access key.
    pub access_key_id: Option<String>,
    /// The date and time (UTC) at which the access key was created.
    pub creation_date: Option<String>,
    /// The date and time (UTC) at which the access key expires.
    pub expiration_date: Option<String>,
    /// The date and time (UTC) at which the access key was last modified.
    pub last_modification_date: Option<String>,
    /// The state of the access key (`ACTIVE` if the key is valid for API calls, or `INACTIVE` if not).
    pub state: Option<String>,
    /// The tag added to the access key.
    pub tag: Option<String>,
    /// Extension: when the key last signed a call (UTC), recorded at most once a minute;
    /// absent until its first use, and from OUTSCALE's API.
    pub last_used_date: Option<String>,
    /// Extension: the client address of that call (behind a trusted proxy, the address
    /// it forwarded for).
    pub last_used_client_ip: Option<String>,
}

/// An access key with its secret: returned once, by `CreateAccessKey`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeySecretKey {
    /// The ID of the access key.
    pub access_key_id: Option<String>,
    /// The date and time (UTC) at which the access key was created.
    pub creation_date: Option<String>,
    /// The date and time (UTC) at which the access key expires.
    pub expiration_date: Option<String>,
    /// The date and time (UTC) at which the access key was last modified.
    pub last_modification_date: Option<String>,
    /// The secret key that enables you to send requests.
    pub secret_key: Option<String>,
    /// The state of the access key (`ACTIVE` if the key is valid for API calls, or `INACTIVE` if not).
    pub state: Option<String>,
    /// A tag added to the access key.
    pub tag: Option<String>,
}

/// `CreateAccessKey`: a new access key for the caller or one of its EIM users.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateAccessKeyRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The date and time, or the date, at which you want the access key to expire, in ISO 8601 format (for example, `2020-06-14T00:00:00.000Z`, or...
    pub expiration_date: Option<String>,
    /// A tag to add to the access key.
    pub tag: Option<String>,
    /// The name of the EIM user that owns the key to be created.
    pub user_name: Option<String>,
    /// Extension, with email/password authentication: a code from an authenticator app.
    pub mfa_code: Option<String>,
    /// Extension, with email/password authentication: a recovery code (spaces and
    /// dashes are ignored).
    pub recovery_code: Option<String>,
    /// Extension, with email/password authentication: a WebAuthn assertion
    /// (`PublicKeyCredential.toJSON()`) answering `CreateMfaChallenge`.
    pub web_authn_credential: Option<crate::mfa::PublicKeyJson>,
}

impl CreateAccessKeyRequest {
    /// How many second factors the request carries (see `docs/API.md`: one at most).
    pub fn second_factors(&self) -> usize {
        [self.mfa_code.is_some(), self.recovery_code.is_some(), self.web_authn_credential.is_some()]
            .into_iter()
            .filter(|given| *given)
            .count()
    }

    /// Whether the request carries a second factor.
    pub fn has_second_factor(&self) -> bool {
        self.second_factors() > 0
    }
}

/// The answer of `CreateAccessKey`, with the secret (shown once).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyResponse {
    /// Information about the access key.
    pub access_key: Option<AccessKeySecretKey>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// Which access keys `ReadAccessKeys` lists.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FiltersAccessKeys {
    /// The IDs of the access keys.
    pub access_key_ids: Option<Vec<String>>,
    /// The states of the access keys (`ACTIVE` \| `INACTIVE`).
    pub states: Option<Vec<KeyState>>,
}

/// `ReadAccessKeys`: the access keys of the caller or of one of its EIM users.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadAccessKeysRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// One or more filters.
    pub filters: Option<FiltersAccessKeys>,
    /// The tag added to the access key.
    pub tag: Option<String>,
    /// The name of the EIM user.
    pub user_name: Option<String>,
}

/// The answer of `ReadAccessKeys`, without secrets.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadAccessKeysResponse {
    /// A list of access keys.
    pub access_keys: Option<Vec<AccessKey>>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// `ReadApiAccessPolicy`, OUTSCALE's: the account's API access policy. This API does not
/// serve it (it has no access policy: a key may have no expiration date); the console
/// reads it on OUTSCALE for the keys' maximum lifetime (`calls.rs`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadApiAccessPolicyRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `ReadApiAccessPolicy`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadApiAccessPolicyResponse {
    /// Information about the API access policy.
    pub api_access_policy: Option<ApiAccessPolicy>,
    /// Information about the context of the response.
    pub response_context: Option<ResponseContext>,
}

/// Information about the API access policy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiAccessPolicy {
    /// The maximum possible lifetime for your access keys, in seconds. If `0`, your
    /// access keys can have unlimited lifetimes.
    pub max_access_key_expiration_seconds: Option<u64>,
    /// If true, a trusted session is activated.
    pub require_trusted_env: Option<bool>,
}

/// `UpdateAccessKey`: changes a key's state, expiration or tag.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateAccessKeyRequest {
    /// The ID of the access key.
    pub access_key_id: String,
    /// If true, the current expiration date is deleted and the access key is set to not expire.
    pub clear_expiration_date: Option<bool>,
    /// If true, the current tag of the access key is deleted.
    pub clear_tag: Option<bool>,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The date and time, or the date, at which you want the access key to expire, in ISO 8601 format (for example, `2020-06-14T00:00:00.000Z` or...
    pub expiration_date: Option<String>,
    /// The new state for the access key (`ACTIVE` \| `INACTIVE`).
    pub state: Option<KeyState>,
    /// A new tag to add to the access key.
    pub tag: Option<String>,
    /// The name of the EIM user that the access key you want to modify is associated with.
    pub user_name: Option<String>,
}

/// The answer of `UpdateAccessKey`: the key as stored.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccessKeyResponse {
    /// Information about the access key.
    pub access_key: Option<AccessKey>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// `DeleteAccessKey`: deletes an access key.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteAccessKeyRequest {
    /// The ID of the access key you want to delete.
    pub access_key_id: String,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The name of the EIM user the access key you want to delete is associated with.
    pub user_name: Option<String>,
}

/// Extension (not in OAPI): changes the password of the identity that signs the call.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdatePasswordRequest {
    /// The password in use; required once the identity has one.
    pub current_password: Option<String>,
    /// The new password, which must meet `PASSWORD_POLICY`.
    pub new_password: String,
    /// If true, the identity's other sessions end (see Sessions in `docs/API.md`).
    pub logout_other_sessions: Option<bool>,
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `UpdatePassword`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdatePasswordResponse {
    /// How many other sessions (temporary access keys) were deleted.
    pub logged_out_sessions: u32,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// An EIM user: an identity inside an account.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    /// The date and time (UTC) of creation of the EIM user.
    pub creation_date: Option<String>,
    /// The date and time (UTC) of the last modification of the EIM user.
    pub last_modification_date: Option<String>,
    /// Whether the user is allowed to log in to Cockpit v2 using its Outscale credentials when identity federation is activated.
    pub outscale_login_allowed: Option<bool>,
    /// The path to the EIM user.
    pub path: Option<String>,
    /// The email address of the EIM user.
    pub user_email: Option<String>,
    /// The ID of the EIM user.
    pub user_id: Option<String>,
    /// The name of the EIM user.
    pub user_name: Option<String>,
    /// Extension (not in OAPI): whether the user has set up a password, so it can sign in
    /// to the console with `ACCOUNT_ID/name`. Absent from OUTSCALE's answers.
    pub has_password: Option<bool>,
}

/// `CreateUser`: a new EIM user in the caller's account.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateUserRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The path to the EIM user you want to create (by default, `/`).
    pub path: Option<String>,
    /// The email address of the EIM user.
    pub user_email: Option<String>,
    /// The name of the EIM user.
    pub user_name: String,
}

/// The answer of CreateUser and UpdateUser.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserResponse {
    /// Information about the EIM user.
    pub user: Option<User>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// Which users `ReadUsers` lists.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FiltersUsers {
    /// The IDs of the users.
    pub user_ids: Option<Vec<String>>,
}

/// `ReadUsers`: the account's EIM users, a page at a time.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadUsersRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// One or more filters.
    pub filters: Option<FiltersUsers>,
    /// The item starting the list of users requested.
    pub first_item: Option<u32>,
    /// Where the previous page stopped (from its `NextPageToken`), as in newer OAPI versions.
    pub next_page_token: Option<String>,
    /// At most this many users (by default 100, at most `MaxResultsLimit`).
    pub results_per_page: Option<u32>,
}

/// The answer of `ReadUsers`: one page of users.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadUsersResponse {
    /// Whether more users follow this page (ask again with `FirstItem` or `NextPageToken`).
    pub has_more_items: Option<bool>,
    /// The largest page the call serves.
    pub max_results_limit: Option<u32>,
    /// Whether `ResultsPerPage` asked for more than `MaxResultsLimit`.
    pub max_results_truncated: Option<bool>,
    /// The token of the next page, when there is one.
    pub next_page_token: Option<String>,
    /// A list of EIM users.
    pub users: Option<Vec<User>>,
    /// Information about the context of the response.
    pub response_context: ResponseContext,
}

/// `UpdateUser`: renames an EIM user or changes its email or path.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// A new path for the EIM user.
    pub new_path: Option<String>,
    /// A new email address for the EIM user.
    pub new_user_email: Option<String>,
    /// A new name for the EIM user.
    pub new_user_name: Option<String>,
    /// The name of the EIM user you want to modify.
    pub user_name: String,
}

/// `DeleteUser`: deletes an EIM user that has no access key left.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteUserRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
    /// The name of the EIM user you want to delete.
    pub user_name: String,
}

/// Extension (not in OAPI): who signs the call, and whether it has a password yet.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReadIdentityRequest {
    /// If true, checks whether you have the required permissions to perform the action.
    pub dry_run: Option<bool>,
}

/// The answer of `ReadIdentity`.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReadIdentityResponse {
    /// The ID of the account the identity belongs to.
    pub account_id: String,
    /// Set for an EIM user; absent for the account itself.
    pub user_name: Option<String>,
    /// The EIM user's ID.
    pub user_id: Option<String>,
    /// The EIM user's email address.
    pub user_email: Option<String>,
    /// What this identity signs in with: the account's email, or `ACCOUNT_ID/username`.
    pub login: String,
    /// Whether the identity has a password (an EIM user may have none yet).
    pub has_password: bool,
    /// Information about the response.
    pub response_context: ResponseContext,
}

/// The state of an access key: only an active key signs requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum KeyState {
    /// The key signs requests.
    #[default]
    Active,
    /// The key is kept but refused.
    Inactive,
}

impl KeyState {
    /// The OAPI spelling: `ACTIVE` or `INACTIVE`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyState::Active => "ACTIVE",
            KeyState::Inactive => "INACTIVE",
        }
    }

    /// Reads the OAPI spelling back.
    pub fn parse(s: &str) -> Option<Self> {
        [KeyState::Active, KeyState::Inactive].into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_left_out_and_unknown_ones_refused() {
        let u = UpdateAccountRequest { city: Some("Lyon".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&u).unwrap(), r#"{"City":"Lyon"}"#);
        let err = serde_json::from_str::<UpdateAccountRequest>(r#"{"AccountId":"1"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `AccountId`"), "{err}");
        let err =
            serde_json::from_str::<CheckAuthenticationRequest>(r#"{"Login":"a"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `Password`"), "{err}");
    }
}
