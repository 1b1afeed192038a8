//! Reading figures from Ayrshare: claims the refreshes that are due, makes one
//! `/analytics/post` call per Ayrshare post, stores what it read with its `as_of`, and
//! schedules the next read by the policy ([`super::policy`]). A loop owned by a
//! [`crate::foundation::background::LoopHandle`] runs it every `HERALD_ANALYTICS_INTERVAL_MS`.
//!
//! **One call per post per refresh, across instances.** A target (a post on one
//! network) is claimed by one refresher at a time (`MetricsStore::claim_refreshes`, the same
//! claim-with-lease as the outbox), and saving its figures (or putting it back) sets its
//! next refresh in the future and releases the claim in one statement; a run claims at
//! one `now` until nothing is due, so it never claims what it just put back. A post's
//! networks are due together and claimed in id order, so they are read with one call.
//!
//! **Within the budget.** Every read goes through the gateway as `Spend::Read`, inside
//! the read share of the profile's window on every instance. A refused read puts its
//! targets back for when the window frees (never sooner, so a spent budget never makes
//! the loop spin); a failed one retries after `retry_after_error`; figures already
//! stored stay, with their old `as_of`, and the answer says `cached`.
//!
//! Account figures (`/analytics/social`) are read for a workspace whose refresh ran, at
//! most every `account_every`.

use super::normalize;
use super::service::{Analytics, LastRead};
use crate::coherence::gateway::GatewayError;
use crate::foundation::background::{self, LoopHandle};
use crate::foundation::domain::{AccountMetrics, PostMetrics, RefreshTarget, Workspace};
use crate::storage::store::StoreError;
use ayrshare::{Platform, PostAnalytics};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    /// Ayrshare `/analytics/post` calls made.
    pub calls: u32,
    /// Targets (a post on one network) whose figures were stored.
    pub refreshed: u32,
    /// Targets put back because the budget refused their read.
    pub deferred: u32,
    /// Targets whose read failed (retried later).
    pub failed: u32,
}

/// How one read of one Ayrshare post went.
enum Read {
    Figures(Vec<PostMetrics>),
    Refused(Duration),
    Failed,
}

/// The targets of one run, by workspace, then by Ayrshare post.
type Groups = BTreeMap<String, BTreeMap<String, Vec<RefreshTarget>>>;

impl Analytics {
    /// Refreshes everything due now.
    pub async fn refresh_once(&self) -> Result<RefreshReport, StoreError> {
        self.refresh_due_at(Utc::now()).await
    }

    /// Refreshes everything due at `now` (tests pass a later time instead of waiting).
    #[tracing::instrument(skip_all, fields(%now))]
    pub async fn refresh_due_at(&self, now: DateTime<Utc>) -> Result<RefreshReport, StoreError> {
        let mut report = RefreshReport::default();
        loop {
            let claimed =
                self.metrics().claim_refreshes(now, self.inner.lease, self.inner.batch).await?;
            if claimed.is_empty() {
                return Ok(report);
            }
            for (ws_id, posts) in group(claimed) {
                let Some(ws) = self.inner.access.workspace(&ws_id).await? else {
                    let all: Vec<_> = posts.into_values().flatten().collect();
                    self.metrics()
                        .schedule_refresh(&all, now + chrono::Duration::days(365))
                        .await?;
                    continue;
                };
                self.refresh_workspace(&ws, posts, now, &mut report).await?;
            }
        }
    }

    async fn refresh_workspace(
        &self,
        ws: &Workspace,
        posts: BTreeMap<String, Vec<RefreshTarget>>,
        now: DateTime<Utc>,
        report: &mut RefreshReport,
    ) -> Result<(), StoreError> {
        let platforms: Vec<String> = posts.values().flatten().map(|t| t.platform.clone()).collect();
        let reads: Vec<_> = futures::stream::iter(posts.into_values())
            .map(|targets| async move { (self.read(ws, &targets, now).await, targets) })
            .buffer_unordered(8)
            .collect()
            .await;
        for (read, targets) in reads {
            self.settle(ws, read, &targets, now, report).await?;
        }
        self.refresh_accounts(ws, &platforms, now).await;
        Ok(())
    }

    /// One `/analytics/post` call for the targets of one Ayrshare post.
    async fn read(&self, ws: &Workspace, targets: &[RefreshTarget], now: DateTime<Utc>) -> Read {
        let Some(id) = targets.first().map(|t| t.ayrshare_id.as_str()) else {
            return Read::Figures(vec![]);
        };
        match self.inner.gateway.analytics_post(ws, id).await {
            Ok(reply) => Read::Figures(self.figures(&reply.body, targets, Utc::now().max(now))),
            Err(GatewayError::Budget(wait)) => Read::Refused(wait),
            Err(GatewayError::Ayrshare(e)) => {
                tracing::warn!(workspace = %ws.id, error = %e, "reading a post's analytics failed");
                Read::Failed
            }
        }
    }

