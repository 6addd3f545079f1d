//! The promises of issue 7, each tried as an attacker or a heavy user would: the
//! lockout under parallel guesses, a stolen session against "sign out other devices",
//! a hundred sign-ins, no default credentials, weak passwords, enumeration, the
//! limits an EIM user meets, and the server's own hardening.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::common::*;
use account_contract::signing::{self, Algorithm, SigningKey};
use serde_json::json;

fn parallel<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let f = &f;
                s.spawn(move || f(i))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn twenty_parallel_guesses_meet_the_lock_and_so_does_the_right_password() {
    let server = Server::process();
    let c = server.client();
    let before = server.log_count("password checked");
    let answers = parallel(20, |_| {
        let r = c.basic("ReadAccessKeys", DEMO_EMAIL, "Wrong-Guess-123456!", json!({}));
        (r.status, r.code().to_owned())
    });
    assert!(answers.iter().all(|(status, _)| *status == 401), "{answers:?}");
    let locked = answers.iter().filter(|(_, code)| code == "13").count();
    assert!(locked >= 16, "at most 4 guesses are checked, the rest meet the lock: {answers:?}");
    std::thread::sleep(Duration::from_millis(200)); // let the log lines arrive
    let checked = server.log_count("password checked") - before;
    assert!(checked <= 4, "{checked} argon2 checks for 20 parallel guesses");
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
}

#[test]
fn a_stolen_session_ends_with_sign_out_other_devices() {
    let server = Server::start();
    let c = server.client();
    let victim = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let stolen = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let api_key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD); // the person's own CI key
    let stolen_end = c
        .signed(&stolen, "ReadAccessKeys", json!({"Filters": {"AccessKeyIds": [stolen.id]}}))
        .ok()["AccessKeys"][0]["ExpirationDate"]
        .clone();

    // The thief tries to make the session outlive itself.
    c.signed(
        &stolen,
        "UpdateAccessKey",
        json!({"AccessKeyId": stolen.id, "ClearExpirationDate": true}),
    )
    .err(400, "4047");
    c.signed(
        &stolen,
        "UpdateAccessKey",
        json!({"AccessKeyId": stolen.id, "ExpirationDate": "2099-01-01"}),
    )
    .err(400, "4047");
    // (A key outliving the session needs a recent proof: reauthentication.rs.)
    let minted = c.signed(&stolen, "CreateAccessKey", json!({})).ok();
    assert_eq!(
        minted["AccessKey"]["ExpirationDate"], stolen_end,
        "a key made in a session ends with it"
    );
    let minted = key_of(&minted);
    c.signed(
        &minted,
        "UpdateAccessKey",
        json!({"AccessKeyId": minted.id, "ClearExpirationDate": true}),
    )
    .err(400, "4047");
    let for_user =
        key_of(&c.signed(&stolen, "CreateAccessKey", json!({"UserName": "demo-user"})).ok());
    c.signed(&for_user, "ReadAccessKeys", json!({})).ok();

    let r = c
        .signed(&victim, "UpdatePassword", json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW_PASSWORD, "LogoutOtherSessions": true}))
        .ok();
    assert_eq!(r["LoggedOutSessions"], 1);
    for key in [&stolen, &minted, &for_user] {
        c.signed(key, "ReadAccessKeys", json!({})).err(401, "1");
    }
    c.signed(&victim, "ReadAccounts", json!({})).ok();
    c.signed(&api_key, "ReadAccounts", json!({})).ok();
    c.basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
}

#[test]
fn parallel_password_changes_from_one_current_password_land_once() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let answers = parallel(6, |i| {
        let new = format!("{NEW_PASSWORD}{i}");
        c.signed(
            &key,
            "UpdatePassword",
            json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": new}),
        )
        .status
    });
    assert_eq!(answers.iter().filter(|s| **s == 200).count(), 1, "{answers:?}");
}

#[test]
fn a_hundred_sign_ins_without_signing_out_all_work() {
    let server = Server::start_with(&[
        "--demo",
        "--password-checks-per-sec",
        "1000",
        "--password-checks-burst",
        "1000",
    ]);
    let c = server.client();
    let mut last = None;
    for i in 0..100 {
        let expires = "2099-01-01T00:00:00Z"; // sessions nobody ends
        let r = c.basic(
            "CreateAccessKey",
            DEMO_EMAIL,
            DEMO_PASSWORD,
            json!({"ExpirationDate": expires, "Tag": "osc-console"}),
        );
        assert_eq!(r.status, 200, "sign-in #{}: {}", i + 1, r.body);
        last = Some(key_of(&r.body));
    }
    let keys = c.signed(last.as_ref().unwrap(), "ReadAccessKeys", json!({})).ok()["AccessKeys"]
        .as_array()
        .unwrap()
        .len();
    assert!(keys <= 50, "{keys} keys kept");
}

