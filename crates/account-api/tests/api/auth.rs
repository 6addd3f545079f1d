//! Signatures (OSC4 and AWS4), email/password, and the lockout.

use std::time::{Duration, Instant};

use crate::common::*;
use account_contract::signing::Algorithm;
use serde_json::json;

#[test]
fn both_signature_forms_are_accepted() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    for alg in [Algorithm::Osc4, Algorithm::Aws4] {
        let r = c.signed_with(&key, alg, "ReadAccounts", b"{}".to_vec(), &c.host(), 0).ok();
        assert_eq!(r["Accounts"][0]["Email"], DEMO_EMAIL);
    }
}

#[test]
fn the_host_may_be_signed_without_its_port() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed_with(&key, Algorithm::Osc4, "ReadAccounts", b"{}".to_vec(), "127.0.0.1", 0).ok();
    c.signed_with(&key, Algorithm::Osc4, "ReadAccounts", b"{}".to_vec(), "example.com", 0)
        .err(401, "1");
}

#[test]
fn a_wrong_signature_body_or_secret_is_refused() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let wrong = Key { id: key.id.clone(), secret: "X".repeat(40) };
    c.signed(&wrong, "ReadAccounts", json!({})).err(401, "1");
    let unknown = Key { id: "AAAAAAAAAAAAAAAAAAAA".into(), secret: key.secret.clone() };
    c.signed(&unknown, "ReadAccounts", json!({})).err(401, "1");
    // A body changed after signing.
    let sk = account_contract::signing::SigningKey {
        algorithm: Algorithm::Osc4,
        access_key: &key.id,
        secret_key: &key.secret,
        region: "eu-west-2",
        service: "api",
    };
    let h = account_contract::signing::sign(
        &sk,
        &c.host(),
        "/api/v1/UpdateAccount",
        br#"{"City":"A"}"#,
        &amz_date(0),
    );
    c.send(
        "/api/v1/UpdateAccount",
        &[
            ("authorization", h.authorization),
            ("x-osc-date", h.date_header.1),
            ("content-type", h.content_type.into()),
        ],
        br#"{"City":"B"}"#.to_vec(),
    )
    .err(401, "1");
    assert_eq!(c.account(&key)["City"], "Saint-Cloud");
}

#[test]
fn timestamps_more_than_five_minutes_off_are_refused() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let host = c.host();
    for skew in [-290, 290] {
        c.signed_with(&key, Algorithm::Osc4, "ReadAccounts", b"{}".to_vec(), &host, skew).ok();
    }
    for skew in [-310, 310, -86_400] {
        let r = c
            .signed_with(&key, Algorithm::Osc4, "ReadAccounts", b"{}".to_vec(), &host, skew)
            .err(401, "1");
        assert!(r.details()[0].contains("5 minutes"), "{:?}", r.details());
    }
}

#[test]
fn missing_and_unknown_authorization() {
    let server = Server::start();
    let c = server.client();
    c.send("/api/v1/ReadAccounts", &[], b"{}".to_vec()).err(401, "1");
    c.send("/api/v1/ReadAccounts", &[("authorization", "Bearer abc".into())], b"{}".to_vec())
        .err(401, "12");
    c.send(
        "/api/v1/ReadAccounts",
        &[("authorization", "OSC4-HMAC-SHA256 nonsense".into())],
        b"{}".to_vec(),
    )
    .err(401, "1");
}

#[test]
fn inactive_and_expired_keys_are_refused() {
    let server = Server::start();
    let c = server.client();
    let admin = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let other = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&admin, "UpdateAccessKey", json!({"AccessKeyId": other.id, "State": "INACTIVE"})).ok();
    c.signed(&other, "ReadAccounts", json!({})).err(401, "1");
    c.signed(&admin, "UpdateAccessKey", json!({"AccessKeyId": other.id, "State": "ACTIVE"})).ok();
    c.signed(&other, "ReadAccounts", json!({})).ok();

    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let soon = soon.format(&time::format_description::well_known::Rfc3339).unwrap();
    let short = key_of(
        &c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({"ExpirationDate": soon}))
            .ok(),
    );
    c.signed(&short, "ReadAccounts", json!({})).ok();
    std::thread::sleep(Duration::from_millis(3100));
    let r = c.signed(&short, "ReadAccounts", json!({})).err(401, "1");
    assert!(r.details()[0].contains("expired"));
}

