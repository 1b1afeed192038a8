//! Building and running the service: check the configuration, open the store, pick
//! Ayrshare (real, or the built-in simulator in sandbox mode), build the services in
//! dependency order (cached reads and the dashboard first, then the post write path with
//! its after-commit hooks, then the use cases), bind the listeners (port 0 in tests),
//! start the scheduler, and serve until the shutdown future resolves.

use crate::app::metrics::Metrics;
use crate::app::router::{self, Options};
use crate::app::state::{AppInner, AppState, Ops};
use crate::coherence::changes::{AfterCommit, ChangeFeed, Writer};
use crate::coherence::gateway::{self, Gateway};
use crate::coherence::lookups::Lookups;
use crate::coherence::publish::Publisher;
use crate::coherence::ratelimit::{Limits, SharedLockout};
use crate::commands::config::ServeArgs;
use crate::commands::ops::lock::{self, DbLock, LockError};
use crate::commands::ops::Location;
use crate::commands::people::PeopleService;
use crate::foundation::domain::XCredentials;
use crate::foundation::secret::Secret;
use crate::foundation::server;
use crate::gate::auth::layer::Gate;
use crate::gate::auth::{self, Authenticator};
use crate::gate::dashboard::monitor::Monitor;
use crate::gate::dashboard::{Dashboard, Invalidator, Watch};
use crate::services::accounts::AccountService;
use crate::services::analytics::{Analytics, FirstRefresh};
use crate::services::live::{Announcer, Live};
use crate::services::media::{MediaLimits, MediaService};
use crate::services::notify::{Notifier, Waker};
use crate::services::plan::feeds::Feeds;
use crate::services::plan::PlanService;
use crate::services::posts::PostService;
use crate::services::review::Review;
use crate::services::scheduler::Scheduler;
use crate::services::webhooks::WebhookService;
use crate::services::webhooks_out::Webhooks;
use crate::services::workspaces::WorkspaceService;
use crate::storage::cache_keys::Profiles;
use crate::storage::store::{self, Storage};
use anyhow::Context;
use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use herald_cache::{Cache, CacheConfig};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// A built, not yet serving, Herald.
pub struct Application {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    state: AppState,
    store: Arc<dyn Storage>,
    cache: Cache,
    options: Options,
    limits: server::Limits,
    scheduler_interval: Duration,
    notify_interval: Duration,
    analytics_interval: Duration,
    webhooks_interval: Duration,
    sandbox: Option<SimHandle>,
    admin_token: Secret,
    admin_token_generated: bool,
    shutdown: CancellationToken,
    /// Held while serving a SQLite file: `herald restore` refuses while it is.
    _db_lock: Option<DbLock>,
}

