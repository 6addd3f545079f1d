//! A server put together from its options: the database and server key opened and
//! checked, the demo account made if asked, the shared state built. `main.rs` runs it
//! with signals; the integration tests run it in their own process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::auth::{password_work, throttle, AppState, BehindDoor, Lockout};
use crate::http::{service, Options, Service};
use crate::secrets::SecretBox;
use crate::store::changes::{EpochCache, Watched};
use crate::store::{Database, Store};
use crate::{provision, store};

/// Where the data lives (options of every command).
#[derive(Args)]
pub struct Storage {
    /// The database: a PostgreSQL URL
    /// (postgres://user@host/dbname?sslmode=verify-full&sslrootcert=/path/ca.pem, or
    /// postgres:///dbname?host=/run/postgresql for the local socket), or else the path
    /// of a SQLite file (created if missing). sslmode is libpq's (disable, prefer,
    /// require, verify-ca, verify-full); a host reached over the network must say one.
    #[arg(long, env = "ACCOUNT_API_DB", default_value = "account-api.sqlite", global = true)]
    pub db: String,
    /// The server key that seals access-key secrets; created on first start, mode 0600.
    /// Keep it outside the database's backups. Default with SQLite: the database path +
    /// ".key"; required with PostgreSQL, the same file on every instance.
    #[arg(long, env = "ACCOUNT_API_KEY_FILE", global = true)]
    pub key_file: Option<PathBuf>,
    /// Most connections this instance opens to PostgreSQL (reads and writes share them).
    #[arg(long, env = "ACCOUNT_API_DB_POOL_SIZE", default_value_t = 16, global = true)]
    pub db_pool_size: usize,
}

impl Storage {
    pub fn database(&self) -> Database {
        Database::parse(&self.db)
    }
}

/// The options of `serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ACCOUNT_API_LISTEN", default_value = "127.0.0.1:8090")]
    pub listen: Option<SocketAddr>,
    /// Origins allowed by CORS (none by default: the console goes through its own proxy).
    #[arg(long = "cors-origin", env = "ACCOUNT_API_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Seconds in one lockout unit: 4 failed attempts lock one unit, each 4 more one unit more, up to 10.
    #[arg(long, env = "ACCOUNT_API_LOCKOUT_UNIT_SECS", default_value_t = 60)]
    pub lockout_unit_secs: i64,
    /// Seconds between two records of a session's last activity: a session's calls
    /// write it at most this often, never once per request.
    #[arg(long, env = "ACCOUNT_API_ACTIVITY_INTERVAL_SECS", default_value_t = 60)]
    pub activity_interval_secs: i64,
    /// Seconds a session's proof of its password (its sign-in, or CreateReauthentication)
    /// lets it make sensitive changes: the sign-in email, second factors, recovery codes...
    #[arg(long, env = "ACCOUNT_API_REAUTHENTICATION_SECS", default_value_t = account_contract::REAUTHENTICATION_SECS)]
    pub reauthentication_secs: i64,
    /// Host names (with port) that clients may sign besides the Host header received:
    /// set it behind a proxy that rewrites Host, such as `trunk serve`.
    #[arg(long = "public-host", env = "ACCOUNT_API_PUBLIC_HOSTS", value_delimiter = ',')]
    pub public_hosts: Vec<String>,
    /// Serve the built console (`scripts/build-console` output) from this folder at `/`.
    #[arg(long = "console", env = "ACCOUNT_API_CONSOLE_DIR")]
    pub console_dir: Option<PathBuf>,
    /// Password checks allowed per second from one client address (argon2 is costly).
    #[arg(long, env = "ACCOUNT_API_PASSWORD_CHECKS_PER_SEC", default_value_t = 10.0)]
    pub password_checks_per_sec: f64,
    /// How many password checks one client address may make at once before the rate applies.
    #[arg(long, env = "ACCOUNT_API_PASSWORD_CHECKS_BURST", default_value_t = 20.0)]
    pub password_checks_burst: f64,
    /// Create the demo account and its EIM user (published credentials: for trying the
    /// console only) when the database has no account.
    #[arg(long)]
    pub demo: bool,
    /// The region this endpoint is: signatures must name it in their credential scope.
    #[arg(long, env = "ACCOUNT_API_REGION", default_value = "eu-west-2")]
    pub region: String,
    /// Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client,
    /// for the password-check cap. Other peers' X-Forwarded-For is ignored.
    #[arg(long = "trusted-proxy", env = "ACCOUNT_API_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Seconds a client has to send a request's headers, and the most a kept-alive
    /// connection may sit idle.
    #[arg(long, default_value_t = crate::http::listen::HEADER_TIMEOUT.as_secs())]
    pub header_timeout_secs: u64,
    /// The WebAuthn relying party ID: the domain the console is served from (security
    /// keys and passkeys are bound to it). Browsers refuse WebAuthn on an IP address.
    #[arg(long, env = "ACCOUNT_API_WEBAUTHN_RP_ID", default_value = "localhost")]
    pub webauthn_rp_id: String,
    /// Origins WebAuthn ceremonies may come from (the console's, such as
    /// https://console.example.com), each the RP ID or a subdomain of it. Default:
    /// http://localhost on any port when the RP ID is localhost, else https://<RP ID>.
    #[arg(long = "webauthn-origin", env = "ACCOUNT_API_WEBAUTHN_ORIGINS", value_delimiter = ',')]
    pub webauthn_origins: Vec<String>,
}

