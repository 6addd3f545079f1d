//! Provisioning outside the API: accounts and users made from the command line, and the
//! demo account `serve --demo` creates.

use account_contract::{ApiError, ErrorCode, UpdateAccountRequest, PASSWORD_POLICY};

use crate::failure::Taken;
use crate::secrets::SecretBox;
use crate::store::{
    access_keys, accounts, mfa_failures, users, KeyRecord, NewAccount, Store, UserRecord,
};
use crate::{clock, ids, secrets};

/// The demo account's credentials (public: they are in the README).
pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "Cockpit-Demo-2026!Saint-Cloud";

/// Creates an account; the password must meet the policy's local rules and be strong.
pub fn create_account(
    store: &Store,
    email: &str,
    password: &str,
    profile: UpdateAccountRequest,
) -> Result<String, ApiError> {
    let mut check = profile.clone();
    check.email = Some(email.to_owned());
    account_contract::validation::check_update_account(&check)?;
    let broken = PASSWORD_POLICY.local_failures(password);
    if let Some(rule) = broken.first() {
        return Err(ApiError::field(
            ErrorCode::InvalidPassword,
            "Password",
            rule.describe(&PASSWORD_POLICY),
        ));
    }
    if secrets::strength(password, &[email]) < PASSWORD_POLICY.min_strength {
        let rule = account_contract::PasswordRule::Strong;
        return Err(ApiError::field(
            ErrorCode::InvalidPassword,
            "Password",
            rule.describe(&PASSWORD_POLICY),
        ));
    }
    let new = NewAccount {
        account_id: ids::account_id(),
        customer_id: ids::customer_id(),
        email: email.to_owned(),
        password_hash: secrets::hash_password(password),
        profile,
        now: clock::now(),
    };
    let id = new.account_id.clone();
    store.write_blocking(move |c| accounts::insert(c, &new)).taken_as(|| {
        ApiError::field(ErrorCode::DuplicateEmail, "Email", "is already used by another account.")
    })?;
    Ok(id)
}

/// Creates the demo account when the database has no account at all.
pub fn ensure_demo_account(store: &Store) -> Result<Option<String>, ApiError> {
    if store.read_blocking(accounts::count)? > 0 {
        return Ok(None);
    }
    let profile = UpdateAccountRequest {
        first_name: Some("Jean".into()),
        last_name: Some("Dupont".into()),
        job_title: Some("Architecte cloud".into()),
        company_name: Some("EXAMPLE SAS".into()),
        phone_number: Some("+33 1 23 45 67 89".into()),
        city: Some("Saint-Cloud".into()),
        zip_code: Some("92210".into()),
        country: Some("France".into()),
        additional_emails: Some(vec!["factures@example.com".into()]),
        ..Default::default()
    };
    create_account(store, DEMO_EMAIL, DEMO_PASSWORD, profile).map(Some)
}

/// The demo EIM user: no password yet, so it can try "Set up a password".
pub const DEMO_USER: &str = "demo-user";

/// An access key made from the command line: shown once.
pub struct NewKey {
    pub access_key_id: String,
    pub secret_key: String,
}

/// Creates an EIM user in the account that signs in with `account_email`, and a
/// permanent access key for it.
pub fn create_user(
    store: &Store,
    secrets: &SecretBox,
    account_email: &str,
    user_name: &str,
    user_email: Option<String>,
) -> Result<(UserRecord, NewKey), ApiError> {
    account_contract::validation::check_user_name("UserName", user_name)?;
    if let Some(email) = &user_email {
        account_contract::validation::check_email("UserEmail", email)?;
    }
    let account =
        store.read_blocking(|c| accounts::by_email(c, account_email))?.ok_or_else(|| {
            ApiError::field(ErrorCode::InvalidParameterValue, "Email", "no account has this email.")
        })?;
    let now = clock::now();
    let user =
        UserRecord::new(account.id().to_owned(), user_name.to_owned(), user_email, None, now);
    let key = NewKey { access_key_id: ids::access_key_id(), secret_key: ids::secret_key() };
    let record = KeyRecord::new(
        key.access_key_id.clone(),
        user.account_id.clone(),
        Some(user.user_id.clone()),
        secrets.seal(&key.access_key_id, &key.secret_key),
        now,
    );
    let stored = user.clone();
    store
        .write_blocking(move |c| {
            users::insert(c, &stored)?;
            access_keys::insert(c, &record)
        })
        .taken_as(|| {
            ApiError::field(
                ErrorCode::DuplicateUserName,
                "UserName",
                format!("a user named {:?} already exists in this account.", user.user_name),
            )
        })?;
    Ok((user, key))
}

/// The operator's way out of a second-factor block (`MFA_FAILURES_MAX` wrong codes in
/// a row) for a person who has no recovery code left: `true` if the login's codes
/// were counted (blocked or not), `false` if there was nothing to clear.
pub fn unblock_second_factors(store: &Store, login: &str) -> Result<bool, ApiError> {
    let login = account_contract::validation::normalize_login(login);
    let identity =
        store.read_blocking(|c| crate::auth::resolve_login(c, &login))?.ok_or_else(|| {
            ApiError::field(ErrorCode::InvalidParameterValue, "Login", "nobody signs in with it.")
        })?;
    let owner = identity.owner();
    Ok(store.write_blocking(move |c| mfa_failures::clear(c, &owner))?)
}
