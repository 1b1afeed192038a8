//! Live events: what happens in a workspace ([`LiveEvent`]), fanned out to the open
//! event streams (`GET /api/workspaces/{ws}/events`) of every instance through the
//! cache's per-topic channels, and the streams themselves. A person's streams also carry
//! their notifications (their own topic, [`Topic::user`]), whichever workspace they show.
//!
//! **Access is as fresh as data (G6).** A stream re-checks its principal whenever an
//! invalidation that may change who is allowed in arrives — from any instance, through
//! the same fan-out that carries invalidations (`Tag::touches_access`) — and every
//! [`RECHECK_EVERY`] besides; a principal that is no longer valid has its stream ended
//! at once. A revocation is acknowledged only after its invalidation was published to
//! every instance ([`crate::services::workspaces`]), so every stream of that principal, anywhere,
//! ends within the fan-out's latency (well under a second). One principal holds at most
//! `max_streams` streams on an instance; one more is refused with 429. The same access
//! invalidations reach the page as an `access` event, so the team page stays current.

use crate::coherence::changes::{AfterCommit, Change};
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::lookups::Lookups;
use crate::coherence::names::PostView;
use crate::foundation::domain::notifications::{Notification, NotificationKind};
use crate::foundation::domain::Actor;
use crate::gate::auth::{Authenticator, Principal};
use crate::storage::cache_keys::{Tag, Topic};
use axum::response::sse::Event;
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use herald_cache::{Cache, Invalidation, Message};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_stream::wrappers::BroadcastStream;
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;

/// How often an open stream re-checks its principal when nothing prompted it.
pub const RECHECK_EVERY: Duration = Duration::from_secs(30);

/// A comment as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    pub id: String,
    pub post_id: String,
    /// A person's name, a token's name, or "<reviewer> (client review)".
    pub author_name: String,
    pub text: String,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// The user ids the comment's `@Name`s named.
    pub mentions: Vec<String>,
    /// Whether the caller may delete it (its author, or an admin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_delete: Option<bool>,
}

/// What a workspace's event stream carries. Wire form: `{"event": "post", "data": …}`,
/// sent as the SSE event name and data.
#[derive(Debug, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
pub enum LiveEvent<'a> {
    /// A post changed (the post as it now stands, with its author's name).
    Post(&'a PostView),
    /// The workspace's dashboard view changed; its new content version.
    History { version: i64 },
    /// A notification for the person whose streams receive it.
    Notification(&'a NotificationView),
    /// A comment was added to one of the workspace's posts.
    Comment(&'a CommentView),
    /// A comment was deleted.
    CommentDeleted { id: &'a str, post_id: &'a str },
}

/// A notification as the API shows it (`GET /api/me/notifications`, SSE
/// `notification`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub kind: NotificationKind,
    pub workspace_id: String,
    pub post_id: Option<String>,
    pub text: String,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::foundation::domain::model::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<DateTime<Utc>>,
}

impl From<&Notification> for NotificationView {
    fn from(n: &Notification) -> Self {
        Self {
            id: n.id.clone(),
            kind: n.kind,
            workspace_id: n.workspace_id.clone(),
            post_id: n.post_id.clone(),
            text: n.text.clone(),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// A received event, read without copying its data.
#[derive(Deserialize)]
struct Frame<'a> {
    event: &'a str,
    #[serde(borrow)]
    data: &'a RawValue,
}

/// Publishes live events and opens event streams. Cheap to clone.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    cache: Cache,
    auth: Authenticator,
    max_streams: usize,
    open: Mutex<HashMap<Actor, usize>>,
    shutdown: CancellationToken,
}

/// Counts one open stream of a principal; uncounts it when the stream is dropped.
struct StreamGuard {
    live: Arc<Inner>,
    actor: Actor,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut open = self.live.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.actor) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.actor);
            }
        }
    }
}

impl Live {
    /// `max_streams` per principal and instance (0: no cap); streams end on `shutdown`.
    pub fn new(
        cache: Cache,
        auth: Authenticator,
        max_streams: usize,
        shutdown: CancellationToken,
    ) -> Self {
        let open = Mutex::default();
        Self { inner: Arc::new(Inner { cache, auth, max_streams, open, shutdown }) }
    }

    /// Sends `event` to every open stream of the workspace, on every instance.
    pub async fn publish(&self, workspace_id: &str, event: &LiveEvent<'_>) {
        let topic = Topic::workspace(workspace_id);
        if let Err(e) = self.inner.cache.broadcast(topic.as_str(), event).await {
            tracing::error!(error = %e, "a live event could not be encoded");
        }
    }

