//! Bad requests get a clear OAPI error, never a 500 and never a crash.

use crate::common::*;
use serde_json::json;

#[test]
fn malformed_bodies_are_clear_400s() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let host = c.host();
    let raw = |body: &[u8]| {
        c.signed_with(
            &key,
            account_contract::signing::Algorithm::Osc4,
            "UpdateAccount",
            body.to_vec(),
            &host,
            0,
        )
    };
    raw(b"{").err(400, "4045");
    raw(b"[1,2]").err(400, "4045");
    raw(b"\"City\"").err(400, "4045");
    raw(b"{\"City\": \"a\"} trailing").err(400, "4045");
    raw(&[0xff, 0xfe, b'{']).err(400, "4045");
    let r = raw(br#"{"City": 12}"#).err(400, "4108");
    assert!(r.details()[0].starts_with("City: "), "{:?}", r.details());
    raw(br#"{"AdditionalEmails": "a@b.c"}"#).err(400, "4108");
    raw(br#"{"AdditionalEmails": [1]}"#).err(400, "4108");
    raw(br#"{"DryRun": "yes"}"#).err(400, "4108");
    raw(br#"{"Surprise": 1}"#).err(400, "3001");
    // An empty body is an empty request.
    c.signed_with(
        &key,
        account_contract::signing::Algorithm::Osc4,
        "ReadAccounts",
        vec![],
        &host,
        0,
    )
    .ok();
    // Still alive and well.
    c.account(&key);
}

#[test]
fn oversized_bodies_are_refused_with_413() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let body = json!({"City": "x".repeat(70 * 1024)}).to_string().into_bytes();
    let r = c.signed_with(
        &key,
        account_contract::signing::Algorithm::Osc4,
        "UpdateAccount",
        body,
        &c.host(),
        0,
    );
    r.err(413, "4106");
    // Long but under the body limit: the field limit speaks.
    c.signed(&key, "UpdateAccount", json!({"City": "x".repeat(10_000)})).err(400, "4106");
}

#[test]
fn unknown_calls_paths_and_methods() {
    let server = Server::start();
    let c = server.client();
    c.basic("DeleteEverything", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(404, "5011");
    c.send("/nowhere", &[], vec![]).err(404, "5011");
    let r = c.send_as(axum::http::Method::GET, "/api/v1/ReadAccounts", &[], vec![]);
    assert_eq!(r.status, 405);
    assert_eq!(r.body["Errors"][0]["Code"], "2");
}

#[test]
fn every_response_carries_a_request_id() {
    let server = Server::start();
    let c = server.client();
    let a = c.send("/api/v1/ReadAccounts", &[], vec![]);
    let b = c.send("/api/v1/ReadAccounts", &[], vec![]);
    let id = |r: &Reply| r.body["ResponseContext"]["RequestId"].as_str().unwrap().to_owned();
    assert_ne!(id(&a), id(&b));
    assert_eq!(a.headers["x-request-id"].to_str().unwrap(), id(&a));
}