impl Application {
    pub async fn build(args: ServeArgs) -> anyhow::Result<Self> {
        args.check_secrets()?;
        let db = &args.database;
        let db_lock = serving_lock(&db.database_url)?;
        let store = store::open(db.database_url.expose(), db.db_max_connections)
            .await
            .context("opening the database")?;
        let metrics = Metrics::new();
        let (client, sandbox) = ayrshare_client(&args).await?;
        let observer = metrics.clone();
        let client = client.with_observer(Arc::new(move |call| observer.ayrshare_call(call)));
        let cache = Cache::new(CacheConfig {
            ttl: args.cache.ttl(),
            redis_url: args.cache.redis_url.as_ref().map(|s| s.expose().to_owned()),
            namespace: args.cache.cache_namespace.clone(),
            read_lease: args.cache.lease(),
            ..CacheConfig::default()
        })
        .await;
        let shutdown = CancellationToken::new();
        let admin_token_generated = args.admin_token.is_none();
        let admin_token = args.admin_token.clone().unwrap_or_else(|| auth::new_token().0);

        let lookups = Lookups::new(store.clone(), cache.clone());
        // `area()`: the store upcast to the one area a parameter names (`store`: all of it).
        let area = || store.clone();
        let authenticator = Authenticator::new(admin_token.clone(), lookups.clone(), area())
            .with_idle(Duration::from_secs(args.people.session_idle_hours * 3600));
        let live = Live::new(
            cache.clone(),
            authenticator.clone(),
            args.max_streams_per_caller,
            shutdown.clone(),
        );
        let (strategy, ttl) = (args.cache.cache_strategy, args.cache.ttl());
        let gateway =
            Gateway::new(client, cache.clone(), gateway_settings(&args, sandbox.as_ref())?);
        let profiles = Profiles::default();
        let dashboard = Dashboard::new(
            store.clone(),
            cache.clone(),
            gateway.clone(),
            profiles.clone(),
            (strategy, ttl),
            Watch {
                monitor: Monitor::new(
                    area(),
                    metrics.freshness(),
                    args.cache.freshness_sample,
                    args.cache.lease(),
                ),
                skip_one_invalidation: args.cache.test_skip_one_invalidation,
            },
        );
        let people =
            crate::commands::people::Settings::from_args(&args.people, args.public_url.as_ref())?;
        let notifier = Notifier::new(
            store.clone(),
            lookups.clone(),
            live.clone(),
            people.mailer.clone(),
            people.public_url.clone(),
        );
        let analytics = Analytics::new(area(), area(), gateway.clone(), args.analytics.policy());
        let hooks_out =
            Webhooks::new(area(), area(), area(), args.webhooks_out.settings(), notifier.clone())?;
        let hooks: Vec<Arc<dyn AfterCommit>> = vec![
            Arc::new(Invalidator { dashboard: dashboard.clone(), lookups: lookups.clone() }),
            Arc::new(Announcer { live: live.clone(), lookups: lookups.clone() }),
            Arc::new(Waker(notifier.clone())),
            Arc::new(FirstRefresh { analytics: analytics.clone() }),
            Arc::new(crate::services::webhooks_out::Waker(hooks_out.clone())),
        ];
        let writer = Writer::new(area(), area(), ChangeFeed::new(hooks));
        let plan = PlanService::new(area(), area(), lookups.clone(), writer.clone());
        let feeds = Feeds::new(area(), writer.clone(), args.feeds.settings())?;
        let accounts = AccountService::new(gateway.clone(), cache.clone());
        let publisher = Publisher::new(gateway.clone(), writer.clone(), args.publish.policy());
        let secret = args.ayrshare.ayrshare_webhook_secret.clone();
        let limits = Limits::new(args.rate_limit_per_minute, args.auth_failures_per_minute);
        let media = MediaService::new(
            area(),
            area(),
            lookups.clone(),
            gateway.clone(),
            people.public_url.clone(),
            MediaLimits { max_mb: args.media_max_mb, quota_mb: args.media_quota_mb },
        );
        let posts = PostService::new(
            area(),
            area(),
            area(),
            lookups.clone(),
            writer.clone(),
            publisher.clone(),
            accounts.clone(),
        );
        let workspaces = WorkspaceService::new(area(), area(), lookups.clone(), gateway.clone());
        let review = Review::new(
            (area(), area(), area()),
            lookups.clone(),
            (posts.clone(), workspaces.clone()),
            (notifier.clone(), hooks_out.clone()),
            live.clone(),
            people.public_url.clone(),
            SharedLockout::new(
                cache.clone(),
                "review-client",
                people.login_failures_per_client,
                crate::commands::people::LOCKOUT_WINDOW,
            ),
        );
        let state = AppState::new(AppInner {
            posts,
            people: PeopleService::new((area(), area()), lookups.clone(), cache.clone(), people),
            workspaces,
            accounts: accounts.clone(),
            webhooks: WebhookService::new(area(), writer.clone(), accounts, secret),
            scheduler: Scheduler::new(area(), area(), writer, publisher, notifier.clone()),
            notifier,
            media,
            dashboard,
            live,
            gate: Arc::new(Gate {
                auth: authenticator,
                limits: Arc::new(limits),
                trusted_proxies: args.trusted_proxies.clone(),
                cron_secret: args.cron_secret.clone(),
                cache: cache.clone(),
                profiles: profiles.clone(),
            }),
            ops: Ops::new(area(), cache.clone(), args.cron_secret.clone()),
            metrics,
            analytics,
            hooks_out,
            review,
            plan,
            feeds,
            library: crate::services::library::LibraryService::new(area()),
        });
        if let Some(sim) = &sandbox {
            crate::app::demo::recreate_sandbox_profiles(store.as_ref(), sim).await?;
        }
        let listener = bind(args.bind).await?;
        let metrics_listener = match args.metrics_bind {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let https = args.public_url.as_ref().is_some_and(|u| u.scheme() == "https");
        Ok(Self {
            listener,
            options: Options { metrics_on_api: metrics_listener.is_none(), https },
            metrics_listener,
            state,
            store,
            cache,
            limits: args.connections.limits(&args.trusted_proxies),
            scheduler_interval: Duration::from_millis(args.scheduler_interval_ms),
            notify_interval: Duration::from_millis(args.notify_interval_ms),
            analytics_interval: args.analytics.interval(),
            webhooks_interval: args.webhooks_out.interval(),
            sandbox,
            admin_token,
            admin_token_generated,
            shutdown,
            _db_lock: db_lock,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Where `/metrics` is served when it has a listener of its own.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The admin token (for printing once, and for tests).
    pub fn admin_token(&self) -> &Secret {
        &self.admin_token
    }

    pub fn admin_token_generated(&self) -> bool {
        self.admin_token_generated
    }

    /// The in-process simulator, when running in sandbox mode.
    pub fn sandbox(&self) -> Option<&SimHandle> {
        self.sandbox.as_ref()
    }

    pub fn store(&self) -> Arc<dyn Storage> {
        self.store.clone()
    }

    /// Serves until `shutdown` resolves, then drains requests (event streams end at
    /// once), stops the scheduler and background work, and closes the store.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let scheduler = self.state.scheduler.clone().spawn(self.scheduler_interval);
        let notifications = self.state.notifier.clone().spawn(self.notify_interval);
        let analytics = self.state.analytics.clone().spawn(self.analytics_interval);
        let hooks_out = self.state.hooks_out.clone().spawn(self.webhooks_interval);
        let feeds = self.state.feeds.clone().spawn();
        let draining = self.shutdown.clone();
        let signal = async move {
            shutdown.await;
            draining.cancel();
        };
        let metrics = self.metrics_listener.map(|listener| {
            let app = router::metrics_router(self.state.clone());
            let stop = self.shutdown.clone();
            let limits = self.limits.clone();
            tokio::spawn(server::serve(listener, app, limits, stop.cancelled_owned()))
        });
        let app = router::router(self.state.clone(), self.options);
        let served = server::serve(self.listener, app, self.limits, signal).await;
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        scheduler.stop().await;
        notifications.stop().await;
        analytics.stop().await;
        hooks_out.stop().await;
        feeds.stop().await;
        self.state.dashboard.shutdown().await;
        self.cache.shutdown().await;
        if let Some(sim) = self.sandbox {
            sim.shutdown().await;
        }
        self.store.close().await;
        tracing::info!("herald stopped");
        served.context("serving HTTP")
    }
}

/// The shared lock beside a SQLite database (see [`crate::commands::ops`]); none for PostgreSQL.
fn serving_lock(url: &Secret) -> anyhow::Result<Option<DbLock>> {
    let Location::SqliteFile(path) = Location::of(url) else { return Ok(None) };
    match lock::shared(&path) {
        Ok(held) => Ok(Some(held)),
        Err(LockError::Held(lock)) => anyhow::bail!(
            "a restore of {} is in progress (it holds {}); start Herald when it has finished",
            path.display(),
            lock.display()
        ),
        Err(LockError::Io(e)) => Err(e),
    }
}

async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))
}

