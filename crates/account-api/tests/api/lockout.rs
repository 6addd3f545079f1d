//! Issue 19, attack 2: the lockout turned against the owner. Failures from unfamiliar
//! sources lock strangers out only: where the owner signed in before (an address, or a
//! browser's device cookie) they still sign in and change their password, while the
//! guesses an attacker makes stay bounded as before. Client addresses are set as a
//! trusted proxy would forward them.

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

const HOME: &str = "198.51.100.10";
const CAFE: &str = "192.0.2.44";
const THIEF: &str = "203.0.113.66";
/// The console's page, as the browser names it on every call (`Origin`).
const CONSOLE: &str = "http://console.example";
const COOKIE: &str = "osc_console_device";

fn proxied() -> Server {
    Server::start_with(&["--demo", "--trusted-proxy", "127.0.0.0/8"])
}

/// A client at `address` (not a browser: no `Origin`, no cookie).
fn from(address: &str) -> Vec<(&'static str, String)> {
    vec![("x-forwarded-for", address.to_owned())]
}

/// The console in a browser at `address`, with its device cookie if it has one.
fn browser(address: &str, cookie: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers = from(address);
    headers.push(("origin", CONSOLE.to_owned()));
    if let Some(value) = cookie {
        headers.push(("cookie", format!("lang=fr; {COOKIE}={value}")));
    }
    headers
}

/// The `Set-Cookie` of the device cookie, if the answer gives one.
fn set_cookie(r: &Reply) -> Option<String> {
    let mut set = r.headers.get_all("set-cookie").iter();
    let cookie = set.next().map(|v| v.to_str().unwrap().to_owned());
    assert!(set.next().is_none(), "one cookie at most");
    cookie
}

fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap();
    pair.strip_prefix(&format!("{COOKIE}=")).expect("the device cookie").to_owned()
}

fn guess(c: &Client, headers: &[(&str, String)]) -> Reply {
    c.basic_and("ReadAccessKeys", DEMO_EMAIL, "Wrong-Guess-123456!", json!({}), headers)
}

/// Three wrong guesses, then the fourth locks; answers when.
fn lock(c: &Client, headers: &[(&str, String)]) -> Instant {
    for _ in 0..3 {
        guess(c, headers).err(401, "1");
    }
    guess(c, headers).err(401, "13");
    Instant::now()
}

fn change_password(c: &Client, key: &Key, headers: &[(&str, String)]) -> serde_json::Value {
    let change = json!({
        "CurrentPassword": DEMO_PASSWORD,
        "NewPassword": NEW_PASSWORD,
        "LogoutOtherSessions": true,
    });
    c.signed_and(key, "UpdatePassword", change, headers).ok()
}

/// The attack as the issue ran it: a stolen session signs the owner out of their other
/// sessions and keeps the account locked from elsewhere. The owner, where they signed in
/// before, still signs in, changes the password and ends the stolen session; the lock
/// still refuses the right password from anywhere unfamiliar.
#[test]
fn a_thief_cannot_lock_the_owner_out_where_they_signed_in_before() {
    let server = proxied();
    let c = server.client();
    let (home, thief) = (from(HOME), from(THIEF));
    let owner = key_of(&c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &home).ok());
    let stolen = key_of(&c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &home).ok());

    c.signed_and(&stolen, "DeleteOtherSessions", json!({}), &thief).ok();
    c.signed_and(&owner, "ReadAccounts", json!({}), &home).err(401, "1");
    lock(&c, &thief);
    // The lock protects: the right password from an unfamiliar address is refused.
    c.basic_and("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({}), &thief).err(401, "13");
    c.basic_and("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({}), &from(CAFE)).err(401, "13");
    let wrong = json!({"CurrentPassword": "wrong", "NewPassword": NEW_PASSWORD});
    c.signed_and(&stolen, "UpdatePassword", wrong, &thief).err(401, "13");
    c.signed_and(&stolen, "ReadAccounts", json!({}), &thief).ok();

    // The owner, at home: signs in and takes the account back.
    let owner = key_of(&c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &home).ok());
    assert_eq!(change_password(&c, &owner, &home)["LoggedOutSessions"], 1);
    c.signed_and(&stolen, "ReadAccounts", json!({}), &thief).err(401, "1");

    // The thief keeps the lock going once it ends (4 guesses every time): the owner
    // still signs in at home, strangers still cannot.
    std::thread::sleep(Duration::from_secs(LOCK_UNIT) + Duration::from_millis(300));
    lock(&c, &thief);
    c.basic_and("ReadAccessKeys", DEMO_EMAIL, NEW_PASSWORD, json!({}), &thief).err(401, "13");
    c.sign_in_and(DEMO_EMAIL, NEW_PASSWORD, &home).ok();
}

