//! The scheduler: claims due posts (and posts whose publishing lease expired) and
//! publishes them. It runs as a loop owned by a [`SchedulerHandle`] every
//! `HERALD_SCHEDULER_INTERVAL_MS`, and on demand from `POST /api/scheduler/run`.
//! Any number of runs, in any number of tasks or instances, may overlap: each post is
//! claimed by exactly one of them (see [`crate::publish`]).

use crate::changes::Writer;
use crate::domain::{AuditAction, Post, PostStatus, Workspace};
use crate::publish::{self, Publisher};
use crate::store::{Storage, StoreError};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct RunReport {
    /// Posts now published (fully or partially).
    pub published: u32,
    /// Posts now failed.
    pub failed: u32,
    /// Posts claimed whose outcome is not known yet (left `publishing` for a re-claim).
    pub skipped: u32,
}

/// Claims and publishes due posts. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Storage>,
    writer: Writer,
    publisher: Publisher,
    batch: u32,
    concurrency: usize,
}

impl Scheduler {
    pub fn new(store: Arc<dyn Storage>, writer: Writer, publisher: Publisher) -> Self {
        Self { inner: Arc::new(Inner { store, writer, publisher, batch: 50, concurrency: 8 }) }
    }

    /// Publishes everything due now; returns the tally.
    pub async fn run_once(&self) -> Result<RunReport, StoreError> {
        self.run_due_at(Utc::now()).await
    }

    /// Publishes everything due at `now` (tests pass a later time instead of waiting).
    #[tracing::instrument(skip_all, fields(%now))]
    pub async fn run_due_at(&self, now: DateTime<Utc>) -> Result<RunReport, StoreError> {
        let mut report = RunReport::default();
        let mut workspaces: HashMap<String, Workspace> = HashMap::new();
        loop {
            let claimed = self.claim_batch(now).await?;
            let count = claimed.len();
            for post in &claimed {
                if !workspaces.contains_key(&post.workspace_id) {
                    if let Some(ws) = self.inner.store.workspace(&post.workspace_id).await? {
                        workspaces.insert(ws.id.clone(), ws);
                    }
                }
            }
            let results: Vec<_> = futures::stream::iter(claimed)
                .filter_map(|post| {
                    let ws = workspaces.get(&post.workspace_id).cloned();
                    async move { ws.map(|ws| (ws, post)) }
                })
                .map(|(ws, post)| async move { self.inner.publisher.publish(&ws, post).await })
                .buffer_unordered(self.inner.concurrency)
                .collect()
                .await;
            for result in results {
                tally(&mut report, result);
            }
            if count < self.inner.batch as usize {
                return Ok(report);
            }
        }
    }

    async fn claim_batch(&self, now: DateTime<Utc>) -> Result<Vec<Post>, StoreError> {
        let lease = self.inner.publisher.policy().lease;
        let claim = move |p: &Post| {
            let action = if p.status == PostStatus::Publishing {
                AuditAction::Reclaim
            } else {
                AuditAction::Claim
            };
            Some(publish::claim(p, None, lease, "scheduler", action))
        };
        let committed = self.inner.writer.claim_due(now, self.inner.batch, &claim).await?;
        Ok(committed.into_iter().map(|c| c.post).collect())
    }

    /// Starts the loop; `interval` zero means no loop (external cron only).
    pub fn spawn(self, interval: Duration) -> SchedulerHandle {
        let stop = CancellationToken::new();
        let task =
            (!interval.is_zero()).then(|| tokio::spawn(run_loop(self, interval, stop.clone())));
        SchedulerHandle { stop, task }
    }
}

fn tally(report: &mut RunReport, result: Result<Post, StoreError>) {
    match result.map(|p| p.status) {
        Ok(PostStatus::Published | PostStatus::PartiallyPublished) => report.published += 1,
        Ok(PostStatus::Failed) => report.failed += 1,
        Ok(_) => report.skipped += 1,
        Err(e) => {
            tracing::warn!(error = %e, "could not settle a claimed post; it will be re-claimed");
            report.skipped += 1;
        }
    }
}

async fn run_loop(scheduler: Scheduler, interval: Duration, stop: CancellationToken) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = ticker.tick() => {}
        }
        match scheduler.run_once().await {
            Ok(r) if r != RunReport::default() => tracing::info!(?r, "scheduler run"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "scheduler run failed"),
        }
    }
}

/// Owns the scheduler loop; stopping (or dropping) it ends the loop after the current run.
pub struct SchedulerHandle {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl SchedulerHandle {
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SchedulerHandle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
