//! Test harness: the real server, and a client that signs its requests as OUTSCALE's
//! SDKs do. Three ways to run the server:
//! - `Server::start`: its router in this process, no port (axum's `oneshot` per
//!   request, on the server's own multi-thread runtime): most tests;
//! - `Server::listen`: in this process on a free port (real HTTP), for what needs a
//!   socket: a proxy in front, a raw connection;
//! - `Server::process`: the binary, for what needs a process: `kill -9`, its standard
//!   output and log, start-up.

pub mod certs;
mod client;
pub mod cluster;
pub mod nginx;

pub use client::*;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

use account_api::auth::AppState;
use account_api::{listen, server};

pub const DEMO_EMAIL: &str = account_api::provision::DEMO_EMAIL;
pub const DEMO_PASSWORD: &str = account_api::provision::DEMO_PASSWORD;
/// A password zxcvbn scores 4, for changes.
pub const NEW_PASSWORD: &str = "Quartz-Lantern-Fjord-7412!";
/// Lock unit used by tests, in seconds, so lockout timing is measurable.
pub const LOCK_UNIT: u64 = 2;

pub struct Server {
    pub dir: tempfile::TempDir,
    /// The database: a SQLite path, or a PostgreSQL URL (`ACCOUNT_API_TEST_DB=postgres`).
    pub db: String,
    pub base: String,
    /// The demo EIM user's login and key, as the server printed them on creation.
    pub demo_user: Option<(String, Key)>,
    /// What the server printed on standard output (its first lines) and its log.
    pub stdout: Vec<String>,
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    args: Vec<String>,
    running: Running,
}

/// How the server runs.
enum Running {
    /// The binary.
    Process(Child),
    /// In this process, on a port: a thread runs `listen::serve`.
    Listening {
        shutdown: tokio::sync::oneshot::Sender<()>,
        thread: JoinHandle<()>,
        state: AppState,
    },
    /// In this process, no port: clients call the service on this runtime.
    Router {
        runtime: tokio::runtime::Runtime,
        service: InProcess,
        state: AppState,
    },
    Stopped,
}

impl Running {
    fn stop(&mut self) {
        match std::mem::replace(self, Running::Stopped) {
            Running::Process(mut child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            Running::Listening { shutdown, thread, .. } => {
                drop(shutdown);
                let _ = thread.join();
            }
            // Dropping the runtime ends its requests; the state goes with the service.
            Running::Router { .. } => {}
            Running::Stopped => {}
        }
    }
}

impl Server {
    /// A server in this process, no port, on a new database with the demo account
    /// (`serve --demo`).
    pub fn start() -> Self {
        Self::start_with(&["--demo"])
    }

    /// A server in this process, no port, on a new database, with these `serve` arguments.
    pub fn start_with(args: &[&str]) -> Self {
        Self::new(args, in_process)
    }

    /// A server in this process on a free port (real HTTP), on a new database with the
    /// demo account: for a test that needs a socket.
    pub fn listen() -> Self {
        Self::listen_with(&["--demo"])
    }

    /// A server in this process on a free port, with these `serve` arguments.
    pub fn listen_with(args: &[&str]) -> Self {
        Self::new(args, listening)
    }

    /// The server binary on a new database with the demo account.
    pub fn process() -> Self {
        Self::process_with(&["--demo"])
    }

    /// The server binary on a new database, with these `serve` arguments.
    pub fn process_with(args: &[&str]) -> Self {
        Self::new(args, spawn)
    }

    /// A server in this process, no port, on the database at `url` (PostgreSQL), with
    /// these `serve` arguments.
    pub fn start_at(url: &str, args: &[&str]) -> Self {
        assert!(cluster::wanted(), "a URL is PostgreSQL's: cluster::force() first");
        Self::new_on(Some(url.to_owned()), args, in_process)
    }

    /// The server binary on a new database of `cluster` (not the shared one).
    pub fn process_on(cluster: &cluster::Cluster, args: &[&str]) -> Self {
        Self::new_on(Some(cluster.new_database()), args, spawn)
    }

    fn new(args: &[&str], start: fn(&[String], &[String]) -> Started) -> Self {
        Self::new_on(None, args, start)
    }

    fn new_on(
        db: Option<String>,
        args: &[&str],
        start: fn(&[String], &[String]) -> Started,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = match db {
            Some(url) => url,
            None if cluster::wanted() => cluster::shared().new_database(),
            None => dir.path().join("api.sqlite").to_str().unwrap().to_owned(),
        };
        Self::launch(dir, db, args, start)
    }

