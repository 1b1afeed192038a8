//! Review (API.md "Review: comments, mentions, client review links"): comments on posts
//! by any member, with `@Name` mentions that notify ([`crate::services::notify::mentions`]), pushed
//! live as SSE `comment`; and client review links ([`links`]): a secret URL showing
//! chosen posts to someone without an account, who may comment and, if the link allows,
//! decide — as a [`Principal::Reviewer`] through the ordinary decision path, so the
//! roles and four eyes of [`crate::services::posts`] apply unchanged (four eyes counting the
//! reviewer as the link's creator). A comment is not content: it changes no post. A new
//! comment is also an outgoing webhook event, `comment.created` ([`crate::services::webhooks_out`]).

mod links;

pub use links::{CreatedLink, LinkDecision, LinkView, NewLink, ReviewPage, ReviewPost};

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::lookups::Lookups;
use crate::coherence::names::Directory;
use crate::coherence::ratelimit::SharedLockout;
use crate::foundation::domain::review::{mentioned, Comment, MAX_COMMENT_CHARS};
use crate::foundation::domain::{Actor, Role};
use crate::gate::auth::Principal;
use crate::services::live::{Live, LiveEvent};
use crate::services::notify::Notifier;
use crate::services::posts::PostService;
use crate::services::webhooks_out::Webhooks;
use crate::services::workspaces::WorkspaceService;
use crate::storage::store::{PeopleStore, PostStore, ReviewStore};
use chrono::Utc;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// The review use cases. Cheap to clone.
#[derive(Clone)]
pub struct Review {
    inner: Arc<Inner>,
}

struct Inner {
    review: Arc<dyn ReviewStore>,
    /// Only to read a workspace's members (whom a mention names).
    people: Arc<dyn PeopleStore>,
    /// Only to read a link's posts as stored.
    stored_posts: Arc<dyn PostStore>,
    lookups: Lookups,
    posts: PostService,
    /// The write path of review links (a credential, like a token).
    workspaces: WorkspaceService,
    notifier: Notifier,
    hooks_out: Webhooks,
    live: Live,
    /// Where clients reach Herald (the start of a link's `url`), if configured.
    public_url: Option<String>,
    /// Attempts to open a link, per client address: a wrong secret keeps its slot.
    guesses: SharedLockout,
}

/// What a new comment says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewComment {
    pub text: String,
}

/// A comment as clients see it (defined with the live events that carry it).
pub use crate::services::live::CommentView;

impl Review {
    pub fn new(
        (review, people, stored_posts): (
            Arc<dyn ReviewStore>,
            Arc<dyn PeopleStore>,
            Arc<dyn PostStore>,
        ),
        lookups: Lookups,
        (posts, workspaces): (PostService, WorkspaceService),
        (notifier, hooks_out): (Notifier, Webhooks),
        live: Live,
        public_url: Option<String>,
        guesses: SharedLockout,
    ) -> Self {
        let inner = Inner {
            review,
            people,
            stored_posts,
            lookups,
            posts,
            workspaces,
            notifier,
            hooks_out,
            live,
            public_url,
            guesses,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The post's comments, oldest first (404 for a post the workspace does not have).
    pub async fn comments(
        &self,
        who: Option<&Principal>,
        ws: &str,
        post_id: &str,
    ) -> AppResult<Vec<CommentView>> {
        self.inner.posts.get(ws, post_id).await?;
        let comments = self.inner.review.comments(ws, post_id).await?;
        let authors: Vec<&Actor> = comments.iter().map(|c| &c.author).collect();
        let dir = self.inner.lookups.directory(ws, authors).await?;
        Ok(comments.into_iter().map(|c| view(&dir, c, who, ws)).collect())
    }

    /// Adds a comment by `who`; each member its `@Name`s name (but the writer) is told.
    pub async fn add_comment(
        &self,
        who: &Principal,
        ws: &str,
        post_id: &str,
        input: NewComment,
    ) -> AppResult<CommentView> {
        let text = input.text.trim().to_owned();
        check_text(&text)?;
        let post = self.inner.posts.get(ws, post_id).await?;
        let members = self.inner.people.members(ws).await?;
        let me = who.actor();
        let dir = self.inner.lookups.directory(ws, [&me]).await?;
        let names: Vec<&str> = members.iter().map(|m| m.user.name.as_str()).collect();
        let myself = dir.person_of(&me);
        let mentions = mentioned(&text, &names)
            .into_iter()
            .map(|i| members[i].user.id.clone())
            .filter(|id| myself.user_id() != Some(id.as_str()))
            .collect();
        let comment = Comment {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws.to_owned(),
            post_id: post.id.clone(),
            author: me.clone(),
            text,
            mentions,
            created_at: Utc::now(),
        };
        let author_name = dir.name_of(&me);
        let shown = view(&dir, comment.clone(), None, ws);
        let data = serde_json::to_value(&shown).map_err(AppError::internal)?;
        let hooks = &self.inner.hooks_out;
        let messages =
            hooks.comment_messages(&post, &comment.id, &data, comment.created_at).await?;
        self.inner.notifier.comment(&comment, &post, &author_name, &members, &messages).await?;
        if !messages.is_empty() {
            hooks.wake();
        }
        self.inner.live.publish(ws, &LiveEvent::Comment(&shown)).await;
        Ok(CommentView { can_delete: Some(true), ..shown })
    }

    /// Deletes a comment: its author or an admin may (403 otherwise).
    pub async fn delete_comment(
        &self,
        who: &Principal,
        ws: &str,
        post_id: &str,
        id: &str,
    ) -> AppResult<()> {
        let comment =
            self.inner.review.comment(ws, post_id, id).await?.ok_or(AppError::NotFound)?;
        if !may_delete(who, ws, &comment) {
            return Err(AppError::forbidden("only its author or an admin may delete a comment"));
        }
        if !self.inner.review.delete_comment(ws, post_id, id).await? {
            return Err(AppError::NotFound);
        }
        let gone = LiveEvent::CommentDeleted { id, post_id };
        self.inner.live.publish(ws, &gone).await;
        Ok(())
    }
}

/// A comment's text: 1 to [`MAX_COMMENT_CHARS`] characters, no control characters but
/// line breaks and tabs.
fn check_text(text: &str) -> AppResult<()> {
    if text.is_empty() {
        return Err(AppError::invalid("text", "Write something first."));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::invalid("text", "Keep a comment under 5,000 characters."));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::invalid("text", "must not contain control characters"));
    }
    Ok(())
}

fn may_delete(who: &Principal, ws: &str, comment: &Comment) -> bool {
    comment.author == who.actor() || who.role_in(ws).is_some_and(|r| r >= Role::Admin)
}

fn view(dir: &Directory, c: Comment, who: Option<&Principal>, ws: &str) -> CommentView {
    let can_delete = who.map(|w| may_delete(w, ws, &c));
    CommentView {
        author_name: dir.name_of(&c.author),
        id: c.id,
        post_id: c.post_id,
        text: c.text,
        created_at: c.created_at,
        mentions: c.mentions,
        can_delete,
    }
}
