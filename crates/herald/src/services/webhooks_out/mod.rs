//! Outgoing webhooks (API.md "Integrations: outgoing webhooks"): a workspace's admins
//! register endpoints for post lifecycle events; Herald POSTs each event to them, signed
//! per the Standard Webhooks specification ([`sign`]), at least once, in each post's
//! order, and keeps a log of deliveries. `comment.created` is accepted in a subscription
//! but never sent: Herald has no comments yet.
//!
//! **The outbox is the event feed.** Every post change already writes its audit event
//! in the change's own transaction (`post_events`, see [`crate::coherence::changes`]), and the feed
//! hands those events out in commit order, exactly once per consumer across instances
//! (`OutboxStore::claim_events` with a lease). So the change's transaction needs no second
//! write, and no post write path can forget a webhook: a feed consumer ([`CONSUMER`],
//! [`deliver`]) turns each claimed event into one message per subscribed endpoint and
//! type in the `webhook_outbox` table (idempotent: one per endpoint, event and type) and
//! only then advances; an instance that dies in between lets the claim lapse and the
//! next claimer writes the same messages, which exist already. Deriving messages into a
//! table, rather than a cursor per endpoint over the feed, gives each message its own
//! retry schedule, status and log line, and lets one endpoint's failures hold back only
//! the failing post's later events, not the whole endpoint (what a per-endpoint cursor
//! would do). The messages are then claimed one by one with a lease
//! (`WebhookStore::claim_webhooks`), so a SIGKILLed sender's messages go out from another
//! instance once its lease lapses, with the same `webhook-id`.
//!
//! A message's body is fixed when it is written: `{"type", "timestamp", "data"}`, data
//! being the post object as read then (API.md's post object, at that moment or a later
//! version if it changed again meanwhile; `data.version` says which).
//!
//! An endpoint that has failed for the whole retry window (24 h) is disabled:
//! `disabled_at` shows in the API, a warning is logged and the workspace's admins get a
//! `webhook_disabled` notification (in the app, and by e-mail when they take e-mail);
//! `PATCH {"enabled": true}` turns it on again.

mod comments;
pub mod deliver;
pub mod events;
pub mod guard;
pub mod settings;
pub mod sign;
mod views;

pub use views::{CreatedWebhook, DeliveryView, NewWebhook, WebhookPatch, WebhookView};

use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::webhooks::{Endpoint, EventType, NewDelivery};
use crate::services::notify::Notifier;
use crate::storage::store::{OutboxStore, PostStore, WebhookStore};
use guard::Guard;
use settings::Settings;
use std::sync::Arc;

/// The event-feed consumer that writes webhook messages.
pub const CONSUMER: &str = "webhooks";
/// The most deliveries one log read returns.
pub const LOG_LIMIT: u32 = 100;
/// The most endpoints per workspace.
const MAX_ENDPOINTS: usize = 20;

/// The outgoing-webhook use cases and their delivery loop. Cheap to clone.
#[derive(Clone)]
pub struct Webhooks {
    inner: Arc<Inner>,
}

struct Inner {
    webhooks: Arc<dyn WebhookStore>,
    /// Only to claim the event feed and advance past what was written.
    outbox: Arc<dyn OutboxStore>,
    /// Only to read an event's post.
    posts: Arc<dyn PostStore>,
    guard: Guard,
    client: reqwest::Client,
    settings: Settings,
    notifier: Notifier,
    wake: Arc<tokio::sync::Notify>,
}

impl Webhooks {
    pub fn new(
        webhooks: Arc<dyn WebhookStore>,
        outbox: Arc<dyn OutboxStore>,
        posts: Arc<dyn PostStore>,
        settings: Settings,
        notifier: Notifier,
    ) -> anyhow::Result<Self> {
        let guard = Guard { allow_private: settings.allow_private };
        let client = guard.client()?;
        let wake = Arc::default();
        let inner = Inner { webhooks, outbox, posts, guard, client, settings, notifier, wake };
        Ok(Self { inner: Arc::new(inner) })
    }

    /// Something was committed: run the delivery pass soon rather than at the next tick.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Registers an endpoint; its secret is in the answer and never again.
    pub async fn create(&self, ws: &str, input: NewWebhook) -> AppResult<CreatedWebhook> {
        let url = self.inner.guard.check(&input.url).await?;
        let events = parse_events(&input.events)?;
        if self.inner.webhooks.webhooks(ws).await?.len() >= MAX_ENDPOINTS {
            return Err(AppError::invalid("url", format!("at most {MAX_ENDPOINTS} endpoints")));
        }
        let endpoint = Endpoint {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws.to_owned(),
            url: url.to_string(),
            events,
            secret: sign::new_secret(),
            created_at: now_ms(),
            failing_since: None,
            disabled_at: None,
        };
        self.inner.webhooks.create_webhook(&endpoint).await?;
        // Start the feed consumer now if it never ran (it starts at the end of the feed),
        // so no event committed after this endpoint exists is missed.
        if let Err(e) = self.feed_pass().await {
            tracing::warn!(error = %e, "webhook feed pass failed; the loop retries");
        }
        tracing::info!(webhook = %endpoint.id, workspace = ws, "webhook endpoint created");
        Ok(CreatedWebhook::of(&endpoint))
    }

