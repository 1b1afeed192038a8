//! [`ReviewStore`]: review: comments on posts and the client review links.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::sql::*;
use super::{Result, StoreError};
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::review::{Comment, ReviewLink};
use crate::foundation::domain::webhooks::NewDelivery;
use crate::foundation::domain::{NewMail, NewNotification, Notification};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Review: comments on posts and the client review links.
#[async_trait]
pub trait ReviewStore: Send + Sync + 'static {
    /// Stores a comment, the notifications of its mentions (with their e-mails) and its
    /// `comment.created` webhook messages, in one transaction; the notifications created (one per source, user and kind).
    /// `NotFound` if the workspace has no such post.
    async fn add_comment(
        &self,
        comment: &Comment,
        notifications: &[NewNotification],
        mails: &[NewMail],
        webhooks: &[NewDelivery],
    ) -> Result<Vec<Notification>>;
    /// The post's comments, oldest first.
    async fn comments(&self, workspace_id: &str, post_id: &str) -> Result<Vec<Comment>>;
    async fn comment(&self, workspace_id: &str, post_id: &str, id: &str)
        -> Result<Option<Comment>>;
    /// Deletes the comment; false if the post has no such one.
    async fn delete_comment(&self, workspace_id: &str, post_id: &str, id: &str) -> Result<bool>;
    /// Stores a review link (its secret's hash only).
    async fn create_review_link(&self, link: &ReviewLink) -> Result<()>;
    /// The workspace's review links, newest first (revoked and expired ones too).
    async fn review_links(&self, workspace_id: &str) -> Result<Vec<ReviewLink>>;
    /// The link whose secret has this hash (one indexed lookup).
    async fn review_link_by_hash(&self, hash: &str) -> Result<Option<ReviewLink>>;
    /// Revokes the link (from `at`, unless revoked before); false if the workspace has no
    /// such link.
    async fn revoke_review_link(&self, ws: &str, id: &str, at: DateTime<Utc>) -> Result<bool>;
    /// Takes, once ever across instances, up to `limit` open, not yet reminded links with
    /// a reviewer's address that expire after `now` and before `expiring_before`, and
    /// whose lifetime is longer than that window (a shorter link is not reminded).
    async fn take_review_reminders(
        &self,
        expiring_before: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReviewLink>>;
    /// Gives a taken reminder back (its e-mail could not be sent): it is taken again later.
    async fn release_review_reminder(&self, id: &str) -> Result<()>;
}