/// The real Ayrshare when an API key is configured; otherwise sandbox mode.
async fn ayrshare_client(
    args: &ServeArgs,
) -> anyhow::Result<(ayrshare::Client, Option<SimHandle>)> {
    let timeout = Duration::from_millis(args.ayrshare.ayrshare_timeout_ms);
    if let Some(key) = &args.ayrshare.ayrshare_api_key {
        let client =
            ayrshare::Client::new(&args.ayrshare.ayrshare_base_url, key.expose(), timeout)?;
        tracing::info!(base_url = %args.ayrshare.ayrshare_base_url, api_key = %key.hint(), "using Ayrshare");
        return Ok((client, None));
    }
    let key = auth::new_token().0;
    let config = SimConfig { api_key: Some(key.expose().to_owned()), ..Default::default() };
    let sim = Simulator::spawn(config).await.context("starting the sandbox simulator")?;
    let client = ayrshare::Client::new(&sim.base_url(), key.expose(), timeout)?;
    tracing::warn!(
        simulator = %sim.root_url(),
        "SANDBOX MODE: AYRSHARE_API_KEY is not set, so posts go to Herald's built-in Ayrshare \
         simulator and reach no social network. Set AYRSHARE_API_KEY to publish for real."
    );
    Ok((client, Some(sim)))
}

/// The gateway's settings. In sandbox mode nothing reaches a network, so the built-in
/// simulator gets stand-in X credentials and linking settings when none are configured:
/// X posts and the linking page work there as they would with real ones.
fn gateway_settings(
    args: &ServeArgs,
    sandbox: Option<&SimHandle>,
) -> anyhow::Result<gateway::Settings> {
    let mut settings = args.ayrshare.gateway()?;
    if sandbox.is_some() {
        settings.global_x.get_or_insert_with(|| XCredentials {
            api_key: Secret::new("sandbox-x-api-key"),
            api_secret: Secret::new("sandbox-x-api-secret"),
        });
        settings.linking.get_or_insert_with(|| gateway::Linking {
            domain: "sandbox".into(),
            private_key: Secret::new("sandbox-private-key"),
        });
    }
    Ok(settings)
}

/// A future that resolves on Ctrl-C or SIGTERM. The signals are listened for from this
/// call on, not from the future's first poll: one that arrives in between is kept.
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (mut terminate, mut interrupt) =
            (signal(SignalKind::terminate())?, signal(SignalKind::interrupt())?);
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
            tracing::info!("shutdown signal received; draining");
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown signal received; draining");
    })
}
