//! What a password change costs the server (issue 19, attack 8): each argon2 hash it
//! computes (the current password, up to 10 remembered ones, the new one) is charged
//! to the client's cap on password checks before it is computed, so a client at the
//! cap cannot make the server hash more than the cap allows.

use account_api::store::{passwords, Owner};
use account_contract::PASSWORD_POLICY;
use serde_json::json;

use crate::common::*;

const BURST: f64 = 20.0;
const PER_SEC: f64 = 0.5;

#[test]
fn password_changes_hash_no_more_than_the_cap_on_password_checks_allows() {
    let server = Server::start_with(&[
        "--demo",
        "--password-checks-burst",
        &BURST.to_string(),
        "--password-checks-per-sec",
        &PER_SEC.to_string(),
    ]);
    let c = server.client();
    let started = std::time::Instant::now();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    // A full history (9 earlier passwords and the current one), written by the store
    // itself so that only the attack below spends the client's cap.
    let owner = Owner::account(c.account(&key)["AccountId"].as_str().unwrap());
    let mut hashes: Vec<String> = (0..PASSWORD_POLICY.history - 1)
        .map(|i| account_api::secrets::hash_password(&format!("Quiet-Meadow-Falcon-{i}{i}x")))
        .collect();
    hashes.push(account_api::secrets::hash_password(DEMO_PASSWORD));
    server
        .database()
        .write_blocking(move |c| {
            for (i, hash) in hashes.iter().enumerate() {
                passwords::set(c, &owner, hash, i as i64 + 1, PASSWORD_POLICY.history)?;
            }
            Ok::<_, account_api::store::StoreError>(())
        })
        .unwrap();

    // The attack: dry runs of a change to a password not in the history, each of
    // which checks the new one against the whole history and changes nothing.
    let before = server.password_hashes();
    let change = json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": "Blue-Harbour-Lantern-47", "DryRun": true});
    let answers: Vec<u16> =
        (0..20).map(|_| c.signed(&key, "UpdatePassword", change.clone()).status).collect();
    let hashed = server.password_hashes() - before;

    // The sign-in above took one check; the rest of the burst and what refilled since
    // is all the client may have hashed.
    let allowed = BURST - 1.0 + started.elapsed().as_secs_f64() * PER_SEC;
    assert!(answers[0] == 200, "a change within the cap goes through: {answers:?}");
    assert!(answers.contains(&429), "the cap answers the rest: {answers:?}");
    assert!(
        hashed as f64 <= allowed,
        "{hashed} hashes made, {allowed:.1} allowed by the cap ({answers:?})"
    );
    // Each dry run that went through hashed the current password and the 10 remembered.
    assert!(hashed >= 11, "{hashed}");
}
