//! `comment.created`: the messages of a new comment to the workspace's enabled endpoints
//! subscribed to it. They are written with the comment, in its transaction
//! (`ReviewStore::add_comment`), so a comment is delivered at least once like any event;
//! ordered after the events of the post's current version.

use super::deliver::body;
use super::Webhooks;
use crate::coherence::error::AppResult;
use crate::foundation::domain::webhooks::{EventType, NewDelivery};
use crate::foundation::domain::Post;
use chrono::{DateTime, Utc};

impl Webhooks {
    /// The `comment.created` messages of comment `comment_id` on `post` (its JSON as the
    /// API shows it in `data`), one per subscribed endpoint.
    pub async fn comment_messages(
        &self,
        post: &Post,
        comment_id: &str,
        data: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> AppResult<Vec<NewDelivery>> {
        let endpoints = self.inner.webhooks.webhooks(&post.workspace_id).await?;
        let subscribed = endpoints
            .into_iter()
            .filter(|e| e.disabled_at.is_none() && e.events.contains(&EventType::CommentCreated));
        let body = body(EventType::CommentCreated, at, data);
        Ok(subscribed
            .map(|endpoint| NewDelivery {
                id: format!("msg_{}", uuid::Uuid::now_v7().simple()),
                endpoint_id: endpoint.id,
                source: format!("comment:{comment_id}"),
                event_type: EventType::CommentCreated,
                post_id: Some(post.id.clone()),
                post_seq: post.version.saturating_mul(16).saturating_add(15),
                body: body.clone(),
                created_at: at,
                give_up_at: at + self.window(),
            })
            .collect())
    }
}
