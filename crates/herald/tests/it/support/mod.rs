//! What every test shares. [`spawn_app`]: the real Herald in-process on port 0 with a
//! fresh SQLite file (or the database a test gives), talking real HTTP to a fresh,
//! recorded Ayrshare simulator on port 0; typed request helpers ([`requests`]); the real
//! `herald` binary as a child process ([`process`]); a cuttable TCP proxy ([`proxy`]);
//! fresh PostgreSQL databases and the Redis URL ([`services`]); and the lock that keeps
//! heavy tests from running beside others ([`heavy`]).

pub mod events;
pub mod heavy;
pub mod people;
pub mod process;
pub mod proxy;
pub mod recorded;
pub mod requests;
pub mod services;
pub mod smtp;

pub use requests::{history, history_fetches, posts_sent, send, sim_profile, Reply};
pub use services::TestDatabase;
pub use services::{test_database_url, test_redis_url};

use ayrshare_sim::SimConfig;
use herald::app::startup::Application;
use herald::commands::config::ServeArgs;
use herald::foundation::secret::Secret;
use herald::storage::store::Storage;
use recorded::RecordedSim;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

pub const ADMIN: &str = "test-admin-token-0123456789";
pub const CRON: &str = "test-cron-secret-0123456789";
pub const HOOK_SECRET: &str = "test-webhook-secret-0123456789";
pub const SIM_KEY: &str = "SIM-API-KEY-0123456789";
/// The global X credentials every test Herald sends (`AYRSHARE_X_API_KEY/SECRET`).
pub const X_KEY: &str = "test-x-api-key-0123456789";
pub const X_SECRET: &str = "test-x-api-secret-0123456789";

/// The Ayrshare profile key a test workspace named `name` is created with.
pub fn profile_key(name: &str) -> String {
    format!("PROFILE-{name}-0123456789abcdef")
}

/// A profile key and X credentials, for calls made to the simulator directly.
pub struct SimProfile {
    pub key: String,
    pub x: ayrshare::XCredentials,
}

impl SimProfile {
    pub fn profile(&self) -> ayrshare::Profile<'_> {
        ayrshare::Profile::new(&self.key).with_x(&self.x)
    }
}

pub struct Options {
    pub sim: SimConfig,
    pub lease_secs: u64,
    pub strategy: herald::gate::dashboard::Strategy,
    /// A Redis URL for the shared tier (each app gets its own namespace).
    pub redis_url: Option<String>,
    /// `HERALD_RATE_LIMIT_PER_MINUTE`; 0 (the default here) = unlimited. Above 0, the
    /// failed-authentication limit is on too (30 per minute).
    pub rate_limit_per_minute: u32,
    /// A database (a fresh PostgreSQL one); `None` = a new SQLite file.
    pub database: Option<services::TestDatabase>,
    /// Herald's Ayrshare client timeout (`HERALD_AYRSHARE_TIMEOUT_MS`).
    pub ayrshare_timeout_ms: u64,
    pub backoff_ms: u64,
    /// `HERALD_AYRSHARE_BUDGET`; `None`: the simulator's own rate limit.
    pub budget: Option<herald::coherence::gateway::Budget>,
    /// `HERALD_SMTP_URL` (a [`smtp::SmtpSink`]).
    pub smtp_url: Option<String>,
    /// Global X credentials ([`X_KEY`], [`X_SECRET`]); false: none.
    pub global_x: bool,
    /// The Redis namespace; `None`: one of the app's own. Apps that stand for instances
    /// of one deployment share one.
    pub cache_namespace: Option<String>,
    /// `HERALD_MEDIA_MAX_MB`; `None`: the default.
    pub media_max_mb: Option<u64>,
    /// `HERALD_MEDIA_QUOTA_MB`; `None`: the default.
    pub media_quota_mb: Option<u64>,
    /// Serve on a port chosen up front and set `HERALD_PUBLIC_URL` to that address (media
    /// URLs are then Herald's own).
    pub public_url_is_self: bool,
    /// `HERALD_WEBHOOKS_ALLOW_PRIVATE` (true here: receivers listen on loopback).
    pub webhooks_allow_private: bool,
    /// `HERALD_WEBHOOKS_INTERVAL_MS`.
    pub webhooks_interval_ms: u64,
    /// `HERALD_WEBHOOKS_RETRY_WINDOW_SECS`.
    pub webhooks_retry_window_secs: u64,
    /// `HERALD_FEEDS_ALLOW_PRIVATE` (true here: test feeds are served on loopback).
    pub feeds_allow_private: bool,
    /// `HERALD_FRESHNESS_SAMPLE` (every answer here: the monitor must count no violation
    /// in any test, which [`TestApp`] checks when it is dropped).
    pub freshness_sample: f64,
    /// `HERALD_CACHE_LEASE_MS` (the Redis tier's read lease; 0: none).
    pub read_lease_ms: u64,
    /// `HERALD_TEST_SKIP_ONE_INVALIDATION`: the monitor's own test plants a stale answer.
    pub skip_one_invalidation: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sim: SimConfig::default(),
            lease_secs: 60,
            strategy: herald::gate::dashboard::Strategy::Versioned,
            redis_url: None,
            rate_limit_per_minute: 0,
            database: None,
            ayrshare_timeout_ms: 5_000,
            backoff_ms: 5,
            budget: None,
            smtp_url: None,
            global_x: true,
            cache_namespace: None,
            media_max_mb: None,
            media_quota_mb: None,
            public_url_is_self: false,
            webhooks_allow_private: true,
            webhooks_interval_ms: 1000,
            webhooks_retry_window_secs: 86_400,
            feeds_allow_private: true,
            freshness_sample: 1.0,
            read_lease_ms: 2000,
            skip_one_invalidation: false,
        }
    }
}

pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub sim: RecordedSim,
    pub store: Arc<dyn Storage>,
    pub scheduler: herald::services::scheduler::Scheduler,
    pub dashboard: herald::gate::dashboard::Dashboard,
    /// The analytics service (its refresh loop is off: tests run refreshes themselves).
    pub analytics: herald::services::analytics::Analytics,
    pub lease: Duration,
    /// Herald's Ayrshare budget per profile.
    pub budget: herald::coherence::gateway::Budget,
    /// A violation is planted: the drop check does not apply.
    violations_expected: bool,
    _db: tempfile::TempDir,
    _database: Option<services::TestDatabase>,
    _turn: heavy::Turn,
    stop: Option<oneshot::Sender<()>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(opts: Options) -> TestApp {
    let turn = heavy::light().await;
    let timeout = Duration::from_millis(opts.ayrshare_timeout_ms);
    let sim_config = SimConfig { api_key: Some(SIM_KEY.into()), ..opts.sim };
    // Herald's budget is the plan's limit, which the simulator enforces.
    let limit = sim_config.rate_limit;
    let budget = herald::coherence::gateway::Budget { calls: limit.max, period: limit.window };
    let sim = RecordedSim::spawn(sim_config, timeout).await;
    let db = tempfile::tempdir().expect("temp dir");
    let sqlite = db.path().join("herald.db").to_str().expect("utf-8 path").to_owned();
    let database_url = opts.database.as_ref().map_or(sqlite.as_str(), |d| d.url.as_str());
    let mut args = ServeArgs::for_tests(database_url);
    args.admin_token = Some(Secret::new(ADMIN));
    args.cron_secret = Some(Secret::new(CRON));
    args.ayrshare.ayrshare_api_key = Some(Secret::new(SIM_KEY));
    args.ayrshare.ayrshare_base_url = sim.base_url();
    args.ayrshare.ayrshare_webhook_secret = Some(Secret::new(HOOK_SECRET));
    args.ayrshare.ayrshare_timeout_ms = opts.ayrshare_timeout_ms;
    let budget = opts.budget.unwrap_or(budget);
    args.ayrshare.ayrshare_budget = budget;
    if opts.global_x {
        args.ayrshare.x_api_key = Some(Secret::new(X_KEY));
        args.ayrshare.x_api_secret = Some(Secret::new(X_SECRET));
    }
    args.scheduler_interval_ms = 0;
    args.analytics.analytics_interval_ms = 0;
    args.publish.publish_backoff_ms = opts.backoff_ms;
    args.publish.publish_lease_secs = opts.lease_secs;
    args.cache.cache_strategy = opts.strategy;
    args.cache.redis_url = opts.redis_url.map(Secret::new);
    args.cache.cache_namespace = opts
        .cache_namespace
        .unwrap_or_else(|| format!("herald-test-{}", uuid::Uuid::new_v4().simple()));
    args.rate_limit_per_minute = opts.rate_limit_per_minute;
    args.people.smtp_url = opts.smtp_url.map(Secret::new);
    args.media_max_mb = opts.media_max_mb.unwrap_or(args.media_max_mb);
    args.webhooks_out.allow_private = opts.webhooks_allow_private;
    args.webhooks_out.interval_ms = opts.webhooks_interval_ms;
    args.webhooks_out.retry_base_ms = 100;
    args.webhooks_out.retry_window_secs = opts.webhooks_retry_window_secs;
    args.media_quota_mb = opts.media_quota_mb.unwrap_or(args.media_quota_mb);
    args.feeds.feeds_allow_private = opts.feeds_allow_private;
    args.feeds.feed_interval_secs = 1;
    args.cache.freshness_sample = opts.freshness_sample;
    args.cache.cache_lease_ms = opts.read_lease_ms;
    args.cache.test_skip_one_invalidation = opts.skip_one_invalidation;
    if opts.public_url_is_self {
        let port = process::free_port();
        args.bind = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        args.public_url = Some(format!("http://127.0.0.1:{port}").parse().expect("url"));
    }
    if opts.rate_limit_per_minute > 0 {
        args.auth_failures_per_minute = 30;
    }
    let app = Application::build(args).await.expect("app builds");
    let url = format!("http://{}", app.local_addr());
    let (store, state) = (app.store(), app.state());
    let (scheduler, dashboard) = (state.scheduler.clone(), state.dashboard.clone());
    let analytics = state.analytics.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
    TestApp {
        url,
        http,
        sim,
        store,
        scheduler,
        dashboard,
        analytics,
        lease: Duration::from_secs(opts.lease_secs),
        budget,
        violations_expected: opts.skip_one_invalidation,
        _db: db,
        _database: opts.database,
        _turn: turn,
        stop: Some(stop),
    }
}

