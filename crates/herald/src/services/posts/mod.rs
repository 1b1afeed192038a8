//! The post use cases (create, read, list, edit, submit, approve, reject, request
//! changes, retry, delete): load, check the rules of the domain, write through the
//! [`Writer`], and publish when the state machine says "now". HTTP handlers are thin
//! wrappers of these.

mod calendar;
mod checks;
mod input;
pub mod queued;
mod stream;

pub use calendar::{Calendar, CalendarDay, CalendarLayout};
pub use input::{Decision, Edited, NewPost, PostEdit};
pub use stream::{json_option, End, Entry, Layout, PostStream, MAX_ANSWER_BYTES};

use crate::coherence::changes::Writer;
use crate::coherence::error::{AppError, AppResult, Forbidden};
use crate::coherence::gateway::GatewayError;
use crate::coherence::lookups::Lookups;
use crate::coherence::names::{EventView, PostView};
use crate::coherence::publish::{self, Publisher};
use crate::foundation::domain::audit::{self, AuditAction};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::transitions::{self, Action, Context, CreateEffect, Effect};
use crate::foundation::domain::{
    validate, Event, Post, PostStatus, PublishState, WaitingFor, Workspace,
};
use crate::gate::auth::Principal;
use crate::services::accounts::AccountService;
use crate::storage::store::{LibraryStore, NewEvent, PlanStore, PostStore};
use ayrshare::Platform;
use chrono::Utc;
use herald_cache::Slots;
use std::sync::Arc;

/// The post use cases. Cheap to clone.
#[derive(Clone)]
pub struct PostService {
    inner: Arc<Inner>,
}

struct Inner {
    posts: Arc<dyn PostStore>,
    /// Only to find the previews of media uploaded to Herald.
    library: Arc<dyn LibraryStore>,
    /// Only to read the queue's slots.
    plan: Arc<dyn PlanStore>,
    lookups: Lookups,
    writer: Writer,
    publisher: Publisher,
    accounts: AccountService,
}

/// A decided change to an existing post, ready to be written.
struct Transition<'a> {
    who: &'a Principal,
    ws: &'a Workspace,
    before: Post,
    next: Post,
    action: AuditAction,
    comment: Option<String>,
    effect: Effect,
}

impl PostService {
    pub fn new(
        posts: Arc<dyn PostStore>,
        library: Arc<dyn LibraryStore>,
        plan: Arc<dyn PlanStore>,
        lookups: Lookups,
        writer: Writer,
        publisher: Publisher,
        accounts: AccountService,
    ) -> Self {
        let inner = Inner { posts, library, plan, lookups, writer, publisher, accounts };
        Self { inner: Arc::new(inner) }
    }

    /// What Ayrshare would refuse, refused now ([`checks`]).
    async fn check_upstream(&self, ws: &Workspace, post: &Post) -> AppResult<()> {
        let inner = &self.inner;
        let gateway = inner.publisher.gateway();
        checks::upstream(gateway, &inner.accounts, inner.posts.as_ref(), ws, post).await
    }

    /// Herald's own copy of every medium uploaded to Herald, whoever hosts the URL the
    /// post carries, so the pages can show what is approved.
    async fn previews(
        &self,
        ws_id: &str,
        compose: &mut crate::foundation::domain::Compose,
    ) -> AppResult<()> {
        let missing: Vec<String> = compose
            .media
            .iter()
            .filter(|m| m.preview_url.is_none())
            .map(|m| m.url.clone())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let found = self.inner.library.media_previews(ws_id, &missing).await?;
        for item in compose.media.iter_mut().filter(|m| m.preview_url.is_none()) {
            item.preview_url = found.get(&item.url).cloned();
        }
        Ok(())
    }

