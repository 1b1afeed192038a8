//! The first refresh of a post's figures, scheduled after commit: a publish that settles
//! as published (fully or partly) and a verified Ayrshare webhook about a published post
//! make its figures due at once. Being an after-commit hook ([`crate::coherence::changes`]), it
//! runs for every such change whichever path wrote it, so no write can forget it.

use super::service::Analytics;
use crate::coherence::changes::{AfterCommit, Change};
use crate::foundation::domain::{Post, PostStatus, RefreshTarget};
use async_trait::async_trait;

/// Schedules a post's first refresh (see the module docs).
pub struct FirstRefresh {
    pub analytics: Analytics,
}

#[async_trait]
impl AfterCommit for FirstRefresh {
    async fn after_commit(&self, change: &Change) {
        let published =
            matches!(change.post.status, PostStatus::Published | PostStatus::PartiallyPublished);
        if !(published && change.touches_upstream) {
            return;
        }
        let targets = targets_of(&change.post);
        if targets.is_empty() {
            return;
        }
        let now = crate::foundation::domain::model::now_ms();
        if let Err(e) = self.analytics.metrics().schedule_refresh(&targets, now).await {
            tracing::warn!(post = %change.post.id, error = %e, "could not schedule the first analytics refresh");
        }
    }
}

/// A post's figures to read: one per network it went out on, through the Ayrshare
/// record that network was published with.
pub fn targets_of(post: &Post) -> Vec<RefreshTarget> {
    let posted_at = post.published_at.unwrap_or_else(|| post.time());
    post.platform_results
        .iter()
        .filter(|r| r.succeeded())
        .filter_map(|r| {
            let ayrshare_id = r.ayrshare_id.clone().or_else(|| post.ayrshare_id.clone())?;
            Some(RefreshTarget {
                workspace_id: post.workspace_id.clone(),
                post_id: Some(post.id.clone()),
                ayrshare_id,
                platform: r.platform.clone(),
                posted_at,
            })
        })
        .collect()
}
