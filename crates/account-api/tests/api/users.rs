//! EIM users: the account manages them; a user signs in as ACCOUNT_ID/username,
//! manages only its own keys, and sets up then changes its own password.

use crate::common::*;
use serde_json::json;

const USER_PASSWORD: &str = "Green-Valley-Compass-82";

#[test]
fn the_account_creates_reads_updates_and_deletes_users() {
    let server = Server::start();
    let c = server.client();
    let admin = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let created = c
        .signed(
            &admin,
            "CreateUser",
            json!({"UserName": "alice", "UserEmail": "alice@example.com", "Path": "/ops/"}),
        )
        .ok();
    assert_eq!(created["User"]["UserName"], "alice");
    assert_eq!(created["User"]["Path"], "/ops/");
    let user_id = created["User"]["UserId"].as_str().unwrap().to_owned();
    c.signed(&admin, "CreateUser", json!({"UserName": "alice"})).err(409, "9022");
    c.signed(&admin, "CreateUser", json!({"UserName": "bad name"})).err(400, "4047");
    c.signed(&admin, "CreateUser", json!({"UserName": "bob", "UserEmail": "nope"}))
        .err(400, "4020");
    c.signed(&admin, "CreateUser", json!({})).err(400, "7000");

    let names = |body: serde_json::Value| -> Vec<String> {
        body["Users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["UserName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(c.signed(&admin, "ReadUsers", json!({})).ok()), ["alice", "demo-user"]);
    assert_eq!(
        names(c.signed(&admin, "ReadUsers", json!({"Filters": {"UserIds": [user_id]}})).ok()),
        ["alice"]
    );

    let updated = c
        .signed(
            &admin,
            "UpdateUser",
            json!({"UserName": "alice", "NewUserName": "alice2", "NewUserEmail": "a2@example.com"}),
        )
        .ok();
    assert_eq!(updated["User"]["UserName"], "alice2");
    assert_eq!(updated["User"]["UserId"], user_id.as_str());
    c.signed(&admin, "UpdateUser", json!({"UserName": "alice2", "NewUserName": "demo-user"}))
        .err(409, "9022");
    c.signed(&admin, "UpdateUser", json!({"UserName": "ghost"})).err(400, "5075");

    // As on OUTSCALE: a user with keys is not deleted, and a user's key is deleted
    // only once INACTIVE.
    let key = key_of(&c.signed(&admin, "CreateAccessKey", json!({"UserName": "alice2"})).ok());
    c.signed(&key, "ReadAccessKeys", json!({})).ok();
    c.signed(&admin, "DeleteUser", json!({"UserName": "alice2"})).err(409, "9002");
    let delete_key = json!({"UserName": "alice2", "AccessKeyId": key.id});
    c.signed(&admin, "DeleteAccessKey", delete_key.clone()).err(409, "9002");
    c.signed(
        &admin,
        "UpdateAccessKey",
        json!({"UserName": "alice2", "AccessKeyId": key.id, "State": "INACTIVE"}),
    )
    .ok();
    c.signed(&admin, "DeleteAccessKey", delete_key).ok();
    c.signed(&admin, "DeleteUser", json!({"UserName": "alice2"})).ok();
    c.signed(&key, "ReadAccessKeys", json!({})).err(401, "1");
    assert_eq!(names(c.signed(&admin, "ReadUsers", json!({})).ok()), ["demo-user"]);
}

#[test]
fn a_user_key_acts_as_the_user_and_reaches_nothing_else() {
    let server = Server::start();
    let c = server.client();
    let (login, user_key) = server.demo_user.clone().expect("the demo user was printed");
    let admin = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&admin, "CreateUser", json!({"UserName": "bob"})).ok();
    let bob_key = key_of(&c.signed(&admin, "CreateAccessKey", json!({"UserName": "bob"})).ok());

    let identity = c.signed(&user_key, "ReadIdentity", json!({})).ok();
    assert_eq!(identity["Login"], login.as_str());
    assert_eq!(identity["UserName"], "demo-user");
    assert_eq!(identity["HasPassword"], false);
    let admin_identity = c.signed(&admin, "ReadIdentity", json!({})).ok();
    assert_eq!(
        (admin_identity["Login"].as_str(), admin_identity["HasPassword"].as_bool()),
        (Some(DEMO_EMAIL), Some(true))
    );
    assert!(admin_identity.get("UserName").is_none());

    // Account-level calls are refused to users.
    for (call, body) in [
        ("ReadAccounts", json!({})),
        ("UpdateAccount", json!({"City": "Lyon"})),
        ("CreateUser", json!({"UserName": "eve"})),
        ("ReadUsers", json!({})),
        ("UpdateUser", json!({"UserName": "bob", "NewUserName": "eve"})),
        ("DeleteUser", json!({"UserName": "bob"})),
    ] {
        c.signed(&user_key, call, body).err(401, "4");
    }
    // Its own keys only.
    let own = c.signed(&user_key, "ReadAccessKeys", json!({})).ok();
    assert_eq!(own["AccessKeys"].as_array().unwrap().len(), 1);
    c.signed(&user_key, "ReadAccessKeys", json!({"UserName": "demo-user"})).ok();
    c.signed(&user_key, "ReadAccessKeys", json!({"UserName": "bob"})).err(401, "4");
    c.signed(&user_key, "DeleteAccessKey", json!({"AccessKeyId": bob_key.id})).err(400, "4000");
    c.signed(&user_key, "DeleteAccessKey", json!({"AccessKeyId": admin.id})).err(400, "4000");
    c.signed(&user_key, "CreateAccessKey", json!({"UserName": "bob"})).err(401, "4");
    let mine = key_of(&c.signed(&user_key, "CreateAccessKey", json!({"Tag": "cli"})).ok());
    c.signed(&mine, "ReadIdentity", json!({})).ok();
    // The account sees and manages everyone's keys through UserName.
    let bobs = c.signed(&admin, "ReadAccessKeys", json!({"UserName": "bob"})).ok();
    assert_eq!(bobs["AccessKeys"][0]["AccessKeyId"], bob_key.id.as_str());
    let account_keys = c.signed(&admin, "ReadAccessKeys", json!({})).ok();
    assert_eq!(
        account_keys["AccessKeys"].as_array().unwrap().len(),
        1,
        "the account's own keys only"
    );
    c.signed(
        &admin,
        "UpdateAccessKey",
        json!({"AccessKeyId": bob_key.id, "UserName": "bob", "State": "INACTIVE"}),
    )
    .ok();
    c.signed(&bob_key, "ReadIdentity", json!({})).err(401, "1");
    c.signed(&admin, "ReadAccessKeys", json!({"UserName": "nobody"})).err(400, "5075");
}

