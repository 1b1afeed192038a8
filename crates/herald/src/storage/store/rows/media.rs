//! Row shapes of media and analytics, and their conversion to records, with the
//! conventions of [`super`]; metrics are stored as a JSON object.

use super::{json, to_json};
use crate::foundation::domain::model::from_ms;
use crate::foundation::domain::{AccountMetrics, MediaMeta, Metrics, PostMetrics, RefreshTarget};
use crate::storage::store::StoreError;

/// Metrics as stored: a JSON object of metric name to number.
pub(crate) fn metrics_json(metrics: &Metrics) -> String {
    to_json(metrics)
}

#[derive(sqlx::FromRow)]
pub(crate) struct MediaRow {
    pub id: String,
    pub workspace_id: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub sha256: String,
    pub thumbnail_type: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

impl From<MediaRow> for MediaMeta {
    fn from(r: MediaRow) -> Self {
        MediaMeta {
            id: r.id,
            workspace_id: r.workspace_id,
            file_name: r.file_name,
            content_type: r.content_type,
            bytes: r.bytes,
            width: r.width,
            height: r.height,
            sha256: r.sha256,
            thumbnail_type: r.thumbnail_type,
            created_by: r.created_by.into(),
            created_at: from_ms(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PostMetricsRow {
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub ayrshare_id: String,
    pub platform: String,
    pub posted_at: i64,
    pub metrics: String,
    pub as_of: Option<i64>,
    pub next_refresh_at: Option<i64>,
}

/// Figures listed have an `as_of` (a row without figures yet is not listed).
impl TryFrom<PostMetricsRow> for PostMetrics {
    type Error = StoreError;
    fn try_from(r: PostMetricsRow) -> Result<Self, StoreError> {
        let as_of = r.as_of.ok_or_else(|| StoreError::Corrupt("as_of: figures without".into()))?;
        Ok(PostMetrics {
            metrics: json("metrics", &r.metrics)?,
            workspace_id: r.workspace_id,
            post_id: r.post_id,
            ayrshare_id: r.ayrshare_id,
            platform: r.platform,
            posted_at: from_ms(r.posted_at),
            as_of: from_ms(as_of),
            next_refresh_at: r.next_refresh_at.map(from_ms),
        })
    }
}

/// A claimed refresh with its due time, which orders the claim.
#[derive(sqlx::FromRow)]
pub(crate) struct RefreshRow {
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub ayrshare_id: String,
    pub platform: String,
    pub posted_at: i64,
    pub next_refresh_at: Option<i64>,
}

impl RefreshRow {
    /// Earliest due first, then by identity.
    pub fn order(&self) -> (Option<i64>, &str, &str) {
        (self.next_refresh_at, &self.ayrshare_id, &self.platform)
    }
}

impl From<RefreshRow> for RefreshTarget {
    fn from(r: RefreshRow) -> Self {
        RefreshTarget {
            workspace_id: r.workspace_id,
            post_id: r.post_id,
            ayrshare_id: r.ayrshare_id,
            platform: r.platform,
            posted_at: from_ms(r.posted_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccountMetricsRow {
    pub workspace_id: String,
    pub platform: String,
    pub metrics: String,
    pub as_of: i64,
}

impl TryFrom<AccountMetricsRow> for AccountMetrics {
    type Error = StoreError;
    fn try_from(r: AccountMetricsRow) -> Result<Self, StoreError> {
        Ok(AccountMetrics {
            metrics: json("metrics", &r.metrics)?,
            workspace_id: r.workspace_id,
            platform: r.platform,
            as_of: from_ms(r.as_of),
        })
    }
}
