//! [`MediaStore`]: media: a workspace's files within its quota, read back in chunks, and
//! their thumbnails.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore, Tx};
use super::rows::*;
use super::sql::*;
use super::{Result, StoreError};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::{Blob, MediaMeta, MediaRecord};
use async_trait::async_trait;

/// Media: a workspace's files within its quota, read back in chunks, and their thumbnails.
#[async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Stores a medium, its file in chunks of [`CHUNK_BYTES`](crate::foundation::domain::media::CHUNK_BYTES),
    /// and adds its size to the workspace's media total, in one transaction, unless the
    /// total would then pass `quota_bytes`: false then, and nothing is stored. Concurrent
    /// calls for one workspace are counted one after the other, so together they never
    /// pass the quota. `Duplicate` of `media_pkey` if its id is taken, `NotFound` for an
    /// unknown workspace.
    async fn create_media(&self, media: &MediaRecord, quota_bytes: i64) -> Result<bool>;
    /// The bytes of all the workspace's media (0 for none).
    async fn media_bytes(&self, workspace_id: &str) -> Result<i64>;
    /// What is known about the workspace's medium, without its bytes.
    async fn media(&self, workspace_id: &str, id: &str) -> Result<Option<MediaMeta>>;
    /// The workspace's first stored medium with these bytes (by their SHA-256, hex).
    async fn media_by_sha256(&self, workspace_id: &str, sha256: &str) -> Result<Option<MediaMeta>>;
    /// Chunk `seq` (from 0) of the workspace's medium's file; `None` past its end or for
    /// a medium it does not have.
    async fn media_chunk(&self, workspace_id: &str, id: &str, seq: u64) -> Result<Option<Vec<u8>>>;
    /// The workspace's medium's thumbnail, if it has one.
    async fn media_thumbnail(&self, workspace_id: &str, id: &str) -> Result<Option<Blob>>;
}

#[async_trait]
impl MediaStore for SqlStore {
    #[tracing::instrument(
        level = "debug", skip_all, fields(workspace = %m.workspace_id, media = %m.id)
    )]
    async fn create_media(&self, m: &MediaRecord, quota_bytes: i64) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        if !raise_usage(&mut tx, &m.workspace_id, m.meta().bytes, quota_bytes).await? {
            return Ok(false);
        }
        insert_media_row(&mut tx, m).await?;
        for (seq, chunk) in (0_i64..).zip(m.chunks()) {
            on_tx!(tx, |c| sqlx::query(INSERT_MEDIA_CHUNK)
                .bind(&m.id)
                .bind(seq)
                .bind(chunk)
                .execute(c)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn media_bytes(&self, workspace_id: &str) -> Result<i64> {
        let bytes: Option<i64> = on_pool!(&self.read, |p| sqlx::query_scalar(MEDIA_USAGE)
            .bind(workspace_id)
            .fetch_optional(p)
            .await?);
        Ok(bytes.unwrap_or(0))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
    async fn media(&self, workspace_id: &str, id: &str) -> Result<Option<MediaMeta>> {
        let row: Option<MediaRow> = on_pool!(&self.read, |p| sqlx::query_as(MEDIA_META)
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(p)
            .await?);
        Ok(row.map(MediaMeta::from))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn media_by_sha256(&self, workspace_id: &str, sha256: &str) -> Result<Option<MediaMeta>> {
        let row: Option<MediaRow> = on_pool!(&self.read, |p| sqlx::query_as(MEDIA_BY_SHA256)
            .bind(workspace_id)
            .bind(sha256)
            .fetch_optional(p)
            .await?);
        Ok(row.map(MediaMeta::from))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
    async fn media_chunk(&self, workspace_id: &str, id: &str, seq: u64) -> Result<Option<Vec<u8>>> {
        let seq = i64::try_from(seq).map_err(|_| StoreError::NotFound)?;
        let data: Option<Vec<u8>> = on_pool!(&self.read, |p| sqlx::query_scalar(MEDIA_CHUNK)
            .bind(workspace_id)
            .bind(id)
            .bind(seq)
            .fetch_optional(p)
            .await?);
        Ok(data)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
    async fn media_thumbnail(&self, workspace_id: &str, id: &str) -> Result<Option<Blob>> {
        let row: Option<(String, Vec<u8>)> =
            on_pool!(&self.read, |p| sqlx::query_as(MEDIA_THUMBNAIL)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(p)
                .await?);
        Ok(row.map(|(content_type, data)| Blob { content_type, data }))
    }
}

/// Adds `bytes` to the workspace's media total in `tx` unless it would pass
/// `quota`: false then, and nothing changed. `NotFound` for an unknown workspace.
pub(in crate::storage::store) async fn raise_usage(
    tx: &mut Tx,
    ws: &str,
    bytes: i64,
    quota: i64,
) -> Result<bool> {
    on_tx!(tx, |c| sqlx::query(START_MEDIA_USAGE).bind(ws).execute(c).await?.rows_affected());
    let raised = on_tx!(tx, |c| sqlx::query(RAISE_MEDIA_USAGE)
        .bind(ws)
        .bind(bytes)
        .bind(quota)
        .execute(c)
        .await?
        .rows_affected());
    Ok(raised == 1)
}

/// The medium's row, its file left to the chunks.
pub(in crate::storage::store) async fn insert_media_row(
    tx: &mut Tx,
    m: &MediaRecord,
) -> Result<()> {
    let meta = m.meta();
    on_tx!(tx, |c| sqlx::query(INSERT_MEDIA)
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
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}
