//! `account-api`: serve the API, or create an account.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;

use account_api::app::{service, Options};
use account_api::ctx::AppState;
use account_api::secrets::SecretBox;
use account_api::store::{Lockout, Store};
use account_api::{demo, store};
use account_contract::UpdateAccountRequest;
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "The account API of the OUTSCALE account console")]
struct Cli {
    #[command(flatten)]
    storage: Storage,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Args)]
struct Storage {
    /// The SQLite database (created if missing).
    #[arg(long, env = "ACCOUNT_API_DB", default_value = "account-api.sqlite", global = true)]
    db: PathBuf,
    /// The server key that seals access-key secrets; created on first start, mode 0600.
    /// Keep it outside the database's backups. Default: the database path + ".key".
    #[arg(long, env = "ACCOUNT_API_KEY_FILE", global = true)]
    key_file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve(Serve),
    /// Create an account; the password is read from the terminal without echo, or from stdin.
    CreateAccount(CreateAccount),
    /// Create an EIM user (no password yet) in an account, with an access key for it.
    CreateUser(CreateUser),
}

#[derive(Args)]
struct CreateUser {
    /// The email the account signs in with.
    #[arg(long)]
    account_email: String,
    #[arg(long)]
    user_name: String,
    #[arg(long)]
    user_email: Option<String>,
}

#[derive(Args)]
struct Serve {
    /// Address to listen on.
    #[arg(long, env = "ACCOUNT_API_LISTEN", default_value = "127.0.0.1:8090")]
    listen: Option<SocketAddr>,
    /// Origins allowed by CORS (none by default: the console goes through its own proxy).
    #[arg(long = "cors-origin", env = "ACCOUNT_API_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Seconds in one lockout unit: 4 failed attempts lock one unit, each 4 more one unit more, up to 10.
    #[arg(long, env = "ACCOUNT_API_LOCKOUT_UNIT_SECS", default_value_t = 60)]
    lockout_unit_secs: i64,
    /// Host names (with port) that clients may sign besides the Host header received:
    /// set it behind a proxy that rewrites Host, such as `trunk serve`.
    #[arg(long = "public-host", env = "ACCOUNT_API_PUBLIC_HOSTS", value_delimiter = ',')]
    public_hosts: Vec<String>,
    /// Serve the built console (`trunk build` output) from this folder at `/`.
    #[arg(long = "console", env = "ACCOUNT_API_CONSOLE_DIR")]
    console_dir: Option<PathBuf>,
    /// Password checks allowed per second from one client address (argon2 is costly).
    #[arg(long, env = "ACCOUNT_API_PASSWORD_CHECKS_PER_SEC", default_value_t = 10.0)]
    password_checks_per_sec: f64,
    /// How many password checks one client address may make at once before the rate applies.
    #[arg(long, env = "ACCOUNT_API_PASSWORD_CHECKS_BURST", default_value_t = 20.0)]
    password_checks_burst: f64,
    /// Create the demo account and its EIM user (published credentials: for trying the
    /// console only) when the database has no account.
    #[arg(long)]
    demo: bool,
    /// The region this endpoint is: signatures must name it in their credential scope.
    #[arg(long, env = "ACCOUNT_API_REGION", default_value = "eu-west-2")]
    region: String,
    /// Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client,
    /// for the password-check cap. Other peers' X-Forwarded-For is ignored.
    #[arg(long = "trusted-proxy", env = "ACCOUNT_API_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<String>,
    /// Seconds a client has to send a request's headers, and the most a kept-alive
    /// connection may sit idle.
    #[arg(long, default_value_t = account_api::listen::HEADER_TIMEOUT.as_secs())]
    header_timeout_secs: u64,
}

