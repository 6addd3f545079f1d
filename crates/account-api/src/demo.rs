//! Accounts made from the command line, and the demo account a new database gets.

use account_contract::{ApiError, ErrorCode, UpdateAccountRequest, PASSWORD_POLICY};

use crate::store::{accounts, NewAccount, Store};
use crate::{clock, ids, secrets};

/// The demo account's credentials (public: they are in the README).
pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "Cockpit-Demo-2026!Saint-Cloud";

/// Creates an account; the password must meet the policy's local rules and be strong.
pub fn create_account(store: &Store, email: &str, password: &str, profile: UpdateAccountRequest) -> Result<String, ApiError> {
    let mut check = profile.clone();
    check.email = Some(email.to_owned());
    account_contract::validation::check_update_account(&check)?;
    let broken = PASSWORD_POLICY.local_failures(password);
    if let Some(rule) = broken.first() {
        return Err(ApiError::field(ErrorCode::InvalidPassword, "Password", rule.describe(&PASSWORD_POLICY)));
    }
    if secrets::strength(password, &[email]) < PASSWORD_POLICY.min_strength {
        let rule = account_contract::PasswordRule::Strong;
        return Err(ApiError::field(ErrorCode::InvalidPassword, "Password", rule.describe(&PASSWORD_POLICY)));
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
    store.write_blocking(move |c| accounts::insert(c, &new))?;
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