impl Drop for TestApp {
    /// G11 in every suite: no answer the freshness monitor re-checked was stale.
    fn drop(&mut self) {
        let report = self.dashboard.monitor().report();
        if !self.violations_expected && !std::thread::panicking() {
            assert_eq!(report.violations, 0, "the freshness monitor caught stale answers");
        }
    }
}

impl TestApp {
    /// Starts the graceful shutdown (as SIGTERM would).
    pub fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Test fixture: moves a post's `schedule_at` into the past, as time passing would.
    pub async fn backdate_schedule(&self, ws: &str, id: &str) -> i64 {
        let mut post = self.store.post(ws, id).await.unwrap().unwrap();
        let before = post.version;
        post.schedule_at = Some(chrono::Utc::now() - chrono::Duration::minutes(1));
        post.version += 1;
        let event = herald::storage::store::NewEvent {
            actor: "test".into(),
            action: herald::foundation::domain::AuditAction::Reschedule,
            comment: None,
            from: Some(post.status),
        };
        self.store.save_post(before, &post, &event).await.unwrap();
        post.version
    }

    /// The SQLite file of an app on SQLite (for fixtures the API cannot make).
    pub fn sqlite_path(&self) -> std::path::PathBuf {
        assert!(self._database.is_none(), "the app runs on SQLite");
        self._db.path().join("herald.db")
    }

    pub fn sim_stats(&self) -> ayrshare_sim::Stats {
        self.sim.sim.stats()
    }

    /// Every record the simulator holds for a workspace's profile (all statuses).
    pub async fn sim_history(&self, ws_name: &str) -> Vec<serde_json::Value> {
        requests::sim_history(&self.http, &self.sim.base_url(), &profile_key(ws_name)).await
    }

    /// A workspace's profile on the simulator, with the test X credentials: what a
    /// client other than Herald would call with.
    pub fn sim_profile_of(&self, ws_name: &str) -> SimProfile {
        SimProfile { key: profile_key(ws_name), x: ayrshare::XCredentials::new(X_KEY, X_SECRET) }
    }

    /// The workspace's linked accounts as Herald reads them (`GET …/accounts`).
    pub async fn linked_accounts(&self, ws: &str) -> serde_json::Value {
        let path = format!("/api/workspaces/{ws}/accounts");
        self.call(reqwest::Method::GET, &path, Some(ADMIN), None).await.expect(200)
    }

    pub fn sim_client(&self) -> ayrshare::Client {
        ayrshare::Client::new(&self.sim.base_url(), SIM_KEY, Duration::from_secs(5)).unwrap()
    }
}