#[test]
fn a_user_sets_up_a_password_signs_in_with_it_then_changes_it() {
    let server = Server::start();
    let c = server.client();
    let (login, user_key) = server.demo_user.clone().unwrap();
    // No password yet: Basic sign-in fails, and set-up needs no CurrentPassword.
    c.basic("CreateAccessKey", &login, "anything", json!({})).err(401, "1");
    c.signed(&user_key, "UpdatePassword", json!({"NewPassword": "weak"})).err(400, "4048");
    c.signed(&user_key, "UpdatePassword", json!({"NewPassword": USER_PASSWORD})).ok();
    assert_eq!(c.signed(&user_key, "ReadIdentity", json!({})).ok()["HasPassword"], true);

    // ACCOUNT_ID/username signs in; CheckAuthentication takes that login too.
    let session = c.sign_in(&login, USER_PASSWORD);
    let phone = c.sign_in(&login, USER_PASSWORD);
    assert_eq!(c.signed(&session, "ReadIdentity", json!({})).ok()["UserName"], "demo-user");
    c.signed(&session, "CheckAuthentication", json!({"Login": login, "Password": USER_PASSWORD}))
        .ok();

    // Once set, the current password is required, and the usual rules apply.
    c.signed(&session, "UpdatePassword", json!({"NewPassword": "Other-Valley-Compass-83"}))
        .err(400, "7000");
    c.signed(
        &session,
        "UpdatePassword",
        json!({"CurrentPassword": "wrong", "NewPassword": "Other-Valley-Compass-83"}),
    )
    .err(400, "4048");
    c.signed(
        &session,
        "UpdatePassword",
        json!({"CurrentPassword": USER_PASSWORD, "NewPassword": USER_PASSWORD}),
    )
    .err(400, "4048");
    let r = c
        .signed(&session, "UpdatePassword", json!({"CurrentPassword": USER_PASSWORD, "NewPassword": "Other-Valley-Compass-83", "LogoutOtherSessions": true}))
        .ok();
    assert_eq!(r["LoggedOutSessions"], 1, "the phone's session; the user's permanent key stays");
    c.signed(&phone, "ReadIdentity", json!({})).err(401, "1");
    c.signed(&user_key, "ReadIdentity", json!({})).ok();
    c.signed(&session, "ReadIdentity", json!({})).ok();
    c.sign_in(&login, "Other-Valley-Compass-83");
    // The account's own password did not move.
    c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
}

