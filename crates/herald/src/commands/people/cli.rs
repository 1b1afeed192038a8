//! `herald user create | reset-password`. Creating a user only writes the database.
//! Resetting a password must also end the user's sessions everywhere: with an admin
//! token it asks the running Herald (`POST /api/users/password`), which tells every
//! instance before answering; without one it writes the database and invalidates through
//! Redis when `REDIS_URL` is set — an instance with only its in-process cache then keeps
//! a cached session for at most `HERALD_CACHE_TTL_SECS` (the command says so).

use super::{PeopleService, Settings};
use crate::coherence::error::AppError;
use crate::coherence::lookups::Lookups;
use crate::commands::config::{
    CacheArgs, DatabaseArgs, UserCommand, UserCreateArgs, UserResetArgs,
};
use anyhow::Context;
use herald_cache::{Cache, CacheConfig};
use std::io::{BufRead, IsTerminal};

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create(args) => create(args).await,
        UserCommand::ResetPassword(args) => reset(args).await,
    }
}

async fn create(args: UserCreateArgs) -> anyhow::Result<()> {
    let password = read_password("Password for the new user: ")?;
    let people = service(&args.database, None).await?;
    let user = people
        .create_user(&args.email, &args.name, password, args.global_admin)
        .await
        .map_err(explain)?;
    let admin = if user.global_admin { " (global admin)" } else { "" };
    println!("created user {} <{}>{admin}: {}", user.name, user.email, user.id);
    Ok(())
}

async fn reset(args: UserResetArgs) -> anyhow::Result<()> {
    let password = read_password("New password: ")?;
    if let Some(token) = &args.admin_token {
        let base = args.url.clone().unwrap_or_else(|| format!("http://{}", args.bind));
        let url = format!("{}/api/users/password", base.trim_end_matches('/'));
        let body = serde_json::json!({ "email": args.email, "password": password });
        let response = reqwest::Client::new()
            .post(url)
            .bearer_auth(token.expose())
            .json(&body)
            .send()
            .await
            .context("the running Herald could not be reached (leave out the admin token to change the database directly)")?;
        let status = response.status();
        anyhow::ensure!(
            status.is_success(),
            "Herald answered {status}: {}",
            response.text().await?
        );
    } else {
        let people = service(&args.database, Some(&args.cache)).await?;
        people.reset_password(&args.email, password).await.map_err(explain)?;
        if args.cache.redis_url.is_none() {
            println!(
                "note: without REDIS_URL or an admin token, a running Herald may accept the \
                 user's old sessions for up to HERALD_CACHE_TTL_SECS more"
            );
        }
    }
    println!("password set; every session of {} ended", args.email);
    Ok(())
}

/// The people service on the configured database (and Redis, to reach other instances).
async fn service(db: &DatabaseArgs, cache: Option<&CacheArgs>) -> anyhow::Result<PeopleService> {
    let store = crate::storage::store::open(db.database_url.expose(), 1).await?;
    let redis_url = cache.and_then(|c| c.redis_url.as_ref()).map(|s| s.expose().to_owned());
    let namespace = cache.map_or_else(|| "herald".to_owned(), |c| c.cache_namespace.clone());
    let cache = Cache::new(CacheConfig { redis_url, namespace, ..CacheConfig::default() }).await;
    let lookups = Lookups::new(store.clone(), cache.clone());
    let settings = Settings {
        mailer: None,
        public_url: None,
        login_failures_per_email: 0,
        login_failures_per_client: 0,
        login_failures_per_account: 0,
        hasher: crate::gate::auth::password::Hasher::default(),
        invitations_per_day: 0,
    };
    Ok(PeopleService::new((store.clone(), store), lookups, cache, settings))
}

/// A password from standard input: prompted for without echo on a terminal, else the
/// first line.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(prompt)?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// An error of the people service as a command-line message (the message it would send
/// as an HTTP answer, and the field it names).
fn explain(e: AppError) -> anyhow::Error {
    match &e {
        AppError::Invalid(field) => anyhow::anyhow!("{}: {}", field.field, field.message),
        AppError::NotFound => anyhow::anyhow!("no user with this e-mail address"),
        _ => anyhow::anyhow!("{e}"),
    }
}
