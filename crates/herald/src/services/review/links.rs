//! Client review links: an approver creates one for chosen posts (its secret, 256 bits,
//! answered once and stored as its SHA-256), lists and revokes them; the reviewer opens
//! `/review/{secret}` without an account. Every use of a secret is throttled per client
//! address before its one indexed lookup, and a wrong secret keeps its slot
//! ([`SharedLockout`](crate::coherence::ratelimit::SharedLockout), like password-reset links). A
//! revoked or expired link answers 410 `review_link_gone`; a post it does not show, 404.

use super::{CommentView, NewComment, Review};
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::names::PostView;
use crate::foundation::domain::review::ReviewLink;
use crate::foundation::domain::transitions::Action;
use crate::gate::auth::{hash_token, Principal, Reviewer};
use crate::services::posts::Decision;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::sync::Arc;
use utoipa::ToSchema;

/// The most posts one link shows.
const MAX_POSTS: usize = 50;
/// How long a link lasts unless asked otherwise, and at most (30 days).
const DEFAULT_HOURS: i64 = 72;
const MAX_HOURS: i64 = 720;

/// What a new link is for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewLink {
    pub post_ids: Vec<String>,
    pub reviewer_name: String,
    pub reviewer_email: Option<String>,
    /// 1 to 720, default 72.
    pub expires_in_hours: Option<i64>,
    /// Whether the reviewer may approve, reject or request changes (default true).
    pub can_decide: Option<bool>,
}

/// A link as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    pub id: String,
    pub post_ids: Vec<String>,
    pub reviewer_name: String,
    pub reviewer_email: Option<String>,
    pub can_decide: bool,
    /// `open`, `expired` or `revoked`.
    pub status: &'static str,
    pub created_by_name: String,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
    #[serde(with = "crate::foundation::domain::model::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new link: its `url` carries the secret, answered this once (and never in `Debug`).
#[derive(Serialize, ToSchema)]
pub struct CreatedLink {
    #[serde(flatten)]
    pub link: LinkView,
    pub url: String,
}

impl std::fmt::Debug for CreatedLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedLink").field("link", &self.link).field("url", &"<secret>").finish()
    }
}

/// A post as the review page shows it, with its comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPost {
    #[serde(flatten)]
    pub post: PostView,
    pub comments: Vec<CommentView>,
}

/// What `GET /api/review/{secret}` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    pub workspace_name: String,
    pub reviewer_name: String,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
    pub can_decide: bool,
    pub posts: Vec<ReviewPost>,
}

/// A decision through a link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkDecision {
    /// `approve`, `reject` or `request_changes`.
    pub action: DecisionAction,
    pub version: Option<i64>,
    pub comment: Option<String>,
}

/// What a reviewer may decide.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionAction {
    Approve,
    Reject,
    RequestChanges,
}

impl From<DecisionAction> for Action {
    fn from(a: DecisionAction) -> Self {
        match a {
            DecisionAction::Approve => Action::Approve,
            DecisionAction::Reject => Action::Reject,
            DecisionAction::RequestChanges => Action::RequestChanges,
        }
    }
}

fn gone() -> AppError {
    AppError::Gone {
        code: "review_link_gone",
        message: "This review link was revoked or has expired; ask for a new one.".into(),
    }
}

/// A new secret (256 bits, URL-safe) and its stored hash.
fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&secret);
    (secret, hash)
}

