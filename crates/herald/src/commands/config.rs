//! The command line: `herald serve | sim | migrate | backup | restore | cache | user`,
//! every option also read from the environment (each listed in docs/CONFIGURATION.md).
//! Secrets are [`Secret`]s and their environment values are hidden from `--help`, so
//! neither `Debug` nor help output shows them.
//!
//! Here: the commands and `herald serve`'s own settings ([`ServeArgs`]). By area: the
//! database ([`database`]), the cache ([`cache`]), people and `herald user`
//! ([`people`]), client connections ([`connections`]), Ayrshare and publishing
//! ([`ayrshare`]). Services with settings of their own keep their `Args` beside them
//! (`webhooks_out::settings`, `analytics::policy`); `ServeArgs` flattens them.

mod ayrshare;
mod cache;
mod connections;
mod database;
mod people;

pub use ayrshare::{AyrshareArgs, PublishArgs};
pub use cache::{CacheArgs, CacheClearArgs, CacheCommand};
pub use connections::ConnectionArgs;
pub use database::{BackupArgs, DatabaseArgs, RestoreArgs};
pub use people::{PeopleArgs, UserCommand, UserCreateArgs, UserResetArgs};

use crate::foundation::client_ip::TrustedProxies;
use crate::foundation::secret::Secret;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(name = "herald", version, about = "Team publishing to social networks through Ayrshare")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API, dashboard and scheduler.
    Serve(Box<ServeArgs>),
    /// Run the Ayrshare-compatible simulator alone.
    Sim(ayrshare_sim::SimArgs),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Copy the SQLite database to a new file, consistently, while Herald runs
    /// (PostgreSQL: prints the `pg_dump` command instead). See docs/OPERATIONS.md.
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup; refused while a Herald uses it
    /// (PostgreSQL: prints the `pg_restore` command instead). See docs/OPERATIONS.md.
    Restore(RestoreArgs),
    /// Cache operations on a running Herald.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// People: create a user, reset a password. The password is read from standard
    /// input (prompted for, without echo, on a terminal).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HERALD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Seed a demo workspace named `Demo` (31 posts) if none exists.
    #[arg(long)]
    pub demo: bool,
    /// Global admin token; generated and printed once at start if unset.
    #[arg(long, env = "HERALD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,
    /// Bearer secret for `POST /api/scheduler/run` (external cron).
    #[arg(long, env = "HERALD_CRON_SECRET", hide_env_values = true)]
    pub cron_secret: Option<Secret>,
    #[command(flatten)]
    pub ayrshare: AyrshareArgs,
    /// Requests per minute per authenticated caller (per client address without valid
    /// credentials), in this process; 0 disables the limit. `/healthz`, `/readyz` and
    /// `/metrics` are exempt.
    #[arg(long, env = "HERALD_RATE_LIMIT_PER_MINUTE", default_value_t = 1200)]
    pub rate_limit_per_minute: u32,
    /// Failed authentications per minute per client address before it is refused (429)
    /// until the limit allows again; 0 disables it.
    #[arg(long, env = "HERALD_AUTH_FAILURES_PER_MINUTE", default_value_t = 30)]
    pub auth_failures_per_minute: u32,
    /// Open event streams per caller and instance; one more answers 429. 0: no cap.
    #[arg(long, env = "HERALD_MAX_STREAMS_PER_CALLER", default_value_t = 20)]
    pub max_streams_per_caller: usize,
    /// Serve `/metrics` on this address only (not on the API port).
    #[arg(long, env = "HERALD_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// Where users reach Herald (e.g. `https://herald.example.com`); https turns on HSTS.
    #[arg(long, env = "HERALD_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Reverse proxies in front of Herald, as comma-separated CIDRs or addresses
    /// (`127.0.0.1/32,10.0.0.0/8`): only a request from one of them has its client
    /// address taken from `Forwarded` / `X-Forwarded-For`. Default: none.
    #[arg(long, env = "HERALD_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    #[command(flatten)]
    pub people: PeopleArgs,
    #[command(flatten)]
    pub webhooks_out: crate::services::webhooks_out::settings::WebhookArgs,
    #[command(flatten)]
    pub feeds: crate::services::plan::settings::FeedArgs,
    #[command(flatten)]
    pub connections: ConnectionArgs,
    /// Scheduler loop interval; 0 disables the built-in loop.
    #[arg(long, env = "HERALD_SCHEDULER_INTERVAL_MS", default_value_t = 1000)]
    pub scheduler_interval_ms: u64,
    /// How often the notification loop looks for new events and unsent e-mail (a change
    /// made on this instance wakes it at once); 0 disables the loop.
    #[arg(long, env = "HERALD_NOTIFY_INTERVAL_MS", default_value_t = 1000)]
    pub notify_interval_ms: u64,
    /// The largest media file an upload may carry, in MiB.
    #[arg(long, env = "HERALD_MEDIA_MAX_MB", default_value_t = 50,
        value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub media_max_mb: u64,
    /// The most media one workspace may store, in MiB; an upload past it is 413
    /// `quota_exceeded`.
    #[arg(long, env = "HERALD_MEDIA_QUOTA_MB", default_value_t = 2048,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub media_quota_mb: u64,
    #[command(flatten)]
    pub publish: PublishArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub analytics: crate::services::analytics::AnalyticsArgs,
}

