//! The settings of people ([`PeopleArgs`]: sign-in and e-mail) and the `herald user`
//! commands.

use super::{CacheArgs, DatabaseArgs};
use crate::foundation::secret::Secret;
use clap::{Args, Subcommand};
use std::net::SocketAddr;

/// Sign-in and e-mail (see [`crate::commands::people`]).
#[derive(Debug, Clone, Args)]
pub struct PeopleArgs {
    /// SMTP server for invitations and notifications: `smtp://host:port` (plain),
    /// `smtps://…` or `smtp://…?tls=required`; credentials in the user info. Unset: no
    /// e-mail (invitation links are shown to the admin who made them).
    #[arg(long, env = "HERALD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// The sender of Herald's e-mail.
    #[arg(long, env = "HERALD_SMTP_FROM", default_value = "Herald <herald@localhost>")]
    pub smtp_from: String,
    /// Failed sign-ins per account *from one client* (and per account from one browser
    /// that signed in before) per 15 minutes, counted across instances; more from that
    /// client are refused (429) until the window frees. 0: unlimited.
    #[arg(long, env = "HERALD_LOGIN_FAILURES_PER_EMAIL", default_value_t = 5)]
    pub login_failures_per_email: u32,
    /// Failed sign-ins per client address per 15 minutes, counted across instances.
    #[arg(long, env = "HERALD_LOGIN_FAILURES_PER_CLIENT", default_value_t = 30)]
    pub login_failures_per_client: u32,
    /// Failed sign-ins per account from all clients together per 15 minutes (guessing
    /// spread over many addresses); browsers the person signed in with before are not
    /// held by it. 0: unlimited.
    #[arg(long, env = "HERALD_LOGIN_FAILURES_PER_ACCOUNT", default_value_t = 50)]
    pub login_failures_per_account: u32,
    /// A session unused for this many hours ends (it ends 14 days after sign-in anyway).
    #[arg(long, env = "HERALD_SESSION_IDLE_HOURS", default_value_t = 12,
        value_parser = clap::value_parser!(u64).range(1..=336))]
    pub session_idle_hours: u64,
    /// Password hashes computed at once in this process (each holds 19 MiB while it
    /// runs); more wait briefly, then get 429. 0: the number of cores.
    #[arg(long, env = "HERALD_PASSWORD_HASHERS", default_value_t = 0)]
    pub password_hashers: usize,
    /// Invitations one workspace may make per 24 hours (429 beyond). 0: unlimited.
    #[arg(long, env = "HERALD_INVITATIONS_PER_DAY", default_value_t = 50)]
    pub invitations_per_day: u32,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (in the database).
    Create(UserCreateArgs),
    /// Set a user's password and end all their sessions: through the running Herald when
    /// an admin token is given (every instance forgets the sessions at once), else in the
    /// database directly (and through Redis, when REDIS_URL is set).
    ResetPassword(UserResetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserCreateArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// May administer every workspace and create new ones.
    #[arg(long)]
    pub global_admin: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct UserResetArgs {
    #[arg(long)]
    pub email: String,
    /// The running Herald (default: the address in HERALD_BIND).
    #[arg(long, env = "HERALD_URL")]
    pub url: Option<String>,
    #[arg(long, env = "HERALD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The global admin token of the running Herald; without it the database is changed
    /// directly.
    #[arg(long, env = "HERALD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}
