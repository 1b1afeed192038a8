//! Notifications (API.md "Notifications"): in the app (a list per person, pushed live
//! to their open event streams) and by e-mail when SMTP is configured and the person
//! has not opted out. Who hears about what is [`rules`]; sending mail is [`outbox`];
//! the loop that drives both is [`worker`].
//!
//! **Sent after the change commits, exactly once per event across instances.** A
//! change's notifications are derived from its audit event, read from the store's event
//! feed by whichever instance claims it (`OutboxStore::claim_events`, consumer
//! [`CONSUMER`]): the claim holds the events for that instance alone. Creating them is
//! idempotent — one per (event, person, kind), with its e-mail written to the outbox in
//! the same transaction (`OutboxStore::create_notifications`) — and only then does the
//! consumer advance past the events. An instance that dies in between lets its claim
//! lapse; the next claimer derives the same notifications, which exist already, so none
//! is created, mailed or pushed twice. Only the instance that created a notification
//! pushes it live, once, to the recipient's streams on every instance. The overdue
//! check (a pending post whose time passed) runs in the scheduler's run and is
//! exactly-once the same way: `PostStore::claim_overdue` returns each post once ever.

pub mod hooks_out;
pub mod mentions;
pub mod outbox;
pub mod rules;
pub mod worker;

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::lookups::Lookups;
use crate::coherence::names::Directory;
use crate::foundation::domain::notifications::{NewNotification, Notification, NotificationKind};
use crate::foundation::domain::people::Member;
use crate::foundation::domain::{Actor, Event, Post};
use crate::foundation::mail::Mailer;
use crate::gate::auth::Principal;
use crate::services::live::Live;
pub use crate::services::live::NotificationView;
use crate::storage::store::{FeedEvent, Storage, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// The event-feed consumer that creates notifications.
pub const CONSUMER: &str = "notifications";
/// How long a claim on the feed holds before another instance may take it over.
const FEED_LEASE: Duration = Duration::from_secs(30);
/// Events per claim.
const FEED_BATCH: u32 = 200;
/// The most notifications one list read returns.
pub const LIST_LIMIT: u32 = 100;

/// The notification use cases. Cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    inner: Arc<Inner>,
}

struct Inner {
    /// The whole store: notifying reads and writes four areas (the outbox and its event
    /// feed, members, posts, and review comments and reminders).
    store: Arc<dyn Storage>,
    lookups: Lookups,
    live: Live,
    mailer: Option<Mailer>,
    public_url: Option<String>,
    wake: Arc<tokio::sync::Notify>,
}

impl Notifier {
    pub fn new(
        store: Arc<dyn Storage>,
        lookups: Lookups,
        live: Live,
        mailer: Option<Mailer>,
        public_url: Option<String>,
    ) -> Self {
        let wake = Arc::default();
        Self { inner: Arc::new(Inner { store, lookups, live, mailer, public_url, wake }) }
    }

    fn user_of(who: &Principal) -> AppResult<&str> {
        match who {
            Principal::User(person) => Ok(&person.user.id),
            _ => Err(AppError::forbidden("notifications are for signed-in people, not tokens")),
        }
    }

    /// The caller's notifications, newest first (unread only if asked).
    pub async fn list(&self, who: &Principal, unread_only: bool) -> AppResult<Vec<Notification>> {
        let user = Self::user_of(who)?;
        Ok(self.inner.store.notifications_of(user, unread_only, LIST_LIMIT).await?)
    }

    /// How many of the caller's notifications are unread (0 for a token).
    pub async fn unread(&self, who: &Principal) -> AppResult<u32> {
        match Self::user_of(who) {
            Ok(user) => Ok(self.inner.store.unread_count(user).await?),
            Err(_) => Ok(0),
        }
    }

    /// Marks those of `ids` that are the caller's as read; how many were unread.
    pub async fn mark_read(&self, who: &Principal, ids: &[String]) -> AppResult<u64> {
        let user = Self::user_of(who)?;
        if ids.len() > 1000 {
            return Err(AppError::invalid("ids", "at most 1000 at once"));
        }
        Ok(self.inner.store.mark_read(user, ids, Utc::now()).await?)
    }