    pub async fn list(&self, ws: &str) -> AppResult<Vec<WebhookView>> {
        Ok(self.inner.webhooks.webhooks(ws).await?.iter().map(WebhookView::of).collect())
    }

    async fn endpoint(&self, ws: &str, id: &str) -> AppResult<Endpoint> {
        self.inner.webhooks.webhook(ws, id).await?.ok_or(AppError::NotFound)
    }

    /// Changes an endpoint's URL, events, or turns it on (clearing its failure record)
    /// or off.
    pub async fn update(&self, ws: &str, id: &str, patch: WebhookPatch) -> AppResult<WebhookView> {
        let mut endpoint = self.endpoint(ws, id).await?;
        if let Some(url) = &patch.url {
            endpoint.url = self.inner.guard.check(url).await?.to_string();
        }
        if let Some(events) = &patch.events {
            endpoint.events = parse_events(events)?;
        }
        match patch.enabled {
            Some(true) => (endpoint.disabled_at, endpoint.failing_since) = (None, None),
            Some(false) if endpoint.disabled_at.is_none() => endpoint.disabled_at = Some(now_ms()),
            _ => {}
        }
        if !self.inner.webhooks.update_webhook(&endpoint).await? {
            return Err(AppError::NotFound);
        }
        self.wake();
        Ok(WebhookView::of(&endpoint))
    }

    pub async fn delete(&self, ws: &str, id: &str) -> AppResult<()> {
        match self.inner.webhooks.delete_webhook(ws, id).await? {
            true => Ok(()),
            false => Err(AppError::NotFound),
        }
    }

    /// The endpoint's deliveries, newest first.
    pub async fn deliveries(&self, ws: &str, id: &str) -> AppResult<Vec<DeliveryView>> {
        let endpoint = self.endpoint(ws, id).await?;
        let log = self.inner.webhooks.webhook_deliveries(&endpoint.id, LOG_LIMIT).await?;
        Ok(log.iter().map(DeliveryView::of).collect())
    }

    /// Sends a delivery again now (and for another retry window), whatever its status.
    pub async fn retry(&self, ws: &str, id: &str, delivery: &str) -> AppResult<()> {
        let endpoint = self.endpoint(ws, id).await?;
        let now = now_ms();
        let give_up = now + self.window();
        if !self.inner.webhooks.retry_webhook(&endpoint.id, delivery, now, give_up).await? {
            return Err(AppError::NotFound);
        }
        self.wake();
        Ok(())
    }

    /// Queues a `webhook.test` message to the endpoint; its delivery's id.
    pub async fn test(&self, ws: &str, id: &str) -> AppResult<String> {
        let endpoint = self.endpoint(ws, id).await?;
        let now = now_ms();
        let message_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
        let data = serde_json::json!({ "webhook_id": endpoint.id, "workspace_id": ws });
        let message = NewDelivery {
            id: message_id.clone(),
            endpoint_id: endpoint.id,
            source: format!("test:{message_id}"),
            event_type: EventType::Test,
            post_id: None,
            post_seq: 0,
            body: deliver::body(EventType::Test, now, &data),
            created_at: now,
            give_up_at: now + self.window(),
        };
        self.inner.webhooks.enqueue_webhooks(&[message]).await?;
        self.wake();
        Ok(message_id)
    }

    fn window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.inner.settings.retry_window)
            .unwrap_or(chrono::Duration::days(1))
    }
}

/// The subscribed types: at least one, each a known subscribable name, no repeats kept.
fn parse_events(names: &[String]) -> AppResult<Vec<EventType>> {
    if names.is_empty() {
        return Err(AppError::invalid("events", "choose at least one event"));
    }
    let mut events = Vec::new();
    for name in names {
        let event = EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| AppError::invalid("events", format!("unknown event {name:?}")))?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    Ok(events)
}

/// The after-commit hook that wakes this instance's delivery pass.
pub struct Waker(pub Webhooks);

#[async_trait::async_trait]
impl crate::coherence::changes::AfterCommit for Waker {
    async fn after_commit(&self, _: &crate::coherence::changes::Change) {
        self.0.wake();
    }
}