    /// Sends a notification to every open stream of its recipient, on every instance.
    pub async fn notify(&self, notification: &Notification) {
        let topic = Topic::user(&notification.user_id);
        let view = NotificationView::from(notification);
        if let Err(e) =
            self.inner.cache.broadcast(topic.as_str(), &LiveEvent::Notification(&view)).await
        {
            tracing::error!(error = %e, "a notification could not be encoded");
        }
    }

    /// The event stream of a workspace for `principal` (who may read it): every event
    /// from now on, `resync` when this stream fell behind, until the principal is no
    /// longer valid or the server drains.
    pub fn stream(
        &self,
        principal: Principal,
        workspace_id: &str,
    ) -> AppResult<impl Stream<Item = Result<Event, Infallible>> + Send + 'static> {
        let guard = self.count(&principal)?;
        let messages = self.inner.cache.messages(Topic::workspace(workspace_id).as_str());
        let personal = match &principal {
            Principal::User(person) => {
                let topic = Topic::user(&person.user.id);
                Some(BroadcastStream::new(self.inner.cache.messages(topic.as_str())))
            }
            _ => None,
        };
        let ended = ended(
            self.inner.auth.clone(),
            principal,
            workspace_id.to_owned(),
            self.inner.cache.subscribe(),
            self.inner.shutdown.clone(),
        );
        let messages = futures::stream::select(
            BroadcastStream::new(messages),
            futures::stream::iter(personal).flatten(),
        );
        let messages = messages.map(|m| match m {
            Ok(message) => sse(&message),
            Err(_lagged) => Event::default().event("resync").data("{}"),
        });
        let access = access_changes(self.inner.cache.subscribe());
        let events = futures::stream::select(messages, access).map(move |event| {
            let _counted = &guard;
            Ok(event)
        });
        Ok(events.take_until(Box::pin(ended)))
    }

    fn count(&self, principal: &Principal) -> AppResult<StreamGuard> {
        let actor = principal.actor();
        let mut open = self.inner.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(actor.clone()).or_default();
        if self.inner.max_streams > 0 && *n >= self.inner.max_streams {
            return Err(AppError::RateLimited { retry_after: Duration::from_secs(5) });
        }
        *n += 1;
        Ok(StreamGuard { live: self.inner.clone(), actor })
    }
}

/// The after-commit hook that announces every post change (after the dashboard's
/// invalidation, so a client that re-reads on the event sees the change).
pub struct Announcer {
    pub live: Live,
    pub lookups: Lookups,
}

#[async_trait::async_trait]
impl AfterCommit for Announcer {
    async fn after_commit(&self, change: &Change) {
        let ws = &change.post.workspace_id;
        let names = self.lookups.directory(ws, [&change.post.author]).await;
        let names = names.unwrap_or_default();
        let post = names.post(change.post.clone());
        self.live.publish(ws, &LiveEvent::Post(&post)).await;
        self.live.publish(ws, &LiveEvent::History { version: change.content_version }).await;
    }
}

/// An `access` event whenever who may do what may have changed (members, roles, tokens,
/// sessions, people: any instance's access invalidation, or a missed one), so the team
/// page re-reads its lists. It names nothing: a page that cares asks the API again.
fn access_changes(
    invalidations: broadcast::Receiver<Invalidation>,
) -> impl Stream<Item = Event> + Send + 'static {
    BroadcastStream::new(invalidations).filter_map(|received| async move {
        let touches = match received {
            Ok(inv) => inv.tags.iter().any(|t| Tag::touches_access(t)),
            Err(_lagged) => true,
        };
        touches.then(|| Event::default().event("access").data("{}"))
    })
}

/// The SSE form of a published [`LiveEvent`].
fn sse(message: &Message) -> Event {
    match message.decode::<Frame<'_>>() {
        Ok(frame) => Event::default().event(frame.event).data(frame.data.get()),
        Err(_) => Event::default().event("resync").data("{}"),
    }
}

/// Resolves when the stream must end: the server drains, or `principal` is no longer
/// valid (checked on every access invalidation, a missed one, and every
/// [`RECHECK_EVERY`]).
async fn ended(
    auth: Authenticator,
    principal: Principal,
    workspace_id: String,
    mut invalidations: broadcast::Receiver<Invalidation>,
    shutdown: CancellationToken,
) {
    let mut ticks =
        tokio::time::interval_at(tokio::time::Instant::now() + RECHECK_EVERY, RECHECK_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            received = invalidations.recv() => match received {
                Ok(inv) if !inv.tags.iter().any(|t| Tag::touches_access(t)) => continue,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = ticks.tick() => {}
        }
        if !auth.still_allowed(&principal, &workspace_id).await {
            tracing::info!(actor = %principal.actor(), "event stream ended: access revoked");
            return;
        }
    }
}
