//! [`media_ops!`]: the [`Storage`](crate::store::Storage) operations of media, a link of
//! the chain of operation macros (after [`notify_ops!`](super::notify_ops)), and
//! [`media_steps!`], their steps.

/// Hands the media operations, then `$more`, on to [`metrics_ops!`](super::metrics_ops)
/// as tokens.
macro_rules! media_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::metrics_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(
            level = "debug", skip_all, fields(workspace = %m.workspace_id, media = %m.id)
        )]
        async fn create_media(&self, m: &MediaRecord, quota_bytes: i64) -> Result<bool> {
            let mut tx = self.$write.begin().await?;
            if !raise_usage(&mut tx, &m.workspace_id, m.meta().bytes, quota_bytes).await? {
                return Ok(false);
            }
            insert_media_row(&mut tx, m).await?;
            for (seq, chunk) in (0_i64..).zip(m.chunks()) {
                sqlx::query(INSERT_MEDIA_CHUNK)
                    .bind(&m.id)
                    .bind(seq)
                    .bind(chunk)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn media_bytes(&self, workspace_id: &str) -> Result<i64> {
            let bytes: Option<i64> = sqlx::query_scalar(MEDIA_USAGE)
                .bind(workspace_id)
                .fetch_optional(&self.$read)
                .await?;
            Ok(bytes.unwrap_or(0))
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

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn media_by_sha256(
            &self,
            workspace_id: &str,
            sha256: &str,
        ) -> Result<Option<MediaMeta>> {
            let row: Option<MediaRow> = sqlx::query_as(MEDIA_BY_SHA256)
                .bind(workspace_id)
                .bind(sha256)
                .fetch_optional(&self.$read)
                .await?;
            Ok(row.map(MediaMeta::from))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn media_chunk(&self, workspace_id: &str, id: &str, seq: u64) -> Result<Option<Vec<u8>>> {
            let seq = i64::try_from(seq).map_err(|_| StoreError::NotFound)?;
            let data: Option<Vec<u8>> = sqlx::query_scalar(MEDIA_CHUNK)
                .bind(workspace_id)
                .bind(id)
                .bind(seq)
                .fetch_optional(&self.$read)
                .await?;
            Ok(data)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn media_thumbnail(&self, workspace_id: &str, id: &str) -> Result<Option<Blob>> {
            let row: Option<(String, Vec<u8>)> = sqlx::query_as(MEDIA_THUMBNAIL)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&self.$read)
                .await?;
            Ok(row.map(|(content_type, data)| Blob { content_type, data }))
        }

        $($more)*
        });
    };
}
pub(in crate::store) use media_ops;

/// `raise_usage` and `insert_media_row`: the steps of the media operations on `$db`.
macro_rules! media_steps {
    ($db:ty) => {
        /// Adds `bytes` to the workspace's media total in `tx` unless it would pass
        /// `quota`: false then, and nothing changed. `NotFound` for an unknown workspace.
        async fn raise_usage(tx: &mut Tx<'_>, ws: &str, bytes: i64, quota: i64) -> Result<bool> {
            sqlx::query(START_MEDIA_USAGE).bind(ws).execute(&mut **tx).await?;
            let raised = sqlx::query(RAISE_MEDIA_USAGE)
                .bind(ws)
                .bind(bytes)
                .bind(quota)
                .execute(&mut **tx)
                .await?;
            Ok(raised.rows_affected() == 1)
        }

        /// The medium's row, its file left to the chunks.
        async fn insert_media_row(tx: &mut Tx<'_>, m: &MediaRecord) -> Result<()> {
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
                .bind(meta.created_by.to_string())
                .bind(to_ms(meta.created_at))
                .bind(Vec::<u8>::new())
                .bind(m.thumbnail.as_ref().map(|t| &t.data))
                .execute(&mut **tx)
                .await?;
            Ok(())
        }
    };
}
pub(in crate::store) use media_steps;
