//! `account-api`: serve the API, or create an account.

use std::io::{BufRead, IsTerminal};

use account_api::http::listen;
use account_api::provision;
use account_api::server::{self, open, ServeArgs, Storage};
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

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve(ServeArgs),
    /// Create an account; the password is read from the terminal without echo, or from stdin.
    CreateAccount(CreateAccount),
    /// Create an EIM user (no password yet) in an account, with an access key for it.
    CreateUser(CreateUser),
    /// Unblock the authenticator apps and security keys of a login after too many wrong
    /// codes in a row, for a person with no recovery code left.
    UnblockSecondFactors(UnblockSecondFactors),
}

#[derive(Args)]
struct UnblockSecondFactors {
    /// The account's email, or an EIM user's `ACCOUNT_ID/user-name`.
    #[arg(long)]
    login: String,
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
    size_the_allocator();
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
        Some(Command::UnblockSecondFactors(u)) => unblock_second_factors(&cli.storage, u),
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

/// glibc's allocator, sized for a small server: by default it keeps up to 8 arenas per
/// core and, once a large block (argon2's 19 MiB per password check) was freed, serves
/// later large blocks from its arenas and keeps them: 50 MB resident after one
/// sign-in, 200 MB after nine. Two arenas, and large blocks mapped and given back
/// whole: 20 MB after the benchmark's load, at the same speed (docs/BENCHMARKS.md).
fn size_the_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets the allocator's parameters; it is called first thing,
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
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

fn serve(storage: &Storage, options: ServeArgs) -> Result<(), String> {
    let prepared = server::prepare(storage, &options)?;
    for note in &prepared.notes {
        println!("{note}");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listen = prepared.listen;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        if options.console_dir.is_some() {
            println!("Console on http://{local}/");
        }
        println!("Account API listening on http://{local}/api/v1/");
        tracing::info!(%local, "listening");
        listen::serve(listener, prepared.service, prepared.header_timeout, shutdown()).await;
        Ok::<(), String>(())
    })?;
    tracing::info!("stopped");
    Ok(())
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
    let id = provision::create_account(&store, &c.email, &password, profile)
        .map_err(|e| e.to_string())?;
    println!("Created account {id} for {}", c.email);
    Ok(())
}

fn create_user(storage: &Storage, c: CreateUser) -> Result<(), String> {
    let (store, secrets) = open(storage)?;
    let (user, key) =
        provision::create_user(&store, &secrets, &c.account_email, &c.user_name, c.user_email)
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

fn unblock_second_factors(storage: &Storage, u: UnblockSecondFactors) -> Result<(), String> {
    let (store, _) = open(storage)?;
    match provision::unblock_second_factors(&store, &u.login).map_err(|e| e.to_string())? {
        true => println!("Unblocked the second factors of {}", u.login),
        false => println!("{} had no wrong second-factor code to clear", u.login),
    }
    Ok(())
}
