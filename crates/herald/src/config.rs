//! The command line: `herald serve | sim | migrate`, every option also read from the
//! environment (names as in API.md). Secrets are [`Secret`]s and their environment
//! values are hidden from `--help`, so neither `Debug` nor help output shows them.

use crate::client_ip::TrustedProxies;
use crate::secret::Secret;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::time::Duration;

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

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Drop cached Ayrshare history (all `ayrshare:history:*` keys, or one workspace's).
    Clear(CacheClearArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CacheClearArgs {
    /// Only this workspace's history.
    #[arg(long)]
    pub workspace: Option<String>,
    /// The running Herald (default: the address in HERALD_BIND).
    #[arg(long, env = "HERALD_URL")]
    pub url: Option<String>,
    #[arg(long, env = "HERALD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The global admin token of that Herald.
    #[arg(long, env = "HERALD_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Secret,
}

#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// Redis for the shared cache tier, leases and fan-out; unset = in-process cache only.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,
    /// Upper bound on the age of cached Ayrshare data Herald cannot see change.
    #[arg(long, env = "HERALD_CACHE_TTL_SECS", default_value_t = 120,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub cache_ttl_secs: u64,
    /// Prefix of every Redis key and channel Herald uses (several Heralds can share a Redis).
    #[arg(long, env = "HERALD_CACHE_NAMESPACE", default_value = "herald")]
    pub cache_namespace: String,
    /// `versioned` (Herald's coherent cache) or `delete-after-write` (baseline only).
    #[arg(long, env = "HERALD_CACHE_STRATEGY", value_enum, default_value = "versioned")]
    pub cache_strategy: crate::dashboard::Strategy,
}

impl CacheArgs {
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.cache_ttl_secs)
    }
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist yet).
    #[arg(long)]
    pub to: std::path::PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup to restore (a file `herald backup` wrote).
    #[arg(long)]
    pub from: std::path::PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `postgres://…` for PostgreSQL; otherwise a SQLite file path or `sqlite://` URL.
    #[arg(long, env = "DATABASE_URL", default_value = "herald.db", hide_env_values = true)]
    pub database_url: Secret,
    /// Database connections (readers, for SQLite) in the pool.
    #[arg(long, env = "HERALD_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,
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
    pub webhooks_out: crate::webhooks_out::settings::WebhookArgs,
    #[command(flatten)]
    pub feeds: crate::plan::settings::FeedArgs,
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
    pub analytics: crate::analytics::AnalyticsArgs,
}

/// Sign-in and e-mail (see [`crate::people`]).
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

impl PeopleArgs {
    /// The people service's settings (the mailer is built here: a bad URL stops startup).
    pub fn settings(
        &self,
        public_url: Option<&url::Url>,
    ) -> anyhow::Result<crate::people::Settings> {
        let mailer = match &self.smtp_url {
            Some(url) => Some(crate::mail::Mailer::new(url, &self.smtp_from)?),
            None => None,
        };
        Ok(crate::people::Settings {
            mailer,
            public_url: public_url.map(|u| u.as_str().trim_end_matches('/').to_owned()),
            login_failures_per_email: self.login_failures_per_email,
            login_failures_per_client: self.login_failures_per_client,
            login_failures_per_account: self.login_failures_per_account,
            hasher: match self.password_hashers {
                0 => crate::auth::password::Hasher::default(),
                n => crate::auth::password::Hasher::new(n),
            },
            invitations_per_day: self.invitations_per_day,
        })
    }
}

/// Limits on client connections (see [`crate::server`]).
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// Close a connection whose request headers take longer than this (also the longest
    /// a keep-alive connection waits for its next request).
    #[arg(long, env = "HERALD_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,
    /// Close a connection on which nothing moved either way for this long.
    #[arg(long, env = "HERALD_IDLE_TIMEOUT_SECS", default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_secs: u64,
    /// Open connections at most; more are closed as they arrive.
    #[arg(long, env = "HERALD_MAX_CONNECTIONS", default_value_t = 4096,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Open connections per client address at most (0: no such limit). The trusted
    /// proxies (`HERALD_TRUSTED_PROXIES`), which carry every client's connections, are
    /// not held by it.
    #[arg(long, env = "HERALD_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub max_connections_per_address: u64,
    /// Close a connection whose client takes a response more slowly than this many bytes
    /// per second while the server waits on it (0: no minimum).
    #[arg(long, env = "HERALD_MIN_SEND_BYTES_PER_SEC", default_value_t = 2048)]
    pub min_send_bytes_per_sec: u64,
    /// How long such a client may take nothing before it is closed, and the most time
    /// it banks by reading faster.
    #[arg(long, env = "HERALD_SEND_GRACE_SECS", default_value_t = 20,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub send_grace_secs: u64,
}

