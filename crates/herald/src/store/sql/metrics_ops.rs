//! [`metrics_ops!`]: the [`Storage`](crate::store::Storage) operations of analytics, a
//! link of the chain of operation macros (after [`media_ops!`](super::media_ops)), and
//! [`metrics_steps!`], their step. `metrics` argues their guarantees.

/// Hands the analytics operations, then `$more`, on to [`people_ops!`](super::people_ops)
/// as tokens.
macro_rules! metrics_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::people_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(count = metrics.len()))]
        async fn save_post_metrics(&self, metrics: &[PostMetrics]) -> Result<u64> {
            let mut tx = self.$write.begin().await?;
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
            let rows: Vec<PostMetricsRow> = sqlx::query_as(POST_METRICS)
                .bind(workspace_id)
                .bind(to_ms(from))
                .bind(to_ms(to))
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(PostMetrics::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn post_texts_of_metrics(
            &self,
            workspace_id: &str,
            from: DateTime<Utc>,
            to: DateTime<Utc>,
        ) -> Result<std::collections::HashMap<String, String>> {
            let rows: Vec<(String, String)> = sqlx::query_as(POST_TEXTS_OF_METRICS)
                .bind(workspace_id)
                .bind(to_ms(from))
                .bind(to_ms(to))
                .fetch_all(&self.$read)
                .await?;
            Ok(rows.into_iter().collect())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn figures_of_post(
            &self,
            workspace_id: &str,
            post_id: &str,
        ) -> Result<Vec<PostMetrics>> {
            let rows: Vec<PostMetricsRow> = sqlx::query_as(FIGURES_OF_POST)
                .bind(workspace_id)
                .bind(post_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(PostMetrics::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
        async fn claim_refreshes(
            &self,
            now: DateTime<Utc>,
            lease: std::time::Duration,
            limit: u32,
        ) -> Result<Vec<RefreshTarget>> {
            let mut rows: Vec<RefreshRow> = sqlx::query_as($dialect.claim_refreshes)
                .bind(to_ms(now))
                .bind(to_ms(lease_end(now, lease)))
                .bind(i64::from(limit))
                .fetch_all(&self.$write)
                .await?;
            rows.sort_by(|a, b| a.order().cmp(&b.order()));
            Ok(rows.into_iter().map(RefreshTarget::from).collect())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(count = targets.len()))]
        async fn schedule_refresh(&self, targets: &[RefreshTarget], at: DateTime<Utc>) -> Result<()> {
            let mut tx = self.$write.begin().await?;
            for t in targets {
                sqlx::query(SCHEDULE_REFRESH)
                    .bind(&t.workspace_id)
                    .bind(&t.post_id)
                    .bind(&t.ayrshare_id)
                    .bind(&t.platform)
                    .bind(to_ms(t.posted_at))
                    .bind(to_ms(at))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(count = metrics.len()))]
        async fn save_account_metrics(&self, metrics: &[AccountMetrics]) -> Result<u64> {
            let mut tx = self.$write.begin().await?;
            let mut written = 0;
            for m in metrics {
                let done = sqlx::query(SAVE_ACCOUNT_METRICS)
                    .bind(&m.workspace_id)
                    .bind(&m.platform)
                    .bind(metrics_json(&m.metrics))
                    .bind(to_ms(m.as_of))
                    .execute(&mut *tx)
                    .await?;
                written += done.rows_affected();
            }
            tx.commit().await?;
            Ok(written)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn account_metrics(&self, workspace_id: &str) -> Result<Vec<AccountMetrics>> {
            let rows: Vec<AccountMetricsRow> = sqlx::query_as(ACCOUNT_METRICS)
                .bind(workspace_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(AccountMetrics::try_from).collect()
        }

        $($more)*
        });
    };
}
pub(in crate::store) use metrics_ops;

/// `save_post_figures`: the step of the analytics operations on `$db`.
macro_rules! metrics_steps {
    ($db:ty) => {
        /// Writes a post's figures unless newer ones are stored; 1 if it did, else 0.
        async fn save_post_figures(tx: &mut Tx<'_>, m: &PostMetrics) -> Result<u64> {
            let done = sqlx::query(SAVE_POST_METRICS)
                .bind(&m.workspace_id)
                .bind(&m.post_id)
                .bind(&m.ayrshare_id)
                .bind(&m.platform)
                .bind(to_ms(m.posted_at))
                .bind(metrics_json(&m.metrics))
                .bind(to_ms(m.as_of))
                .bind(m.next_refresh_at.map(to_ms))
                .execute(&mut **tx)
                .await?;
            Ok(done.rows_affected())
        }
    };
}
pub(in crate::store) use metrics_steps;