    async fn workspace(&self, id: &str) -> AppResult<Workspace> {
        self.inner.lookups.workspace(id).await?.ok_or(AppError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(workspace = %ws_id))]
    pub async fn create(
        &self,
        who: &Principal,
        ws_id: &str,
        mut input: NewPost,
    ) -> AppResult<Post> {
        let ws = self.workspace(ws_id).await?;
        let now = now_ms();
        let (platforms, media_urls, mut compose) = input.compose()?;
        self.previews(&ws.id, &mut compose).await?;
        let draft = input.submit == Some(false);
        let queued = input.queue == Some(true);
        if queued && input.schedule_at.is_some() {
            return Err(AppError::invalid("queue", "Give either a time or \"queue\", not both."));
        }
        let slots = match queued {
            true => queued::candidates(self.inner.plan.as_ref(), &ws, now).await?,
            false => vec![],
        };
        let schedule_at = match queued {
            true => slots.first().copied(),
            false => input
                .schedule_at
                .as_deref()
                .map(|s| validate::schedule_at(s, now, draft))
                .transpose()?,
        };
        let mut post = Post {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws.id.clone(),
            text: input.text,
            platforms,
            media_urls,
            status: PostStatus::Draft,
            schedule_at,
            version: 1,
            author: who.actor(),
            created_at: now,
            updated_at: now,
            published_at: None,
            ayrshare_id: None,
            platform_results: vec![],
            waiting_for: None,
            compose,
            publish: PublishState::default(),
        };
        let event = event_by(who, AuditAction::Create, None, None);
        let submit = input.submit.unwrap_or(true);
        if submit {
            self.check_upstream(&ws, &post).await?;
        }
        match transitions::on_create(submit, &context(&ws, &post)) {
            CreateEffect::To(status) if queued => {
                post.status = status;
                self.insert_queued(&ws, post, event, &slots).await
            }
            CreateEffect::To(status) => {
                post.status = status;
                Ok(self.inner.writer.insert(&post, &event).await?.post)
            }
            CreateEffect::PublishNow => {
                let Some(slots) = self.reserve_one(&ws).await else {
                    wait_for_budget(&mut post);
                    return Ok(self.inner.writer.insert(&post, &event).await?.post);
                };
                // Claimed straight away: version 0 + 1 is the post's first version.
                post.version = 0;
                let lease = self.inner.publisher.policy().lease;
                let (claimed, _) =
                    publish::claim(&post, None, lease, &who.actor(), AuditAction::Create);
                let committed = self.inner.writer.insert(&claimed, &event).await?;
                Ok(self.inner.publisher.publish(&ws, committed.post, &slots).await?)
            }
        }
    }

    pub async fn get(&self, ws_id: &str, id: &str) -> AppResult<Post> {
        self.inner.posts.post(ws_id, id).await?.ok_or(AppError::NotFound)
    }

    /// The post and its audit trail, as of the post read: a change committed between the
    /// two reads must not show its event without its post (events are append-only by
    /// version, so cutting at the post's version gives the trail of the post read).
    pub async fn detail(&self, ws_id: &str, id: &str) -> AppResult<(Post, Vec<Event>)> {
        let post = self.get(ws_id, id).await?;
        let mut events = self.inner.posts.events(&post.id).await?;
        events.retain(|e| e.version <= post.version);
        Ok((post, events))
    }

    #[tracing::instrument(skip_all, fields(workspace = %ws_id, post = %id))]
    pub async fn edit(
        &self,
        who: &Principal,
        ws_id: &str,
        id: &str,
        edit: PostEdit,
    ) -> AppResult<Post> {
        let (ws, before) = self.load(ws_id, id).await?;
        authorize(who, &ws, &before, Action::Edit)?;
        let given = edit.version;
        let mut next = before.clone();
        let action = match edit.apply(&mut next)? {
            Edited::Content => AuditAction::Edit,
            Edited::Schedule => AuditAction::Reschedule,
        };
        check_version(&before, given)?;
        self.previews(&ws.id, &mut next.compose).await?;
        let effect = decide(Action::Edit, &ws, &next)?;
        if before.status != PostStatus::Draft {
            self.check_upstream(&ws, &next).await?;
        }
        self.commit(Transition { who, ws: &ws, before, next, action, comment: None, effect }).await
    }

