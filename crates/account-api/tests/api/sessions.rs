//! Sessions as devices (issue 11): each sign-in notes its browser, operating system
//! and address; an identity lists its sessions and ends one, or all but its own.
//! Tried as a heavy user (many devices, activity) and as an attacker (another
//! identity's session, a forged X-Forwarded-For).

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::common::*;

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

/// Signs in as the console does, from a browser with this User-Agent, through a proxy
/// that says it forwards for `forwarded_for`, if any.
fn sign_in_from(c: &Client, user_agent: &str, forwarded_for: Option<&str>) -> Key {
    let creds =
        base64::engine::general_purpose::STANDARD.encode(format!("{DEMO_EMAIL}:{DEMO_PASSWORD}"));
    let mut headers = vec![
        ("authorization", format!("Basic {creds}")),
        ("x-osc-date", amz_date(0)),
        ("content-type", "application/json; charset=utf-8".to_owned()),
        ("user-agent", user_agent.to_owned()),
    ];
    if let Some(ip) = forwarded_for {
        headers.push(("x-forwarded-for", ip.to_owned()));
    }
    let expires = amz_hours_ahead(1);
    let body = json!({"ExpirationDate": expires, "Tag": "console"}).to_string();
    key_of(&c.send("/api/v1/CreateAccessKey", &headers, body.into_bytes()).ok())
}

fn amz_hours_ahead(hours: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn sessions(c: &Client, key: &Key) -> Vec<Value> {
    c.signed(key, "ReadSessions", json!({})).ok()["Sessions"].as_array().unwrap().clone()
}

fn session<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter().find(|s| s["SessionId"] == id).unwrap_or_else(|| panic!("session {id} in {list:?}"))
}

#[test]
fn each_sign_in_is_a_device_named_by_its_browser_and_system() {
    let server = Server::start();
    let c = server.client();
    let laptop = sign_in_from(&c, FIREFOX_LINUX, None);
    let phone = sign_in_from(&c, CHROME_ANDROID, None);
    let api_key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);

    let seen = sessions(&c, &laptop);
    assert_eq!(seen.len(), 2, "a permanent key is no session: {seen:?}");
    let me = session(&seen, &laptop.id);
    assert_eq!(
        (me["Browser"].as_str(), me["OperatingSystem"].as_str()),
        (Some("Firefox"), Some("Linux"))
    );
    assert_eq!((me["Current"].as_bool(), me["ClientIp"].as_str()), (Some(true), Some("127.0.0.1")));
    assert!(me["ExpirationDate"].is_string() && me["CreationDate"].is_string());
    let other = session(&seen, &phone.id);
    assert_eq!(
        (other["Browser"].as_str(), other["OperatingSystem"].as_str()),
        (Some("Chrome"), Some("Android"))
    );
    assert_eq!(other["Current"], false);

    // Seen from the phone, the phone is the current one; from a permanent key, none is.
    assert_eq!(session(&sessions(&c, &phone), &phone.id)["Current"], true);
    assert!(sessions(&c, &api_key).iter().all(|s| s["Current"] == false));
    // A client that says nothing of itself is a session without a device name.
    let bare = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let bare_session =
        sessions(&c, &bare).into_iter().find(|s| s["SessionId"] == bare.id.as_str()).unwrap();
    assert!(bare_session.get("Browser").is_none() && bare_session.get("OperatingSystem").is_none());
}

#[test]
fn delete_session_ends_exactly_that_session_and_its_keys() {
    let server = Server::start();
    let c = server.client();
    let laptop = sign_in_from(&c, FIREFOX_LINUX, None);
    let phone = sign_in_from(&c, CHROME_ANDROID, None);
    let tablet = sign_in_from(&c, CHROME_ANDROID, None);
    // A key the phone made within its session goes with it.
    let phone_child = key_of(&c.signed(&phone, "CreateAccessKey", json!({})).ok());
    let api_key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);

    let dry = json!({"SessionId": phone.id, "DryRun": true});
    c.signed(&laptop, "DeleteSession", dry).ok();
    c.signed(&phone, "ReadAccounts", json!({})).ok();

    c.signed(&laptop, "DeleteSession", json!({"SessionId": phone.id})).ok();
    for gone in [&phone, &phone_child] {
        c.signed(gone, "ReadAccounts", json!({})).err(401, "1");
    }
    for kept in [&laptop, &tablet, &api_key] {
        c.signed(kept, "ReadAccounts", json!({})).ok();
    }
    let left: Vec<_> =
        sessions(&c, &laptop).iter().map(|s| s["SessionId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(left.len(), 2);
    assert!(!left.contains(&phone.id));
    // Twice is no session.
    let again = c.signed(&laptop, "DeleteSession", json!({"SessionId": phone.id})).err(400, "4000");
    assert!(again.details().iter().any(|d| d.starts_with("SessionId")), "{:?}", again.details());
    // A permanent key is not a session: DeleteSession does not delete it.
    c.signed(&laptop, "DeleteSession", json!({"SessionId": api_key.id})).err(400, "4000");
    c.signed(&api_key, "ReadAccounts", json!({})).ok();
}

/// Issue 19, attack 7: the owner deactivated a stolen session's key, and a key made
/// inside that session still worked.
#[test]
fn deactivating_a_sessions_key_ends_the_session_like_deleting_it() {
    let server = Server::start();
    let c = server.client();
    let stolen = sign_in_from(&c, CHROME_ANDROID, None);
    let made_inside = key_of(&c.signed(&stolen, "CreateAccessKey", json!({})).ok());
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&made_inside, "ReadAccounts", json!({})).ok();

    let deactivate =
        |dry_run| json!({"AccessKeyId": stolen.id, "State": "INACTIVE", "DryRun": dry_run});
    c.signed(&owner, "UpdateAccessKey", deactivate(true)).ok();
    c.signed(&made_inside, "ReadAccounts", json!({})).ok();
    c.signed(&owner, "UpdateAccessKey", deactivate(false)).ok();
    for gone in [&stolen, &made_inside] {
        c.signed(gone, "ReadAccounts", json!({})).err(401, "1");
    }
    // Its key active again is that one key: what the session made stays gone.
    c.signed(&owner, "UpdateAccessKey", json!({"AccessKeyId": stolen.id, "State": "ACTIVE"})).ok();
    c.signed(&made_inside, "ReadAccounts", json!({})).err(401, "1");
    c.signed(&owner, "ReadAccounts", json!({})).ok();
}

