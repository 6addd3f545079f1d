//! The link to PostgreSQL is encrypted as the URL's `sslmode` says (issue 19, attack 9:
//! it never was). A cluster with `ssl = on` shows a certificate for 127.0.0.1 and
//! localhost, signed by an authority the test made; what PostgreSQL itself reports
//! (`pg_stat_ssl`) says whether the API's connections are encrypted.

use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::certs::Authority;
use crate::common::cluster::{self, Cluster};
use crate::common::*;

struct Tls {
    cluster: Cluster,
    /// The authority that signed the cluster's certificate, and another one (PEM files).
    ca: PathBuf,
    other_ca: PathBuf,
    _dir: tempfile::TempDir,
}

/// The cluster with `ssl = on` of this test process, started on first use.
fn tls() -> &'static Tls {
    static TLS: OnceLock<Tls> = OnceLock::new();
    TLS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (ca, other_ca) = (dir.path().join("ca.pem"), dir.path().join("other-ca.pem"));
        let authority = Authority::new("The tests' database authority");
        std::fs::write(&ca, &authority.pem).unwrap();
        std::fs::write(&other_ca, Authority::new("Another authority").pem).unwrap();
        let certificate = authority.server(&["127.0.0.1", "localhost"]);
        let cluster = Cluster::start_tls(&certificate)
            .unwrap_or_else(|e| panic!("PostgreSQL with TLS for the tests: {e}"));
        Tls { cluster, ca, other_ca, _dir: dir }
    })
}

/// A new database of the TLS cluster, its URL with these parameters.
fn database(params: &str) -> String {
    cluster::force();
    let url = tls().cluster.new_database();
    if params.is_empty() {
        url
    } else {
        format!("{url}?{params}")
    }
}

/// The API's connections to the database at `url` as PostgreSQL sees them: how many,
/// and the TLS version of each encrypted one.
fn connections(url: &str) -> (usize, Vec<String>) {
    let path = url.split('?').next().unwrap();
    let db = path.rsplit('/').next().unwrap();
    let rows = tls()
        .cluster
        .admin()
        .unwrap()
        .query(
            "SELECT s.ssl, s.version FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
                WHERE a.datname = $1 AND a.application_name = 'account-api'",
            &[&db],
        )
        .unwrap();
    let versions = rows.iter().filter(|r| r.get::<_, bool>(0)).map(|r| r.get(1)).collect();
    (rows.len(), versions)
}

/// The API works: the demo account signs in and reads itself.
fn works(server: &Server) {
    let client = server.client();
    let session = client.sign_in(DEMO_EMAIL, DEMO_PASSWORD);
    let r = client.signed(&session, "ReadAccounts", json!({})).ok();
    assert_eq!(r["Accounts"][0]["Email"], DEMO_EMAIL);
}

/// Starts the binary on `url` and expects it to stop at start-up: its error message.
fn refused(url: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["--db", url, "--key-file", dir.path().join("api.key").to_str().unwrap()])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
    assert!(!status.success() && !stderr.contains("panicked"), "{stderr}");
    stderr
}

/// A name of this machine that leads to the cluster (127.0.0.1) and is neither
/// `localhost` nor an address: its host name, or else `127.1` (the resolver's short form
/// of 127.0.0.1). To the server it is a name like any other, reached over the network.
fn a_name_of_this_machine() -> String {
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let name = [hostname.trim(), "127.1"]
        .into_iter()
        .find(|name| {
            !name.is_empty()
                && !name.eq_ignore_ascii_case("localhost")
                && (*name, 5432)
                    .to_socket_addrs()
                    .is_ok_and(|mut addrs| addrs.any(|a| a.ip() == std::net::Ipv4Addr::LOCALHOST))
        })
        .expect("a name of this machine that leads to 127.0.0.1");
    name.to_owned()
}

#[test]
fn verify_full_with_the_clusters_authority_encrypts_every_connection_and_the_api_works() {
    let url = database(&format!("sslmode=verify-full&sslrootcert={}", tls().ca.display()));
    let server = Server::start_at(&url, &["--demo"]);
    works(&server);
    let (count, encrypted) = connections(&url);
    assert!(count > 0, "the server's pool holds a connection");
    assert_eq!(encrypted.len(), count, "every connection encrypted: {encrypted:?}");
    assert!(encrypted.iter().all(|v| v == "TLSv1.3"), "{encrypted:?}");
}

#[test]
fn each_sslmode_on_the_machine_itself_does_what_libpq_says() {
    // No sslmode on the machine itself: libpq's default, TLS since the server offers it.
    for (params, tls_expected) in [("", true), ("sslmode=prefer", true), ("sslmode=disable", false)]
    {
        let url = database(params);
        let server = Server::start_at(&url, &["--demo"]);
        works(&server);
        let (count, encrypted) = connections(&url);
        assert!(count > 0, "{params}");
        let expected = if tls_expected { count } else { 0 };
        assert_eq!(encrypted.len(), expected, "{params:?}: {encrypted:?} of {count}");
    }
}

#[test]
fn verify_full_with_another_authority_refuses_to_start() {
    for mode in ["verify-full", "verify-ca", "require"] {
        // `require` with a root certificate checks it, as libpq.
        let url = database(&format!("sslmode={mode}&sslrootcert={}", tls().other_ca.display()));
        let stderr = refused(&url);
        assert!(
            stderr.contains("cannot connect to PostgreSQL") && stderr.contains("UnknownIssuer"),
            "{mode}: {stderr}"
        );
    }
}

#[test]
fn a_name_not_on_the_certificate_fails_verify_full_only() {
    let name = a_name_of_this_machine();
    let on_name = |params: &str| {
        let url = database(params);
        url.replacen("@127.0.0.1:", &format!("@{name}:"), 1)
    };
    let url = on_name(&format!("sslmode=verify-full&sslrootcert={}", tls().ca.display()));
    let stderr = refused(&url);
    assert!(stderr.contains("certificate not valid for name"), "{stderr}");
    // verify-ca checks the authority, not the name; require checks nothing: both encrypt.
    for params in
        [format!("sslmode=verify-ca&sslrootcert={}", tls().ca.display()), "sslmode=require".into()]
    {
        let url = on_name(&params);
        let server = Server::start_at(&url, &["--demo"]);
        works(&server);
        let (count, encrypted) = connections(&url);
        assert!(count > 0 && encrypted.len() == count, "{params}: {encrypted:?} of {count}");
    }
}

#[test]
fn a_host_over_the_network_without_sslmode_is_refused_at_start_up() {
    // The attack: a database on another machine, a URL with no sslmode, and the sign-in
    // secrets and access keys in the clear on the wire. A name leads anywhere, so the
    // server asks, and says what to add.
    let name = a_name_of_this_machine();
    let url = database("").replacen("@127.0.0.1:", &format!("@{name}:"), 1);
    let stderr = refused(&url);
    assert!(
        stderr.contains(&format!("PostgreSQL at {name} is reached over the network"))
            && stderr.contains("sslmode=verify-full")
            && stderr.contains("sslrootcert=")
            && stderr.contains("sslmode=disable"),
        "{stderr}"
    );
    // The same database is reachable there: only the missing sslmode was refused.
    let server = Server::start_at(&format!("{url}?sslmode=require"), &["--demo"]);
    works(&server);
}
