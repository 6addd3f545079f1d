//! Issue 20: verified access keys are kept in memory, and what revokes one voids them.
//! Each test first has the key served and checks that the instance keeps it
//! (`verified_keys`), so a refusal afterwards proves the cache let go of it: the next
//! call after a revocation made here is refused, a call that starts after the revoking
//! call answered is never served, and a change made in the database by another
//! connection (an operator, the command line) is heard within a second.
//! Runs on SQLite, and on PostgreSQL with `ACCOUNT_API_TEST_DB=postgres`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::*;

/// A call every identity may make: an account's key, a session's, an EIM user's.
fn call(c: &Client, key: &Key) -> Reply {
    c.signed(key, "ReadAccessKeys", json!({}))
}

#[track_caller]
fn refused(c: &Client, key: &Key) {
    call(c, key).err(401, "1");
}

#[test]
fn a_deleted_key_is_refused_at_its_next_call() {
    let server = Server::start();
    let c = server.client();
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&key);
    c.signed(&owner, "DeleteAccessKey", json!({"AccessKeyId": key.id})).ok();
    refused(&c, &key);
}

#[test]
fn a_deactivated_key_is_refused_at_its_next_call() {
    let server = Server::start();
    let c = server.client();
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&key);
    let deactivate = json!({"AccessKeyId": key.id, "State": "INACTIVE"});
    c.signed(&owner, "UpdateAccessKey", deactivate).ok();
    refused(&c, &key);
}

/// "Se déconnecter des autres appareils": the other session's key, and a key made
/// inside it, both kept in memory.
#[test]
fn delete_other_sessions_refuses_their_keys_at_their_next_call() {
    let server = Server::start();
    let c = server.client();
    let here = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let other = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let made_inside = key_of(&c.signed(&other, "CreateAccessKey", json!({})).ok());
    server.cache(&other);
    server.cache(&made_inside);
    c.signed(&here, "DeleteOtherSessions", json!({})).ok();
    refused(&c, &other);
    refused(&c, &made_inside);
    call(&c, &here).ok();
}

#[test]
fn a_password_changed_with_logout_of_other_sessions_refuses_their_keys_at_their_next_call() {
    let server = Server::start();
    let c = server.client();
    let here = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let other = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&other);
    let change = json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW_PASSWORD, "LogoutOtherSessions": true});
    assert_eq!(c.signed(&here, "UpdatePassword", change).ok()["LoggedOutSessions"], 1);
    refused(&c, &other);
    call(&c, &here).ok();
}

/// DeleteUser refuses a user that still has keys (OUTSCALE's rule): the account
/// deactivates the user's key first, which refuses it at once, and the user goes with
/// it. (A user deleted in the database takes its keys along: see the test below.)
#[test]
fn an_eim_users_key_is_refused_once_the_account_removes_the_user() {
    let server = Server::start();
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&admin, "CreateUser", json!({"UserName": "leaver"})).ok();
    let key = key_of(&c.signed(&admin, "CreateAccessKey", json!({"UserName": "leaver"})).ok());
    server.cache(&key);
    c.signed(&admin, "DeleteUser", json!({"UserName": "leaver"})).err(409, "9002");
    call(&c, &key).ok();
    let deactivate = json!({"UserName": "leaver", "AccessKeyId": key.id, "State": "INACTIVE"});
    c.signed(&admin, "UpdateAccessKey", deactivate).ok();
    refused(&c, &key);
    c.signed(&admin, "DeleteAccessKey", json!({"UserName": "leaver", "AccessKeyId": key.id})).ok();
    c.signed(&admin, "DeleteUser", json!({"UserName": "leaver"})).ok();
    refused(&c, &key);
}

/// Calls in flight while the key is deleted may go either way; a call that starts once
/// DeleteAccessKey has answered must be refused, whatever thread sends it.
#[test]
fn no_call_that_starts_after_delete_access_key_answered_is_served() {
    const THREADS: usize = 4;
    let server = Server::start();
    let c = server.client();
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&key);

    let stop = Arc::new(AtomicBool::new(false));
    let calls: Arc<Mutex<Vec<(Instant, u16)>>> = Default::default();
    let hammers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (c, key, stop, calls) = (c.clone(), key.clone(), stop.clone(), calls.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let started = Instant::now();
                    let status = match c.try_signed(&key, "ReadAccounts", json!({})) {
                        Ok((status, _)) => status,
                        Err(e) => panic!("no answer: {e}"),
                    };
                    calls.lock().unwrap().push((started, status));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    c.signed(&owner, "DeleteAccessKey", json!({"AccessKeyId": key.id})).ok();
    let answered = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    for h in hammers {
        h.join().expect("hammer");
    }

    let calls = calls.lock().unwrap();
    let served_before = calls.iter().filter(|(t, s)| *t < asked && *s == 200).count();
    let after: Vec<u16> = calls.iter().filter(|(t, _)| *t > answered).map(|(_, s)| *s).collect();
    let in_flight = calls.len() - after.len() - calls.iter().filter(|(t, _)| *t < asked).count();
    eprintln!(
        "{} calls: {served_before} served before the deletion, {in_flight} started during it, {} after it",
        calls.len(),
        after.len()
    );
    assert!(served_before > 0, "the key was served before its deletion");
    assert!(!after.is_empty(), "calls started after the deletion answered");
    let not_refused: Vec<&u16> = after.iter().filter(|s| **s != 401).collect();
    assert!(
        not_refused.is_empty(),
        "{} of {} calls started after the deletion were not refused: {:?}…",
        not_refused.len(),
        after.len(),
        &not_refused[..not_refused.len().min(5)]
    );
}