#[test]
fn delete_other_sessions_keeps_the_callers_and_permanent_keys() {
    let server = Server::start();
    let c = server.client();
    let others: Vec<Key> = (0..5).map(|_| sign_in_from(&c, CHROME_ANDROID, None)).collect();
    let here = sign_in_from(&c, FIREFOX_LINUX, None);
    let api_key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);

    let reply = c.signed(&here, "DeleteOtherSessions", json!({})).ok();
    assert_eq!(reply["LoggedOutSessions"], 5);
    for k in &others {
        c.signed(k, "ReadAccounts", json!({})).err(401, "1");
    }
    c.signed(&api_key, "ReadAccounts", json!({})).ok();
    let left = sessions(&c, &here);
    assert_eq!((left.len(), left[0]["SessionId"].as_str()), (1, Some(here.id.as_str())));
}

#[test]
fn another_identity_can_neither_see_nor_end_a_session() {
    let server = Server::start();
    let c = server.client();
    let victim = sign_in_from(&c, FIREFOX_LINUX, None);
    let out = server.create_account("mallory@example.com", NEW_PASSWORD);
    assert!(out.status.success(), "{out:?}");
    let mallory = c.sign_in("mallory@example.com", NEW_PASSWORD);

    assert!(sessions(&c, &mallory).iter().all(|s| s["SessionId"] != victim.id.as_str()));
    c.signed(&mallory, "DeleteSession", json!({"SessionId": victim.id})).err(400, "4000");
    assert_eq!(c.signed(&mallory, "DeleteOtherSessions", json!({})).ok()["LoggedOutSessions"], 0);
    // The demo EIM user (a key of the account's, not a session) cannot end it either.
    let (_, user_key) = server.demo_user.clone().unwrap();
    c.signed(&user_key, "DeleteSession", json!({"SessionId": victim.id})).err(400, "4000");
    c.signed(&victim, "ReadAccounts", json!({})).ok();
}

#[test]
fn the_address_is_the_clients_only_behind_a_trusted_proxy() {
    let direct = Server::start();
    let c = direct.client();
    let forged = sign_in_from(&c, FIREFOX_LINUX, Some("203.0.113.9"));
    assert_eq!(session(&sessions(&c, &forged), &forged.id)["ClientIp"], "127.0.0.1");

    let proxied = Server::start_with(&["--demo", "--trusted-proxy", "127.0.0.1"]);
    let c = proxied.client();
    let forwarded = sign_in_from(&c, FIREFOX_LINUX, Some("198.51.100.7, 203.0.113.9"));
    assert_eq!(session(&sessions(&c, &forwarded), &forwarded.id)["ClientIp"], "203.0.113.9");
}

#[test]
fn last_activity_is_written_at_most_once_per_interval() {
    // The default interval (a minute): calls within it write nothing.
    let server = Server::start();
    let c = server.client();
    let key = sign_in_from(&c, FIREFOX_LINUX, None);
    std::thread::sleep(Duration::from_millis(1100));
    for _ in 0..20 {
        c.signed(&key, "ReadAccounts", json!({})).ok();
    }
    let me = session(&sessions(&c, &key), &key.id).clone();
    assert_eq!(me["LastActivityDate"], me["CreationDate"], "no write within the interval");

    // With a one-second interval, a call after it records its time; keys made within
    // the session count for it.
    let server = Server::start_with(&["--demo", "--activity-interval-secs", "1"]);
    let c = server.client();
    let key = sign_in_from(&c, FIREFOX_LINUX, None);
    let child = key_of(&c.signed(&key, "CreateAccessKey", json!({})).ok());
    std::thread::sleep(Duration::from_millis(2100));
    c.signed(&child, "ReadAccounts", json!({})).ok();
    // Read with a permanent key: reading with the session's key would record it too.
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let me = session(&sessions(&c, &admin), &key.id).clone();
        if me["LastActivityDate"] != me["CreationDate"] {
            break;
        }
        assert!(Instant::now() < deadline, "the activity was never recorded: {me:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