    /// Starts a server on `db`, its files (the key file) in `dir`.
    fn launch(
        dir: tempfile::TempDir,
        db: String,
        args: &[&str],
        start: fn(&[String], &[String]) -> Started,
    ) -> Self {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut server = Self {
            dir,
            db,
            base: String::new(),
            demo_user: None,
            stdout: Vec::new(),
            log: Default::default(),
            args,
            running: Running::Stopped,
        };
        let started = start(&server.storage_args(), &server.args);
        server.base = started.base;
        server.demo_user = started.demo_user;
        server.stdout = started.stdout;
        server.log = started.log;
        server.running = started.running;
        server
    }

    /// Another server on this one's database and server key (a second instance, with
    /// PostgreSQL), with these `serve` arguments: the binary, or in this process on a
    /// port (instances are tried behind a proxy).
    pub fn another(&self, args: &[&str], process: bool) -> Self {
        self.another_at(&self.db, args, process)
    }

    /// Another server on this one's database reached at `url` (another route to the
    /// same database: a proxy the test can break), as `another`.
    pub fn another_at(&self, url: &str, args: &[&str], process: bool) -> Self {
        assert!(cluster::wanted(), "two instances share a PostgreSQL database");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::copy(self.key_file(), dir.path().join("api.key")).unwrap();
        Self::launch(dir, url.to_owned(), args, if process { spawn } else { listening })
    }

