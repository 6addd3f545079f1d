//! Several API instances on one PostgreSQL database behave as one server: sessions,
//! sign-outs and the lockout are the database's, not an instance's; two instances
//! behind nginx (deploy/nginx.conf) survive `kill -9` of one under load; an instance
//! with another server key refuses to start; a database that goes away is a 503, and
//! the instance serves again once it is back; the link to PostgreSQL is encrypted as the
//! URL's `sslmode` says (instances/tls.rs); a key revoked on one instance is refused on
//! the others within a second, even when their link to the database breaks
//! (instances/revocation.rs). Always on PostgreSQL (a throwaway cluster:
//! see api/common/cluster.rs).

// Shared with the API suite (tests/api/): each binary uses a part of it.
#[allow(dead_code)]
#[path = "api/common/mod.rs"]
mod common;
#[path = "instances/proxy.rs"]
mod proxy;
#[path = "instances/revocation.rs"]
mod revocation;
#[path = "instances/tls.rs"]
mod tls;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::nginx::Nginx;
use common::*;
use serde_json::json;

fn two_instances(process: bool) -> (Server, Server) {
    cluster::force();
    // On ports, either way: the instances are tried behind nginx.
    let first = if process { Server::process() } else { Server::listen() };
    let second = first.another(&[], process);
    (first, second)
}

fn host(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

#[test]
fn a_session_works_on_every_instance_and_signing_out_the_others_ends_it_everywhere() {
    let (a, b) = two_instances(false);
    let (on_a, on_b) = (a.client(), b.client());
    let here = on_a.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let elsewhere = on_b.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(on_b.account(&here)["Email"], DEMO_EMAIL, "a session made on A works on B");
    assert_eq!(on_a.account(&elsewhere)["Email"], DEMO_EMAIL, "and one made on B on A");

    // Through nginx, with the recipe's upstream group: every call answered, by both.
    let nginx = Nginx::start([&host(&a), &host(&b)]);
    let proxied = Client::over_http(&nginx.base);
    for _ in 0..6 {
        proxied.signed(&here, "ReadAccounts", json!({})).ok();
    }

    // "Se déconnecter des autres appareils" on A ends B's session at its next call on B.
    let r = on_a
        .signed(
            &here,
            "UpdatePassword",
            json!({"CurrentPassword": DEMO_PASSWORD, "NewPassword": NEW_PASSWORD, "LogoutOtherSessions": true}),
        )
        .ok();
    assert_eq!(r["LoggedOutSessions"], 1);
    on_b.signed(&elsewhere, "ReadAccounts", json!({})).err(401, "1");
    proxied.signed(&elsewhere, "ReadAccounts", json!({})).err(401, "1");
    on_b.signed(&here, "ReadAccounts", json!({})).ok();
    // The new password is the one B checks.
    on_b.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
    on_b.basic("ReadAccessKeys", DEMO_EMAIL, NEW_PASSWORD, json!({})).ok();
}

#[test]
fn the_lockout_counts_failures_made_on_every_instance() {
    let (a, b) = two_instances(false);
    let (on_a, on_b) = (a.client(), b.client());
    on_a.basic("ReadAccessKeys", DEMO_EMAIL, "wrong-1", json!({})).err(401, "1");
    on_b.basic("ReadAccessKeys", DEMO_EMAIL, "wrong-2", json!({})).err(401, "1");
    on_a.basic("ReadAccessKeys", DEMO_EMAIL, "wrong-3", json!({})).err(401, "1");
    // The fourth failure, on B, locks the account on both.
    let locked = on_b.basic("ReadAccessKeys", DEMO_EMAIL, "wrong-4", json!({})).err(401, "13");
    assert_eq!(locked.headers["retry-after"], LOCK_UNIT.to_string().as_str());
    on_a.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
    on_b.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "13");
    std::thread::sleep(Duration::from_secs(LOCK_UNIT) + Duration::from_millis(200));
    on_a.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).ok();
}