/// Secrets shorter than this are refused at start: they could be guessed.
pub const MIN_SECRET_LEN: usize = 24;

impl ServeArgs {
    /// Refuses admin, cron and webhook secrets under [`MIN_SECRET_LEN`] characters.
    pub fn check_secrets(&self) -> anyhow::Result<()> {
        let secrets = [
            ("HERALD_ADMIN_TOKEN", &self.admin_token),
            ("HERALD_CRON_SECRET", &self.cron_secret),
            ("AYRSHARE_WEBHOOK_SECRET", &self.ayrshare.ayrshare_webhook_secret),
        ];
        for (name, secret) in secrets {
            let len = secret.as_ref().map_or(MIN_SECRET_LEN, |s| s.expose().chars().count());
            anyhow::ensure!(
                len >= MIN_SECRET_LEN,
                "{name} is {len} characters long; use at least {MIN_SECRET_LEN} random characters \
                 (e.g. `openssl rand -hex 24`), or leave HERALD_ADMIN_TOKEN unset to have one generated"
            );
        }
        Ok(())
    }

    /// Defaults for embedding (tests, tools): port 0, the given database, no loop, no
    /// rate limits (load tests and benchmarks send far more than a person would).
    pub fn for_tests(database_url: &str) -> Self {
        Cli::parse_from([
            "herald",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--rate-limit-per-minute",
            "0",
            "--auth-failures-per-minute",
            "0",
        ])
        .serve_args()
        .expect("serve args")
    }
}

impl Cli {
    fn serve_args(self) -> Option<ServeArgs> {
        match self.command {
            Command::Serve(a) => Some(*a),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_config_hides_secrets() {
        let cli = Cli::parse_from([
            "herald",
            "serve",
            "--admin-token",
            "admin-secret-value-123",
            "--ayrshare-api-key",
            "AYR-KEY-SECRET-0123456789",
            "--cron-secret",
            "cron-secret-value-xyz",
            "--ayrshare-webhook-secret",
            "webhook-secret-value-456",
            "--redis-url",
            "redis://:redis-password-789@localhost",
            "--database-url",
            "postgres://herald:db-password-321@localhost/herald",
        ]);
        let shown = format!("{cli:?}");
        for secret in [
            "admin-secret-value-123",
            "AYR-KEY-SECRET-0123456789",
            "cron-secret-value-xyz",
            "webhook-secret-value-456",
            "redis-password-789",
            "db-password-321",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
    }

    #[test]
    fn rate_limit_defaults_to_1200_per_minute_from_its_environment_variable() {
        use clap::CommandFactory;
        let cli = Cli::command();
        let serve = cli.find_subcommand("serve").expect("serve");
        let arg = serve
            .get_arguments()
            .find(|a| a.get_id() == "rate_limit_per_minute")
            .expect("the flag");
        assert_eq!(arg.get_env().and_then(|e| e.to_str()), Some("HERALD_RATE_LIMIT_PER_MINUTE"));
        assert_eq!(arg.get_default_values(), ["1200"]);
        let tests = ServeArgs::for_tests("herald.db");
        assert_eq!(
            tests.rate_limit_per_minute, 0,
            "embedded servers (tests, benchmarks) are unlimited"
        );
    }
}