/// The browser the owner signed in with keeps its device cookie: from a new network it
/// still signs in and changes the password while strangers are locked out. The cookie is
/// `HttpOnly`, never in a body nor stored as is, and a value the API never gave is a
/// stranger's.
#[test]
fn the_owners_browser_signs_in_from_a_new_network_with_its_device_cookie() {
    let server = proxied();
    let c = server.client();
    let first = c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &browser(HOME, None));
    let set = set_cookie(&first).expect("a browser's first sign-in gets a device cookie");
    let attributes: Vec<&str> = set.split("; ").skip(1).collect();
    assert_eq!(attributes, ["Max-Age=31536000", "Path=/api", "HttpOnly", "SameSite=Strict"]);
    let cookie = cookie_value(&set);
    assert_eq!(cookie.len(), 32, "128 bits, hex: {cookie}");
    assert!(!first.ok().to_string().contains(&cookie), "never in a body");
    assert!(!server.stored_bytes().windows(32).any(|w| w == cookie.as_bytes()), "stored hashed");

    lock(&c, &from(THIEF));
    // Where the owner never signed in, without the cookie or with one never given: a
    // stranger, locked out with the right password.
    c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &browser(CAFE, None)).err(401, "13");
    let forged = "0123456789abcdef0123456789abcdef";
    c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &browser(CAFE, Some(forged))).err(401, "13");

    let cafe = browser(CAFE, Some(&cookie));
    let again = c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &cafe);
    assert_eq!(set_cookie(&again), None, "a browser the identity knows keeps its cookie");
    let key = key_of(&again.ok());
    change_password(&c, &key, &cafe);
    c.sign_in_and(DEMO_EMAIL, NEW_PASSWORD, &cafe).ok();

    // Another identity does not know this browser: it gets a cookie of its own.
    let other = "other@example.com";
    assert!(server.create_account(other, "Another-Strong-Passw0rd!").status.success());
    let theirs = c.sign_in_and(other, "Another-Strong-Passw0rd!", &cafe);
    assert_ne!(cookie_value(&set_cookie(&theirs).unwrap()), cookie);

    // Over https (as the page's Origin says), the cookie is Secure; a client that is not
    // a browser (no Origin: osc-cli, a script) is given none.
    let mut https = from(HOME);
    https.push(("origin", "https://console.example".to_owned()));
    let secure = set_cookie(&c.sign_in_and(DEMO_EMAIL, NEW_PASSWORD, &https)).unwrap();
    assert!(secure.ends_with("; Secure"), "{secure}");
    assert_eq!(set_cookie(&c.sign_in_and(DEMO_EMAIL, NEW_PASSWORD, &from(HOME))), None);
}

/// From anywhere unfamiliar (any address, any made-up cookie) the fourth guess locks, as
/// before; a source the owner signed in from has a counter of its own, locked by its own
/// four failures. An attacker who also holds the owner's network gets exactly these two
/// counters' worth of checked guesses.
#[test]
fn guesses_stay_bounded_and_a_familiar_source_locks_its_own_counter() {
    let server = proxied();
    let c = server.client();
    let first = c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &browser(HOME, None));
    let cookie = cookie_value(&set_cookie(&first).unwrap());

    let hashes = server.password_hashes();
    for i in 0..3 {
        let made_up = format!("{i:032x}");
        guess(&c, &browser(&format!("203.0.113.{i}"), Some(&made_up))).err(401, "1");
    }
    guess(&c, &from("203.0.113.3")).err(401, "13");
    guess(&c, &from("203.0.113.4")).err(401, "13");
    // The owner's address, without the browser's cookie (osc-cli at home, or someone on
    // the same network): its own counter, locked by four failures.
    lock(&c, &from(HOME));
    c.basic_and("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({}), &from(HOME)).err(401, "13");
    assert_eq!(server.password_hashes() - hashes, 8, "4 guesses a counter, locked ones unchecked");

    // The owner's browser has a counter of its own: it signs in, at home or elsewhere.
    c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &browser(HOME, Some(&cookie))).ok();
    c.sign_in_and(DEMO_EMAIL, DEMO_PASSWORD, &browser(CAFE, Some(&cookie))).ok();
}
