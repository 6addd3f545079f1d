//! UpdatePassword: current password, policy, history, other sessions.

use crate::common::*;
use serde_json::json;

const NEW: &str = "Blue-Harbour-Lantern-47";

#[test]
fn the_password_changes_and_the_old_one_stops_working() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let r = c
        .signed(
            &key,
            "UpdatePassword",
            json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW}),
        )
        .ok();
    assert_eq!(r["LoggedOutSessions"], 0);
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
    c.sign_in(DEMO_EMAIL, NEW);
    c.signed(&key, "ReadAccounts", json!({})).ok();
    // Stored as argon2id, never as the password itself.
    let stored = server.stored_bytes();
    assert!(!stored.windows(NEW.len()).any(|w| w == NEW.as_bytes()));
    assert!(stored.windows(9).any(|w| w == b"$argon2id"));
}

#[test]
fn a_wrong_current_password_is_refused_and_counts_toward_the_lockout() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    for _ in 0..3 {
        let r = c
            .signed(&key, "UpdatePassword", json!({"CurrentPassword": "wrong", "NewPassword": NEW}))
            .err(400, "4048");
        assert!(r.details()[0].starts_with("CurrentPassword: "));
    }
    c.signed(&key, "UpdatePassword", json!({"CurrentPassword": "wrong", "NewPassword": NEW}))
        .err(401, "13");
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
    // Locked, the right current password too answers 401 13 (docs/API.md said 429).
    let locked = c.signed(
        &key,
        "UpdatePassword",
        json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW}),
    );
    assert!(locked.err(401, "13").headers.get("retry-after").is_some());
    c.signed(&key, "UpdatePassword", json!({"NewPassword": NEW})).err(400, "7000");
}

#[test]
fn every_broken_rule_of_the_policy_is_reported() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let rules = |pw: &str| -> Vec<String> {
        let r = c
            .signed(
                &key,
                "UpdatePassword",
                json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": pw}),
            )
            .err(400, "4048");
        r.details()
            .iter()
            .map(|d| {
                let rule =
                    d.strip_prefix("NewPassword: [").expect("names NewPassword and its rule");
                rule.split(']').next().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(rules("Sh0rt!"), ["length"]);
    assert_eq!(rules("onlylowercaseletters"), ["uppercase", "digit", "special"]);
    assert_eq!(rules("Blue-Harbour-Lantern-47é"), ["allowed-characters"]);
    assert_eq!(rules(&"aA1!".repeat(51)), ["length"]);
    assert_eq!(rules("Password!Password1"), ["strong"]);
    assert_eq!(rules(DEMO_PASSWORD), ["not-recently-used"]);
    c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
}

/// The history rule, the same for the account and its EIM users: the last ten
/// passwords (the current one and nine before it) may not be reused; the eleventh may.
fn none_of_the_last_ten_may_be_reused(c: &Client, key: &Key, first: &str) {
    let passwords: Vec<String> = (0..10).map(|i| format!("Quiet-Meadow-Falcon-{i}{i}x")).collect();
    let mut current = first.to_owned();
    for p in &passwords {
        c.signed(key, "UpdatePassword", json!({"CurrentPassword": current, "NewPassword": p})).ok();
        current = p.clone();
    }
    // The first password is now 11 changes back: allowed again. The one after is not.
    let r = c.signed(
        key,
        "UpdatePassword",
        json!({"CurrentPassword": current, "NewPassword": passwords[1]}),
    );
    assert_eq!(
        r.err(400, "4048").details()[0],
        "NewPassword: [not-recently-used] must differ from your last 10 passwords."
    );
    c.signed(key, "UpdatePassword", json!({"CurrentPassword": current, "NewPassword": first})).ok();
}

/// Twelve changes in a row cost about 130 hashes, each charged to the client's cap on
/// password checks (password_cost.rs): a cap that lets them through at once.
fn history_server() -> Server {
    Server::start_with(&["--demo", "--password-checks-burst", "1000"])
}

#[test]
fn none_of_the_last_ten_passwords_of_the_account_may_be_reused() {
    let server = history_server();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    none_of_the_last_ten_may_be_reused(&c, &key, DEMO_PASSWORD);
}

#[test]
fn none_of_the_last_ten_passwords_of_an_eim_user_may_be_reused() {
    let server = history_server();
    let c = server.client();
    let (_, key) = server.demo_user.clone().unwrap();
    // Setting up a first password leaves nothing in the history.
    c.signed(&key, "UpdatePassword", json!({"NewPassword": NEW_PASSWORD})).ok();
    none_of_the_last_ten_may_be_reused(&c, &key, NEW_PASSWORD);
}

#[test]
fn signing_out_other_sessions_deletes_the_other_temporary_keys_only() {
    let server = Server::start();
    let c = server.client();
    let here = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let phone = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let laptop = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let ci = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let r = c
        .signed(&here, "UpdatePassword", json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW, "LogoutOtherSessions": true}))
        .ok();
    assert_eq!(r["LoggedOutSessions"], 2);
    c.signed(&phone, "ReadAccounts", json!({})).err(401, "1");
    c.signed(&laptop, "ReadAccounts", json!({})).err(401, "1");
    c.signed(&here, "ReadAccounts", json!({})).ok();
    c.signed(&ci, "ReadAccounts", json!({})).ok();
}

#[test]
fn dry_run_checks_the_policy_and_changes_nothing() {
    let server = Server::start();
    let c = server.client();
    let here = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let other = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let body = json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW, "LogoutOtherSessions": true, "DryRun": true});
    assert_eq!(c.signed(&here, "UpdatePassword", body).ok()["LoggedOutSessions"], 0);
    c.signed(
        &here,
        "UpdatePassword",
        json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": "weak", "DryRun": true}),
    )
    .err(400, "4048");
    c.signed(&other, "ReadAccounts", json!({})).ok();
    c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
}