#[test]
fn basic_authentication_needs_x_osc_date_and_only_opens_access_key_calls() {
    let server = Server::start();
    let c = server.client();
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    for call in ["ReadAccounts", "UpdateAccount", "UpdatePassword"] {
        c.basic(call, DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "9");
    }
    let creds = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{DEMO_EMAIL}:{DEMO_PASSWORD}"),
    );
    c.send(
        "/api/v1/ReadAccessKeys",
        &[("authorization", format!("Basic {creds}"))],
        b"{}".to_vec(),
    )
    .err(401, "1");
    c.send(
        "/api/v1/ReadAccessKeys",
        &[("authorization", format!("Basic {creds}")), ("x-osc-date", amz_date(-600))],
        b"{}".to_vec(),
    )
    .err(401, "1");
    c.basic("ReadAccessKeys", "nobody@example.com", DEMO_PASSWORD, json!({})).err(401, "1");
}

#[test]
fn lockout_after_four_failures_grows_by_one_unit_per_four_more() {
    let server = Server::start();
    let c = server.client();
    let unit = Duration::from_secs(LOCK_UNIT);
    for _ in 0..3 {
        c.basic("ReadAccessKeys", DEMO_EMAIL, "wrong", json!({})).err(401, "1");
    }
    // The fourth failure starts the lock: 1 unit.
    let r = c.basic("ReadAccessKeys", DEMO_EMAIL, "wrong", json!({})).err(401, "13");
    let locked_at = Instant::now();
    assert_eq!(r.headers["retry-after"].to_str().unwrap(), LOCK_UNIT.to_string());
    // Locked: even the right password is refused, through every door.
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
    // Other identities are not affected.
    let out = server.create_account("other@example.com", "Another-Strong-Passw0rd!");
    assert!(out.status.success());
    c.basic("ReadAccessKeys", "other@example.com", "Another-Strong-Passw0rd!", json!({})).ok();

    std::thread::sleep(unit.saturating_sub(locked_at.elapsed()) + Duration::from_millis(300));
    // Four more failures: 2 units.
    for _ in 0..3 {
        c.basic("ReadAccessKeys", DEMO_EMAIL, "wrong", json!({})).err(401, "1");
    }
    let r = c.basic("ReadAccessKeys", DEMO_EMAIL, "wrong", json!({})).err(401, "13");
    let locked_at = Instant::now();
    assert_eq!(r.headers["retry-after"].to_str().unwrap(), (2 * LOCK_UNIT).to_string());
    std::thread::sleep(unit + Duration::from_millis(300));
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
    std::thread::sleep((2 * unit).saturating_sub(locked_at.elapsed()) + Duration::from_millis(300));
    // Unlocked; a success clears the count.
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
    for _ in 0..3 {
        c.basic("ReadAccessKeys", DEMO_EMAIL, "wrong", json!({})).err(401, "1");
    }
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
}

#[test]
fn password_checks_are_capped_per_client_address() {
    // Wrong passwords for many different logins: no lockout applies, the rate cap does.
    // The default burst, a slower refill than the default 10 a second: on a loaded
    // machine a check can take longer than a tenth of a second, and the bucket never
    // empties.
    let server = Server::start_with(&["--demo", "--password-checks-per-sec", "2"]);
    let c = server.client();
    let mut throttled = None;
    for i in 0..80 {
        let r = c.basic("ReadAccessKeys", &format!("nobody{i}@example.com"), "wrong", json!({}));
        if r.status == 429 {
            throttled = Some(r.err(429, "25"));
            break;
        }
        r.err(401, "1");
    }
    let r =
        throttled.expect("the cap answers 429 before 80 quick checks (burst 20, then 2 a second)");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait));
    // Signed calls are not password checks: they go on.
    let key = Key { id: "AAAAAAAAAAAAAAAAAAAA".into(), secret: "x".into() };
    c.signed(&key, "ReadAccounts", json!({})).err(401, "1");
    std::thread::sleep(Duration::from_millis(wait * 1000 + 200));
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
}
