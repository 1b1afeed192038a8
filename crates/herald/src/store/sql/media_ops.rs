//! [`media_ops!`]: the [`Storage`](crate::store::Storage) operations of media, a link of
//! the chain of operation macros (after [`notify_ops!`](super::notify_ops)), and
//! [`media_steps!`], their step.

/// Hands the media operations, then `$more`, on to [`metrics_ops!`](super::metrics_ops)
/// as tokens.
macro_rules! media_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::metrics_ops!($store, $read, $write, $dialect, {
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

        $($more)*
        });
    };
}
pub(in crate::store) use media_ops;

/// `blob`: the step of the media operations on `$db`.
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
    };
}
pub(in crate::store) use media_steps;
