//! [`MetricsStore`]: analytics: post and account figures that never go back in time, and
//! their refresh claims.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore, Tx};
use super::rows::*;
use super::sql::*;
use super::{FreshnessFigures, Result};
use crate::foundation::domain::model::{from_ms, to_ms};
use crate::foundation::domain::{AccountMetrics, PostMetrics, RefreshTarget};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Analytics: post and account figures that never go back in time, and their refresh claims.
#[async_trait]
pub trait MetricsStore: Send + Sync + 'static {
    /// Writes each post's figures unless newer (or as new) ones are stored: `as_of` never
    /// goes back. Writing figures sets their next refresh and releases a refresh claim.
    /// How many were written.
    async fn save_post_metrics(&self, metrics: &[PostMetrics]) -> Result<u64>;
    /// The workspace's post figures whose post time (`posted_at`) is in `[from, to)`, by
    /// time.
    async fn post_metrics(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PostMetrics>>;
    /// The workspace's figures of one Herald post, by network (none before its first read).
    async fn figures_of_post(&self, workspace_id: &str, post_id: &str) -> Result<Vec<PostMetrics>>;
    /// The texts of the Herald posts [`MetricsStore::post_metrics`] gives figures of, by id.
    async fn post_texts_of_metrics(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<std::collections::HashMap<String, String>>;
    /// Claims up to `limit` post figures due for a refresh at `now` whose claim lapsed,
    /// earliest due first, each held until `now + lease` by this caller alone.
    async fn claim_refreshes(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<RefreshTarget>>;
    /// Sets the next refresh of each target's figures to `at` (creating the record of a
    /// post without figures yet: a publish schedules the first) and releases any claim.
    /// All of a post is all its targets.
    async fn schedule_refresh(&self, targets: &[RefreshTarget], at: DateTime<Utc>) -> Result<()>;
    /// Writes each account's figures unless newer (or as new) ones are stored; how many
    /// were written.
    async fn save_account_metrics(&self, metrics: &[AccountMetrics]) -> Result<u64>;
    /// The workspace's account figures, by platform.
    async fn account_metrics(&self, workspace_id: &str) -> Result<Vec<AccountMetrics>>;
    /// Replaces instance `instance`'s freshness-monitor totals (G11) with `figures`.
    async fn save_freshness(&self, instance: &str, figures: &FreshnessFigures) -> Result<()>;
    /// Every instance's freshness-monitor totals, summed (`since`: the earliest start;
    /// `None` before any instance saved its figures).
    async fn freshness_totals(&self) -> Result<Option<FreshnessFigures>>;
}

#[async_trait]
impl MetricsStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(count = metrics.len()))]
    async fn save_post_metrics(&self, metrics: &[PostMetrics]) -> Result<u64> {
        let mut tx = self.write.begin().await?;
        let mut written = 0;
        for m in metrics {
            written += save_post_figures(&mut tx, m).await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn post_metrics(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PostMetrics>> {
        let rows: Vec<PostMetricsRow> = on_pool!(&self.read, |p| sqlx::query_as(POST_METRICS)
            .bind(workspace_id)
            .bind(to_ms(from))
            .bind(to_ms(to))
            .fetch_all(p)
            .await?);
        rows.into_iter().map(PostMetrics::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn figures_of_post(&self, workspace_id: &str, post_id: &str) -> Result<Vec<PostMetrics>> {
        let rows: Vec<PostMetricsRow> = on_pool!(&self.read, |p| sqlx::query_as(FIGURES_OF_POST)
            .bind(workspace_id)
            .bind(post_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(PostMetrics::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn post_texts_of_metrics(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, String)> =
            on_pool!(&self.read, |p| sqlx::query_as(POST_TEXTS_OF_METRICS)
                .bind(workspace_id)
                .bind(to_ms(from))
                .bind(to_ms(to))
                .fetch_all(p)
                .await?);
        Ok(rows.into_iter().collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
    async fn claim_refreshes(
        &self,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Vec<RefreshTarget>> {
        let mut rows: Vec<RefreshRow> =
            on_pool!(&self.write, |p| sqlx::query_as(self.dialect().claim_refreshes)
                .bind(to_ms(now))
                .bind(to_ms(lease_end(now, lease)))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?);
        rows.sort_by(|a, b| a.order().cmp(&b.order()));
        Ok(rows.into_iter().map(RefreshTarget::from).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(count = targets.len()))]
    async fn schedule_refresh(&self, targets: &[RefreshTarget], at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        for t in targets {
            on_tx!(tx, |c| sqlx::query(SCHEDULE_REFRESH)
                .bind(&t.workspace_id)
                .bind(&t.post_id)
                .bind(&t.ayrshare_id)
                .bind(&t.platform)
                .bind(to_ms(t.posted_at))
                .bind(to_ms(at))
                .execute(c)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(count = metrics.len()))]
    async fn save_account_metrics(&self, metrics: &[AccountMetrics]) -> Result<u64> {
        let mut tx = self.write.begin().await?;
        let mut written = 0;
        for m in metrics {
            let done = on_tx!(tx, |c| sqlx::query(SAVE_ACCOUNT_METRICS)
                .bind(&m.workspace_id)
                .bind(&m.platform)
                .bind(metrics_json(&m.metrics))
                .bind(to_ms(m.as_of))
                .execute(c)
                .await?
                .rows_affected());
            written += done;
        }
        tx.commit().await?;
        Ok(written)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn account_metrics(&self, workspace_id: &str) -> Result<Vec<AccountMetrics>> {
        let rows: Vec<AccountMetricsRow> =
            on_pool!(&self.read, |p| sqlx::query_as(ACCOUNT_METRICS)
                .bind(workspace_id)
                .fetch_all(p)
                .await?);
        rows.into_iter().map(AccountMetrics::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(instance))]
    async fn save_freshness(&self, instance: &str, figures: &FreshnessFigures) -> Result<()> {
        let (checked, violations) = (figures.checked_i64(), figures.violations_i64());
        on_pool!(&self.write, |p| sqlx::query(SAVE_FRESHNESS)
            .bind(instance)
            .bind(checked)
            .bind(violations)
            .bind(to_ms(figures.since))
            .bind(to_ms(Utc::now()))
            .execute(p)
            .await
            .map(|done| done.rows_affected())?);
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn freshness_totals(&self) -> Result<Option<FreshnessFigures>> {
        let (checked, violations, since): (i64, i64, Option<i64>) =
            on_pool!(&self.read, |p| sqlx::query_as(FRESHNESS_TOTALS).fetch_one(p).await?);
        Ok(since.map(|since| FreshnessFigures::new(checked, violations, from_ms(since))))
    }
}

/// Writes a post's figures unless newer ones are stored; 1 if it did, else 0.
pub(in crate::storage::store) async fn save_post_figures(
    tx: &mut Tx,
    m: &PostMetrics,
) -> Result<u64> {
    let done = on_tx!(tx, |c| sqlx::query(SAVE_POST_METRICS)
        .bind(&m.workspace_id)
        .bind(&m.post_id)
        .bind(&m.ayrshare_id)
        .bind(&m.platform)
        .bind(to_ms(m.posted_at))
        .bind(metrics_json(&m.metrics))
        .bind(to_ms(m.as_of))
        .bind(m.next_refresh_at.map(to_ms))
        .execute(c)
        .await?
        .rows_affected());
    Ok(done)
}
