//! Storage: one trait of whole operations, implemented for SQLite and, behind the same
//! trait, PostgreSQL. Every post mutation is one transaction that writes the post, appends
//! its audit event and bumps the workspace's content version, guarded by the post's
//! `version` (optimistic concurrency). No backend type leaks through this trait.
//!
//! People (users, memberships, sessions, invitations) are stored by whole operations too:
//! a password change ends the user's sessions in its transaction, an invitation is
//! accepted once with its membership in one transaction, and no membership change leaves
//! a workspace without an admin ([`StoreError::LastAdmin`]), however concurrent.
//!
//! Planning: posts are listed with filters, text search and two sorts (`sql::search`
//! argues that both backends find the same posts for ordinary words), laid out on a
//! calendar by their time, and claimed for publishing in due order, per workspace or all.
//!
//! Side effects happen exactly once across instances: a notification is created once per
//! source, user and kind, with its e-mail in the outbox in the same transaction; the
//! outbox, the event feed and analytics refreshes are each claimed by one instance at a
//! time, with a lease after which a crashed claimer's work is claimed again, and an
//! overdue approval is handed out once ever (`sql::notify`, `sql::feed` and
//! `sql::planning` give the arguments). Analytics never go back in time: an older figure
//! arriving late is ignored (`sql::metrics`).
//!
//! Both backends run the same statements, written once in `sql`; `sqlite` and `postgres`
//! hold only what differs (opening, pools, a few statements). `rows` maps rows to domain
//! records, `error` sqlx failures to [`StoreError`]; `query` and `records` are the
//! operations' own records.

mod error;
mod planned;
pub mod postgres;
mod query;
mod records;
mod rows;
mod sql;
pub mod sqlite;

use crate::domain::library::{Library, LibraryMedia, MediaRemoval, Named};
use crate::domain::plan::{Feed, Queue};
use crate::domain::review::{Comment, ReviewLink};
use crate::domain::webhooks::{Attempt, ClaimedDelivery, Delivery, Endpoint, NewDelivery};
use crate::domain::{AccountMetrics, Blob, MediaMeta, MediaRecord, PostMetrics, RefreshTarget};
use crate::domain::{Event, Post, Role, Workspace};
use crate::domain::{Invitation, Member, Membership, SessionRecord, User, UserRecord};
use crate::domain::{NewMail, NewNotification, Notification, OutboxMail};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

