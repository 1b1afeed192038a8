//! The SQL of review (comments on posts, client review links) and their rows; their
//! operations are [`ReviewStore`](crate::storage::store::ReviewStore)'s.
//!
//! **A mention tells once.** A comment, the notifications of its mentions (with their
//! e-mails in the outbox) and its `comment.created` webhook messages are written in one
//! transaction: a comment never exists without them, nor they without it.
//!
//! **A secret is found by its hash alone.** `secret_hash` is `UNIQUE` (an index): a wrong
//! secret costs one indexed lookup, never a scan.
//!
//! **A reminder is handed out once across instances.** A link due for its reminder is
//! taken by `UPDATE … SET reminded_at = … WHERE id = … AND reminded_at IS NULL`: of the
//! instances that saw it due, only one changes the row.

use crate::foundation::domain::model::from_ms;
use crate::foundation::domain::review::{Comment, ReviewLink};
use crate::storage::store::{Result, StoreError};

macro_rules! comment_columns {
    () => {
        "id, workspace_id, post_id, author, text, mentions, created_at"
    };
}
macro_rules! link_columns {
    () => {
        "id, workspace_id, secret_hash, post_ids, reviewer_name, reviewer_email, can_decide, \
         created_by, created_at, expires_at, revoked_at, reminded_at"
    };
}

pub(in crate::storage::store) const INSERT_COMMENT: &str =
    concat!("INSERT INTO comments (", comment_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7)");
pub(in crate::storage::store) const POST_COMMENTS: &str = concat!(
    "SELECT ",
    comment_columns!(),
    " FROM comments WHERE post_id = $2 AND workspace_id = $1 ORDER BY created_at, id"
);
pub(in crate::storage::store) const COMMENT_BY_ID: &str = concat!(
    "SELECT ",
    comment_columns!(),
    " FROM comments WHERE workspace_id = $1 AND post_id = $2 AND id = $3"
);
pub(in crate::storage::store) const DELETE_COMMENT: &str =
    "DELETE FROM comments WHERE workspace_id = $1 AND post_id = $2 AND id = $3";
/// Whether the workspace has the post (a comment's post must be its workspace's).
pub(in crate::storage::store) const POST_IN_WORKSPACE: &str =
    "SELECT id FROM posts WHERE workspace_id = $1 AND id = $2";

pub(in crate::storage::store) const INSERT_REVIEW_LINK: &str = concat!(
    "INSERT INTO review_links (",
    link_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL)"
);
pub(in crate::storage::store) const WORKSPACE_REVIEW_LINKS: &str = concat!(
    "SELECT ",
    link_columns!(),
    " FROM review_links WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC"
);
pub(in crate::storage::store) const REVIEW_LINK_BY_HASH: &str =
    concat!("SELECT ", link_columns!(), " FROM review_links WHERE secret_hash = $1");
pub(in crate::storage::store) const REVOKE_REVIEW_LINK: &str =
    "UPDATE review_links SET revoked_at = $3 \
    WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL";
pub(in crate::storage::store) const REVIEW_LINK_EXISTS: &str =
    "SELECT id FROM review_links WHERE workspace_id = $1 AND id = $2";
/// Open links with an address whose reminder is due: expiring before `$1`, after `$2`,
/// having lived longer than `$4` ms (a shorter link is not reminded).
pub(in crate::storage::store) const REMINDERS_DUE: &str = concat!(
    "SELECT ",
    link_columns!(),
    " FROM review_links WHERE reminded_at IS NULL AND revoked_at IS NULL \
     AND reviewer_email IS NOT NULL AND expires_at <= $1 AND expires_at > $2 \
     AND expires_at - created_at > $4 ORDER BY expires_at, id LIMIT $3"
);
pub(in crate::storage::store) const TAKE_REMINDER: &str =
    "UPDATE review_links SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL";
pub(in crate::storage::store) const RELEASE_REMINDER: &str =
    "UPDATE review_links SET reminded_at = NULL WHERE id = $1";

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct CommentRow {
    pub id: String,
    pub workspace_id: String,
    pub post_id: String,
    pub author: String,
    pub text: String,
    pub mentions: String,
    pub created_at: i64,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;
    fn try_from(r: CommentRow) -> Result<Self> {
        let mentions = serde_json::from_str(&r.mentions)
            .map_err(|e| StoreError::Corrupt(format!("comment mentions: {e}")))?;
        Ok(Comment {
            id: r.id,
            workspace_id: r.workspace_id,
            post_id: r.post_id,
            author: r.author.into(),
            text: r.text,
            mentions,
            created_at: from_ms(r.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct ReviewLinkRow {
    pub id: String,
    pub workspace_id: String,
    pub secret_hash: String,
    pub post_ids: String,
    pub reviewer_name: String,
    pub reviewer_email: Option<String>,
    pub can_decide: bool,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub reminded_at: Option<i64>,
}

impl TryFrom<ReviewLinkRow> for ReviewLink {
    type Error = StoreError;
    fn try_from(r: ReviewLinkRow) -> Result<Self> {
        let post_ids = serde_json::from_str(&r.post_ids)
            .map_err(|e| StoreError::Corrupt(format!("review link posts: {e}")))?;
        Ok(ReviewLink {
            id: r.id,
            workspace_id: r.workspace_id,
            secret_hash: r.secret_hash,
            post_ids,
            reviewer_name: r.reviewer_name,
            reviewer_email: r.reviewer_email,
            can_decide: r.can_decide,
            created_by: r.created_by.into(),
            created_at: from_ms(r.created_at),
            expires_at: from_ms(r.expires_at),
            revoked_at: r.revoked_at.map(from_ms),
            reminded_at: r.reminded_at.map(from_ms),
        })
    }
}

/// A list of ids as stored (a JSON array).
pub(in crate::storage::store) fn ids_json(ids: &[String]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
}
