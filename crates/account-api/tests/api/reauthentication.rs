//! Recent re-authentication (issue 19, attacks 3 and 6): a stolen session, once its
//! sign-in's proof has lapsed, cannot change the sign-in email, set an EIM user's first
//! password, re-activate a key, or touch second factors and recovery codes without the
//! password again (`CreateReauthentication`); a permanent key keeps OUTSCALE's
//! behaviour. The servers here keep a proof 3 seconds (`--reauthentication-secs`).

use std::time::Duration;

use crate::common::*;
use serde_json::json;

const PROOF_SECS: u64 = 3;

fn server() -> Server {
    Server::start_with(&["--demo", "--reauthentication-secs", &PROOF_SECS.to_string()])
}

/// A session whose sign-in proved the password long enough ago: what a thief holds.
fn stolen_session(c: &Client, login: &str) -> Key {
    let key = c.sign_in(login, DEMO_PASSWORD);
    std::thread::sleep(Duration::from_millis(PROOF_SECS * 1000 + 50));
    key
}

#[test]
fn attack_3_a_stolen_session_cannot_change_the_sign_in_email() {
    let server = server();
    let out = server.create_account("other@example.com", "Another-Strong-Passw0rd!");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = server.client();
    let stolen = stolen_session(&c, DEMO_EMAIL);

    let r =
        c.signed(&stolen, "UpdateAccount", json!({"Email": "thief@example.com"})).err(401, "1012");
    assert_eq!(r.body["Errors"][0]["Type"], "AccessDenied");
    assert!(r.details()[0].starts_with("Reauthentication required"), "{}", r.body);
    c.signed(&stolen, "UpdateAccount", json!({"Email": "thief@example.com", "DryRun": true}))
        .err(401, "1012");
    // The session lives on, and changes that are not sensitive still go through.
    c.signed(&stolen, "UpdateAccount", json!({"City": "Lyon"})).ok();
    c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();

    // The second half: a dry run tells no account's address from a free one.
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let taken = c
        .signed(&admin, "UpdateAccount", json!({"Email": "other@example.com", "DryRun": true}))
        .ok();
    let free = c
        .signed(&admin, "UpdateAccount", json!({"Email": "nobody@example.com", "DryRun": true}))
        .ok();
    assert_eq!(taken.get("Account"), free.get("Account"));

    // A permanent key changes the email as on OUTSCALE (osc-cli api UpdateAccount --Email).
    c.signed(&admin, "UpdateAccount", json!({"Email": "jean@example.com"})).ok();
    c.sign_in("jean@example.com", DEMO_PASSWORD);
}

#[test]
fn the_owner_proves_the_password_again_and_the_change_goes_through() {
    let server = server();
    let c = server.client();
    let session = stolen_session(&c, DEMO_EMAIL);

    let before = server.password_hashes();
    c.signed(&session, "CreateReauthentication", json!({"Password": "Wrong-Guess-123456!"}))
        .err(400, "4048");
    c.signed(&session, "UpdateAccount", json!({"Email": "jean@example.com"})).err(401, "1012");
    let r = c.signed(&session, "CreateReauthentication", json!({"Password": DEMO_PASSWORD})).ok();
    assert_eq!(server.password_hashes() - before, 2, "one argon2 hash a proof");
    assert!(r["ExpirationDate"].as_str().is_some_and(|d| d.ends_with('Z')), "{r}");
    c.signed(&session, "UpdateAccount", json!({"Email": "jean@example.com"})).ok();
    c.sign_in("jean@example.com", DEMO_PASSWORD);

    // A proof is the session's: another session of the same identity has none.
    let other = stolen_session(&c, "jean@example.com");
    c.signed(&other, "UpdateAccount", json!({"Email": "paul@example.com"})).err(401, "1012");
    // Only a session proves itself again: a permanent key needs no proof.
    let admin = c.permanent_key("jean@example.com", DEMO_PASSWORD);
    c.signed(&admin, "CreateReauthentication", json!({"Password": DEMO_PASSWORD})).err(401, "4");
}

#[test]
fn wrong_proofs_count_toward_the_lockout_as_sign_ins_do() {
    let server = server();
    let c = server.client();
    let session = stolen_session(&c, DEMO_EMAIL);
    let wrong = json!({"Password": "Wrong-Guess-123456!"});
    for _ in 0..3 {
        c.signed(&session, "CreateReauthentication", wrong.clone()).err(400, "4048");
    }
    // The fourth wrong password locks the identity, as a fourth wrong sign-in does.
    c.signed(&session, "CreateReauthentication", wrong).err(401, "13");
    c.signed(&session, "CreateReauthentication", json!({"Password": DEMO_PASSWORD})).err(401, "13");
    c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
}

