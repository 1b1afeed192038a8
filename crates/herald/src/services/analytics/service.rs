//! The analytics service: answers a workspace's figures for a date range from the store
//! ([`Analytics::report`]), and refreshes them from Ayrshare ([`crate::services::analytics::refresh`]).
//!
//! A read never calls Ayrshare: figures come from the store, each with the `as_of` it was
//! read at, so an answer costs no budget and survives restarts. The answer's `upstream`
//! says whether those figures are as fresh as the refresh policy promises (`fresh`) or
//! not (`cached`: a figure is overdue by the policy — the argument holds on every
//! instance, since it is computed from stored times — or this instance's last read for
//! the workspace failed or was refused by the budget); `unavailable` when there are no
//! figures and the last read failed. `as_of` is the oldest figure's time: no figure in
//! the answer is older than it says (G8).

use super::policy::Policy;
use super::report::{self, PostReport, Range, Report};
use crate::coherence::error::AppResult;
use crate::coherence::gateway::Gateway;
use crate::foundation::domain::{PostMetrics, Workspace};
use crate::gate::dashboard::upstream::Freshness;
use crate::storage::store::{AccessStore, MetricsStore};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Figures of posts: read and refreshed. Cheap to clone.
#[derive(Clone)]
pub struct Analytics {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) metrics: Arc<dyn MetricsStore>,
    /// Only to read a refreshed target's workspace.
    pub(super) access: Arc<dyn AccessStore>,
    pub(super) gateway: Gateway,
    pub(super) policy: Policy,
    /// Targets one claim takes.
    pub(super) batch: u32,
    /// How long a claim holds before another refresher may take the target.
    pub(super) lease: Duration,
    /// Per workspace, the outcome of this instance's last Ayrshare read.
    pub(super) last_read: Mutex<HashMap<String, LastRead>>,
}

/// How this instance's last analytics read of a workspace went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LastRead {
    Succeeded,
    /// Ayrshare failed, or the budget refused the read.
    Failed,
}

impl Analytics {
    pub fn new(
        metrics: Arc<dyn MetricsStore>,
        access: Arc<dyn AccessStore>,
        gateway: Gateway,
        policy: Policy,
    ) -> Self {
        let inner = Inner {
            metrics,
            access,
            gateway,
            policy,
            batch: 50,
            lease: Duration::from_secs(120),
            last_read: Mutex::default(),
        };
        Self { inner: Arc::new(inner) }
    }

    pub fn policy(&self) -> Policy {
        self.inner.policy
    }

    pub(super) fn metrics(&self) -> &dyn MetricsStore {
        &*self.inner.metrics
    }

    pub(super) fn note(&self, workspace_id: &str, outcome: LastRead) {
        let mut map = self.inner.last_read.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(workspace_id.to_owned(), outcome);
    }

    fn last_read(&self, workspace_id: &str) -> Option<LastRead> {
        let map = self.inner.last_read.lock().unwrap_or_else(|p| p.into_inner());
        map.get(workspace_id).copied()
    }

    /// The workspace's figures for posts whose time is in `range`.
    pub async fn report(
        &self,
        ws: &Workspace,
        range: &Range,
        now: DateTime<Utc>,
    ) -> AppResult<Report> {
        let records = self.metrics().post_metrics(&ws.id, range.from, range.to).await?;
        let accounts = self.metrics().account_metrics(&ws.id).await?;
        let texts = self.metrics().post_texts_of_metrics(&ws.id, range.from, range.to).await?;
        let upstream = self.freshness(&ws.id, &records, now);
        Ok(report::build(ws, range, &records, &accounts, &texts, upstream))
    }

    /// One post's figures, per network (the caller has checked the post is the
    /// workspace's).
    pub async fn post_report(
        &self,
        ws: &str,
        post_id: &str,
        now: DateTime<Utc>,
    ) -> AppResult<PostReport> {
        let records = self.metrics().figures_of_post(ws, post_id).await?;
        Ok(report::of_post(post_id, &records, self.freshness(ws, &records, now)))
    }

    /// How current `records` are (see the module docs).
    pub fn freshness(&self, ws: &str, records: &[PostMetrics], now: DateTime<Utc>) -> Freshness {
        let failed = self.last_read(ws) == Some(LastRead::Failed);
        let overdue = records.iter().any(|r| self.inner.policy.overdue(r.posted_at, r.as_of, now));
        match (records.is_empty(), failed || overdue) {
            (true, true) => Freshness::Unavailable,
            (_, true) => Freshness::Cached,
            (_, false) => Freshness::Fresh,
        }
    }
}