#[test]
fn kill_9_of_one_instance_under_32_writers_loses_no_acknowledged_update() {
    const WRITERS: usize = 32;
    const ROUNDS: usize = 24;
    let (mut a, b) = two_instances(true);
    let direct = b.client();
    let key = Arc::new(direct.permanent_key(DEMO_EMAIL, DEMO_PASSWORD));
    for i in 0..WRITERS {
        direct.signed(&key, "CreateUser", json!({"UserName": format!("writer{i}")})).ok();
    }
    let nginx = Nginx::start([&host(&a), &host(&b)]);
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|i| {
            let (key, base) = (key.clone(), nginx.base.clone());
            let (acknowledged, killed) = (acknowledged.clone(), killed.clone());
            std::thread::spawn(move || {
                let c = Client::over_http(&base);
                let (mut last, mut after_kill) = (None, 0);
                for round in 0..ROUNDS {
                    let body = json!({"UserName": format!("writer{i}"), "NewPath": format!("/round{round}/")});
                    let after = killed.load(Ordering::SeqCst);
                    if let Ok((200, _)) = c.try_signed(&key, "UpdateUser", body) {
                        last = Some(round);
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                        after_kill += usize::from(after);
                    }
                }
                (last, after_kill)
            })
        })
        .collect();
    // Kill A once a third of the updates are acknowledged: some of its requests are in flight.
    while acknowledged.load(Ordering::SeqCst) < WRITERS * ROUNDS / 3 {
        std::thread::sleep(Duration::from_millis(5));
    }
    a.stop(); // SIGKILL
    killed.store(true, Ordering::SeqCst);
    let results: Vec<(Option<usize>, usize)> =
        writers.into_iter().map(|w| w.join().expect("writer")).collect();

    eprintln!("writers (last acknowledged round, acknowledged after the kill): {results:?}");
    let users = direct.signed(&key, "ReadUsers", json!({})).ok();
    for (i, (last, after_kill)) in results.iter().enumerate() {
        let last = last.expect("every writer had updates acknowledged");
        assert!(*after_kill > 0, "writer{i}: B kept serving after A was killed");
        let path = users["Users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["UserName"] == format!("writer{i}"))
            .unwrap()["Path"]
            .as_str()
            .unwrap()
            .to_owned();
        // The last acknowledged round, or a later one whose answer was lost with A.
        let stored: usize = path.trim_matches('/').trim_start_matches("round").parse().unwrap();
        assert!(stored >= last, "writer{i}: {path} stored, round {last} was acknowledged");
    }
}

#[test]
fn an_instance_with_another_server_key_refuses_to_start() {
    cluster::force();
    let a = Server::start();
    let other_key = a.dir.path().join("other.key");
    std::fs::write(&other_key, [9u8; 32]).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&other_key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["--db", &a.db, "--key-file", other_key.to_str().unwrap()])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("right key file") && !stderr.contains("panicked"), "{stderr}");
    // No key file at all with PostgreSQL: said plainly.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["--db", &a.db, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("ACCOUNT_API_KEY_FILE")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--key-file"), "{out:?}");
}

#[test]
fn a_database_that_goes_away_is_a_503_and_the_instance_serves_again_when_it_is_back() {
    cluster::force();
    let own = cluster::Cluster::start().expect("a cluster of this test's own");
    let server = Server::process_on(&own, &["--demo"]);
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    c.signed(&key, "ReadAccounts", json!({})).ok();

    own.stop_server();
    for call in ["ReadAccounts", "UpdateAccount"] {
        let r = c.signed(&key, call, json!({})).err(503, "2001");
        assert_eq!(r.body["Errors"][0]["Type"], "ServiceUnavailable");
        assert_eq!(r.headers["retry-after"], "1");
    }
    c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(503, "2001");

    own.start_server().unwrap();
    c.signed(&key, "UpdateAccount", json!({"City": "Back"})).ok();
    assert_eq!(c.account(&key)["City"], "Back");
    // Restarted while the instance was idle: its pooled connections are checked before
    // they are lent, so the first call after it is served too.
    own.stop_server();
    own.start_server().unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    c.signed(&key, "ReadAccounts", json!({})).ok();
    assert_eq!(server.log_count("panicked"), 0);
    assert!(server.log_count("database unavailable") > 0, "the outage is logged");
}

#[test]
fn both_engines_migrate_to_the_same_tables_and_columns() {
    use account_api::store::{Database, Store};
    cluster::force();
    let dir = tempfile::tempdir().unwrap();
    let columns = |store: &Store, sql: &'static str| -> Vec<(String, String)> {
        store
            .read_blocking(|c| c.query(sql, &[], |r| Ok((r.get(0)?, r.get(1)?))))
            .unwrap()
            .into_iter()
            // PostgreSQL's explicit `rowid` is SQLite's implicit one (see store/schema.rs).
            .filter(|(_, column): &(String, String)| column != "rowid")
            .collect()
    };
    let sqlite = Store::open(&Database::Sqlite(dir.path().join("s.sqlite")), 1).unwrap();
    let on_sqlite = columns(
        &sqlite,
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' ORDER BY 1, 2",
    );
    let postgres = Store::open(&Database::Postgres(cluster::shared().new_database()), 2).unwrap();
    let on_postgres = columns(
        &postgres,
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'account_api_schema' ORDER BY 1, 2",
    );
    assert!(on_sqlite.len() > 50, "{on_sqlite:?}");
    assert_eq!(on_sqlite, on_postgres);
}