#[async_trait]
impl ReviewStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(post = %c.post_id))]
    async fn add_comment(
        &self,
        c: &crate::foundation::domain::review::Comment,
        notifications: &[NewNotification],
        mails: &[NewMail],
        webhooks: &[crate::foundation::domain::webhooks::NewDelivery],
    ) -> Result<Vec<Notification>> {
        let mut tx = self.write.begin().await?;
        let post: Option<String> = on_tx!(tx, |conn| sqlx::query_scalar(POST_IN_WORKSPACE)
            .bind(&c.workspace_id)
            .bind(&c.post_id)
            .fetch_optional(conn)
            .await?);
        if post.is_none() {
            return Err(StoreError::NotFound);
        }
        on_tx!(tx, |conn| sqlx::query(INSERT_COMMENT)
            .bind(&c.id)
            .bind(&c.workspace_id)
            .bind(&c.post_id)
            .bind(c.author.to_string())
            .bind(&c.text)
            .bind(review::ids_json(&c.mentions))
            .bind(to_ms(c.created_at))
            .execute(conn)
            .await?
            .rows_affected());
        let mut created = Vec::new();
        for n in notifications {
            if insert_notification(&mut tx, n).await? {
                created.push(Notification::from(n));
            }
        }
        for mail in mails {
            if let Some(n) = created.iter().find(|n| n.id == mail.notification_id) {
                insert_mail(&mut tx, mail, n.created_at).await?;
            }
        }
        for m in webhooks {
            on_tx!(tx, |conn| sqlx::query(INSERT_DELIVERY)
                .bind(&m.id)
                .bind(&m.endpoint_id)
                .bind(&m.source)
                .bind(m.event_type.as_str())
                .bind(&m.post_id)
                .bind(m.post_seq)
                .bind(&m.body)
                .bind(to_ms(m.created_at))
                .bind(to_ms(m.give_up_at))
                .execute(conn)
                .await?
                .rows_affected());
        }
        tx.commit().await?;
        Ok(created)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(post = post_id))]
    async fn comments(
        &self,
        workspace_id: &str,
        post_id: &str,
    ) -> Result<Vec<crate::foundation::domain::review::Comment>> {
        let rows: Vec<review::CommentRow> = on_pool!(&self.read, |p| sqlx::query_as(POST_COMMENTS)
            .bind(workspace_id)
            .bind(post_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(TryFrom::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(comment = id))]
    async fn comment(
        &self,
        workspace_id: &str,
        post_id: &str,
        id: &str,
    ) -> Result<Option<crate::foundation::domain::review::Comment>> {
        let row: Option<review::CommentRow> =
            on_pool!(&self.read, |p| sqlx::query_as(COMMENT_BY_ID)
                .bind(workspace_id)
                .bind(post_id)
                .bind(id)
                .fetch_optional(p)
                .await?);
        row.map(TryFrom::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(comment = id))]
    async fn delete_comment(&self, workspace_id: &str, post_id: &str, id: &str) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(DELETE_COMMENT)
            .bind(workspace_id)
            .bind(post_id)
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(link = %l.id))]
    async fn create_review_link(
        &self,
        l: &crate::foundation::domain::review::ReviewLink,
    ) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_REVIEW_LINK)
            .bind(&l.id)
            .bind(&l.workspace_id)
            .bind(&l.secret_hash)
            .bind(review::ids_json(&l.post_ids))
            .bind(&l.reviewer_name)
            .bind(&l.reviewer_email)
            .bind(l.can_decide)
            .bind(l.created_by.to_string())
            .bind(to_ms(l.created_at))
            .bind(to_ms(l.expires_at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn review_links(
        &self,
        workspace_id: &str,
    ) -> Result<Vec<crate::foundation::domain::review::ReviewLink>> {
        let rows: Vec<review::ReviewLinkRow> =
            on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_REVIEW_LINKS)
                .bind(workspace_id)
                .fetch_all(p)
                .await?);
        rows.into_iter().map(TryFrom::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn review_link_by_hash(
        &self,
        hash: &str,
    ) -> Result<Option<crate::foundation::domain::review::ReviewLink>> {
        let row: Option<review::ReviewLinkRow> =
            on_pool!(&self.read, |p| sqlx::query_as(REVIEW_LINK_BY_HASH)
                .bind(hash)
                .fetch_optional(p)
                .await?);
        row.map(TryFrom::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(link = id))]
    async fn revoke_review_link(
        &self,
        workspace_id: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(&self.write, |p| sqlx::query(REVOKE_REVIEW_LINK)
            .bind(workspace_id)
            .bind(id)
            .bind(to_ms(at))
            .execute(p)
            .await?
            .rows_affected());
        let found: Option<String> =
            on_pool!(&self.write, |p| sqlx::query_scalar(REVIEW_LINK_EXISTS)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(p)
                .await?);
        Ok(found.is_some())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn take_review_reminders(
        &self,
        expiring_before: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<crate::foundation::domain::review::ReviewLink>> {
        let rows: Vec<review::ReviewLinkRow> =
            on_pool!(&self.write, |p| sqlx::query_as(REMINDERS_DUE)
                .bind(to_ms(expiring_before))
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .bind(to_ms(expiring_before) - to_ms(now))
                .fetch_all(p)
                .await?);
        let mut taken = Vec::new();
        for row in rows {
            let done = on_pool!(&self.write, |p| sqlx::query(TAKE_REMINDER)
                .bind(&row.id)
                .bind(to_ms(now))
                .execute(p)
                .await?
                .rows_affected());
            if done == 1 {
                taken.push(crate::foundation::domain::review::ReviewLink::try_from(row)?);
            }
        }
        Ok(taken)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(link = id))]
    async fn release_review_reminder(&self, id: &str) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(RELEASE_REMINDER)
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }
}