pub use error::{constraint, StoreError};
pub use planned::{PlanOutcome, Planned};
pub use postgres::PgStore;
pub use query::{query_words, Cursor, DueQuery, ListQuery, Page, Sort, MAX_WORDS};
pub use records::{Acceptance, Accepted, ClaimFn, ClaimToken, Committed, Counts, EventClaim};
pub use records::{FeedEvent, NewEvent, TokenRecord};
pub use sqlite::SqliteStore;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Cheap round trip, for `/readyz`.
    async fn ping(&self) -> Result<()>;
    /// Closes the store on shutdown, waiting for operations in flight; any operation
    /// after it fails as [`StoreError::Unavailable`].
    async fn close(&self);

    async fn create_workspace(&self, ws: &Workspace) -> Result<()>;
    async fn workspace(&self, id: &str) -> Result<Option<Workspace>>;
    async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>>;
    async fn workspaces(&self) -> Result<Vec<Workspace>>;
    /// Replaces the workspace's settings (not its content version).
    async fn update_workspace(&self, ws: &Workspace) -> Result<()>;
    /// The workspace's content version, bumped by every post change.
    async fn content_version(&self, workspace_id: &str) -> Result<i64>;

    async fn create_token(&self, token: &TokenRecord) -> Result<()>;
    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>>;
    async fn tokens(&self, workspace_id: &str) -> Result<Vec<TokenRecord>>;
    /// Marks a token revoked; false if the workspace has no such live token. In the same
    /// transaction, what it issued is withdrawn: its open invitations, the tokens it made
    /// (and what those issued), also when it was already revoked.
    async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool>;

    /// Inserts a new post with its first event, in one transaction.
    async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed>;
    /// Writes `post` (whose `version` must be `expected_version + 1`) if the stored post
    /// is still at `expected_version`, with its event, in one transaction.
    async fn save_post(
        &self,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
    ) -> Result<Committed>;
    async fn post(&self, workspace_id: &str, id: &str) -> Result<Option<Post>>;
    async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>>;
    async fn events(&self, post_id: &str) -> Result<Vec<Event>>;
    /// A page of the workspace's posts matching `query`, in its sort; `Invalid` for a
    /// cursor of another sort.
    async fn posts(&self, workspace_id: &str, query: &ListQuery) -> Result<Page>;
    async fn counts(&self, workspace_id: &str) -> Result<Counts>;

    /// Claims up to `query.limit` posts that are due at `query.now` (`scheduled` with
    /// `schedule_at <= now`, or `publishing` with a lease that ended before `now`), of
    /// `query.workspace_id` or of every workspace, applying `claim` to each in one
    /// transaction. Due order: the earliest `schedule_at` first, a lease-expired post by
    /// its lease end, ties by id. A post is claimed by at most one caller, whatever the
    /// concurrency.
    async fn claim_due(&self, query: &DueQuery, claim: ClaimFn<'_>) -> Result<Vec<Committed>>;
    /// Per workspace, how many posts [`Storage::claim_due`] would claim at `now`: at most
    /// `limit` workspaces, the one with the earliest due post first.
    async fn due_by_workspace(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<(String, u32)>>;
    /// The workspace's posts due at `now`, in due order, at most `limit`; reads only.
    async fn due_posts(
        &self,
        workspace_id: &str,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>>;
    /// The workspace's posts whose time ([`Post::time`]) is in `[from, to)`, by time then
    /// id, at most `limit`.
    async fn calendar(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Post>>;
    /// Claims up to `limit` posts still `pending_approval` after their `schedule_at`
    /// (before `now`) that were never reported, marking them reported in the same
    /// transaction: each such post is returned once ever, to one caller.
    async fn claim_overdue(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Post>>;

    /// Records a webhook delivery id; false if it was seen before (at-least-once delivery).
    async fn first_delivery(&self, hook_id: &str, at: DateTime<Utc>) -> Result<bool>;

    /// How many of the workspace's posts that include `platform` are `scheduled`,
    /// `publishing`, `published` or `partially_published` with their time (`schedule_at`,
    /// else `published_at`) in `[from, to)`: what counts against a network cap.
    async fn platform_load(
        &self,
        workspace_id: &str,
        platform: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64>;

    /// Creates a user, the e-mail stored lowercased; `Duplicate` of
    /// [`constraint::USER_EMAIL`] if the address is taken, whatever its case.
    async fn create_user(&self, user: &User, password_hash: Option<&str>) -> Result<()>;
    async fn user(&self, id: &str) -> Result<Option<UserRecord>>;
    /// The user with this e-mail address, whatever its case.
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    /// Writes the user's name, `global_admin` and `notify_email` (not the e-mail);
    /// `NotFound` if there is no such user.
    async fn update_user(&self, user: &User) -> Result<()>;
    /// Sets the user's password hash and ends all their sessions, in one transaction;
    /// how many sessions ended. `NotFound` if there is no such user.
    async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<u64>;

    /// The user's memberships, oldest first.
    /// Records a password reset (the hash of its secret) for `user_id`.
    async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Uses a reset that is neither used nor expired at `at`, once: sets its user's
    /// password and ends every session of that user, in one transaction. `None`: no such
    /// reset, or used, or expired.
    async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<String>>;
    async fn memberships_of(&self, user_id: &str) -> Result<Vec<Membership>>;
    /// The workspace's members by name (case-insensitively, then by id).
    async fn members(&self, workspace_id: &str) -> Result<Vec<Member>>;
    /// Adds the user to the workspace with `role`, or changes their role; `LastAdmin` if
    /// that would demote the workspace's last admin, `NotFound` for an unknown workspace
    /// or user. A demotion withdraws, in the same transaction, what the member issued
    /// there (open invitations, tokens and what those issued).
    async fn set_member(&self, workspace_id: &str, user_id: &str, role: Role) -> Result<()>;
    /// Removes the user from the workspace; false if they were not a member, `LastAdmin`
    /// if they are its last admin. In the same transaction what they issued there is
    /// withdrawn (as for a demotion) and their notifications of the workspace forgotten.
    async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<bool>;

    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// The session as stored, expired or not (the caller decides).
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    /// The user's sessions, newest first.
    async fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>>;
    /// Ends a session; false if there was none.
    async fn delete_session(&self, id_hash: &str) -> Result<bool>;
    /// Ends all the user's sessions; how many there were.
    async fn delete_sessions_of(&self, user_id: &str) -> Result<u64>;
    /// Moves the session's `last_seen_at` forward to `at` (never back); a session that
    /// is gone stays gone.
    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()>;

    /// Stores an invitation, its e-mail lowercased.
    async fn create_invitation(&self, invitation: &Invitation) -> Result<()>;
    /// The workspace's open invitations (neither accepted nor withdrawn; expired ones
    /// included), oldest first.
    async fn invitations(&self, workspace_id: &str) -> Result<Vec<Invitation>>;
    /// Withdraws an open invitation; false if the workspace has no such open invitation.
    async fn withdraw_invitation(
        &self,
        workspace_id: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    /// How many invitations the workspace made after `since`, and when the oldest of
    /// those was made.
    async fn invitations_since(
        &self,
        workspace_id: &str,
        since: DateTime<Utc>,
    ) -> Result<(u32, Option<DateTime<Utc>>)>;
    /// The invitation with this token hash, whatever its state.
    async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>>;
    /// In one transaction: marks the invitation accepted at `now` if it is still open and
    /// unexpired, creates the user of [`Acceptance::NewUser`], and gives the user the
    /// invited role in the workspace (a member keeps a higher role). `Gone` if it was
    /// accepted, withdrawn or expired, or its issuer no longer holds its role there, `NotFound` if there is no such invitation (or no
    /// such existing user), `Duplicate` if the new user's e-mail is taken; then nothing is
    /// written. Of concurrent acceptances of one invitation exactly one succeeds.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        acceptance: &Acceptance,
    ) -> Result<Accepted>;

    /// In one transaction: creates those of `notifications` not already there (one per
    /// source, user and kind) and, for each one created, its mail from `mails` into the
    /// outbox. Returns the notifications created, in the order given; a mail whose
    /// notification was not created by this call is not written. `NotFound` (and nothing
    /// written) if one names an unknown user, workspace or post.
    async fn create_notifications(
        &self,
        notifications: &[NewNotification],
        mails: &[NewMail],
    ) -> Result<Vec<Notification>>;
    /// The user's notifications (only unread ones if `unread_only`), newest first, at
    /// most `limit`.
    async fn notifications_of(
        &self,
        user_id: &str,
        unread_only: bool,
        limit: u32,
    ) -> Result<Vec<Notification>>;
    async fn unread_count(&self, user_id: &str) -> Result<u32>;
    /// Marks those of `ids` that are the user's and unread as read at `at`; how many.
    async fn mark_read(&self, user_id: &str, ids: &[String], at: DateTime<Utc>) -> Result<u64>;

    /// Claims up to `limit` unsent mails whose claim (or retry time) is not after `now`,
    /// oldest first: each is held until `now + lease` by this caller alone, its attempts
    /// counted.
    async fn claim_mail(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<OutboxMail>>;
    /// Marks the mail sent; false if it was already sent or is unknown.
    async fn mail_sent(&self, id: &str, at: DateTime<Utc>) -> Result<bool>;
    /// Releases the claim on an unsent mail until `retry_at`; false if it was sent or is
    /// unknown.
    async fn mail_failed(&self, id: &str, retry_at: DateTime<Utc>) -> Result<bool>;

    /// Claims the audit events after `consumer`'s position, at most `limit`, in commit
    /// order, for `lease` from `now`: `None` if another claimer holds the consumer's
    /// position or nothing new has been committed. While a claim holds, no other caller
    /// gets those events; once it lapses unadvanced, they are claimed again. A consumer's
    /// first claim starts it at the end of the feed. On PostgreSQL an event is handed out
    /// once the transactions that began before its own have ended (`sql::feed`).
    async fn claim_events(
        &self,
        consumer: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Option<EventClaim>>;
    /// Moves the consumer's position to the claimed event `last_event_id` and releases
    /// the claim. False if the claim was lost to another claimer (its lease lapsed) or the
    /// event is not in it; `NotFound` for an unknown event.
    async fn advance(&self, token: &ClaimToken, last_event_id: &str) -> Result<bool>;

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

    /// Stores a webhook endpoint (with its whole secret); `NotFound` for an unknown
    /// workspace.
    async fn create_webhook(&self, endpoint: &Endpoint) -> Result<()>;
    /// The workspace's webhook endpoints, oldest first.
    async fn webhooks(&self, workspace_id: &str) -> Result<Vec<Endpoint>>;
    async fn webhook(&self, workspace_id: &str, id: &str) -> Result<Option<Endpoint>>;
    /// Writes the endpoint's url, events, `failing_since` and `disabled_at`; false if the
    /// workspace has no such endpoint.
    async fn update_webhook(&self, endpoint: &Endpoint) -> Result<bool>;
    /// Deletes the endpoint and its deliveries; false if the workspace has no such one.
    async fn delete_webhook(&self, workspace_id: &str, id: &str) -> Result<bool>;
    /// Writes those of `messages` not already there (one per endpoint, source and type),
    /// in one transaction; how many were written.
    async fn enqueue_webhooks(&self, messages: &[NewDelivery]) -> Result<u64>;
    /// Claims up to `limit` pending messages due at `now` to enabled endpoints, none
    /// behind an earlier pending message of the same post to the same endpoint: each
    /// held until `now + lease` by this caller alone, its attempts counted.
    async fn claim_webhooks(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>>;
    /// Records an attempt's outcome, and the endpoint's failure record; true if this
    /// failure disabled the endpoint (failing since `disable_if_failing_since` or before).
    async fn record_webhook_attempt(
        &self,
        attempt: &Attempt,
        disable_if_failing_since: DateTime<Utc>,
    ) -> Result<bool>;
    /// The endpoint's deliveries, newest first, at most `limit`.
    async fn webhook_deliveries(&self, endpoint_id: &str, limit: u32) -> Result<Vec<Delivery>>;
    /// Makes the endpoint's delivery pending again, due at `now`, retried until
    /// `give_up_at`; false if the endpoint has no such delivery.
    async fn retry_webhook(
        &self,
        endpoint_id: &str,
        id: &str,
        now: DateTime<Utc>,
        give_up_at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Stores a medium, its file in chunks of [`CHUNK_BYTES`](crate::domain::media::CHUNK_BYTES),
    /// and adds its size to the workspace's media total, in one transaction, unless the
    /// total would then pass `quota_bytes`: false then, and nothing is stored. Concurrent
    /// calls for one workspace are counted one after the other, so together they never
    /// pass the quota. `Duplicate` of `media_pkey` if its id is taken, `NotFound` for an
    /// unknown workspace.
    async fn create_media(&self, media: &MediaRecord, quota_bytes: i64) -> Result<bool>;
    /// The bytes of all the workspace's media (0 for none).
    async fn media_bytes(&self, workspace_id: &str) -> Result<i64>;
    /// What is known about the workspace's medium, without its bytes.
    async fn media(&self, workspace_id: &str, id: &str) -> Result<Option<MediaMeta>>;
    /// The workspace's first stored medium with these bytes (by their SHA-256, hex).
    async fn media_by_sha256(&self, workspace_id: &str, sha256: &str) -> Result<Option<MediaMeta>>;
    /// Chunk `seq` (from 0) of the workspace's medium's file; `None` past its end or for
    /// a medium it does not have.
    async fn media_chunk(&self, workspace_id: &str, id: &str, seq: u64) -> Result<Option<Vec<u8>>>;
    /// The workspace's medium's thumbnail, if it has one.
    async fn media_thumbnail(&self, workspace_id: &str, id: &str) -> Result<Option<Blob>>;

    /// Stores a template or hashtag group; `Duplicate` of
    /// `<table>_workspace_id_name_key` when the workspace has one of that name.
    async fn create_named(&self, library: Library, named: &Named) -> Result<()>;
    /// The workspace's templates or hashtag groups, by name.
    async fn named_list(&self, library: Library, workspace_id: &str) -> Result<Vec<Named>>;
    async fn named(&self, library: Library, workspace_id: &str, id: &str) -> Result<Option<Named>>;
    /// Writes the name and body; false if the workspace has no such record; `Duplicate`
    /// as on create.
    async fn update_named(&self, library: Library, named: &Named) -> Result<bool>;
    /// False if the workspace has no such record.
    async fn delete_named(&self, library: Library, workspace_id: &str, id: &str) -> Result<bool>;
    /// The workspace's media, newest first, after `(created_at, id)`, at most `limit`,
    /// each with how many posts use it.
    async fn media_library(
        &self,
        workspace_id: &str,
        after: Option<(DateTime<Utc>, String)>,
        limit: u32,
    ) -> Result<Vec<LibraryMedia>>;
    /// Deletes the medium (its file, and its bytes from the workspace's total) unless a
    /// post still on its way uses it, in one transaction.
    async fn delete_media(&self, workspace_id: &str, id: &str) -> Result<MediaRemoval>;
    /// Records the URL the medium was given out as for `media_urls`.
    async fn set_media_url(&self, workspace_id: &str, id: &str, url: &str) -> Result<()>;
    /// The URL the medium was given out as, if recorded.
    async fn media_url(&self, workspace_id: &str, id: &str) -> Result<Option<String>>;
    /// Herald's own path of each of `urls` that is one of the workspace's media (its
    /// thumbnail, or the file when it has none), by URL.
    async fn media_previews(
        &self,
        workspace_id: &str,
        urls: &[String],
    ) -> Result<std::collections::BTreeMap<String, String>>;

    /// Writes each post's figures unless newer (or as new) ones are stored: `as_of` never
    /// goes back. Writing figures sets their next refresh and releases a refresh claim.
    /// How many were written.
    async fn save_post_metrics(&self, metrics: &[PostMetrics]) -> Result<u64>;
    /// The workspace's post figures whose post time (`posted_at`) is in `[from, to)`, by
    /// time.
    async fn post_metrics(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<PostMetrics>>;
    /// The workspace's figures of one Herald post, by network (none before its first read).
    async fn figures_of_post(&self, workspace_id: &str, post_id: &str) -> Result<Vec<PostMetrics>>;
    /// The texts of the Herald posts [`Storage::post_metrics`] gives figures of, by id.
    async fn post_texts_of_metrics(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<std::collections::HashMap<String, String>>;
    /// Claims up to `limit` post figures due for a refresh at `now` whose claim lapsed,
    /// earliest due first, each held until `now + lease` by this caller alone.
    async fn claim_refreshes(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<RefreshTarget>>;
    /// Sets the next refresh of each target's figures to `at` (creating the record of a
    /// post without figures yet: a publish schedules the first) and releases any claim.
    /// All of a post is all its targets.
    async fn schedule_refresh(&self, targets: &[RefreshTarget], at: DateTime<Utc>) -> Result<()>;
    /// Writes each account's figures unless newer (or as new) ones are stored; how many
    /// were written.
    async fn save_account_metrics(&self, metrics: &[AccountMetrics]) -> Result<u64>;
    /// The workspace's account figures, by platform.
    async fn account_metrics(&self, workspace_id: &str) -> Result<Vec<AccountMetrics>>;

    /// The workspace's posting queue, if it was ever set.
    async fn queue(&self, workspace_id: &str) -> Result<Option<Queue>>;
    /// Creates `items` in one transaction (all or none), in order: an item whose `key`
    /// the workspace already has is skipped; a `queued` one takes the first of `slots`
    /// (ascending) at which no post of the workspace that is not draft, failed, cancelled
    /// or deleted is scheduled, nor an earlier item, labelled `queue_paused` if the queue
    /// is paused and it is scheduled. Concurrent calls never give two posts one slot nor
    /// write one key twice (`sql::plan`). `Invalid` (and nothing written) if a queued
    /// item finds no queue or no free slot.
    async fn insert_planned(
        &self,
        workspace_id: &str,
        items: &[Planned],
        slots: &[DateTime<Utc>],
    ) -> Result<PlanOutcome>;
    /// Writes `post` (as [`Storage::save_post`] does, guarded by `expected_version`) at
    /// the first of `slots` no other post holds, chosen as [`Storage::insert_planned`]
    /// chooses, and marks it queued.
    async fn save_queued(
        &self,
        workspace_id: &str,
        expected_version: i64,
        post: &Post,
        event: &NewEvent,
        slots: &[DateTime<Utc>],
    ) -> Result<Committed>;
    /// Writes the queue's settings and, in the same transaction, its posts' state:
    /// pausing labels its scheduled posts `queue_paused`; resuming clears the label and
    /// moves those whose time is not after `now` to the first free `slots`, in order.
    /// Returns the posts changed (each with its event, by `actor`).
    async fn save_queue(
        &self,
        workspace_id: &str,
        queue: &Queue,
        now: DateTime<Utc>,
        slots: &[DateTime<Utc>],
        actor: &crate::domain::Actor,
    ) -> Result<Vec<Committed>>;
    async fn create_feed(&self, feed: &Feed) -> Result<()>;
    /// The workspace's feeds, oldest first.
    async fn feeds(&self, workspace_id: &str) -> Result<Vec<Feed>>;
    /// Deletes a feed (the drafts it made stay); false if the workspace has no such feed.
    async fn delete_feed(&self, workspace_id: &str, id: &str) -> Result<bool>;
    /// Claims up to `limit` feeds last checked before `checked_before` (or never) whose
    /// lease ended by `now`, each held until `lease_until` by this caller alone.
    async fn claim_feeds(
        &self,
        checked_before: DateTime<Utc>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Feed>>;
    /// Records a poll of the feed (its error, if it failed) and releases its lease.
    async fn feed_checked(&self, id: &str, at: DateTime<Utc>, error: Option<&str>) -> Result<()>;
}

/// Opens the store a `DATABASE_URL` names and runs its migrations: `postgres://…` or,
/// otherwise, a SQLite file (`sqlite://path`, `sqlite:path` or a bare path).
pub async fn open(url: &str, max_connections: u32) -> anyhow::Result<Arc<dyn Storage>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::open(url, max_connections).await?;
        return Ok(Arc::new(store));
    }
    let store = SqliteStore::open(url, max_connections).await?;
    Ok(Arc::new(store))
}