    /// Has `key` serve calls here until this server (in this process) keeps it in
    /// memory: a revocation tested afterwards must void the cache, not just a read.
    /// Its watch may be a beat late to vouch for the cache on a busy machine.
    #[track_caller]
    pub fn cache(&self, key: &Key) {
        let c = self.client();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        loop {
            c.signed(key, "ReadAccessKeys", serde_json::json!({})).ok();
            if self.state().verified_keys.get(&key.id).is_some() {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "{} is never kept in memory", key.id);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Whether the servers of this test process store in PostgreSQL.
    pub fn on_postgres() -> bool {
        cluster::wanted()
    }

    /// The server key file: beside the SQLite file (the default), or given to
    /// PostgreSQL instances.
    pub fn key_file(&self) -> PathBuf {
        if cluster::wanted() {
            self.dir.path().join("api.key")
        } else {
            self.dir.path().join("api.sqlite.key")
        }
    }

    /// `--db` (and `--key-file` with PostgreSQL), for any command of the binary.
    pub fn storage_args(&self) -> Vec<String> {
        let mut args = vec!["--db".to_owned(), self.db.clone()];
        if cluster::wanted() {
            args.extend(["--key-file".to_owned(), self.key_file().to_str().unwrap().to_owned()]);
        }
        args
    }

    /// Every byte the database keeps on disk (SQLite: the file and its WAL;
    /// PostgreSQL: the database's files and the write-ahead log), to look for secrets.
    pub fn stored_bytes(&self) -> Vec<u8> {
        if cluster::wanted() {
            return cluster::shared().stored_bytes(&self.db);
        }
        let mut bytes = std::fs::read(&self.db).unwrap();
        bytes.extend(std::fs::read(format!("{}-wal", self.db)).unwrap_or_default());
        bytes
    }

    /// Stops the server (SIGKILL for a process) and waits for it.
    pub fn stop(&mut self) {
        self.running.stop();
    }

    /// How many log lines contain `text` (the log level is `ACCOUNT_API_LOG`, debug here).
    #[track_caller]
    pub fn log_count(&self, text: &str) -> usize {
        assert!(
            matches!(self.running, Running::Process(_)),
            "the log is a process's: Server::process"
        );
        self.log.lock().unwrap().iter().filter(|l| l.contains(text)).count()
    }

    /// Stops the server with SIGKILL (no chance to flush anything) and starts it again on the same files.
    #[track_caller]
    pub fn crash_and_restart(&mut self) {
        let Running::Process(child) = &mut self.running else {
            panic!("kill -9 needs a process: Server::process")
        };
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        let started = spawn(&self.storage_args(), &self.args);
        self.running = started.running;
        self.base = started.base;
        self.log = started.log;
    }

    /// A client of this server: through its router in this process, else over HTTP.
    pub fn client(&self) -> Client {
        match &self.running {
            Running::Router { runtime, service, .. } => {
                Client::in_process(&self.base, service.clone(), runtime.handle().clone())
            }
            _ => Client::over_http(&self.base),
        }
    }

    /// The state the server's calls share (what they count and keep), for a server in
    /// this process.
    #[track_caller]
    pub fn state(&self) -> &AppState {
        match &self.running {
            Running::Router { state, .. } | Running::Listening { state, .. } => state,
            _ => panic!("the state is a server's in this process: Server::start or Server::listen"),
        }
    }

    /// A second handle on this server's database, for a test that makes time pass for
    /// the server (a lock waited out) rather than wait.
    pub fn database(&self) -> account_api::store::Store {
        let db = account_api::store::Database::parse(&self.db);
        account_api::store::Store::open(&db, 2).expect("the database opens")
    }

    /// Argon2 hashes the server has made so far (a server in this process only).
    pub fn password_hashes(&self) -> u64 {
        self.state().password_work.hashes()
    }

    /// Runs `account-api create-account` on this server's database, password on stdin.
    pub fn create_account(&self, email: &str, password: &str) -> std::process::Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_account-api"))
            .args(self.storage_args())
            .args(["create-account", "--email", email])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run create-account");
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.running.stop();
    }
}

struct Started {
    running: Running,
    base: String,
    demo_user: Option<(String, Key)>,
    stdout: Vec<String>,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// The demo EIM user's login and key, from the line that announces it:
/// "Created the demo EIM user <login> (no password yet): access key <AK> / secret key <SK>".
fn demo_user_of(line: &str) -> Option<(String, Key)> {
    let rest = line.strip_prefix("Created the demo EIM user ")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    let key =
        Key { id: words[words.len() - 5].to_owned(), secret: words[words.len() - 1].to_owned() };
    Some((words[0].to_owned(), key))
}

/// The `Host` a server without a port is named by (and signed for). Nothing listens on
/// port 9 (discard): a request sent there over HTTP by mistake is refused.
const ROUTER_BASE: &str = "http://127.0.0.1:9";

/// The server as `main.rs` puts it together from these arguments.
fn prepare(storage: &[String], args: &[String]) -> server::Prepared {
    #[derive(clap::Parser)]
    struct CommandLine {
        #[command(flatten)]
        storage: server::Storage,
        #[command(flatten)]
        serve: server::ServeArgs,
    }
    let lock_unit = LOCK_UNIT.to_string();
    let cli = <CommandLine as clap::Parser>::parse_from(
        ["serve"]
            .into_iter()
            .chain(storage.iter().map(String::as_str))
            .chain(["--listen", "127.0.0.1:0", "--lockout-unit-secs", &lock_unit])
            .chain(args.iter().map(String::as_str)),
    );
    server::prepare(&cli.storage, &cli.serve).expect("server prepared")
}

/// The server's service in this process, called per request on its own runtime: as
/// many workers as a small machine has cores, so parallel requests run in parallel.
fn in_process(storage: &[String], args: &[String]) -> Started {
    let prepared = prepare(storage, args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    Started {
        demo_user: prepared.notes.iter().find_map(|l| demo_user_of(l)),
        running: Running::Router {
            runtime,
            service: InProcess::new(prepared.service),
            state: prepared.state,
        },
        base: ROUTER_BASE.to_owned(),
        stdout: prepared.notes,
        log: Default::default(),
    }
}

/// The server listening on a free port, run by a runtime on a thread of this process.
fn listening(storage: &[String], args: &[String]) -> Started {
    let prepared = prepare(storage, args);
    let listener = std::net::TcpListener::bind(prepared.listen).expect("free port");
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = prepared.service;
    let header_timeout = prepared.header_timeout;
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let stop = async move {
                let _ = stopped.await;
            };
            listen::serve(listener, service, header_timeout, stop).await;
        });
    });
    Started {
        running: Running::Listening { shutdown, thread, state: prepared.state },
        base,
        demo_user: prepared.notes.iter().find_map(|l| demo_user_of(l)),
        stdout: prepared.notes,
        log: Default::default(),
    }
}

fn spawn(storage: &[String], args: &[String]) -> Started {
    let mut child = Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(storage)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--lockout-unit-secs", &LOCK_UNIT.to_string()])
        .args(args)
        .env("ACCOUNT_API_LOG", "account_api=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start account-api");
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = log.clone();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut demo_user = None;
    let mut stdout = Vec::new();
    loop {
        let line = match lines.next() {
            Some(Ok(line)) => line,
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server stopped before listening: {:?}", log.lock().unwrap())
            }
        };
        stdout.push(line.clone());
        if let Some(user) = demo_user_of(&line) {
            demo_user = Some(user);
        }
        if let Some(rest) = line.strip_prefix("Account API listening on ") {
            let base = rest.trim_end_matches("/api/v1/").to_owned();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return Started { running: Running::Process(child), base, demo_user, stdout, log };
        }
    }
}