impl NewLink {
    fn check(&mut self) -> AppResult<(i64, bool)> {
        self.reviewer_name = self.reviewer_name.trim().to_owned();
        let name_chars = self.reviewer_name.chars().count();
        if name_chars == 0 || name_chars > 100 || self.reviewer_name.chars().any(char::is_control) {
            return Err(AppError::invalid("reviewer_name", "1 to 100 characters"));
        }
        self.reviewer_email = self.reviewer_email.take().map(|e| e.trim().to_owned());
        self.reviewer_email = self.reviewer_email.take().filter(|e| !e.is_empty());
        if let Some(email) = &self.reviewer_email {
            let ok = email.len() <= 254
                && email.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
                && !email.chars().any(|c| c.is_whitespace() || c.is_control());
            if !ok {
                return Err(AppError::invalid("reviewer_email", "must be an e-mail address"));
            }
        }
        let hours = self.expires_in_hours.unwrap_or(DEFAULT_HOURS);
        if !(1..=MAX_HOURS).contains(&hours) {
            return Err(AppError::invalid("expires_in_hours", "must be 1 to 720 (30 days)"));
        }
        if self.post_ids.is_empty() || self.post_ids.len() > MAX_POSTS {
            return Err(AppError::invalid("post_ids", "choose 1 to 50 posts"));
        }
        let mut seen = std::collections::HashSet::new();
        self.post_ids.retain(|id| seen.insert(id.clone()));
        Ok((hours, self.can_decide.unwrap_or(true)))
    }
}

impl Review {
    /// Creates a link for posts of the workspace (422 `post_ids` naming one it does not
    /// have); its secret is in the answer's `url` only.
    pub async fn create_link(
        &self,
        who: &Principal,
        ws: &str,
        mut input: NewLink,
    ) -> AppResult<CreatedLink> {
        let (hours, can_decide) = input.check()?;
        for id in &input.post_ids {
            if id.len() > 100 || self.inner.stored_posts.post(ws, id).await?.is_none() {
                let msg = format!(
                    "this workspace has no post `{}`",
                    id.chars().take(100).collect::<String>()
                );
                return Err(AppError::invalid("post_ids", msg));
            }
        }
        self.inner.lookups.shared_tier_reachable().await?;
        let (secret, secret_hash) = new_secret();
        let now = Utc::now();
        let link = ReviewLink {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws.to_owned(),
            secret_hash,
            post_ids: input.post_ids,
            reviewer_name: input.reviewer_name,
            reviewer_email: input.reviewer_email,
            can_decide,
            created_by: who.actor(),
            created_at: now,
            expires_at: now + chrono::Duration::hours(hours),
            revoked_at: None,
            reminded_at: None,
        };
        self.inner.workspaces.create_review_link(&link).await?;
        tracing::info!(link = %link.id, posts = link.post_ids.len(), "review link created");
        let base = self.inner.public_url.as_deref().unwrap_or("").trim_end_matches('/');
        let url = format!("{base}/review/{secret}");
        let dir = self.inner.lookups.directory(ws, [&link.created_by]).await?;
        Ok(CreatedLink { link: link_view(&dir, link, now), url })
    }

    /// The workspace's links, newest first, without secrets.
    pub async fn links(&self, ws: &str) -> AppResult<Vec<LinkView>> {
        let links = self.inner.review.review_links(ws).await?;
        let dir = self.inner.lookups.directory(ws, links.iter().map(|l| &l.created_by)).await?;
        let now = Utc::now();
        Ok(links.into_iter().map(|l| link_view(&dir, l, now)).collect())
    }

    /// Revokes a link: from now on it answers 410.
    pub async fn revoke_link(&self, ws: &str, id: &str) -> AppResult<()> {
        match self.inner.review.revoke_review_link(ws, id, Utc::now()).await? {
            true => Ok(()),
            false => Err(AppError::NotFound),
        }
    }

    /// The open link of `secret`, throttled per client: 404 for an unknown secret (its
    /// throttle slot kept), 410 for a revoked or expired one, 429 once the client's
    /// attempts are spent.
    async fn open(&self, secret: &str, client: Option<IpAddr>) -> AppResult<ReviewLink> {
        let client = client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let throttled = |wait| AppError::RateLimited { retry_after: wait };
        let attempt = self.inner.guesses.reserve(&client).await.map_err(throttled)?;
        let found = match secret.len() {
            1..=100 => self.inner.review.review_link_by_hash(&hash_token(secret)).await?,
            _ => None,
        };
        let Some(link) = found else { return Err(AppError::NotFound) };
        attempt.refund().await;
        if !link.open_at(Utc::now()) {
            return Err(gone());
        }
        Ok(link)
    }