#[test]
fn expired_keys_do_not_count_toward_the_limit() {
    let server = Server::start();
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::seconds(2))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    for _ in 0..49 {
        c.signed(&admin, "CreateAccessKey", json!({"ExpirationDate": soon})).ok();
    }
    c.signed(&admin, "CreateAccessKey", json!({})).err(400, "10005");
    std::thread::sleep(Duration::from_millis(2_500));
    c.signed(&admin, "CreateAccessKey", json!({})).ok();
    let keys =
        c.signed(&admin, "ReadAccessKeys", json!({})).ok()["AccessKeys"].as_array().unwrap().len();
    assert_eq!(keys, 2, "the expired keys were purged");
}

#[test]
fn an_empty_database_without_demo_has_no_account() {
    let server = Server::start_with(&[]);
    assert!(
        server.stdout.iter().any(|l| l.contains("No account yet: create one with")),
        "{:?}",
        server.stdout
    );
    assert!(!server.stdout.iter().any(|l| l.contains("secret key")));
    server.client().basic("CreateAccessKey", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
    // With --demo, its user's secret goes to standard output only, never to the log.
    let demo = Server::process();
    let (_, key) = demo.demo_user.clone().expect("the demo user");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(demo.log_count(&key.secret), 0);
}

#[test]
fn guessable_passwords_are_refused_with_the_reason() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    for weak in ["Password123456789!", "Aaaaaaaaaaaaaaaaaaaa1!"] {
        let r = c.signed(
            &key,
            "UpdatePassword",
            json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": weak}),
        );
        assert_eq!(
            r.err(400, "4048").details(),
            ["NewPassword: [strong] is too easy to guess: avoid common words, names and patterns."]
        );
    }
}

#[test]
fn eim_logins_cannot_be_told_apart_by_their_lockout() {
    let server = Server::start();
    let c = server.client();
    let (login, _) = server.demo_user.clone().unwrap();
    let account = login.split('/').next().unwrap().to_owned();
    // For a user that exists and one that does not, four failures typed with a stray
    // space lock the login as written without it, in the same way.
    for name in ["demo-user", "nobody"] {
        for _ in 0..4 {
            c.basic(
                "ReadAccessKeys",
                &format!(" {account}/{name} "),
                "Wrong-Guess-123456!",
                json!({}),
            );
        }
        c.basic("ReadAccessKeys", &format!("{account}/{name}"), "Wrong-Guess-123456!", json!({}))
            .err(401, "13");
    }
}

#[test]
fn emails_that_would_read_as_logins_are_refused() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    for bad in ["123456789012/x@example.com", "a:b@example.com"] {
        c.signed(&key, "UpdateAccount", json!({"Email": bad})).err(400, "4020");
    }
}

#[test]
fn an_eim_user_cannot_undo_what_the_account_decided_for_its_keys() {
    let server = Server::start();
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let (_, own) = server.demo_user.clone().unwrap();
    let second =
        key_of(&c.signed(&admin, "CreateAccessKey", json!({"UserName": "demo-user"})).ok());
    c.signed(
        &admin,
        "UpdateAccessKey",
        json!({"UserName": "demo-user", "AccessKeyId": second.id, "State": "INACTIVE"}),
    )
    .ok();
    c.signed(&own, "UpdateAccessKey", json!({"AccessKeyId": second.id, "State": "ACTIVE"}))
        .err(401, "4");
    c.signed(
        &admin,
        "UpdateAccessKey",
        json!({"UserName": "demo-user", "AccessKeyId": own.id, "ExpirationDate": "2098-01-01"}),
    )
    .ok();
    c.signed(&own, "UpdateAccessKey", json!({"AccessKeyId": own.id, "ClearExpirationDate": true}))
        .err(401, "4");
    c.signed(
        &own,
        "UpdateAccessKey",
        json!({"AccessKeyId": own.id, "ExpirationDate": "2099-01-01"}),
    )
    .err(401, "4");
    c.signed(
        &own,
        "UpdateAccessKey",
        json!({"AccessKeyId": own.id, "ExpirationDate": "2097-01-01"}),
    )
    .ok();
    // The user's own active key may not be deleted by the account while ACTIVE, but a
    // key may delete itself (signing out).
    c.signed(&admin, "DeleteAccessKey", json!({"UserName": "demo-user", "AccessKeyId": own.id}))
        .err(409, "9002");
    c.signed(&own, "DeleteAccessKey", json!({"AccessKeyId": own.id})).ok();
}