/// A server ready to listen: its service, where, and what to tell the person who
/// started it (standard output, never the log: it may hold the demo user's secret).
pub struct Prepared {
    /// The whole HTTP service.
    pub service: Service,
    /// The state the service shares, for tests that look inside it (a counter such as
    /// `password_work.hashes()`).
    pub state: AppState,
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The deadline for a request's headers.
    pub header_timeout: Duration,
    /// Lines for standard output.
    pub notes: Vec<String>,
}

/// Most accounts' rows kept in memory (a few kilobytes each).
const MAX_CACHED_ACCOUNTS: usize = 10_000;

/// Checks the options, opens the data, creates the demo account if asked.
pub fn prepare(storage: &Storage, options: &ServeArgs) -> Result<Prepared, String> {
    let cors_origins = cors_origins(&options.cors_origins)?;
    let trusted_proxies = trusted_proxies(&options.trusted_proxies)?;
    let webauthn = webauthn(&options.webauthn_rp_id, &options.webauthn_origins)?;
    if let Some(dir) = &options.console_dir {
        if !dir.join("index.html").exists() {
            return Err(format!(
                "{} has no index.html: run `scripts/build-console` first",
                dir.display()
            ));
        }
    }
    let (store, secrets) = open(storage)?;
    let mut notes = Vec::new();
    if options.demo {
        if let Some(id) = provision::ensure_demo_account(&store).map_err(|e| e.to_string())? {
            notes.push(format!(
                "Created the demo account {id}: {} / {}",
                provision::DEMO_EMAIL,
                provision::DEMO_PASSWORD
            ));
            let (user, key) = provision::create_user(
                &store,
                &secrets,
                provision::DEMO_EMAIL,
                provision::DEMO_USER,
                None,
            )
            .map_err(|e| e.to_string())?;
            notes.push(format!(
                "Created the demo EIM user {} (no password yet): access key {} / secret key {}",
                user.login(),
                key.access_key_id,
                key.secret_key
            ));
        }
    }
    if store.read_blocking(store::accounts::count).map_err(|e| e.to_string())? == 0 {
        notes.push(format!(
            "No account yet: create one with `account-api --db {} create-account --email you@example.com`.",
            storage.database()
        ));
    }
    let changes = store.changes().clone();
    let verified_keys = Arc::new(crate::auth::verified_keys::verified_keys(changes.clone()));
    let accounts = Arc::new(EpochCache::new(changes, Watched::Accounts, MAX_CACHED_ACCOUNTS));
    let state = AppState {
        store: BehindDoor::new(store),
        secrets,
        lockout: Lockout { unit_secs: options.lockout_unit_secs.max(1) },
        activity_interval_secs: options.activity_interval_secs.max(1),
        reauthentication_secs: options.reauthentication_secs.max(1),
        public_hosts: Arc::new(options.public_hosts.clone()),
        throttle: Arc::new(throttle::PasswordThrottle::new(
            options.password_checks_per_sec,
            options.password_checks_burst,
        )),
        password_work: password_work::PasswordWork::for_this_machine(),
        region: options.region.as_str().into(),
        trusted_proxies: Arc::new(trusted_proxies),
        webauthn: Arc::new(webauthn),
        verified_keys,
        accounts,
    };
    let service =
        service(state.clone(), &Options { cors_origins, console_dir: options.console_dir.clone() });
    Ok(Prepared {
        service,
        state,
        listen: options.listen.unwrap_or_else(|| "127.0.0.1:8090".parse().expect("address")),
        header_timeout: Duration::from_secs(options.header_timeout_secs.max(1)),
        notes,
    })
}

