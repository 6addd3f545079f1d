//! What survives: restarts, crashes, concurrent writers; what never leaks: secrets at rest.

use std::sync::Arc;

use crate::common::*;
use serde_json::json;

#[test]
fn an_acknowledged_update_survives_kill_9() {
    let mut server = Server::process();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    for i in 0..20 {
        c.signed(&key, "UpdateAccount", json!({"City": format!("City {i}")})).ok();
    }
    server.crash_and_restart();
    let c = server.client();
    assert_eq!(
        c.account(&key)["City"],
        "City 19",
        "the key and the last update are both still there"
    );
}

#[test]
fn a_copied_database_reveals_no_secret_key() {
    let server = Server::start();
    let c = server.client();
    let key = c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    let key_file = server.key_file();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let bytes = server.stored_bytes();
    assert!(
        !bytes.windows(40).any(|w| w == key.secret.as_bytes()),
        "the database holds the secret in clear"
    );
}

#[test]
fn the_server_refuses_to_start_without_the_key_that_sealed_its_secrets() {
    let server = Server::start();
    server.client().permanent_key(DEMO_EMAIL, DEMO_PASSWORD);
    std::fs::remove_file(server.key_file()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(server.storage_args())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server key"));
}

#[test]
fn thirty_two_clients_updating_different_fields_lose_no_update() {
    const FIELDS: [&str; 11] = [
        "FirstName",
        "LastName",
        "JobTitle",
        "CompanyName",
        "VatNumber",
        "City",
        "ZipCode",
        "StateProvince",
        "Country",
        "PhoneNumber",
        "MobileNumber",
    ];
    const CLIENTS: usize = 32;
    const ROUNDS: usize = 10;
    let server = Server::start();
    let c = server.client();
    let key = Arc::new(c.permanent_key(DEMO_EMAIL, DEMO_PASSWORD));
    // Values each rule accepts whatever the country is when they land: French VAT
    // numbers and postal codes (the demo is in France; the United Kingdom has no format).
    let value = |client: usize, round: usize| match FIELDS[client % FIELDS.len()] {
        "PhoneNumber" | "MobileNumber" => format!("+33 1 {client:02} {round:02} 00 00"),
        "VatNumber" => format!("FR{client:02}{round:09}"),
        "ZipCode" => format!("{:05}", client * 100 + round),
        "Country" => ["France", "United Kingdom"][round % 2].to_owned(),
        _ => format!("c{client}-r{round}"),
    };
    let threads: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (key, c) = (key.clone(), server.client());
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    let field = FIELDS[client % FIELDS.len()];
                    c.signed(&key, "UpdateAccount", json!({ field: value(client, round) })).ok();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client thread");
    }
    let account = c.account(&key);
    for (i, field) in FIELDS.iter().enumerate() {
        // Each field ends with the last value of one of the clients that wrote it.
        let writers: Vec<usize> = (0..CLIENTS).filter(|c| c % FIELDS.len() == i).collect();
        let finals: Vec<String> = writers.iter().map(|&w| value(w, ROUNDS - 1)).collect();
        let got = account[field].as_str().unwrap().to_owned();
        assert!(finals.contains(&got), "{field} = {got}, expected one of {finals:?}");
    }
    assert_eq!(account["Email"], DEMO_EMAIL);
}

/// Issue 19, attack 10: under umask 022 the database, its WAL and its shared memory
/// were created 0644, readable by every local user.
#[cfg(unix)]
#[test]
fn the_database_files_are_the_servers_alone_whatever_the_umask() {
    use std::io::BufRead;
    use std::os::unix::fs::PermissionsExt;
    if Server::on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("api.sqlite");
    let mut child = std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$@\"", "sh", env!("CARGO_BIN_EXE_account-api")])
        .args(["--db", db.to_str().unwrap(), "serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let listening = stdout.lines().map_while(Result::ok).any(|l| l.contains("listening on"));
    // Read while the server runs: SQLite removes the WAL and SHM at its last close.
    let modes: Vec<_> = ["api.sqlite", "api.sqlite-wal", "api.sqlite-shm"]
        .map(|f| std::fs::metadata(dir.path().join(f)).map(|m| m.permissions().mode() & 0o777))
        .into_iter()
        .map(|m| m.map_err(|e| e.kind()))
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening, "the server started");
    assert_eq!(modes, [Ok(0o600), Ok(0o600), Ok(0o600)]);
}
