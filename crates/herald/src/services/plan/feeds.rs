//! RSS 2.0 and Atom feeds polled into drafts (API.md "Plan"): an admin adds a feed's URL
//! with the networks its drafts are for (and a template with `{title}` and `{link}`);
//! every new item becomes **one** draft, exactly once across instances and restarts: its
//! key `feed:<feed id>:<item id>` (the item's guid or Atom id, as `feed-rs` reads it) is
//! written with the draft in one transaction, and a key already there skips the item
//! (`store::sql::plan` argues it under concurrency). A feed is polled by one instance
//! at a time (a lease), every `HERALD_FEED_INTERVAL_SECS`, by a loop owned by a
//! [`LoopHandle`] and stopped on shutdown; a new feed wakes the loop. A failed poll
//! keeps its reason as the feed's `last_error`, shown on its page. Fetching is
//! [`super::fetch`] (timeouts, a size cap, no private addresses).

use super::fetch::Fetcher;
use super::settings::Settings;
use crate::coherence::changes::Writer;
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::background::{self, LoopHandle};
use crate::foundation::domain::audit::AuditAction;
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::plan::Feed;
use crate::foundation::domain::{validate, Actor, Post, PostStatus, PublishState};
use crate::storage::store::{NewEvent, PlanStore, Planned};
use ayrshare::Platform;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use utoipa::ToSchema;

/// Feeds one pass polls at most.
const FEEDS_PER_PASS: u32 = 20;
/// Items of one feed turned into drafts per poll at most (the rest come next time).
const ITEMS_PER_POLL: usize = 100;
/// How long a poller holds a feed (longer than a fetch may take).
const LEASE: Duration = Duration::from_secs(60);
/// The most feeds a workspace may have.
const MAX_FEEDS: usize = 50;
const MAX_TEMPLATE: usize = 2_000;

/// Body of `POST …/feeds`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeed {
    pub url: String,
    pub platforms: Vec<String>,
    /// The draft's text, with `{title}` and `{link}` filled in (default: title and link).
    pub template: Option<String>,
}

/// A feed as answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedView {
    pub id: String,
    pub url: String,
    #[schema(value_type = Vec<String>)]
    pub platforms: Vec<Platform>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// RFC 3339; null until the first poll.
    pub last_checked_at: Option<String>,
    /// Why the last poll failed; absent when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl From<Feed> for FeedView {
    fn from(f: Feed) -> Self {
        let at = |t: chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        FeedView {
            id: f.id,
            url: f.url,
            platforms: f.platforms,
            template: f.template,
            last_checked_at: f.last_checked_at.map(at),
            last_error: f.last_error,
        }
    }
}

/// The feed use cases and poller. Cheap to clone.
#[derive(Clone)]
pub struct Feeds {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn PlanStore>,
    writer: Writer,
    fetcher: Fetcher,
    settings: Settings,
    wake: Arc<Notify>,
}

impl Feeds {
    pub fn new(
        store: Arc<dyn PlanStore>,
        writer: Writer,
        settings: Settings,
    ) -> anyhow::Result<Self> {
        let fetcher = Fetcher::new(settings.allow_private, settings.max_bytes)?;
        let inner = Inner { store, writer, fetcher, settings, wake: Arc::default() };
        Ok(Self { inner: Arc::new(inner) })
    }

    pub async fn create(&self, ws_id: &str, input: NewFeed) -> AppResult<FeedView> {
        let url = self.inner.fetcher.check(&input.url).await?;
        let platforms = validate::platforms(&input.platforms)?;
        let template = input.template.filter(|t| !t.trim().is_empty());
        if let Some(t) = &template {
            if t.chars().count() > MAX_TEMPLATE {
                return Err(AppError::invalid("template", "At most 2,000 characters."));
            }
            validate::text(t, &platforms).map_err(|mut e| {
                e.field = "template".into();
                e
            })?;
        }
        if self.inner.store.feeds(ws_id).await?.len() >= MAX_FEEDS {
            return Err(AppError::invalid("url", "A workspace may have at most 50 feeds."));
        }
        let feed = Feed {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws_id.to_owned(),
            url: url.to_string(),
            platforms,
            template,
            created_at: now_ms(),
            last_checked_at: None,
            last_error: None,
        };
        self.inner.store.create_feed(&feed).await?;
        self.inner.wake.notify_one();
        Ok(feed.into())
    }

    pub async fn list(&self, ws_id: &str) -> AppResult<Vec<FeedView>> {
        Ok(self.inner.store.feeds(ws_id).await?.into_iter().map(FeedView::from).collect())
    }

    pub async fn delete(&self, ws_id: &str, id: &str) -> AppResult<()> {
        match self.inner.store.delete_feed(ws_id, id).await? {
            true => Ok(()),
            false => Err(AppError::NotFound),
        }
    }

    /// The poll loop: a pass every minute at most (or the interval, if shorter), and
    /// when a feed is added; each feed is due once per interval.
    pub fn spawn(self) -> LoopHandle {
        let interval = self.inner.settings.interval;
        let tick = interval.min(Duration::from_secs(60));
        let wake = self.inner.wake.clone();
        background::spawn_loop(
            tick,
            move || {
                let feeds = self.clone();
                async move {
                    if let Err(e) = feeds.poll_once().await {
                        tracing::warn!(error = %e, "feed pass failed; the next pass retries");
                    }
                }
            },
            Some(wake),
        )
    }

