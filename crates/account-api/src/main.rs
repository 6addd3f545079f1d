//! `account-api`: serve the API, or create an account.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;

use account_api::app::{service, AppState, Options};
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

#[derive(Args, Default)]
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
    /// Do not create the demo account in an empty database.
    #[arg(long)]
    no_demo: bool,
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
            tracing_subscriber::EnvFilter::try_from_env("ACCOUNT_API_LOG").unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::CreateAccount(c)) => create_account(&cli.storage, c),
        Some(Command::CreateUser(c)) => create_user(&cli.storage, c),
        Some(Command::Serve(s)) => serve(&cli.storage, s),
        None => serve(
            &cli.storage,
            Serve {
                listen: None,
                lockout_unit_secs: 60,
                password_checks_per_sec: 10.0,
                password_checks_burst: 20.0,
                ..Default::default()
            },
        ),
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
    let has_keys = store
        .read_blocking(store::access_keys::count_all)
        .map_err(|e| e.to_string())?
        > 0;
    let secrets = SecretBox::load_or_create(&key_file, !has_keys)?;
    Ok((store, secrets))
}

fn serve(storage: &Storage, options: Serve) -> Result<(), String> {
    let (store, secrets) = open(storage)?;
    if !options.no_demo {
        if let Some(id) = demo::ensure_demo_account(&store).map_err(|e| e.to_string())? {
            println!("Created the demo account {id}: {} / {}", demo::DEMO_EMAIL, demo::DEMO_PASSWORD);
            let (user, key) = demo::create_user(&store, &secrets, demo::DEMO_EMAIL, demo::DEMO_USER, None)
                .map_err(|e| e.to_string())?;
            println!(
                "Created the demo EIM user {} (no password yet): access key {} / secret key {}",
                user.login(),
                key.access_key_id,
                key.secret_key
            );
        }
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
    };
    if let Some(dir) = &options.console_dir {
        if !dir.join("index.html").exists() {
            return Err(format!("{} has no index.html: run `trunk build --release` first", dir.display()));
        }
    }
    let app = service(state, &Options { cors_origins: options.cors_origins.clone(), console_dir: options.console_dir.clone() });
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        if options.console_dir.is_some() {
            println!("Console on http://{local}/");
        }
        println!("Account API listening on http://{local}/api/v1/");
        tracing::info!(%local, "listening");
        axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
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
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
    let id = demo::create_account(&store, &c.email, &password, profile).map_err(|e| e.to_string())?;
    println!("Created account {id} for {}", c.email);
    Ok(())
}

fn create_user(storage: &Storage, c: CreateUser) -> Result<(), String> {
    let (store, secrets) = open(storage)?;
    let (user, key) =
        demo::create_user(&store, &secrets, &c.account_email, &c.user_name, c.user_email).map_err(|e| e.to_string())?;
    println!("Created user {} ({}); it signs in as {} once it has a password.", user.user_name, user.user_id, user.login());
    println!("Access key: {}\nSecret key: {}", key.access_key_id, key.secret_key);
    Ok(())
}