    /// Submit, approve, reject, request changes, retry or delete.
    #[tracing::instrument(skip_all, fields(workspace = %ws_id, post = %id, action = ?action))]
    pub async fn decide(
        &self,
        who: &Principal,
        ws_id: &str,
        id: &str,
        action: Action,
        d: Decision,
    ) -> AppResult<Post> {
        let (ws, before) = self.load(ws_id, id).await?;
        authorize(who, &ws, &before, action)?;
        if action == Action::Approve {
            self.four_eyes(who, &before).await?;
        }
        let needs_comment = matches!(action, Action::Reject | Action::RequestChanges);
        validate::comment(d.comment.as_deref(), needs_comment)?;
        check_version(&before, d.version)?;
        match (action, d.queue) {
            (Action::Submit, Some(true)) => return self.submit_queued(who, &ws, before, d).await,
            (_, Some(_)) if action != Action::Submit => {
                return Err(AppError::invalid("queue", "Only a submit can take a queue slot."));
            }
            _ => {}
        }
        let effect = decide(action, &ws, &before)?;
        if action == Action::Submit {
            if before.schedule_at.is_some_and(|at| at <= now_ms()) {
                let why = "This post's time has passed; choose a new time before submitting it.";
                return Err(AppError::invalid("schedule_at", why));
            }
            self.check_upstream(&ws, &before).await?;
        }
        let next = before.clone();
        let action = AuditAction::of(action);
        self.commit(Transition { who, ws: &ws, before, next, action, comment: d.comment, effect })
            .await
    }

    /// A post as clients see it, with its author's name.
    pub async fn present(&self, post: Post) -> AppResult<PostView> {
        let directory = self.inner.lookups.directory(&post.workspace_id, [&post.author]).await?;
        Ok(directory.post(post))
    }

    /// Posts of one workspace as clients see them.
    pub async fn present_all(&self, ws_id: &str, posts: Vec<Post>) -> AppResult<Vec<PostView>> {
        let authors = posts.iter().map(|p| &p.author);
        let directory = self.inner.lookups.directory(ws_id, authors).await?;
        Ok(posts.into_iter().map(|p| directory.post(p)).collect())
    }

    /// A post and its audit trail as clients see them, with names.
    pub async fn present_detail(
        &self,
        post: Post,
        events: Vec<Event>,
    ) -> AppResult<(PostView, Vec<EventView>)> {
        let actors = events.iter().map(|e| &e.actor).chain([&post.author]);
        let directory = self.inner.lookups.directory(&post.workspace_id, actors).await?;
        let events = events.into_iter().map(|e| directory.event(e)).collect();
        Ok((directory.post(post), events))
    }

    async fn load(&self, ws_id: &str, id: &str) -> AppResult<(Workspace, Post)> {
        let ws = self.workspace(ws_id).await?;
        let post = self.get(ws_id, id).await?;
        Ok((ws, post))
    }

    /// G9: nobody who wrote the post's current content approves it (403 `own_post`),
    /// counted by person: a token counts as the user who created it, a client reviewer
    /// as the person who created their review link.
    async fn four_eyes(&self, who: &Principal, post: &Post) -> AppResult<()> {
        let events = self.inner.posts.events(&post.id).await?;
        let authors = audit::authors(events.iter().map(|e| (e.action, &e.actor)));
        let directory = self.inner.lookups.directory(&post.workspace_id, []).await?;
        let me = directory.person_of(&who.person());
        if authors.iter().any(|a| directory.person_of(a) == me) {
            return Err(AppError::Forbidden {
                why: Forbidden::OwnPost,
                message: "you wrote or changed this post, so someone else must approve it".into(),
            });
        }
        Ok(())
    }

    /// Writes the decided change; publishes or deletes upstream when the effect says so.
    async fn commit(&self, t: Transition<'_>) -> AppResult<Post> {
        let Transition { who, ws, before, mut next, action, comment, effect } = t;
        let event = event_by(who, action, comment, Some(before.status));
        let writer = &self.inner.writer;
        match effect {
            Effect::To(status) => {
                next.status = status;
                next.version = before.version + 1;
                next.updated_at = now_ms();
                Ok(writer.save(before.version, &next, &event).await?.post)
            }
            Effect::PublishNow => {
                let Some(slots) = self.reserve_one(ws).await else {
                    if action == AuditAction::Retry {
                        return Err(AppError::RateLimited { retry_after: RETRY_WAIT });
                    }
                    wait_for_budget(&mut next);
                    next.version = before.version + 1;
                    next.updated_at = now_ms();
                    return Ok(writer.save(before.version, &next, &event).await?.post);
                };
                let targets = (action == AuditAction::Retry).then(|| failed_platforms(&before));
                let lease = self.inner.publisher.policy().lease;
                let (claimed, _) = publish::claim(&next, targets, lease, &who.actor(), action);
                let committed = writer.save(before.version, &claimed, &event).await?;
                Ok(self.inner.publisher.publish(ws, committed.post, &slots).await?)
            }
            Effect::DeleteUpstream => {
                self.delete_upstream(ws, &before).await?;
                next.status = PostStatus::Deleted;
                next.version = before.version + 1;
                next.updated_at = now_ms();
                Ok(writer.save(before.version, &next, &event).await?.post)
            }
        }
    }

