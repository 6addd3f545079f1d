//! Issue 20 across instances: a key kept in memory by A and B, revoked on A, is refused
//! on A at its next call and on B within a second (B hears it through its watch); and
//! B, cut off from its notifications (the link to PostgreSQL frozen or cut by a proxy,
//! `proxy.rs`), never serves a key revoked meanwhile: it stops trusting what it keeps.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::cluster;
use crate::common::*;
use crate::proxy::{Proxy, ResumeOnDrop};
use crate::two_instances;

/// Has `keys` kept in memory by both instances, runs `revoke` (a call on A), then
/// checks each key refused on A at once and on B within a second, polling B every 25 ms.
#[track_caller]
fn revoked_everywhere(a: &Server, b: &Server, keys: &[&Key], what: &str, revoke: impl FnOnce()) {
    for key in keys {
        a.cache(key);
        b.cache(key);
    }
    revoke();
    let since = Instant::now();
    let (on_a, on_b) = (a.client(), b.client());
    for key in keys {
        on_a.signed(key, "ReadAccessKeys", json!({})).err(401, "1");
    }
    for key in keys {
        loop {
            let r = on_b.signed(key, "ReadAccessKeys", json!({}));
            let elapsed = since.elapsed();
            if r.status == 401 {
                r.err(401, "1");
                break;
            }
            assert_eq!(r.status, 200, "{}", r.body);
            assert!(
                elapsed < Duration::from_secs(1),
                "{what}: still served on B after {elapsed:?}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
    let elapsed = since.elapsed();
    eprintln!("{what}: refused on A at once, on B after {elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "{what}: refused on B after {elapsed:?}");
}

#[test]
fn a_key_deleted_on_one_instance_is_refused_on_the_other_within_a_second() {
    let (a, b) = two_instances(false);
    let on_a = a.client();
    let owner = on_a.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key = on_a.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    revoked_everywhere(&a, &b, &[&key], "deleted", || {
        on_a.signed(&owner, "DeleteAccessKey", json!({"AccessKeyId": key.id})).ok();
    });
}

#[test]
fn a_key_deactivated_on_one_instance_is_refused_on_the_other_within_a_second() {
    let (a, b) = two_instances(false);
    let on_a = a.client();
    let owner = on_a.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key = on_a.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    revoked_everywhere(&a, &b, &[&key], "deactivated", || {
        let deactivate = json!({"AccessKeyId": key.id, "State": "INACTIVE"});
        on_a.signed(&owner, "UpdateAccessKey", deactivate).ok();
    });
}

#[test]
fn sessions_signed_out_on_one_instance_are_refused_on_the_other_within_a_second() {
    let (a, b) = two_instances(false);
    let (on_a, on_b) = (a.client(), b.client());
    let here = on_a.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let other = on_b.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let made_inside = key_of(&on_b.signed(&other, "CreateAccessKey", json!({})).ok());
    revoked_everywhere(&a, &b, &[&other, &made_inside], "DeleteOtherSessions", || {
        on_a.signed(&here, "DeleteOtherSessions", json!({})).ok();
    });
    on_b.signed(&here, "ReadAccessKeys", json!({})).ok();
}

#[test]
fn a_password_changed_on_one_instance_with_logout_is_seen_by_the_other() {
    let (a, b) = two_instances(false);
    let (on_a, on_b) = (a.client(), b.client());
    let here = on_a.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let other = on_b.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    revoked_everywhere(&a, &b, &[&other], "UpdatePassword with LogoutOtherSessions", || {
        let change = json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW_PASSWORD, "LogoutOtherSessions": true});
        assert_eq!(on_a.signed(&here, "UpdatePassword", change).ok()["LoggedOutSessions"], 1);
    });
    // Passwords are not kept in memory: B checks the new one at once. (The lockout is
    // the database's as well: see `the_lockout_counts_failures_made_on_every_instance`.)
    on_b.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
    on_b.basic("ReadAccessKeys", DEMO_EMAIL, NEW_PASSWORD, json!({})).ok();
}

/// A call that reads nothing once its signer is known: `ReadAccessKeys` as a dry run,
/// signed with an account's key. While B cannot reach the database, only what B keeps
/// in memory can answer it, so a 200 means B served the key from its cache.
fn from_memory(c: &Client, key: &Key) -> Result<(u16, serde_json::Value), String> {
    c.try_signed(key, "ReadAccessKeys", json!({"DryRun": true}))
}

/// How B breaks its link to the database.
#[derive(Clone, Copy, Debug)]
enum Outage {
    Freeze,
    Cut,
}

/// A on the cluster, B through a proxy; key K kept in memory by B, another key valid.
/// The proxy breaks B's link, K is deleted on A a second later, and B must never serve
/// K: its calls fail (503) or hang (a call not answered within 2 s is not served).
/// Once the link is back, B refuses K and serves the valid key.
fn no_revoked_key_served_while_the_link_is_broken(outage: Outage) {
    cluster::force();
    let a = Server::listen();
    let proxy = Proxy::start(([127, 0, 0, 1], cluster::shared().port).into());
    let b = a.another_at(&proxy.url(&a.db, cluster::shared().port), &[], false);
    let _resume = ResumeOnDrop(&proxy);
    let on_a = a.client();
    let on_b = Client::over_http_within(&b.base, Duration::from_secs(2));
    let owner = on_a.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (revoked, valid) = (on_a.permanent_key(DEMO_EMAIL, DEMO_PASSWORD), owner.clone());
    b.cache(&revoked);
    b.cache(&valid);
    let before = from_memory(&on_b, &revoked).map(|(status, _)| status);
    assert_eq!(before, Ok(200), "B answers the probe from memory");

    match outage {
        Outage::Freeze => proxy.freeze(),
        Outage::Cut => proxy.cut(),
    }
    std::thread::sleep(Duration::from_secs(1));
    on_a.signed(&owner, "DeleteAccessKey", json!({"AccessKeyId": revoked.id})).ok();
    let deleted = Instant::now();
    // What B answered, and how many times ("no answer": it hung past the timeout).
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    while deleted.elapsed() < Duration::from_secs(3) {
        let answer = from_memory(&on_b, &revoked);
        let status = answer.as_ref().map(|(s, _)| *s).ok();
        assert_ne!(status, Some(200), "{outage:?}: B served a key deleted on A: {answer:?}");
        *answers.entry(status.map_or("no answer".to_owned(), |s| s.to_string())).or_default() += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("{outage:?}: B's answers for the deleted key while cut off: {answers:?}");

    proxy.resume();
    let resumed = Instant::now();
    loop {
        let answer = from_memory(&on_b, &revoked);
        match answer.as_ref().map(|(s, _)| *s) {
            Ok(401) => break,
            Ok(200) => panic!("{outage:?}: B served a key deleted on A: {answer:?}"),
            _ => {}
        }
        assert!(resumed.elapsed() < Duration::from_secs(10), "{outage:?}: {answer:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let refused_after = resumed.elapsed();
    loop {
        match from_memory(&on_b, &valid) {
            Ok((200, _)) => break,
            answer => assert!(resumed.elapsed() < Duration::from_secs(10), "{answer:?}"),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "{outage:?}: link back; B refuses the deleted key after {refused_after:?}, serves a valid one after {:?}",
        resumed.elapsed()
    );
}

#[test]
fn an_instance_whose_link_is_frozen_never_serves_a_key_revoked_meanwhile() {
    no_revoked_key_served_while_the_link_is_broken(Outage::Freeze);
}

#[test]
fn an_instance_whose_link_is_cut_never_serves_a_key_revoked_meanwhile() {
    no_revoked_key_served_while_the_link_is_broken(Outage::Cut);
}

/// A frozen link is a 503 for ReadAccounts within seconds (its read gives up after 5 s
/// and drops the silent connection), not a request left hanging until its 30 s deadline;
/// once the link is back, the account is read again.
#[test]
fn a_read_over_a_frozen_link_answers_503_within_seconds() {
    cluster::force();
    let a = Server::listen();
    let proxy = Proxy::start(([127, 0, 0, 1], cluster::shared().port).into());
    let b = a.another_at(&proxy.url(&a.db, cluster::shared().port), &[], false);
    let _resume = ResumeOnDrop(&proxy);
    let on_b = Client::over_http_within(&b.base, Duration::from_secs(15));
    let key = a.client().permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    on_b.signed(&key, "ReadAccounts", json!({})).ok();

    proxy.freeze();
    let frozen = Instant::now();
    let answer = on_b.try_signed(&key, "ReadAccounts", json!({}));
    let took = frozen.elapsed();
    eprintln!("frozen link: ReadAccounts answered {answer:?} after {took:?}");
    assert_eq!(answer.map(|(status, _)| status), Ok(503));
    assert!(took < Duration::from_secs(10), "{took:?}");

    proxy.resume();
    let resumed = Instant::now();
    while on_b.try_signed(&key, "ReadAccounts", json!({})).map(|(s, _)| s) != Ok(200) {
        assert!(resumed.elapsed() < Duration::from_secs(10), "B reads the account again");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A backend of the cluster stopped (SIGSTOP) until dropped: it neither reads nor
/// answers, while its connection stays open.
struct Stopped(i32);

impl Stopped {
    /// The revocation watch's backend of `server`'s database.
    fn watch_of(server: &Server) -> Self {
        let db = server.db.split('?').next().unwrap().rsplit('/').next().unwrap().to_owned();
        let mut admin = cluster::shared().admin().expect("the cluster");
        let pid: i32 = admin
            .query_one(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2
                    ORDER BY backend_start DESC LIMIT 1",
                &[&db, &"account-api revocation watch"],
            )
            .expect("the watch's backend")
            .get(0);
        // SAFETY: kill only sends a signal, to a backend of the tests' own cluster.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0, "SIGSTOP {pid}");
        Stopped(pid)
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::kill(self.0, libc::SIGCONT) };
    }
}

/// The instance that revokes a key forgets it before its call answers by itself: the
/// revoking transaction tells its own connection (migration 11's notice). Its watch,
/// which would hear it too a moment later, is stopped here, so only that can void the
/// key in time; the epoch of the keys kept in memory has moved when the call answers.
#[test]
fn the_revoking_instance_forgets_the_key_before_answering_without_its_watch() {
    cluster::force();
    let a = Server::listen();
    let c = a.client();
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    for revoke in ["DeleteAccessKey", "UpdateAccessKey"] {
        let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
        a.cache(&key);
        let stopped = Stopped::watch_of(&a);
        let before = a.state().verified_keys.epoch();
        let body = match revoke {
            "DeleteAccessKey" => json!({"AccessKeyId": key.id}),
            _ => json!({"AccessKeyId": key.id, "State": "INACTIVE"}),
        };
        c.signed(&owner, revoke, body).ok();
        assert!(a.state().verified_keys.epoch() > before, "{revoke}: the key's epoch did not move");
        c.signed(&key, "ReadAccessKeys", json!({})).err(401, "1");
        drop(stopped);
    }
}
