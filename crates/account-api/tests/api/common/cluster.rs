//! A throwaway PostgreSQL cluster for the tests: Debian's `postgresql` binaries,
//! `initdb` in a temporary folder, the server on a free loopback port, no system
//! service. PostgreSQL refuses to run as root (CI is root): then the cluster runs as
//! the `postgres` user, through `runuser`. A watchdog shell stops the cluster and
//! removes its folder when the test process ends, however it ends.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    pub data: PathBuf,
}

/// `ACCOUNT_API_TEST_DB=postgres`: the servers of this test process store in PostgreSQL.
pub fn wanted() -> bool {
    std::env::var("ACCOUNT_API_TEST_DB").is_ok_and(|v| v == "postgres")
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Cluster {
    pub fn start() -> Result<Self, String> {
        let bin = bin_dir()?;
        let data = std::env::temp_dir().join(format!("account-api-pg-{}", std::process::id()));
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
        // The watchdog: runs the server, and stops it (fast shutdown) and removes the
        // folder once the test process is gone.
        let script = r#"
            "$1/postgres" -D "$2" -p "$3" -k "$2" -c listen_addresses=127.0.0.1 \
                -c max_connections=200 -c shared_buffers=64MB >"$2/server.log" 2>&1 &
            pg=$!
            while [ -d "/proc/$4" ] && kill -0 "$pg" 2>/dev/null; do sleep 0.5; done
            kill -INT "$pg" 2>/dev/null; wait "$pg"; rm -rf "$2"
        "#;
        as_owner(Path::new("/bin/sh"))
            .args(["-c", script, "watchdog"])
            .arg(&bin)
            .arg(&data)
            .arg(port.to_string())
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start postgres: {e}"))?;
        let cluster = Cluster { port, data };
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

    /// Every byte PostgreSQL keeps for `url`'s database (its tables' files, after a
    /// checkpoint) and its write-ahead log (shared by the cluster), as a copy of the
    /// data folder would hold them.
    pub fn stored_bytes(&self, url: &str) -> Vec<u8> {
        let name = url.rsplit('/').next().unwrap();
        let mut admin = self.admin().expect("admin connection");
        admin.batch_execute("CHECKPOINT").unwrap();
        let oid: u32 = admin
            .query_one("SELECT oid FROM pg_database WHERE datname = $1", &[&name])
            .unwrap()
            .get(0);
        let mut bytes = Vec::new();
        for dir in [self.data.join("base").join(oid.to_string()), self.data.join("pg_wal")] {
            for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
                if entry.path().is_file() {
                    bytes.extend(std::fs::read(entry.path()).unwrap_or_default());
                }
            }
        }
        bytes
    }
}
