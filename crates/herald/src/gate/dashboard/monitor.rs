//! The freshness monitor (G11): each instance re-checks a sample of the dashboard answers
//! it served against the database, after answering and off the request path, and counts
//! the checks and the violations (`herald_freshness_checks_total`,
//! `herald_freshness_violations_total`, and `GET /api/ops/freshness` for all instances).
//!
//! What a check proves. Every view records the workspace's content version, read from
//! the database before the view's posts (so the view holds at least every post change up
//! to it). A check reads the current content version. If it is not newer than the served
//! one, nothing changed since the answer: checked, fresh. If it is newer, a post change
//! committed after the view was filled; that is a violation only if the change was
//! acknowledged before the read and the cache did not show it. A writer acknowledges a
//! change within a bounded time of its commit (its invalidation answers within a second,
//! then waits at most one read lease for the other instances), so the check waits a
//! *grace* longer than that bound (twice the lease plus two seconds) and reads the
//! dashboard again through this instance's cache. If that answer is still older than the
//! change seen committed a grace ago, a change acknowledged long before this read is
//! missing from it: a violation, logged with the key and the versions. A stale answer that
//! heals within the grace is not caught (the tests check those); what stays stale, as a
//! skipped invalidation does until the entry expires, is.

use super::view::View;
use super::Dashboard;
use crate::coherence::error::AppResult;
use crate::foundation::domain::Workspace;
use crate::storage::cache_keys::Key;
use crate::storage::store::{FreshnessFigures, MetricsStore};
use chrono::{DateTime, SecondsFormat, Utc};
use prometheus_client::metrics::counter::Counter;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Checks running at once on an instance; a sample beyond it is not taken (memory bound).
const MAX_IN_FLIGHT: usize = 64;
/// How often an instance writes its figures to the database when they changed.
const SAVE_EVERY: Duration = Duration::from_secs(1);

/// The counters of one instance (prometheus counters, also exported at `/metrics`).
#[derive(Clone, Default)]
pub struct Counts {
    pub checks: Counter,
    pub violations: Counter,
}

/// What `GET /api/ops/freshness` answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub checked: u64,
    pub violations: u64,
    /// Since when the figures count (RFC 3339).
    pub since: String,
}

impl Report {
    fn of(figures: FreshnessFigures) -> Self {
        let since = figures.since.to_rfc3339_opts(SecondsFormat::Secs, true);
        Self { checked: figures.checked, violations: figures.violations, since }
    }
}

/// The sampler and its running checks. Cheap to clone.
#[derive(Clone)]
pub struct Monitor {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn MetricsStore>,
    /// This instance's row in `freshness_counts` (one per process start).
    instance: String,
    /// Figures changed since they were last saved.
    dirty: AtomicBool,
    sample: f64,
    grace: Duration,
    counts: Counts,
    since: DateTime<Utc>,
    in_flight: AtomicUsize,
    /// The running checks.
    tasks: TaskTracker,
    /// The task that saves the figures.
    saver: TaskTracker,
    stop: CancellationToken,
}

impl Monitor {
    /// Samples `sample` of the answers; `lease` is the cache's read lease. Saves this
    /// instance's figures to `store` (at most every second) until [`Monitor::shutdown`].
    pub fn new(store: Arc<dyn MetricsStore>, counts: Counts, sample: f64, lease: Duration) -> Self {
        let inner = Inner {
            store,
            instance: uuid::Uuid::new_v4().simple().to_string(),
            dirty: AtomicBool::new(false),
            sample,
            grace: lease * 2 + Duration::from_secs(2),
            counts,
            since: Utc::now(),
            in_flight: AtomicUsize::new(0),
            tasks: TaskTracker::new(),
            saver: TaskTracker::new(),
            stop: CancellationToken::new(),
        };
        let this = Self { inner: Arc::new(inner) };
        this.inner.saver.spawn(this.clone().keep_saved());
        this.inner.saver.close();
        this
    }

    /// The figures of every instance, summed (this one's saved first, so they are in).
    pub async fn totals(&self) -> AppResult<Report> {
        self.save().await?;
        let totals = self.inner.store.freshness_totals().await?;
        Ok(Report::of(totals.unwrap_or_else(|| self.figures())))
    }

    fn figures(&self) -> FreshnessFigures {
        let c = &self.inner.counts;
        FreshnessFigures {
            checked: c.checks.get(),
            violations: c.violations.get(),
            since: self.inner.since,
        }
    }

    async fn save(&self) -> AppResult<()> {
        self.inner.dirty.store(false, Ordering::Release);
        let saved = self.inner.store.save_freshness(&self.inner.instance, &self.figures()).await;
        if saved.is_err() {
            self.inner.dirty.store(true, Ordering::Release); // try again on the next round
        }
        Ok(saved?)
    }

    /// Saves the figures every [`SAVE_EVERY`] when they changed, and once more on shutdown.
    async fn keep_saved(self) {
        let mut every = tokio::time::interval(SAVE_EVERY);
        while self.inner.stop.run_until_cancelled(every.tick()).await.is_some() {
            if self.inner.dirty.load(Ordering::Acquire) {
                if let Err(e) = self.save().await {
                    tracing::warn!(error = %e, "freshness figures not saved; retried in a second");
                }
            }
        }
        if self.inner.dirty.load(Ordering::Acquire) {
            let _ = self.save().await;
        }
    }

    /// This instance's figures.
    pub fn report(&self) -> Report {
        Report::of(self.figures())
    }

    /// Maybe re-checks `served` (the answer `key` gave for `ws`) in the background.
    pub fn sample(&self, dashboard: &Dashboard, ws: &Workspace, key: &Key, served: &View) {
        let inner = &self.inner;
        if inner.sample <= 0.0 || rand::random::<f64>() >= inner.sample {
            return;
        }
        if inner.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
            inner.in_flight.fetch_sub(1, Ordering::AcqRel);
            return;
        }
        let (this, dashboard, ws) = (self.clone(), dashboard.clone(), ws.clone());
        let (key, served) = (key.as_str().to_owned(), served.content_version());
        inner.tasks.spawn(async move {
            this.check(&dashboard, &ws, &key, served).await;
            this.inner.in_flight.fetch_sub(1, Ordering::AcqRel);
        });
    }

    async fn check(&self, dashboard: &Dashboard, ws: &Workspace, key: &str, served: i64) {
        let Ok(current) = dashboard.content_version(&ws.id).await else { return };
        if current > served {
            let grace = tokio::time::sleep(self.inner.grace); // the acknowledgement bound
            if self.inner.stop.run_until_cancelled(grace).await.is_none() {
                return; // shutting down
            }
            let Ok(again) = dashboard.read(ws, false).await else { return };
            let now_served = again.view.content_version();
            if now_served < current {
                self.inner.counts.violations.inc();
                tracing::error!(key, workspace = %ws.id, served, current, now_served,
                    grace = ?self.inner.grace,
                    "freshness violation: a dashboard answer misses a change committed a grace before");
            }
        }
        self.inner.counts.checks.inc();
        self.inner.dirty.store(true, Ordering::Release);
    }

    /// Stops every check (shutdown) and waits for them.
    pub async fn shutdown(&self) {
        self.inner.stop.cancel();
        self.inner.tasks.close();
        self.inner.tasks.wait().await;
        self.inner.saver.wait().await;
    }

    /// Resolves once no check is running (tests).
    pub async fn settled(&self) {
        let tasks = &self.inner.tasks;
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }
}
