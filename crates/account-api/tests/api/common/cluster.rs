//! A throwaway PostgreSQL cluster for the tests: Debian's `postgresql` binaries,
//! `initdb` in a temporary folder, the server on a free loopback port, no system
//! service. PostgreSQL refuses to run as root (CI is root): then the cluster runs as
//! the `postgres` user, through `runuser`. A watchdog shell stops the cluster and
//! removes its folder when the test process ends, however it ends. A cluster may have
//! `ssl = on` with a certificate made by the test (`start_tls`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    pub data: PathBuf,
    bin: PathBuf,
}

static FORCED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the servers of this test process store in PostgreSQL:
/// `ACCOUNT_API_TEST_DB=postgres`, or a test binary that is about PostgreSQL (`force`).
pub fn wanted() -> bool {
    FORCED.load(Ordering::SeqCst)
        || std::env::var("ACCOUNT_API_TEST_DB").is_ok_and(|v| v == "postgres")
}

/// The servers of this test process store in PostgreSQL, whatever the environment says.
pub fn force() {
    FORCED.store(true, Ordering::SeqCst);
}

/// The cluster of this test process, started on first use.
pub fn shared() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        Cluster::start().unwrap_or_else(|e| panic!("PostgreSQL for the tests: {e}"))
    })
}

/// Where Debian puts the server binaries (`/usr/lib/postgresql/<version>/bin`), the
/// newest version first; `PG_BIN` overrides.
pub fn bin_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| {
            "no /usr/lib/postgresql: apt-get install postgresql (scripts/setup)".to_owned()
        })?
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| "no initdb under /usr/lib/postgresql".into())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { geteuid() == 0 }
}

extern "C" {
    fn geteuid() -> u32;
}

/// A command run as the cluster's owner: `postgres` when this process is root.
pub fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Makes `file` the cluster owner's, readable by it alone (PostgreSQL refuses a key
/// others may read).
fn give_to_owner(file: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| e.to_string())?;
    if is_root() {
        let status = Command::new("chown").arg("postgres:postgres").arg(file).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(format!("cannot give {} to the postgres user", file.display()));
        }
    }
    Ok(())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server certificate and its key (PEM), for a cluster with `ssl = on`.
pub struct ServerCertificate {
    pub cert: String,
    pub key: String,
}

impl Cluster {
    pub fn start() -> Result<Self, String> {
        Self::start_with(None)
    }

    /// A cluster with `ssl = on` that shows this certificate (TCP connections may still
    /// go in the clear: the client chooses).
    pub fn start_tls(certificate: &ServerCertificate) -> Result<Self, String> {
        Self::start_with(Some(certificate))
    }

    fn start_with(tls: Option<&ServerCertificate>) -> Result<Self, String> {
        let bin = bin_dir()?;
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let data = std::env::temp_dir().join(format!(
            "account-api-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
        if is_root() {
            let status = Command::new("chown").arg("postgres:postgres").arg(&data).status();
            if !status.is_ok_and(|s| s.success()) {
                return Err("cannot give the cluster's folder to the postgres user".into());
            }
        }
        let out = as_owner(&bin.join("initdb"))
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "-D"])
            .arg(&data)
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!("initdb: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let port = free_port();
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            data.display()
        );
        if let Some(certificate) = tls {
            // Where PostgreSQL looks by default (ssl_cert_file, ssl_key_file): the data
            // folder, the key readable by its owner only.
            for (name, pem) in [("server.crt", &certificate.cert), ("server.key", &certificate.key)]
            {
                let file = data.join(name);
                std::fs::write(&file, pem).map_err(|e| e.to_string())?;
                give_to_owner(&file)?;
            }
            options.push_str(" -c ssl=on");
        }
        std::fs::write(data.join("account-api-test-options"), &options)
            .map_err(|e| e.to_string())?;
        let cluster = Cluster { port, data, bin };
        cluster.start_server()?;
        // The watchdog: once the test process is gone, stops the server (fast shutdown)
        // and removes the folder.
        let script = r#"
            while [ -d "/proc/$3" ]; do sleep 0.5; done
            "$1/pg_ctl" -D "$2" -m fast stop >/dev/null 2>&1; rm -rf "$2"
        "#;
        as_owner(Path::new("/bin/sh"))
            .args(["-c", script, "watchdog"])
            .arg(&cluster.bin)
            .arg(&cluster.data)
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start the watchdog: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match cluster.admin() {
                Ok(_) => return Ok(cluster),
                Err(e) if Instant::now() > deadline => {
                    let log = std::fs::read_to_string(cluster.data.join("server.log"))
                        .unwrap_or_default();
                    return Err(format!("the server did not start: {e}\n{log}"));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Starts the server (`pg_ctl start`, waiting until it accepts connections).
    pub fn start_server(&self) -> Result<(), String> {
        let options = std::fs::read_to_string(self.data.join("account-api-test-options")).unwrap();
        let out = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(self.data.join("server.log"))
            .args(["-w", "-o", &options, "start"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default();
            return Err(format!("pg_ctl start: {}\n{log}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(())
    }

    /// Stops the server (fast shutdown: open connections are cut).
    pub fn stop_server(&self) {
        let out = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w", "stop"])
            .output()
            .expect("pg_ctl stop");
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// A superuser connection to the `postgres` database.
    pub fn admin(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
    }

    /// A new, empty database; its URL.
    pub fn new_database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        self.admin()
            .and_then(|mut c| c.batch_execute(&format!("CREATE DATABASE {name}")))
            .expect("CREATE DATABASE");
        self.url(&name)
    }

    /// Every byte PostgreSQL keeps of `url`'s tables, their indexes and their TOAST
    /// (after a checkpoint: live rows, and dead ones not yet vacuumed), as a copy of the
    /// data folder would hold them. The write-ahead log is left out: it is shared by
    /// every test database (CREATE DATABASE logs a whole copy of the template), and what
    /// it logs of these tables is what they hold.
    pub fn stored_bytes(&self, url: &str) -> Vec<u8> {
        self.admin().expect("admin connection").batch_execute("CHECKPOINT").unwrap();
        let mut db = postgres::Client::connect(url, postgres::NoTls).expect("test database");
        let files: Vec<String> = db
            .query(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c
                    WHERE c.relkind IN ('r', 'i', 't') AND (c.relnamespace = 'public'::regnamespace
                    OR c.oid IN (SELECT reltoastrelid FROM pg_class
                        WHERE relnamespace = 'public'::regnamespace))",
                &[],
            )
            .unwrap()
            .iter()
            .filter_map(|r| r.get::<_, Option<String>>(0))
            .collect();
        assert!(files.len() > 10, "the tables' files: {files:?}");
        let mut bytes = Vec::new();
        for file in files {
            // A relation's first segment, and its further 1 GB segments if any.
            for suffix in ["", ".1", ".2"] {
                bytes.extend(
                    std::fs::read(self.data.join(format!("{file}{suffix}"))).unwrap_or_default(),
                );
            }
        }
        bytes
    }
}