#[derive(Args)]
struct CreateAccount {
    #[arg(long)]
    email: String,
    #[arg(long)]
    first_name: Option<String>,
    #[arg(long)]
    last_name: Option<String>,
    #[arg(long)]
    company_name: Option<String>,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ACCOUNT_API_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::CreateAccount(c)) => create_account(&cli.storage, c),
        Some(Command::CreateUser(c)) => create_user(&cli.storage, c),
        Some(Command::Serve(s)) => serve(&cli.storage, s),
        None => match Cli::parse_from(["account-api", "serve"]).command {
            Some(Command::Serve(defaults)) => serve(&cli.storage, defaults),
            _ => unreachable!("`serve` parses as the serve command"),
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("account-api: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn open(storage: &Storage) -> Result<(Store, SecretBox), String> {
    let store = Store::open(&storage.db)?;
    let key_file = storage.key_file.clone().unwrap_or_else(|| {
        let mut p = storage.db.clone().into_os_string();
        p.push(".key");
        PathBuf::from(p)
    });
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

fn trusted_proxies(list: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
    list.iter()
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("--trusted-proxy {p:?} is not an address or CIDR range"))
        })
        .collect()
}

fn serve(storage: &Storage, options: Serve) -> Result<(), String> {
    let cors_origins = cors_origins(&options.cors_origins)?;
    let trusted_proxies = trusted_proxies(&options.trusted_proxies)?;
    if let Some(dir) = &options.console_dir {
        if !dir.join("index.html").exists() {
            return Err(format!(
                "{} has no index.html: run `trunk build --release` first",
                dir.display()
            ));
        }
    }
    let (store, secrets) = open(storage)?;
    if options.demo {
        if let Some(id) = demo::ensure_demo_account(&store).map_err(|e| e.to_string())? {
            println!(
                "Created the demo account {id}: {} / {}",
                demo::DEMO_EMAIL,
                demo::DEMO_PASSWORD
            );
            let (user, key) =
                demo::create_user(&store, &secrets, demo::DEMO_EMAIL, demo::DEMO_USER, None)
                    .map_err(|e| e.to_string())?;
            // Printed for the person trying the console, on standard output only: never logged.
            println!(
                "Created the demo EIM user {} (no password yet): access key {} / secret key {}",
                user.login(),
                key.access_key_id,
                key.secret_key
            );
        }
    }
    if store.read_blocking(store::accounts::count).map_err(|e| e.to_string())? == 0 {
        println!(
            "No account yet: create one with `account-api --db {} create-account --email you@example.com`.",
            storage.db.display()
        );
    }
    let listen = options.listen.unwrap_or_else(|| "127.0.0.1:8090".parse().expect("address"));
    let state = AppState {
        store,
        secrets,
        lockout: Lockout { unit_secs: options.lockout_unit_secs.max(1) },
        public_hosts: std::sync::Arc::new(options.public_hosts.clone()),
        throttle: std::sync::Arc::new(account_api::throttle::PasswordThrottle::new(
            options.password_checks_per_sec,
            options.password_checks_burst,
        )),
        password_work: account_api::password_work::PasswordWork::for_this_machine(),
        region: options.region.as_str().into(),
        trusted_proxies: std::sync::Arc::new(trusted_proxies),
    };
    let app = service(state, &Options { cors_origins, console_dir: options.console_dir.clone() });
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        if options.console_dir.is_some() {
            println!("Console on http://{local}/");
        }
        println!("Account API listening on http://{local}/api/v1/");
        tracing::info!(%local, "listening");
        let header_timeout = std::time::Duration::from_secs(options.header_timeout_secs.max(1));
        account_api::listen::serve(listener, app, header_timeout, shutdown()).await;
        Ok::<(), String>(())
    })?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn create_account(storage: &Storage, c: CreateAccount) -> Result<(), String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the passwords differ".into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    let (store, _) = open(storage)?;
    let profile = UpdateAccountRequest {
        first_name: c.first_name,
        last_name: c.last_name,
        company_name: c.company_name,
        ..Default::default()
    };
    let id =
        demo::create_account(&store, &c.email, &password, profile).map_err(|e| e.to_string())?;
    println!("Created account {id} for {}", c.email);
    Ok(())
}

fn create_user(storage: &Storage, c: CreateUser) -> Result<(), String> {
    let (store, secrets) = open(storage)?;
    let (user, key) =
        demo::create_user(&store, &secrets, &c.account_email, &c.user_name, c.user_email)
            .map_err(|e| e.to_string())?;
    println!(
        "Created user {} ({}); it signs in as {} once it has a password.",
        user.user_name,
        user.user_id,
        user.login()
    );
    println!("Access key: {}\nSecret key: {}", key.access_key_id, key.secret_key);
    Ok(())
}
