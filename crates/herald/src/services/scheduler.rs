//! The scheduler: claims due posts (and posts whose publishing lease expired) and
//! publishes them. It runs as a loop owned by a [`LoopHandle`] every
//! `HERALD_SCHEDULER_INTERVAL_MS`, and on demand from `POST /api/scheduler/run`.
//! Any number of runs, in any number of tasks or instances, may overlap: each post is
//! claimed by exactly one of them (see [`crate::coherence::publish`]).
//!
//! Pacing: Ayrshare limits each profile, so a run goes workspace by workspace (one
//! workspace is one profile), and reserves the Ayrshare calls of a batch from the
//! profile's budget ([`crate::coherence::gateway`]) *before* claiming it: it claims at most as many
//! posts as it was granted calls, oldest due first, and gives back what it could not use
//! (another instance claimed them). Posts left due for want of budget stay `scheduled`
//! (or `publishing`) and are labelled `waiting_for: ayrshare_limit`, once, with a `wait`
//! line in their audit trail; a later run publishes them when the window allows, still
//! in due order.
//!
//! Each run ends with the overdue check ([`Notifier::overdue_pass`]): pending posts whose
//! time passed are reported to their approvers and author, each post once ever.

use crate::coherence::changes::Writer;
use crate::coherence::publish::{self, Publisher};
use crate::foundation::background::{self, LoopHandle};
use crate::foundation::domain::{Actor, AuditAction, Post, PostStatus, WaitingFor, Workspace};
use crate::services::notify::Notifier;
use crate::storage::store::{AccessStore, DueQuery, NewEvent, PostStore, StoreError};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
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
    /// Due posts held back because their profile's Ayrshare budget is spent for now.
    pub waiting: u32,
    /// Notifications created for pending posts whose time passed (each post once ever).
    pub overdue: u32,
}

/// How many workspaces with due posts one pass looks at.
const WORKSPACES_PER_PASS: u32 = 1_000;

/// Claims and publishes due posts. Cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    posts: Arc<dyn PostStore>,
    /// Only to read a due workspace.
    access: Arc<dyn AccessStore>,
    writer: Writer,
    publisher: Publisher,
    notifier: Notifier,
    batch: u32,
    concurrency: usize,
}

impl Scheduler {
    pub fn new(
        posts: Arc<dyn PostStore>,
        access: Arc<dyn AccessStore>,
        writer: Writer,
        publisher: Publisher,
        notifier: Notifier,
    ) -> Self {
        let inner = Inner { posts, access, writer, publisher, notifier, batch: 50, concurrency: 8 };
        Self { inner: Arc::new(inner) }
    }

    /// Publishes everything due now (within the budgets); returns the tally.
    pub async fn run_once(&self) -> Result<RunReport, StoreError> {
        self.run_due_at(Utc::now()).await
    }

    /// Publishes everything due at `now` (tests pass a later time instead of waiting).
    #[tracing::instrument(skip_all, fields(%now))]
    pub async fn run_due_at(&self, now: DateTime<Utc>) -> Result<RunReport, StoreError> {
        let mut report = RunReport::default();
        loop {
            let due = self.inner.posts.due_by_workspace(now, WORKSPACES_PER_PASS).await?;
            let mut progressed = false;
            for (ws_id, count) in due {
                let Some(ws) = self.inner.access.workspace(&ws_id).await? else { continue };
                progressed |= self.run_workspace(&ws, now, count, &mut report).await?;
            }
            if !progressed {
                break;
            }
        }
        match self.inner.notifier.overdue_pass(now).await {
            Ok(n) => report.overdue = u32::try_from(n).unwrap_or(u32::MAX),
            Err(e) => tracing::warn!(error = %e, "the overdue check failed; the next run retries"),
        }
        Ok(report)
    }

    /// One batch of a workspace's due posts, within its profile's budget; whether any
    /// post was claimed.
    async fn run_workspace(
        &self,
        ws: &Workspace,
        now: DateTime<Utc>,
        due: u32,
        report: &mut RunReport,
    ) -> Result<bool, StoreError> {
        let gateway = self.inner.publisher.gateway();
        let slots = gateway.reserve(ws, due.min(self.inner.batch)).await;
        let claimed = match slots.granted {
            0 => vec![],
            granted => self.claim(&ws.id, now, granted).await?,
        };
        let unused = slots.granted.saturating_sub(u32::try_from(claimed.len()).unwrap_or(u32::MAX));
        gateway.refund(ws, &slots, unused).await;
        let slots = &slots;
        let results: Vec<_> = futures::stream::iter(claimed.iter().cloned())
            .map(|post| async move { self.inner.publisher.publish(ws, post, slots).await })
            .buffer_unordered(self.inner.concurrency)
            .collect()
            .await;
        for result in results {
            tally(report, result);
        }
        if slots.granted < due {
            report.waiting += self.mark_waiting(&ws.id, now).await?;
        }
        Ok(!claimed.is_empty())
    }

    async fn claim(
        &self,
        ws: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>, StoreError> {
        let lease = self.inner.publisher.policy().lease;
        let claim = move |p: &Post| {
            let action = if p.status == PostStatus::Publishing {
                AuditAction::Reclaim
            } else {
                AuditAction::Claim
            };
            Some(publish::claim(p, None, lease, &Actor::Scheduler, action))
        };
        let query = DueQuery { workspace_id: Some(ws.to_owned()), now, limit };
        let committed = self.inner.writer.claim_due(&query, &claim).await?;
        Ok(committed.into_iter().map(|c| c.post).collect())
    }

    /// Labels the workspace's due posts that are not labelled yet as waiting for the
    /// budget (a post claimed meanwhile by another instance is left alone); how many.
    async fn mark_waiting(&self, ws: &str, now: DateTime<Utc>) -> Result<u32, StoreError> {
        let due = self.inner.posts.due_posts(ws, now, WORKSPACES_PER_PASS).await?;
        let mut marked = 0;
        for post in due.into_iter().filter(|p| p.waiting_for.is_none()) {
            let mut next = post.clone();
            next.waiting_for = Some(WaitingFor::AyrshareLimit);
            next.version = post.version + 1;
            next.updated_at = crate::foundation::domain::model::now_ms();
            let event = NewEvent {
                actor: Actor::Herald,
                action: AuditAction::Wait,
                comment: None,
                from: Some(post.status),
            };
            match self.inner.writer.save(post.version, &next, &event).await {
                Ok(_) => marked += 1,
                Err(StoreError::VersionConflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(marked)
    }

    /// Starts the loop; `interval` zero means no loop (external cron only).
    pub fn spawn(self, interval: Duration) -> LoopHandle {
        let pass = move || {
            let scheduler = self.clone();
            async move {
                match scheduler.run_once().await {
                    Ok(r) if r != RunReport::default() => tracing::info!(?r, "scheduler run"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "scheduler run failed"),
                }
            }
        };
        background::spawn_loop(interval, pass, None)
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