#[test]
fn check_authentication_checks_only_the_callers_own_login() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let (user_login, _) = server.demo_user.clone().unwrap();
    c.signed(&key, "CheckAuthentication", json!({"Login": user_login, "Password": "x"}))
        .err(401, "4");
    c.signed(
        &key,
        "CheckAuthentication",
        json!({"Login": "DEMO@example.com ", "Password": DEMO_PASSWORD}),
    )
    .ok();
}

#[test]
fn users_come_in_pages_and_dry_runs_find_conflicts() {
    let server = Server::start();
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    for name in ["alice", "bob"] {
        c.signed(&admin, "CreateUser", json!({"UserName": name})).ok();
    }
    let first = c.signed(&admin, "ReadUsers", json!({"ResultsPerPage": 2})).ok();
    assert_eq!(
        (first["Users"].as_array().unwrap().len(), &first["HasMoreItems"]),
        (2, &json!(true))
    );
    assert_eq!(first["MaxResultsLimit"], 1000);
    let next = c
        .signed(
            &admin,
            "ReadUsers",
            json!({"ResultsPerPage": 2, "NextPageToken": first["NextPageToken"]}),
        )
        .ok();
    assert_eq!(next["Users"][0]["UserName"], "demo-user");
    assert_eq!(next["HasMoreItems"], false);
    assert!(next.get("NextPageToken").is_none());
    let all = c.signed(&admin, "ReadUsers", json!({"ResultsPerPage": 5000})).ok();
    assert_eq!(
        (all["Users"].as_array().unwrap().len(), &all["MaxResultsTruncated"]),
        (3, &json!(true))
    );
    c.signed(&admin, "ReadUsers", json!({"NextPageToken": "forged"})).err(400, "4047");
    c.signed(
        &admin,
        "UpdateUser",
        json!({"UserName": "alice", "NewUserName": "bob", "DryRun": true}),
    )
    .err(409, "9022");
}

#[test]
fn the_cap_on_password_checks_believes_only_trusted_proxies() {
    let args = ["--demo", "--password-checks-burst", "2", "--password-checks-per-sec", "0.1"];
    // Each guess at another login, so that no lockout gets in the way of the cap.
    let guesses = std::sync::atomic::AtomicUsize::new(0);
    let through = |server: &Server, client_ip: &str| {
        let c = server.client();
        let n = guesses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let creds = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("guess{n}@example.com:nope"),
        );
        c.send(
            "/api/v1/ReadAccessKeys",
            &[
                ("authorization", format!("Basic {creds}")),
                ("x-osc-date", amz_date(0)),
                ("x-forwarded-for", client_ip.into()),
            ],
            b"{}".to_vec(),
        )
        .status
    };
    let behind_proxy =
        Server::start_with(&[&args[..], &["--trusted-proxy", "127.0.0.0/8"]].concat());
    assert_eq!(
        [through(&behind_proxy, "203.0.113.1"), through(&behind_proxy, "203.0.113.1")],
        [401, 401]
    );
    assert_eq!(through(&behind_proxy, "203.0.113.1"), 429, "one client, its own bucket");
    assert_eq!(through(&behind_proxy, "2001:db8::1"), 401, "another client");
    assert_eq!(through(&behind_proxy, "2001:db8::2"), 401);
    assert_eq!(through(&behind_proxy, "2001:db8::3"), 429, "one IPv6 /64 is one client");

    let direct = Server::start_with(&args);
    assert_eq!([through(&direct, "203.0.113.1"), through(&direct, "203.0.113.2")], [401, 401]);
    assert_eq!(
        through(&direct, "203.0.113.3"),
        429,
        "a client's own X-Forwarded-For is not believed"
    );
}

#[test]
fn answers_are_never_cached_and_a_scope_must_name_this_region() {
    let server = Server::start();
    let c = server.client();
    let key = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let ok = c.signed(&key, "ReadAccounts", json!({}));
    assert_eq!(ok.headers["cache-control"], "no-store");
    let err = c.signed(&key, "NoSuchCall", json!({}));
    assert_eq!(err.headers["cache-control"], "no-store");

    let sk = SigningKey {
        algorithm: Algorithm::Osc4,
        access_key: &key.id,
        secret_key: &key.secret,
        region: "us-east-2",
        service: "api",
    };
    let h = signing::sign(&sk, &c.host(), "/api/v1/ReadAccounts", b"{}", &amz_date(0));
    let r = c
        .send(
            "/api/v1/ReadAccounts",
            &[
                ("authorization", h.authorization),
                (h.date_header.0, h.date_header.1),
                ("content-type", h.content_type.into()),
            ],
            b"{}".to_vec(),
        )
        .err(401, "1");
    assert!(r.details()[0].contains("region"), "{:?}", r.details());
}

