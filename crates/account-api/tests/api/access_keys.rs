//! CreateAccessKey, ReadAccessKeys, UpdateAccessKey, DeleteAccessKey.

use crate::common::*;
use serde_json::json;

#[test]
fn a_key_is_created_with_expiration_and_tag_and_its_secret_shown_once() {
    let server = Server::start();
    let c = server.client();
    let body = c
        .basic(
            "CreateAccessKey",
            DEMO_EMAIL,
            DEMO_PASSWORD,
            json!({"ExpirationDate": "2099-06-14", "Tag": "laptop"}),
        )
        .ok();
    let k = &body["AccessKey"];
    assert_eq!(k["AccessKeyId"].as_str().unwrap().len(), 20);
    assert_eq!(k["SecretKey"].as_str().unwrap().len(), 40);
    assert_eq!(k["ExpirationDate"], "2099-06-14T00:00:00.000Z");
    assert_eq!((k["State"].as_str(), k["Tag"].as_str()), (Some("ACTIVE"), Some("laptop")));
    let key = key_of(&body);
    let listed = c.signed(&key, "ReadAccessKeys", json!({})).ok();
    let keys = listed["AccessKeys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["AccessKeyId"], k["AccessKeyId"]);
    assert!(keys[0].get("SecretKey").is_none(), "the secret is shown once, at creation");
}

#[test]
fn expiration_dates_must_be_valid_and_in_the_future() {
    let server = Server::start();
    let c = server.client();
    for bad in ["yesterday", "2001-01-01", "2001-01-01T00:00:00Z"] {
        c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({"ExpirationDate": bad}))
            .err(400, "4047");
    }
    c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({"Tag": "x".repeat(256)}))
        .err(400, "4106");
    c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({"UserName": "bob"}))
        .err(400, "5075");
    let listed = c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    assert_eq!(listed["AccessKeys"], json!([]), "nothing was created");
}

#[test]
fn read_access_keys_filters_by_id_state_and_tag() {
    let server = Server::start();
    let c = server.client();
    let a = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let b = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&a, "UpdateAccessKey", json!({"AccessKeyId": b.id, "State": "INACTIVE"})).ok();
    let ids = |body: serde_json::Value| -> Vec<String> {
        body["AccessKeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["AccessKeyId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(c.signed(&a, "ReadAccessKeys", json!({})).ok()).len(), 2);
    assert_eq!(
        ids(c.signed(&a, "ReadAccessKeys", json!({"Filters": {"States": ["INACTIVE"]}})).ok()),
        [b.id.as_str()]
    );
    assert_eq!(
        ids(c.signed(&a, "ReadAccessKeys", json!({"Filters": {"AccessKeyIds": [a.id]}})).ok()),
        [a.id.as_str()]
    );
    assert_eq!(
        ids(c.signed(&a, "ReadAccessKeys", json!({"Tag": "console"})).ok()),
        [a.id.as_str()]
    );
    c.signed(&a, "ReadAccessKeys", json!({"Filters": {"States": ["SLEEPY"]}})).err(400, "4047");
    c.signed(&a, "ReadAccessKeys", json!({"Filters": {"Colour": ["red"]}})).err(400, "3001");
}

#[test]
fn update_access_key_changes_state_tag_and_expiration() {
    let server = Server::start();
    let c = server.client();
    let a = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let b = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    // A permanent key manages keys freely; a one-hour session may not outlive itself.
    c.signed(&a, "UpdateAccessKey", json!({"AccessKeyId": b.id, "ExpirationDate": "2099-01-01"}))
        .err(400, "4047");
    let r = c
        .signed(
            &b,
            "UpdateAccessKey",
            json!({"AccessKeyId": b.id, "Tag": "ci", "ExpirationDate": "2099-01-01"}),
        )
        .ok();
    assert_eq!(r["AccessKey"]["Tag"], "ci");
    assert_eq!(r["AccessKey"]["ExpirationDate"], "2099-01-01T00:00:00.000Z");
    let r = c
        .signed(
            &b,
            "UpdateAccessKey",
            json!({"AccessKeyId": b.id, "ClearTag": true, "ClearExpirationDate": true}),
        )
        .ok();
    c.signed(&a, "UpdateAccessKey", json!({"AccessKeyId": b.id, "ClearExpirationDate": true}))
        .err(400, "4047");
    assert!(
        r["AccessKey"].get("Tag").is_none() && r["AccessKey"].get("ExpirationDate").is_none(),
        "{r}"
    );
    c.signed(&a, "UpdateAccessKey", json!({"AccessKeyId": b.id, "State": "PAUSED"}))
        .err(400, "4047");
    c.signed(&a, "UpdateAccessKey", json!({"AccessKeyId": "NOPE"})).err(400, "4000");
    c.signed(&a, "UpdateAccessKey", json!({})).err(400, "7000");
    let r = c
        .signed(
            &a,
            "UpdateAccessKey",
            json!({"AccessKeyId": b.id, "State": "INACTIVE", "DryRun": true}),
        )
        .ok();
    assert!(r.get("AccessKey").is_none());
    c.signed(&b, "ReadAccounts", json!({})).ok();
}

#[test]
fn delete_access_key_and_sign_out() {
    let server = Server::start();
    let c = server.client();
    let a = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let b = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&a, "DeleteAccessKey", json!({"AccessKeyId": b.id, "DryRun": true})).ok();
    c.signed(&b, "ReadAccounts", json!({})).ok();
    c.signed(&a, "DeleteAccessKey", json!({"AccessKeyId": b.id})).ok();
    c.signed(&b, "ReadAccounts", json!({})).err(401, "1");
    c.signed(&a, "DeleteAccessKey", json!({"AccessKeyId": b.id})).err(400, "4000");
    // Signing out: a key deletes itself.
    c.signed(&a, "DeleteAccessKey", json!({"AccessKeyId": a.id})).ok();
    c.signed(&a, "ReadAccounts", json!({})).err(401, "1");
}

#[test]
fn keys_of_another_account_are_out_of_reach() {
    let server = Server::start();
    assert!(server
        .create_account("other@example.com", "Another-Strong-Passw0rd!")
        .status
        .success());
    let c = server.client();
    let mine = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let theirs = c.sign_in("other@example.com", "Another-Strong-Passw0rd!");
    c.signed(&mine, "DeleteAccessKey", json!({"AccessKeyId": theirs.id})).err(400, "4000");
    c.signed(&mine, "UpdateAccessKey", json!({"AccessKeyId": theirs.id, "State": "INACTIVE"}))
        .err(400, "4000");
    let listed =
        c.signed(&mine, "ReadAccessKeys", json!({"Filters": {"AccessKeyIds": [theirs.id]}})).ok();
    assert_eq!(listed["AccessKeys"], json!([]));
    c.signed(&theirs, "ReadAccounts", json!({})).ok();
}

#[test]
fn an_account_holds_at_most_fifty_keys() {
    let server = Server::start();
    let c = server.client();
    let a = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    for _ in 1..50 {
        c.signed(&a, "CreateAccessKey", json!({})).ok();
    }
    c.signed(&a, "CreateAccessKey", json!({})).err(400, "10005");
    c.signed(&a, "CreateAccessKey", json!({"DryRun": true})).err(400, "10005");
}