#[test]
fn attack_6_a_stolen_session_mints_no_credentials_that_outlive_sign_out() {
    let server = server();
    let c = server.client();
    let victim = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let api_key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&victim, "UpdateAccessKey", json!({"AccessKeyId": api_key.id, "State": "INACTIVE"}))
        .ok();
    let stolen = stolen_session(&c, DEMO_EMAIL);

    // A new EIM user, a key for it within the session, and its first password.
    c.signed(&stolen, "CreateUser", json!({"UserName": "backdoor"})).ok();
    let user_key =
        key_of(&c.signed(&stolen, "CreateAccessKey", json!({"UserName": "backdoor"})).ok());
    let first = json!({"NewPassword": NEW_PASSWORD});
    c.signed(&user_key, "UpdatePassword", first.clone()).err(401, "1012");
    // The key the owner deactivated stays so.
    c.signed(&stolen, "UpdateAccessKey", json!({"AccessKeyId": api_key.id, "State": "ACTIVE"}))
        .err(401, "1012");
    // Second factors and recovery codes: the password alone is not enough.
    let add = json!({"CurrentPassword": DEMO_PASSWORD, "Type": "TOTP", "Name": "Thief"});
    c.signed(&stolen, "CreateMfaDevice", add).err(401, "1012");
    let codes = json!({"CurrentPassword": DEMO_PASSWORD});
    c.signed(&stolen, "CreateRecoveryCodes", codes).err(401, "1012");
    let remove = json!({"CurrentPassword": DEMO_PASSWORD, "MfaDeviceId": "mfa-unknown"});
    c.signed(&stolen, "DeleteMfaDevice", remove).err(401, "1012");
    // A key that outlives the session.
    let lasting = json!({"ExpirationDate": "2099-01-01"});
    c.signed(&stolen, "CreateAccessKey", lasting.clone()).err(401, "1012");
    c.signed(
        &stolen,
        "CreateAccessKey",
        json!({"UserName": "backdoor", "ExpirationDate": "2099-01-01"}),
    )
    .err(401, "1012");

    // The owner signs the other devices out: nothing the thief made still works.
    c.signed(&victim, "DeleteOtherSessions", json!({})).ok();
    c.signed(&user_key, "ReadAccessKeys", json!({})).err(401, "1");
    let login = format!("{}/backdoor", c.account(&victim)["AccountId"].as_str().unwrap());
    c.basic("CreateAccessKey", &login, NEW_PASSWORD, json!({})).err(401, "1");
    c.signed(&api_key, "ReadAccounts", json!({})).err(401, "1");

    // The owner, having proved the password again, may do each of these.
    c.signed(&victim, "CreateReauthentication", json!({"Password": DEMO_PASSWORD})).ok();
    c.signed(&victim, "CreateUser", json!({"UserName": "builder"})).ok();
    let builder =
        key_of(&c.signed(&victim, "CreateAccessKey", json!({"UserName": "builder"})).ok());
    c.signed(&builder, "UpdatePassword", first).ok();
    c.signed(&victim, "UpdateAccessKey", json!({"AccessKeyId": api_key.id, "State": "ACTIVE"}))
        .ok();
    // A key that outlives the session, with the proof: a lasting credential, which the
    // session's end does not take with it. Without an ExpirationDate, a key made in a
    // session still ends with it.
    let lasting = key_of(&c.signed(&victim, "CreateAccessKey", lasting).ok());
    let made = c.signed(&victim, "CreateAccessKey", json!({})).ok();
    let own = json!({"Filters": {"AccessKeyIds": [victim.id]}});
    let end =
        c.signed(&victim, "ReadAccessKeys", own).ok()["AccessKeys"][0]["ExpirationDate"].clone();
    assert_eq!(made["AccessKey"]["ExpirationDate"], end, "{made}");
    let within = key_of(&made);
    c.signed(&victim, "DeleteAccessKey", json!({"AccessKeyId": victim.id})).ok();
    c.signed(&within, "ReadAccounts", json!({})).err(401, "1");
    let read = c
        .signed(&lasting, "ReadAccessKeys", json!({"Filters": {"AccessKeyIds": [lasting.id]}}))
        .ok();
    assert!(
        read["AccessKeys"][0]["ExpirationDate"].as_str().unwrap().starts_with("2099-01-01"),
        "{read}"
    );
}