    /// The figures of each target in Ayrshare's answer (a network it left out keeps its
    /// stored figures and is read again at its next refresh).
    fn figures(
        &self,
        body: &PostAnalytics,
        targets: &[RefreshTarget],
        as_of: DateTime<Utc>,
    ) -> Vec<PostMetrics> {
        targets
            .iter()
            .filter_map(|t| {
                let platform: Platform = t.platform.parse().ok()?;
                let raw = &body.networks.get(&platform)?.analytics;
                Some(PostMetrics {
                    workspace_id: t.workspace_id.clone(),
                    post_id: t.post_id.clone(),
                    ayrshare_id: t.ayrshare_id.clone(),
                    platform: t.platform.clone(),
                    posted_at: t.posted_at,
                    metrics: normalize::post_metrics(platform, raw),
                    as_of,
                    next_refresh_at: Some(self.inner.policy.next_refresh(t.posted_at, as_of)),
                })
            })
            .collect()
    }

    /// Stores what a read gave and schedules each target's next read.
    async fn settle(
        &self,
        ws: &Workspace,
        read: Read,
        targets: &[RefreshTarget],
        now: DateTime<Utc>,
        report: &mut RefreshReport,
    ) -> Result<(), StoreError> {
        let count = u32::try_from(targets.len()).unwrap_or(u32::MAX);
        let policy = self.inner.policy;
        match read {
            Read::Figures(figures) => {
                report.calls += 1;
                report.refreshed += u32::try_from(figures.len()).unwrap_or(u32::MAX);
                self.save(&figures).await?;
                let missing: Vec<_> = targets
                    .iter()
                    .filter(|t| !figures.iter().any(|f| f.platform == t.platform))
                    .cloned()
                    .collect();
                for t in &missing {
                    let at = policy.next_refresh(t.posted_at, now);
                    self.metrics().schedule_refresh(std::slice::from_ref(t), at).await?;
                }
                self.note(&ws.id, LastRead::Succeeded);
            }
            Read::Refused(wait) => {
                report.deferred += count;
                let wait = chrono::Duration::from_std(wait.max(Duration::from_secs(1)))
                    .unwrap_or(chrono::Duration::MAX);
                self.metrics().schedule_refresh(targets, now + wait).await?;
                self.note(&ws.id, LastRead::Failed);
            }
            Read::Failed => {
                report.calls += 1;
                report.failed += count;
                for t in targets {
                    let at = policy.retry(t.posted_at, now);
                    self.metrics().schedule_refresh(std::slice::from_ref(t), at).await?;
                }
                self.note(&ws.id, LastRead::Failed);
            }
        }
        Ok(())
    }

    /// Stores each figure; one that newer figures made moot (a read that overlapped
    /// another) still has its next refresh set, so its claim never lingers.
    async fn save(&self, figures: &[PostMetrics]) -> Result<(), StoreError> {
        for f in figures {
            if self.metrics().save_post_metrics(std::slice::from_ref(f)).await? == 0 {
                let target = RefreshTarget {
                    workspace_id: f.workspace_id.clone(),
                    post_id: f.post_id.clone(),
                    ayrshare_id: f.ayrshare_id.clone(),
                    platform: f.platform.clone(),
                    posted_at: f.posted_at,
                };
                let at = f.next_refresh_at.unwrap_or(f.as_of);
                self.metrics().schedule_refresh(&[target], at).await?;
            }
        }
        Ok(())
    }

    /// Reads the accounts' figures on `platforms` if the stored ones are older than
    /// `account_every` (or missing); failures are logged and left for the next run.
    async fn refresh_accounts(&self, ws: &Workspace, platforms: &[String], now: DateTime<Utc>) {
        let every = chrono::Duration::from_std(self.inner.policy.account_every).unwrap_or_default();
        let stored = match self.metrics().account_metrics(&ws.id).await {
            Ok(stored) => stored,
            Err(e) => return tracing::warn!(error = %e, "reading account figures failed"),
        };
        let mut wanted: Vec<Platform> = platforms.iter().filter_map(|p| p.parse().ok()).collect();
        wanted.sort();
        wanted.dedup();
        wanted
            .retain(|p| !stored.iter().any(|a| a.platform == p.as_str() && a.as_of + every > now));
        if wanted.is_empty() {
            return;
        }
        let reply = match self.inner.gateway.analytics_social(ws, &wanted).await {
            Ok(reply) => reply,
            Err(e) => {
                return tracing::debug!(workspace = %ws.id, error = %e, "account figures not read")
            }
        };
        let as_of = Utc::now().max(now);
        let figures: Vec<AccountMetrics> = reply
            .body
            .networks
            .iter()
            .map(|(platform, raw)| AccountMetrics {
                workspace_id: ws.id.clone(),
                platform: platform.as_str().to_owned(),
                metrics: normalize::account_metrics(raw),
                as_of,
            })
            .collect();
        if let Err(e) = self.metrics().save_account_metrics(&figures).await {
            tracing::warn!(error = %e, "storing account figures failed");
        }
    }

    /// Starts the loop; `interval` zero means no loop.
    pub fn spawn(self, interval: Duration) -> LoopHandle {
        let pass = move || {
            let analytics = self.clone();
            async move {
                match analytics.refresh_once().await {
                    Ok(r) if r != RefreshReport::default() => {
                        tracing::info!(?r, "analytics refresh")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "analytics refresh failed"),
                }
            }
        };
        background::spawn_loop(interval, pass, None)
    }
}

fn group(claimed: Vec<RefreshTarget>) -> Groups {
    let mut groups = Groups::new();
    for t in claimed {
        let ws = groups.entry(t.workspace_id.clone()).or_default();
        ws.entry(t.ayrshare_id.clone()).or_default().push(t);
    }
    groups
}
