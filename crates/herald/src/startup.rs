//! Building and running the service: open the store, pick Ayrshare (real, or the
//! built-in simulator in sandbox mode), wire the write path, bind the listener (port 0 in
//! tests), start the scheduler, and serve until the shutdown future resolves.

use crate::changes::{ChangeFeed, Writer};
use crate::config::ServeArgs;
use crate::dashboard::{Dashboard, Invalidator};
use crate::http::{self, AppState, HttpConfig};
use crate::lookups::Lookups;
use crate::metrics::Metrics;
use crate::posts::PostService;
use crate::publish::Publisher;
use crate::scheduler::{Scheduler, SchedulerHandle};
use crate::secret::Secret;
use crate::store::{self, Storage};
use anyhow::Context;
use ayrshare_sim::{SimConfig, SimHandle, Simulator};
use herald_cache::{Cache, CacheConfig};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// A built, not yet serving, Herald.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    scheduler_interval: Duration,
    sandbox: Option<SimHandle>,
    admin_token_generated: bool,
}

impl Application {
    pub async fn build(args: ServeArgs) -> anyhow::Result<Self> {
        let store =
            store::open(args.database.database_url.expose(), args.database.db_max_connections)
                .await
                .context("opening the database")?;
        let metrics = Arc::new(Metrics::default());
        let (client, sandbox) = ayrshare_client(&args).await?;
        let client = client.with_observer(ayrshare_observer(metrics.clone()));
        let cache = Cache::new(CacheConfig {
            ttl: args.cache.ttl(),
            redis_url: args.cache.redis_url.as_ref().map(|s| s.expose().to_owned()),
            namespace: args.cache.cache_namespace.clone(),
            ..CacheConfig::default()
        })
        .await;
        let feed = ChangeFeed::default();
        let writer = Writer::new(store.clone(), feed.clone());
        let lookups = Lookups::new(store.clone(), cache.clone());
        let dashboard = Dashboard::new(
            store.clone(),
            cache,
            client.clone(),
            args.cache.cache_strategy,
            args.cache.ttl(),
        );
        feed.set_hooks(vec![Arc::new(Invalidator {
            dashboard: dashboard.clone(),
            lookups: lookups.clone(),
        })]);
        let publisher = Publisher::new(client, writer.clone(), args.publish.policy());
        let posts = PostService::new(store.clone(), writer.clone(), publisher.clone());
        let scheduler = Scheduler::new(store.clone(), writer.clone(), publisher);
        let admin_token_generated = args.admin_token.is_none();
        let admin_token = args.admin_token.clone().unwrap_or_else(|| crate::auth::new_token().0);
        let config = Arc::new(HttpConfig {
            admin_token,
            cron_secret: args.cron_secret.clone(),
            webhook_secret: args.ayrshare.ayrshare_webhook_secret.clone(),
            rate_limit_per_minute: args.rate_limit_per_minute,
        });
        let shutdown = tokio_util::sync::CancellationToken::new();
        let state = AppState {
            store,
            writer,
            posts,
            scheduler,
            dashboard,
            lookups,
            metrics,
            config,
            shutdown,
        };
        let listener =
            TcpListener::bind(args.bind).await.with_context(|| format!("binding {}", args.bind))?;
        Ok(Self {
            listener,
            state,
            scheduler_interval: Duration::from_millis(args.scheduler_interval_ms),
            sandbox,
            admin_token_generated,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The admin token (for printing once, and for tests).
    pub fn admin_token(&self) -> &Secret {
        &self.state.config.admin_token
    }

    pub fn admin_token_generated(&self) -> bool {
        self.admin_token_generated
    }

    /// The in-process simulator, when running in sandbox mode.
    pub fn sandbox(&self) -> Option<&SimHandle> {
        self.sandbox.as_ref()
    }

    pub fn store(&self) -> Arc<dyn Storage> {
        self.state.store.clone()
    }

    /// Serves until `shutdown` resolves, then drains requests and stops the scheduler.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let scheduler: SchedulerHandle =
            self.state.scheduler.clone().spawn(self.scheduler_interval);
        let app = http::router(self.state.clone());
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        let draining = self.state.shutdown.clone();
        let signal = async move {
            shutdown.await;
            draining.cancel();
        };
        let served = axum::serve(self.listener, app).with_graceful_shutdown(signal).await;
        scheduler.stop().await;
        self.state.dashboard.shutdown().await;
        self.state.dashboard.cache().shutdown().await;
        if let Some(sim) = self.sandbox {
            sim.shutdown().await;
        }
        tracing::info!("herald stopped");
        served.context("serving HTTP")
    }
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
    let key = crate::auth::new_token().0;
    let sim = Simulator::spawn(SimConfig {
        api_key: Some(key.expose().to_owned()),
        ..Default::default()
    })
    .await
    .context("starting the sandbox simulator")?;
    let client = ayrshare::Client::new(&sim.base_url(), key.expose(), timeout)?;
    tracing::warn!(
        simulator = %sim.root_url(),
        "SANDBOX MODE: AYRSHARE_API_KEY is not set, so posts go to Herald's built-in Ayrshare \
         simulator and reach no social network. Set AYRSHARE_API_KEY to publish for real."
    );
    Ok((client, Some(sim)))
}

/// Counts Ayrshare calls by endpoint and status, with their latency.
fn ayrshare_observer(metrics: Arc<Metrics>) -> ayrshare::Observer {
    Arc::new(move |call: &ayrshare::CallRecord| {
        let status = call.status.map(|s| s.to_string()).unwrap_or_else(|| "none".into());
        let labels = vec![("method", call.method.clone()), ("endpoint", call.endpoint.clone())];
        metrics.observe("herald_ayrshare_call_duration_seconds", labels.clone(), call.elapsed);
        let mut labels = labels;
        labels.push(("status", status));
        metrics.inc("herald_ayrshare_calls_total", labels);
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; draining");
}