    /// Deletes every Ayrshare record of a published post; one already gone counts as done.
    async fn delete_upstream(&self, ws: &Workspace, post: &Post) -> AppResult<()> {
        let mut ids: Vec<&str> =
            post.platform_results.iter().filter_map(|r| r.ayrshare_id.as_deref()).collect();
        ids.extend(post.ayrshare_id.as_deref());
        ids.sort_unstable();
        ids.dedup();
        let gateway = self.inner.publisher.gateway();
        for id in ids {
            match gateway.delete_post(ws, id).await {
                Ok(_) => {}
                Err(GatewayError::Ayrshare(e))
                    if matches!(e.code(), Some(114 | 383)) || e.status() == Some(404) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

/// How long a retry refused for want of budget asks the client to wait.
const RETRY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl PostService {
    /// Reserves the Ayrshare call a publish-now needs; none when the profile's budget
    /// is spent (the post then waits for the scheduler, see [`wait_for_budget`]).
    async fn reserve_one(&self, ws: &Workspace) -> Option<Slots> {
        Some(self.inner.publisher.gateway().reserve(ws, 1).await).filter(|s| s.granted == 1)
    }
}

/// A post that should go out now while the profile's Ayrshare budget is spent: it is
/// scheduled for now, labelled, and the scheduler publishes it when the window allows.
fn wait_for_budget(post: &mut Post) {
    post.status = PostStatus::Scheduled;
    post.schedule_at = Some(post.schedule_at.map_or_else(now_ms, |at| at.min(now_ms())));
    post.waiting_for = Some(WaitingFor::AyrshareLimit);
}

/// The audit line of a change `who` made.
fn event_by(
    who: &Principal,
    action: AuditAction,
    comment: Option<String>,
    from: Option<PostStatus>,
) -> NewEvent {
    NewEvent { actor: who.actor(), action, comment, from }
}

fn context(ws: &Workspace, post: &Post) -> Context {
    Context {
        requires_approval: ws.requires_approval,
        late_approval: ws.late_approval,
        schedule_at: post.schedule_at,
        now: Utc::now(),
    }
}

fn decide(action: Action, ws: &Workspace, post: &Post) -> AppResult<Effect> {
    transitions::decide(action, post.status, &context(ws, post))
        .map_err(|r| AppError::InvalidTransition(r.0))
}

/// Role checks: 403 if the role is too low for the action in the post's status.
fn authorize(who: &Principal, ws: &Workspace, post: &Post, action: Action) -> AppResult<()> {
    let role = who.role_in(&ws.id).ok_or(AppError::NotFound)?;
    let needed = transitions::required_role(action, post.status);
    if role < needed {
        return Err(AppError::forbidden(format!(
            "{} needs the {} role; yours is {}",
            action.as_str().replace('_', " "),
            needed.as_str(),
            role.as_str()
        )));
    }
    Ok(())
}

/// The client's `version` must be given and current.
fn check_version(post: &Post, given: Option<i64>) -> AppResult<()> {
    match given {
        None => Err(AppError::invalid(
            "version",
            "the version you last saw is required (body `version` or If-Match)",
        )),
        Some(v) if v != post.version => Err(AppError::VersionConflict { current: post.version }),
        Some(_) => Ok(()),
    }
}

fn failed_platforms(post: &Post) -> Vec<Platform> {
    let ok = |p: Platform| {
        post.platform_results.iter().any(|r| r.platform == p.as_str() && r.succeeded())
    };
    post.platforms.iter().copied().filter(|p| !ok(*p)).collect()
}