#[test]
fn a_client_that_sends_its_headers_slowly_is_cut_off() {
    // On a port: the deadline is the connection's.
    let server = Server::listen_with(&["--demo", "--header-timeout-secs", "1"]);
    let mut stream = std::net::TcpStream::connect(server.client().host()).unwrap();
    stream.write_all(b"POST /api/v1/ReadAccounts HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = Instant::now();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connection stayed open {:?}",
        started.elapsed()
    );
}

fn serve_once(storage: &[String], extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(storage)
        .args(["serve", "--listen", "127.0.0.1:1"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_server_refuses_to_start_on_a_bad_key_file_or_a_wildcard_origin() {
    let mut server = Server::start();
    let key_file = server.key_file();
    let db = server.storage_args();
    server.stop();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = serve_once(&db, &[]);
        assert!(
            !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("chmod 600"),
            "{out:?}"
        );
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::write(&key_file, [7u8; 32]).unwrap();
    let out = serve_once(&db, &[]);
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("right key file"),
        "{out:?}"
    );
    let out = serve_once(&db, &["--cors-origin", "*"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("'*' is refused") && !stderr.contains("panicked"),
        "{out:?}"
    );
}

#[test]
fn setting_up_a_first_password_is_capped_like_a_sign_in() {
    let server = Server::start_with(&[
        "--demo",
        "--password-checks-burst",
        "1",
        "--password-checks-per-sec",
        "0.1",
    ]);
    let c = server.client();
    let (_, key) = server.demo_user.clone().unwrap();
    c.signed(&key, "UpdatePassword", json!({"NewPassword": "too-short"})).err(400, "4048");
    c.signed(&key, "UpdatePassword", json!({"NewPassword": "too-short"})).err(429, "25");
}

/// A write already in flight when its credentials are revoked does not land: each of
/// these calls is run with a caller authenticated by a session that was then signed
/// out, as if the sign-out landed while the call waited for its write.
#[test]
fn writes_in_flight_from_a_revoked_session_do_not_land() {
    use account_api::auth::familiar::Source;
    use account_api::auth::{Caller, Ctx};
    use account_api::calls::{accounts, users};
    use account_api::store::Owner;
    use account_contract::*;

    let server = Server::start();
    let c = server.client();
    let admin = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let account_id = c.account(&admin)["AccountId"].as_str().expect("the account's ID").to_owned();
    let session = c.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&session, "DeleteAccessKey", json!({"AccessKeyId": session.id})).ok();
    let ctx = Ctx {
        state: server.state().clone(),
        caller: Caller {
            owner: Owner::account(account_id),
            access_key_id: Some(session.id.clone()),
            session: None,
            password_hash: None,
        },
        source: Source::new(std::net::Ipv4Addr::LOCALHOST.into(), Default::default()),
        user_agent: None,
        request_id: "test".into(),
        now: time::OffsetDateTime::now_utc().unix_timestamp(),
        dry_run: false,
        sensitive: false,
    };
    let revoked = |e: ApiError| assert_eq!((e.status, e.items[0].code.as_str()), (401, "1"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let update = UpdateAccountRequest { city: Some("Lyon".into()), ..Default::default() };
        revoked(accounts::update_account(&ctx, update).await.unwrap_err());
        let create = CreateUserRequest { user_name: "mallory".into(), ..Default::default() };
        revoked(users::create(&ctx, create).await.unwrap_err());
        let rename = UpdateUserRequest {
            user_name: "demo-user".into(),
            new_user_name: Some("mallory".into()),
            ..Default::default()
        };
        revoked(users::update(&ctx, rename).await.unwrap_err());
        let delete = DeleteUserRequest { user_name: "demo-user".into(), ..Default::default() };
        revoked(users::delete(&ctx, delete).await.unwrap_err());
    });
    assert_eq!(c.account(&admin)["City"], "Saint-Cloud", "the account is unchanged");
    let users = c.signed(&admin, "ReadUsers", json!({})).ok();
    let names: Vec<&str> = users["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["UserName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["demo-user"]);
}