#[test]
fn postgresql_is_reached_over_its_local_socket_too() {
    cluster::force();
    let a = Server::start();
    // The form of deploy/account-api.env: no host, the socket's folder as `host`.
    let name = a.db.rsplit('/').next().unwrap();
    let socket = cluster::shared().data.display().to_string();
    let port = cluster::shared().port;
    let url = format!("postgresql:///{name}?host={socket}&port={port}&user=postgres");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["--db", &url, "--key-file", a.key_file().to_str().unwrap()])
        .args(["create-user", "--account-email", DEMO_EMAIL, "--user-name", "via-socket"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = a.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let users = c.signed(&key, "ReadUsers", json!({})).ok();
    let names: Vec<&str> =
        users["Users"].as_array().unwrap().iter().filter_map(|u| u["UserName"].as_str()).collect();
    assert!(names.contains(&"via-socket"), "{names:?}");
}

/// `--db-pool-size` bounds the connections an instance keeps open for its writes, both
/// kinds together: the write closures' and the one-statement writes' (UpdateAccount).
/// Loads that need one kind then the other, in turn, each from eight clients on a pool
/// of three: once each load is over, no more than three are open (the reads' four
/// shared connections aside). During the turns, a connection closed to make room may
/// still be leaving the server for a moment: that peak is printed.
#[test]
fn the_pool_never_keeps_more_than_its_size_across_both_kinds_of_writes() {
    const POOL: usize = 3;
    const READ_LINKS: usize = 4;
    cluster::force();
    let server = Server::listen_with(&["--demo", "--db-pool-size", &POOL.to_string()]);
    let c = server.client();
    let key = Arc::new(c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD));
    for i in 0..8 {
        c.signed(&key, "CreateUser", json!({"UserName": format!("turn{i}")})).ok();
    }
    // The reads' connections, each opened by a read in turn.
    for _ in 0..2 * READ_LINKS {
        c.account(&key);
    }
    let db = server.db.rsplit('/').next().unwrap().to_owned();
    let open = || -> usize {
        let mut admin = cluster::shared().admin().expect("the cluster");
        let n: i64 = admin
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1
                    AND application_name = 'account-api'",
                &[&db],
            )
            .unwrap()
            .get(0);
        n as usize
    };
    let (mut peak, mut most_at_rest) = (0, 0);
    for turn in ["UpdateAccount", "UpdateUser", "UpdateAccount", "UpdateUser"] {
        let done = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for i in 0..8 {
                let (key, base, done) = (&key, &server.base, &done);
                s.spawn(move || {
                    let c = Client::over_http(base);
                    for round in 0..20 {
                        let body = match turn {
                            "UpdateAccount" => json!({"City": format!("Ville {i}-{round}")}),
                            _ => json!({"UserName": format!("turn{i}"), "NewPath": format!("/r{round}/")}),
                        };
                        c.signed(key, turn, body).ok();
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                });
            }
            while done.load(Ordering::SeqCst) < 8 {
                peak = peak.max(open());
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        std::thread::sleep(Duration::from_millis(300));
        let at_rest = open();
        eprintln!("after {turn}: {at_rest} open");
        assert!(at_rest <= POOL + READ_LINKS, "after {turn}: {at_rest} open, pool of {POOL}");
        most_at_rest = most_at_rest.max(at_rest);
    }
    eprintln!("at most {peak} open during the turns");
    assert!(most_at_rest > READ_LINKS + 1, "the writes kept connections: {most_at_rest}");
}

#[test]
fn instances_started_together_on_a_new_database_migrate_it_once() {
    use std::io::BufRead;
    cluster::force();
    let url = cluster::shared().new_database();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("server.key");
    std::fs::write(&key, rand_key()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut children: Vec<std::process::Child> = (0..3)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
                .args(["--db", &url, "--key-file", key.to_str().unwrap()])
                .args(["serve", "--listen", "127.0.0.1:0"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut bases = Vec::new();
    for child in &mut children {
        let lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let listening = lines
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("Account API listening on ").map(str::to_owned));
        match listening {
            Some(url) => bases.push(url.trim_end_matches("/api/v1/").to_owned()),
            None => {
                let mut stderr = String::new();
                std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).ok();
                panic!("an instance did not start: {stderr}");
            }
        }
    }
    for base in &bases {
        let c = Client::over_http(base);
        c.basic("ReadAccessKeys", DEMO_EMAIL, DEMO_PASSWORD, json!({})).err(401, "1");
    }
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let versions: Vec<i64> = admin
        .query("SELECT version FROM account_api_schema", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [account_api::store::schema::POSTGRES.len() as i64]);
    for mut child in children {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// 32 bytes that differ from run to run: a server key.
fn rand_key() -> Vec<u8> {
    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    (0..32u128).map(|i| (seed >> (i % 16 * 8)) as u8 ^ (i as u8).wrapping_mul(37)).collect()
}