    /// Polls the feeds that are due; how many drafts were made.
    pub async fn poll_once(&self) -> AppResult<usize> {
        let now = now_ms();
        let interval = chrono::Duration::from_std(self.inner.settings.interval)
            .unwrap_or(chrono::Duration::MAX);
        let due_before = now.checked_sub_signed(interval).unwrap_or(now);
        let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let feeds = self.inner.store.claim_feeds(due_before, now, until, FEEDS_PER_PASS).await?;
        let mut made = 0;
        for feed in feeds {
            let error = match self.poll(&feed).await {
                Ok(n) => {
                    made += n;
                    None
                }
                Err(why) => Some(why),
            };
            if let Some(why) = &error {
                tracing::info!(feed = %feed.id, error = %why, "feed poll failed");
            }
            self.inner.store.feed_checked(&feed.id, now_ms(), error.as_deref()).await?;
        }
        Ok(made)
    }

    /// Fetches one feed and makes a draft of each item not seen before.
    async fn poll(&self, feed: &Feed) -> Result<usize, String> {
        let bytes = self.inner.fetcher.fetch(&feed.url).await.map_err(|e| e.to_string())?;
        let parsed = feed_rs::parser::parse(&bytes[..])
            .map_err(|e| format!("not an RSS or Atom feed: {e}"))?;
        let now = now_ms();
        let mut items: Vec<Planned> = parsed
            .entries
            .iter()
            .take(ITEMS_PER_POLL)
            .filter_map(|entry| {
                let title = entry.title.as_ref().map(|t| t.content.as_str()).unwrap_or_default();
                let link = entry.links.first().map(|l| l.href.as_str()).unwrap_or_default();
                let text = draft_text(feed, title, link)?;
                Some(draft(feed, &entry.id, text, now))
            })
            .collect();
        // Feeds list the newest first: the oldest item becomes the oldest draft.
        items.reverse();
        let done = self
            .inner
            .writer
            .insert_planned(&feed.workspace_id, &items, &[])
            .await
            .map_err(|e| format!("storing drafts failed: {e}"))?;
        Ok(done.committed.len())
    }
}

/// A draft of a feed item, keyed by the feed and the item's id.
fn draft(feed: &Feed, item_id: &str, text: String, now: chrono::DateTime<chrono::Utc>) -> Planned {
    let post = Post {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: feed.workspace_id.clone(),
        text,
        platforms: feed.platforms.clone(),
        media_urls: vec![],
        status: PostStatus::Draft,
        schedule_at: None,
        version: 1,
        author: Actor::Herald,
        created_at: now,
        updated_at: now,
        published_at: None,
        ayrshare_id: None,
        platform_results: vec![],
        waiting_for: None,
        publish: PublishState::default(),
        compose: Default::default(),
    };
    let event = NewEvent {
        actor: Actor::Herald,
        action: AuditAction::Create,
        comment: Some(format!("from the feed {}", feed.url)),
        from: None,
    };
    let id = match item_id.len() {
        0..=200 => item_id.to_owned(),
        _ => hex::encode(Sha256::digest(item_id.as_bytes())),
    };
    Planned { post, event, key: Some(format!("feed:{}:{id}", feed.id)), queued: false }
}

/// The draft's text: the template (or "title link") with the title shortened until the
/// text fits every network of the feed; none if even an empty title does not fit.
pub fn draft_text(feed: &Feed, title: &str, link: &str) -> Option<String> {
    let clean: String = title.chars().filter(|c| !c.is_control()).collect();
    let fill = |t: &str| match &feed.template {
        Some(template) => template.replace("{title}", t).replace("{link}", link),
        None => {
            [t.trim(), link].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
        }
    };
    let mut chars: Vec<char> = clean.trim().chars().collect();
    let mut text = fill(&clean);
    loop {
        if validate::text(&text, &feed.platforms).is_ok() {
            return Some(text);
        }
        if chars.is_empty() {
            return None;
        }
        chars.truncate(chars.len() * 3 / 4);
        let short: String = chars.iter().collect();
        text = fill(&format!("{}…", short.trim_end()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(template: Option<&str>) -> Feed {
        Feed {
            id: "f".into(),
            workspace_id: "w".into(),
            url: "https://example.com/feed".into(),
            platforms: vec![Platform::Twitter],
            template: template.map(str::to_owned),
            created_at: now_ms(),
            last_checked_at: None,
            last_error: None,
        }
    }

    #[test]
    fn a_draft_is_the_title_and_link_or_the_template_filled_in() {
        let link = "https://example.com/a";
        assert_eq!(draft_text(&feed(None), "Hello", link).unwrap(), format!("Hello {link}"));
        let t = feed(Some("New post: {title} → {link}"));
        assert_eq!(draft_text(&t, "Hello", link).unwrap(), format!("New post: Hello → {link}"));
    }

    #[test]
    fn a_long_title_is_shortened_to_fit_the_tightest_network() {
        let long = "word ".repeat(200);
        let text = draft_text(&feed(None), &long, "https://example.com/a").unwrap();
        assert!(text.chars().count() <= 280, "{}", text.len());
        assert!(text.contains('…') && text.ends_with("https://example.com/a"));
    }
}
