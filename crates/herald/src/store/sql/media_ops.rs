//! [`media_ops!`]: the [`Storage`](crate::store::Storage) operations of media and
//! analytics, a link of the chain of operation macros (after
//! [`notify_ops!`](super::notify_ops)). `media` argues the analytics guarantees.

/// Hands the media and analytics operations, then `$more`, on to
/// [`people_ops!`](super::people_ops) as tokens.
macro_rules! media_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::people_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(
            level = "debug", skip_all, fields(workspace = %m.workspace_id, media = %m.id)
        )]
        async fn create_media(&self, m: &MediaRecord) -> Result<()> {
            let meta = m.meta();
            sqlx::query(INSERT_MEDIA)
                .bind(&meta.id)
                .bind(&meta.workspace_id)
                .bind(&meta.file_name)
                .bind(&meta.content_type)
                .bind(meta.bytes)
                .bind(meta.width)
                .bind(meta.height)
                .bind(&meta.sha256)
                .bind(&meta.thumbnail_type)
                .bind(&meta.created_by)
                .bind(to_ms(meta.created_at))
                .bind(&m.data)
                .bind(m.thumbnail.as_ref().map(|t| &t.data))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn media(&self, workspace_id: &str, id: &str) -> Result<Option<MediaMeta>> {
            let row: Option<MediaRow> = sqlx::query_as(MEDIA_META)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&self.$read)
                .await?;
            Ok(row.map(MediaMeta::from))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn media_data(&self, workspace_id: &str, id: &str) -> Result<Option<Blob>> {
            blob(&self.$read, MEDIA_DATA, workspace_id, id).await
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn media_thumbnail(&self, workspace_id: &str, id: &str) -> Result<Option<Blob>> {
            blob(&self.$read, MEDIA_THUMBNAIL, workspace_id, id).await
        }

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
pub(in crate::store) use media_ops;

/// `blob` and `save_post_figures`: steps of the media and analytics operations on `$db`.
macro_rules! media_steps {
    ($db:ty) => {
        /// The content type and bytes `sql` reads of workspace `ws`'s medium `id`.
        async fn blob(
            pool: &sqlx::Pool<$db>,
            sql: &'static str,
            ws: &str,
            id: &str,
        ) -> Result<Option<Blob>> {
            let row: Option<(String, Vec<u8>)> =
                sqlx::query_as(sql).bind(ws).bind(id).fetch_optional(pool).await?;
            Ok(row.map(|(content_type, data)| Blob { content_type, data }))
        }

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
pub(in crate::store) use media_steps;