/// Opens the database and the server key, checking that they belong together.
pub fn open(storage: &Storage) -> Result<(Store, SecretBox), String> {
    let database = storage.database();
    let key_file = match (&storage.key_file, &database) {
        (Some(file), _) => file.clone(),
        (None, Database::Sqlite(path)) => {
            let mut p = path.clone().into_os_string();
            p.push(".key");
            PathBuf::from(p)
        }
        (None, Database::Postgres(_)) => {
            return Err("--key-file (ACCOUNT_API_KEY_FILE) is required with PostgreSQL: \
                 the same server key file on every instance"
                .into())
        }
    };
    let store = Store::open(&database, storage.db_pool_size)?;
    let has_keys =
        store.read_blocking(store::access_keys::count_all).map_err(|e| e.to_string())? > 0;
    let secrets = SecretBox::load_or_create(&key_file, !has_keys)?;
    secrets
        .check_against(&store)
        .map_err(|e| format!("{e} (server key {})", key_file.display()))?;
    Ok((store, secrets))
}

/// CORS origins, checked before anything starts: a wildcard would let any site
/// drive the API with a person's credentials, and a malformed origin matches nothing.
fn cors_origins(origins: &[String]) -> Result<Vec<String>, String> {
    for origin in origins {
        if origin.trim() == "*" {
            return Err(
                "--cors-origin '*' is refused: name each origin the console is served from".into(),
            );
        }
        let well_formed = (origin.starts_with("https://") || origin.starts_with("http://"))
            && !origin.trim_end_matches('/').contains(['?', '#', ' '])
            && axum::http::HeaderValue::from_str(origin).is_ok();
        if !well_formed {
            return Err(format!(
                "--cors-origin {origin:?} is not an origin such as https://console.example.com"
            ));
        }
    }
    Ok(origins.to_vec())
}

/// The WebAuthn relying party, checked before anything starts: each origin must be
/// an http(s) origin whose host is the RP ID or a subdomain of it.
fn webauthn(rp_id: &str, origins: &[String]) -> Result<webauthn_rs::Webauthn, String> {
    use webauthn_rs::prelude::Url;
    let rp_id = rp_id.trim();
    if rp_id.is_empty() || rp_id.parse::<std::net::IpAddr>().is_ok() || rp_id.contains(['/', ':']) {
        return Err(format!(
            "--webauthn-rp-id {rp_id:?} is not a domain such as console.example.com (browsers refuse WebAuthn on an IP address)"
        ));
    }
    let default_localhost = origins.is_empty() && rp_id == "localhost";
    let origins: Vec<String> = match origins {
        [] if default_localhost => vec!["http://localhost".to_owned()],
        [] => vec![format!("https://{rp_id}")],
        given => given.to_vec(),
    };
    let mut parsed = Vec::new();
    for origin in &origins {
        let url = Url::parse(origin.trim()).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.path() == "/"
                && u.query().is_none()
                && u.domain().is_some_and(|d| d == rp_id || d.ends_with(&format!(".{rp_id}")))
        });
        parsed.push(url.ok_or_else(|| {
            format!(
                "--webauthn-origin {origin:?} is not an origin on the relying party {rp_id:?}, such as https://{rp_id}"
            )
        })?);
    }
    let mut builder = webauthn_rs::WebauthnBuilder::new(rp_id, &parsed[0])
        .map_err(|e| format!("WebAuthn: {e}"))?
        .rp_name("OUTSCALE")
        .allow_any_port(default_localhost);
    for url in &parsed[1..] {
        builder = builder.append_allowed_origin(url);
    }
    builder.build().map_err(|e| format!("WebAuthn: {e}"))
}

fn trusted_proxies(list: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
    list.iter()
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("--trusted-proxy {p:?} is not an address or CIDR range"))
        })
        .collect()
}