/// Extension: ReadUsers (and CreateUser, UpdateUser) tell whether each user has set up a
/// password, for the console's list of EIM users.
#[test]
fn read_users_tells_which_users_have_a_password() {
    let server = Server::start();
    let c = server.client();
    let (_, user_key) = server.demo_user.clone().unwrap();
    let admin = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let created = c.signed(&admin, "CreateUser", json!({"UserName": "carol"})).ok();
    assert_eq!(created["User"]["HasPassword"], false);
    let has_password = |c: &Client| -> Vec<(String, bool)> {
        let body = c.signed(&admin, "ReadUsers", json!({})).ok();
        let users = body["Users"].as_array().unwrap().iter();
        users
            .map(|u| (u["UserName"].as_str().unwrap().into(), u["HasPassword"].as_bool().unwrap()))
            .collect()
    };
    assert_eq!(has_password(&c), [("carol".into(), false), ("demo-user".into(), false)]);
    c.signed(&user_key, "UpdatePassword", json!({"NewPassword": USER_PASSWORD})).ok();
    assert_eq!(has_password(&c), [("carol".into(), false), ("demo-user".into(), true)]);
    let renamed = c
        .signed(&admin, "UpdateUser", json!({"UserName": "demo-user", "NewUserName": "dana"}))
        .ok();
    assert_eq!(renamed["User"]["HasPassword"], true, "a rename keeps the password");
}

#[test]
fn lockout_is_counted_per_identity() {
    let server = Server::start();
    let c = server.client();
    let (login, user_key) = server.demo_user.clone().unwrap();
    c.signed(&user_key, "UpdatePassword", json!({"NewPassword": USER_PASSWORD})).ok();
    for _ in 0..3 {
        c.basic("ReadAccessKeys", &login, "wrong", json!({})).err(401, "1");
    }
    c.basic("ReadAccessKeys", &login, "wrong", json!({})).err(401, "13");
    c.basic("ReadAccessKeys", &login, USER_PASSWORD, json!({})).err(401, "13");
    // The account itself is not locked by its user's failures.
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
}

#[test]
fn create_user_from_the_command_line() {
    let server = Server::start();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(server.storage_args())
        .args(["create-user", "--account-email", DEMO_EMAIL, "--user-name", "carol"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let value =
        |label: &str| text.lines().find_map(|l| l.strip_prefix(label)).unwrap().trim().to_owned();
    let key = Key { id: value("Access key:"), secret: value("Secret key:") };
    let c = server.client();
    assert_eq!(c.signed(&key, "ReadIdentity", json!({})).ok()["UserName"], "carol");
}