    /// The review page's content: the link's posts with their comments.
    pub async fn page(&self, secret: &str, client: Option<IpAddr>) -> AppResult<ReviewPage> {
        let link = self.open(secret, client).await?;
        let ws = self.inner.lookups.workspace(&link.workspace_id).await?.ok_or_else(gone)?;
        let mut posts = Vec::new();
        for post in self.inner.stored_posts.posts_by_ids(&ws.id, &link.post_ids).await? {
            let comments = self.comments(None, &ws.id, &post.id).await?;
            let post = self.inner.posts.present(post).await?;
            posts.push(ReviewPost { post, comments });
        }
        Ok(ReviewPage {
            workspace_name: ws.name,
            reviewer_name: link.reviewer_name,
            expires_at: link.expires_at,
            can_decide: link.can_decide,
            posts,
        })
    }

    /// A decision by the link's reviewer on one of its posts, through the ordinary
    /// decision path (roles, versions, four eyes against the link's creator).
    pub async fn decide(
        &self,
        secret: &str,
        client: Option<IpAddr>,
        post_id: &str,
        d: LinkDecision,
    ) -> AppResult<PostView> {
        let link = self.open(secret, client).await?;
        if !link.shows(post_id) {
            return Err(AppError::NotFound);
        }
        if !link.can_decide {
            return Err(AppError::forbidden("this review link lets you comment, not decide"));
        }
        let who = reviewer(&link);
        let decision = Decision { version: d.version, comment: d.comment, queue: None };
        let posts = &self.inner.posts;
        let post =
            posts.decide(&who, &link.workspace_id, post_id, d.action.into(), decision).await?;
        posts.present(post).await
    }

    /// A comment by the link's reviewer on one of its posts.
    pub async fn reviewer_comment(
        &self,
        secret: &str,
        client: Option<IpAddr>,
        post_id: &str,
        input: NewComment,
    ) -> AppResult<CommentView> {
        let link = self.open(secret, client).await?;
        if !link.shows(post_id) {
            return Err(AppError::NotFound);
        }
        self.add_comment(&reviewer(&link), &link.workspace_id, post_id, input).await
    }
}

/// The principal a link's reviewer acts as.
fn reviewer(link: &ReviewLink) -> Principal {
    Principal::Reviewer(Arc::new(Reviewer {
        link_id: link.id.clone(),
        workspace_id: link.workspace_id.clone(),
        created_by: link.created_by.clone(),
        can_decide: link.can_decide,
    }))
}

fn link_view(
    dir: &crate::coherence::names::Directory,
    l: ReviewLink,
    now: DateTime<Utc>,
) -> LinkView {
    let status = match (l.revoked_at, l.open_at(now)) {
        (Some(_), _) => "revoked",
        (None, true) => "open",
        (None, false) => "expired",
    };
    LinkView {
        created_by_name: dir.name_of(&l.created_by),
        status,
        id: l.id,
        post_ids: l.post_ids,
        reviewer_name: l.reviewer_name,
        reviewer_email: l.reviewer_email,
        can_decide: l.can_decide,
        created_at: l.created_at,
        expires_at: l.expires_at,
        revoked_at: l.revoked_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_secret_is_256_bits_and_never_in_debug() {
        let (secret, hash) = new_secret();
        assert_eq!(secret.len(), 43, "32 bytes, URL-safe base64 without padding");
        assert_eq!(hash, hash_token(&secret));
        assert_ne!(new_secret().0, secret);
        let now = Utc::now();
        let link = LinkView {
            id: "l".into(),
            post_ids: vec![],
            reviewer_name: "R".into(),
            reviewer_email: None,
            can_decide: true,
            status: "open",
            created_by_name: "C".into(),
            created_at: now,
            expires_at: now,
            revoked_at: None,
        };
        let created = CreatedLink { link, url: format!("/review/{secret}") };
        assert!(!format!("{created:?}").contains(&secret));
    }
}