/// Runs `statement` on the server's database through a connection of its own, as an
/// operator or another program would.
fn run_sql(server: &Server, statement: &str) {
    if Server::on_postgres() {
        let mut db = postgres::Client::connect(&server.db, postgres::NoTls).expect("PostgreSQL");
        db.batch_execute(statement).expect(statement);
    } else {
        let db = rusqlite::Connection::open(&server.db).expect("the SQLite file");
        // Per connection on SQLite: a user deleted takes its keys along (ON DELETE CASCADE).
        db.execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;").unwrap();
        db.execute_batch(statement).expect(statement);
    }
}

/// Polls every 50 ms until `key` is refused; how long that took.
#[track_caller]
fn refused_within_a_second(c: &Client, key: &Key, what: &str) -> Duration {
    let since = Instant::now();
    loop {
        let r = call(c, key);
        let elapsed = since.elapsed();
        if r.status == 401 {
            r.err(401, "1");
            eprintln!("{what}: refused after {elapsed:?}");
            assert!(elapsed < Duration::from_secs(1), "{what}: served for {elapsed:?}");
            return elapsed;
        }
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(elapsed < Duration::from_secs(1), "{what}: still served after {elapsed:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_key_changed_in_the_database_by_another_connection_is_refused_within_a_second() {
    let server = Server::start();
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);

    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&key);
    run_sql(
        &server,
        &format!("UPDATE access_keys SET state = 'INACTIVE' WHERE access_key_id = '{}'", key.id),
    );
    refused_within_a_second(&c, &key, "deactivated in the database");

    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&key);
    run_sql(&server, &format!("DELETE FROM access_keys WHERE access_key_id = '{}'", key.id));
    refused_within_a_second(&c, &key, "deleted in the database");

    // A user deleted by hand: its keys go by the foreign key's cascade, which the
    // triggers see as well.
    c.signed(&admin, "CreateUser", json!({"UserName": "removed"})).ok();
    let key = key_of(&c.signed(&admin, "CreateAccessKey", json!({"UserName": "removed"})).ok());
    server.cache(&key);
    run_sql(&server, "DELETE FROM users WHERE user_name = 'removed'");
    refused_within_a_second(&c, &key, "its user deleted in the database");
    call(&c, &admin).ok();
}

/// Deactivates `key` in the database without a word to the server: the change the
/// triggers would report goes unheard (PostgreSQL's replica role skips them; SQLite's
/// trigger is dropped). Only a write's own re-check of the key can see it.
fn deactivate_unheard(server: &Server, key: &Key) {
    let deactivate =
        format!("UPDATE access_keys SET state = 'INACTIVE' WHERE access_key_id = '{}'", key.id);
    if Server::on_postgres() {
        run_sql(server, &format!("SET session_replication_role = replica; {deactivate}"));
    } else {
        run_sql(server, &format!("DROP TRIGGER access_key_changed; {deactivate}"));
    }
    // Past SQLite's counters' reading (ten a second) and PostgreSQL's notifications.
    std::thread::sleep(Duration::from_millis(300));
}

/// A write re-checks its caller's key inside its own transaction: a key the server
/// still trusts from memory but the database no longer holds active is refused, and
/// its write does not land. UpdateAccount is one statement, sent whole with the
/// re-check on PostgreSQL (`Store::write_one`); CreateUser runs through the pool.
#[test]
fn a_write_signed_with_a_key_deactivated_unheard_is_refused_and_lands_nothing() {
    let server = Server::start();
    let c = server.client();
    let owner = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    server.cache(&key);
    let city = c.account(&owner)["City"].clone();
    deactivate_unheard(&server, &key);
    // Reads trust what the server keeps (see the test above for what it hears).
    c.signed(&key, "ReadAccounts", json!({})).ok();

    c.signed(&key, "UpdateAccount", json!({"City": "Unheard"})).err(401, "1");
    assert_eq!(c.account(&owner)["City"], city, "the refused update did not land");
    c.signed(&key, "CreateUser", json!({"UserName": "unheard"})).err(401, "1");
    let users = c.signed(&owner, "ReadUsers", json!({})).ok();
    assert!(!users.to_string().contains("\"unheard\""), "the refused user was made: {users}");
    // The owner's own writes still land.
    c.signed(&owner, "UpdateAccount", json!({"City": "Heard"})).ok();
}
