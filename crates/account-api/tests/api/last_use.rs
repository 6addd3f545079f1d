//! An access key's last use (`LastUsedDate`, `LastUsedClientIp` on `ReadAccessKeys`,
//! an extension): recorded when the key signs a call, from the client's real address,
//! at most once per interval (a minute by default), never a write per request.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;

/// The key `id` as `ReadAccessKeys` lists it, read with `reader` (another key: reading
/// with the key itself would be a use of it).
fn listed(c: &Client, reader: &Key, id: &str) -> Value {
    let body = c.signed(reader, "ReadAccessKeys", json!({})).ok();
    let keys = body["AccessKeys"].as_array().expect("a list").clone();
    keys.into_iter().find(|k| k["AccessKeyId"] == id).expect("the key is listed")
}

/// Signs a call with `key` from `address` (the proxy's `X-Forwarded-For`).
fn use_from(c: &Client, key: &Key, address: &str) {
    let forwarded = [("x-forwarded-for", address.to_owned())];
    c.signed_and(key, "ReadAccounts", json!({}), &forwarded).ok();
}

/// The key's last use once `done` holds (the record is written after the call answers).
#[track_caller]
fn last_use_once(c: &Client, reader: &Key, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let key = listed(c, reader, id);
        if done(&key) {
            return key;
        }
        assert!(Instant::now() < deadline, "the last use was never as expected: {key:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What the server logs (at debug) each time it records a use: one a write.
const RECORDED: &str = "recording a key's use";

#[test]
fn the_first_use_is_recorded_with_the_clients_address_and_no_more_within_the_minute() {
    let server = Server::process_with(&["--demo", "--trusted-proxy", "127.0.0.1"]);
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let reader = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let unused = listed(&c, &reader, &key.id);
    assert!(unused.get("LastUsedDate").is_none() && unused.get("LastUsedClientIp").is_none());

    let before = time::OffsetDateTime::now_utc().unix_timestamp();
    use_from(&c, &key, "198.51.100.7, 203.0.113.9");
    let first = last_use_once(&c, &reader, &key.id, |k| k.get("LastUsedDate").is_some());
    assert_eq!(first["LastUsedClientIp"], "203.0.113.9", "the client behind the proxy");
    let date = first["LastUsedDate"].as_str().unwrap();
    let at = time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp();
    assert!((before..before + 5).contains(&at), "{date} is now");

    // Uses a second later, from elsewhere, within the minute: no write is even tried,
    // and the record still names the first call's time and address. A write queued
    // behind them (the tag below) is answered after anything they would have queued.
    std::thread::sleep(Duration::from_millis(1100));
    let writes = server.log_count(RECORDED);
    for _ in 0..20 {
        use_from(&c, &key, "192.0.2.44");
    }
    std::thread::sleep(Duration::from_millis(300));
    c.signed(&reader, "UpdateAccessKey", json!({"AccessKeyId": reader.id, "Tag": "reader"})).ok();
    assert_eq!(server.log_count(RECORDED), writes, "no write within the minute");
    let later = listed(&c, &reader, &key.id);
    assert_eq!(
        (&later["LastUsedDate"], &later["LastUsedClientIp"]),
        (&first["LastUsedDate"], &first["LastUsedClientIp"]),
        "not written again within the minute"
    );
}

#[test]
fn a_use_after_the_interval_is_recorded_again() {
    let args = ["--demo", "--trusted-proxy", "127.0.0.1", "--activity-interval-secs", "1"];
    let server = Server::start_with(&args);
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let reader = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    use_from(&c, &key, "203.0.113.9");
    let first = last_use_once(&c, &reader, &key.id, |k| k.get("LastUsedDate").is_some());
    std::thread::sleep(Duration::from_millis(1100));
    use_from(&c, &key, "192.0.2.44");
    let again = last_use_once(&c, &reader, &key.id, |k| k["LastUsedClientIp"] == "192.0.2.44");
    assert!(again["LastUsedDate"].as_str() > first["LastUsedDate"].as_str());
}

#[test]
fn without_a_trusted_proxy_the_address_is_the_peers() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let reader = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    use_from(&c, &key, "203.0.113.9");
    let used = last_use_once(&c, &reader, &key.id, |k| k.get("LastUsedDate").is_some());
    assert_eq!(used["LastUsedClientIp"], "127.0.0.1", "a forged X-Forwarded-For is ignored");
}

#[test]
fn a_key_read_again_from_storage_keeps_its_interval() {
    // A server that did not make the record (a restart, another instance) reads it with
    // the key, and does not write again within the minute.
    let mut server = Server::process_with(&["--demo", "--trusted-proxy", "127.0.0.1"]);
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let reader = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    use_from(&c, &key, "203.0.113.9");
    let first = last_use_once(&c, &reader, &key.id, |k| k.get("LastUsedDate").is_some());
    server.crash_and_restart();
    let c = server.client();
    listed(&c, &reader, &key.id);
    std::thread::sleep(Duration::from_millis(1100));
    let writes = server.log_count(RECORDED);
    use_from(&c, &key, "192.0.2.44");
    std::thread::sleep(Duration::from_millis(300));
    c.signed(&reader, "UpdateAccessKey", json!({"AccessKeyId": reader.id, "Tag": "reader"})).ok();
    assert_eq!(server.log_count(RECORDED), writes, "the record read with the key holds");
    assert_eq!(listed(&c, &reader, &key.id)["LastUsedDate"], first["LastUsedDate"]);
}