    /// Something was committed: run the feed pass soon rather than at the next tick.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Creates the notifications of every event committed since the last pass, while
    /// this instance holds the feed's claim; how many were created.
    pub async fn feed_pass(&self) -> AppResult<usize> {
        let store = &self.inner.store;
        let mut created = 0;
        while let Some(claim) =
            store.claim_events(CONSUMER, Utc::now(), FEED_LEASE, FEED_BATCH).await?
        {
            for event in &claim.events {
                created += self.on_event(event).await?;
            }
            let Some(last) = claim.events.last() else { break };
            if !store.advance(&claim.token, &last.event.id).await? {
                tracing::warn!("the notification feed's claim lapsed; another instance continues");
                break;
            }
        }
        Ok(created)
    }

    /// Reports, once ever, each pending post whose time passed before `now`.
    pub async fn overdue_pass(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut created = 0;
        for post in self.inner.store.claim_overdue(now, 100).await? {
            let (members, dir) = self.people(&post.workspace_id, &[&post.author]).await?;
            let to = rules::for_overdue(&post, &members, |a| dir.person_of(a));
            let source = format!("overdue:{}", post.id);
            created += self.create(&post, &source, "Herald", &members, to).await?;
        }
        Ok(created)
    }

    async fn on_event(&self, fe: &FeedEvent) -> AppResult<usize> {
        let FeedEvent { workspace_id, event } = fe;
        if rules::audience(event).is_none() {
            return Ok(0);
        }
        let Some(post) = self.inner.store.post(workspace_id, &event.post_id).await? else {
            return Ok(0);
        };
        let (members, dir) = self.people(workspace_id, &[&post.author, &event.actor]).await?;
        let to = rules::for_event(event, &post, &members, |a| dir.person_of(a));
        if to.is_empty() {
            return Ok(0);
        }
        let actor = dir.name_of(&event.actor);
        self.create(&post, &source_of(event), &actor, &members, to).await
    }

    async fn people(
        &self,
        ws: &str,
        actors: &[&Actor],
    ) -> AppResult<(Vec<Member>, Arc<Directory>)> {
        let members = self.inner.store.members(ws).await?;
        let dir = self.inner.lookups.directory(ws, actors.iter().copied()).await?;
        Ok((members, dir))
    }

    /// Creates the notifications (and their mails) for `to`, pushes those created.
    async fn create(
        &self,
        post: &Post,
        source: &str,
        actor: &str,
        members: &[Member],
        to: Vec<(String, NotificationKind)>,
    ) -> AppResult<usize> {
        let now = Utc::now();
        let mut notes = Vec::new();
        let mut mails = Vec::new();
        for (user_id, kind) in to {
            let note = NewNotification {
                id: uuid::Uuid::now_v7().to_string(),
                user_id,
                workspace_id: post.workspace_id.clone(),
                post_id: Some(post.id.clone()),
                kind,
                text: rules::text(kind, actor, post),
                source: source.to_owned(),
                created_at: now,
            };
            let member = members.iter().find(|m| m.user.id == note.user_id);
            if let (Some(_), Some(m)) = (&self.inner.mailer, member.filter(|m| m.user.notify_email))
            {
                mails.push(outbox::mail_of(&note, &m.user.email, self.inner.public_url.as_deref()));
            }
            notes.push(note);
        }
        let created = match self.inner.store.create_notifications(&notes, &mails).await {
            Ok(created) => created,
            // A recipient left (or the post went) between reading and writing: skip it.
            Err(StoreError::NotFound) => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        for n in &created {
            self.inner.live.notify(n).await;
        }
        Ok(created.len())
    }
}

/// What identifies the cause of an event's notifications.
fn source_of(event: &Event) -> String {
    format!("event:{}", event.id)
}

/// The after-commit hook that wakes this instance's notification pass.
pub struct Waker(pub Notifier);

#[async_trait::async_trait]
impl crate::coherence::changes::AfterCommit for Waker {
    async fn after_commit(&self, _: &crate::coherence::changes::Change) {
        self.0.wake();
    }
}