impl ConnectionArgs {
    /// The server's limits; `trusted_proxies` are exempt from the per-address one.
    pub fn limits(&self, trusted_proxies: &TrustedProxies) -> crate::server::Limits {
        crate::server::Limits {
            exempt: trusted_proxies.clone(),
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            max_per_address: usize::try_from(self.max_connections_per_address)
                .unwrap_or(usize::MAX),
            send_rate: crate::server::SendRate {
                bytes_per_sec: self.min_send_bytes_per_sec,
                grace: Duration::from_secs(self.send_grace_secs),
            },
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct AyrshareArgs {
    /// Ayrshare API key; unset = sandbox mode on the built-in simulator.
    #[arg(long, env = "AYRSHARE_API_KEY", hide_env_values = true)]
    pub ayrshare_api_key: Option<Secret>,
    #[arg(long, env = "AYRSHARE_BASE_URL", default_value = "https://api.ayrshare.com/api")]
    pub ayrshare_base_url: String,
    /// Secret Ayrshare signs webhooks with.
    #[arg(long, env = "AYRSHARE_WEBHOOK_SECRET", hide_env_values = true)]
    pub ayrshare_webhook_secret: Option<Secret>,
    /// Timeout of one Ayrshare call.
    #[arg(long, env = "HERALD_AYRSHARE_TIMEOUT_MS", default_value_t = 15_000)]
    pub ayrshare_timeout_ms: u64,
    /// X (Twitter) OAuth1 API key sent with every Ayrshare call of workspaces without
    /// their own (Ayrshare refuses X calls without it, code 419).
    #[arg(long, env = "AYRSHARE_X_API_KEY", hide_env_values = true, requires = "x_api_secret")]
    pub x_api_key: Option<Secret>,
    /// The secret that goes with `AYRSHARE_X_API_KEY`.
    #[arg(long, env = "AYRSHARE_X_API_SECRET", hide_env_values = true, requires = "x_api_key")]
    pub x_api_secret: Option<Secret>,
    /// Ayrshare calls per profile per window, across all instances: `CALLS/SECONDS`.
    /// Keep it at or under Ayrshare's own limit (300 per 5 minutes).
    #[arg(long, env = "HERALD_AYRSHARE_BUDGET", default_value = "300/300")]
    pub ayrshare_budget: crate::gateway::Budget,
    /// The domain of your Ayrshare integration, for the social-account linking page
    /// (`POST /api/workspaces/{ws}/connect`).
    #[arg(long, env = "AYRSHARE_DOMAIN")]
    pub ayrshare_domain: Option<String>,
    /// The private key file (PEM) of your Ayrshare integration, for the linking page.
    #[arg(long, env = "AYRSHARE_PRIVATE_KEY_FILE")]
    pub ayrshare_private_key_file: Option<std::path::PathBuf>,
}

impl AyrshareArgs {
    /// The gateway's settings; reads the private key file (a missing file stops startup).
    pub fn gateway(&self) -> anyhow::Result<crate::gateway::Settings> {
        let global_x = match (&self.x_api_key, &self.x_api_secret) {
            (Some(key), Some(secret)) => Some(crate::domain::XCredentials {
                api_key: key.clone(),
                api_secret: secret.clone(),
            }),
            _ => None,
        };
        let linking = match (&self.ayrshare_domain, &self.ayrshare_private_key_file) {
            (Some(domain), Some(file)) => {
                let pem = std::fs::read_to_string(file).map_err(|e| {
                    anyhow::anyhow!(
                        "AYRSHARE_PRIVATE_KEY_FILE {} cannot be read: {e}",
                        file.display()
                    )
                })?;
                Some(crate::gateway::Linking {
                    domain: domain.clone(),
                    private_key: Secret::new(pem),
                })
            }
            _ => None,
        };
        Ok(crate::gateway::Settings { budget: self.ayrshare_budget, global_x, linking })
    }
}

#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// How long a publishing claim is owned before another instance may settle it.
    #[arg(long, env = "HERALD_PUBLISH_LEASE_SECS", default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub publish_lease_secs: u64,
    /// Attempts per claim for Ayrshare 429/5xx/timeouts.
    #[arg(long, env = "HERALD_PUBLISH_ATTEMPTS", default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub publish_attempts: u32,
    /// First retry backoff (doubled per attempt).
    #[arg(long, env = "HERALD_PUBLISH_BACKOFF_MS", default_value_t = 500)]
    pub publish_backoff_ms: u64,
}

impl PublishArgs {
    pub fn policy(&self) -> crate::publish::PublishPolicy {
        crate::publish::PublishPolicy {
            attempts: self.publish_attempts,
            backoff: Duration::from_millis(self.publish_backoff_ms),
            lease: Duration::from_secs(self.publish_lease_secs),
            ..Default::default()
        }
    }
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
