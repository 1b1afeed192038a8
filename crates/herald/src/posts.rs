//! The post use cases (create, edit, submit, approve, reject, request changes, retry,
//! delete): load, check the rules of the domain, write through the [`Writer`], and
//! publish when the state machine says "now". HTTP handlers are thin wrappers of these.

use crate::auth::Principal;
use crate::changes::Writer;
use crate::domain::model::now_ms;
use crate::domain::transitions::{self, Action, Context, Effect};
use crate::domain::{validate, Post, PostStatus, PublishState, Workspace};
use crate::error::{AppError, AppResult};
use crate::publish::{self, Publisher};
use crate::store::{NewEvent, Storage};
use chrono::Utc;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Body of `POST /api/workspaces/{ws}/posts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    pub text: String,
    pub platforms: Vec<String>,
    #[serde(default)]
    pub media_urls: Vec<String>,
    /// RFC 3339 with any offset; stored UTC.
    pub schedule_at: Option<String>,
    /// Default true; false keeps the post a draft.
    pub submit: Option<bool>,
}

/// Body of `PATCH /api/workspaces/{ws}/posts/{id}`. Absent fields stay; `schedule_at: null`
/// clears the schedule.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEdit {
    pub version: Option<i64>,
    pub text: Option<String>,
    pub platforms: Option<Vec<String>>,
    pub media_urls: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub schedule_at: Option<Option<String>>,
}

/// Body of the decision routes (submit, approve, reject, request-changes, retry, delete).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub version: Option<i64>,
    pub comment: Option<String>,
}

/// Distinguishes an explicit `null` (Some(None)) from an absent field (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Clone)]
pub struct PostService {
    store: Arc<dyn Storage>,
    writer: Writer,
    publisher: Publisher,
}

impl PostService {
    pub fn new(store: Arc<dyn Storage>, writer: Writer, publisher: Publisher) -> Self {
        Self { store, writer, publisher }
    }

    pub async fn workspace(&self, id: &str) -> AppResult<Workspace> {
        self.store.workspace(id).await?.ok_or(AppError::NotFound)
    }

    pub async fn create(&self, who: &Principal, ws_id: &str, input: NewPost) -> AppResult<Post> {
        let ws = self.workspace(ws_id).await?;
        let now = now_ms();
        validate::platforms(&input.platforms)?;
        validate::text(&input.text, &input.platforms)?;
        validate::media_urls(&input.media_urls)?;
        let schedule_at =
            input.schedule_at.as_deref().map(|s| validate::schedule_at(s, now)).transpose()?;
        let mut post = Post {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws.id.clone(),
            text: input.text,
            platforms: input.platforms,
            media_urls: input.media_urls,
            status: PostStatus::Draft,
            schedule_at,
            version: 1,
            author: who.actor(),
            created_at: now,
            updated_at: now,
            published_at: None,
            ayrshare_id: None,
            platform_results: vec![],
            publish: PublishState::default(),
        };
        let effect = transitions::on_create(input.submit.unwrap_or(true), &context(&ws, &post));
        let event =
            NewEvent { actor: who.actor(), action: "create".into(), comment: None, from: None };
        match effect {
            Effect::To(status) => {
                post.status = status;
                Ok(self.writer.insert(&post, &event).await?.post)
            }
            Effect::PublishNow => {
                // Claimed straight away: version 0 + 1 is the post's first version.
                post.version = 0;
                let (claimed, _) = publish::claim(
                    &post,
                    None,
                    self.publisher.policy().lease,
                    &who.actor(),
                    "create",
                );
                let committed = self.writer.insert(&claimed, &event).await?;
                Ok(self.publisher.publish(&ws, committed.post).await?)
            }
            Effect::DeleteUpstream => {
                Err(AppError::Internal(anyhow::anyhow!("create cannot delete")))
            }
        }
    }

    pub async fn get(&self, ws_id: &str, id: &str) -> AppResult<Post> {
        self.store.post(ws_id, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn edit(
        &self,
        who: &Principal,
        ws_id: &str,
        id: &str,
        edit: PostEdit,
    ) -> AppResult<Post> {
        let (ws, post) = self.load(ws_id, id).await?;
        authorize(who, &ws, &post, Action::Edit)?;
        let mut next = post.clone();
        apply_edit(&mut next, edit.text, edit.platforms, edit.media_urls, edit.schedule_at)?;
        check_version(&post, edit.version)?;
        let effect = decide(Action::Edit, &ws, &next)?;
        self.commit(who, &ws, post, next, Action::Edit, None, effect).await
    }

    /// Submit, approve, reject, request changes, retry or delete.
    pub async fn decide(
        &self,
        who: &Principal,
        ws_id: &str,
        id: &str,
        action: Action,
        d: Decision,
    ) -> AppResult<Post> {
        let (ws, post) = self.load(ws_id, id).await?;
        authorize(who, &ws, &post, action)?;
        let needs_comment = matches!(action, Action::Reject | Action::RequestChanges);
        validate::comment(d.comment.as_deref(), needs_comment)?;
        check_version(&post, d.version)?;
        let effect = decide(action, &ws, &post)?;
        let next = post.clone();
        self.commit(who, &ws, post, next, action, d.comment, effect).await
    }

    async fn load(&self, ws_id: &str, id: &str) -> AppResult<(Workspace, Post)> {
        let ws = self.workspace(ws_id).await?;
        let post = self.get(ws_id, id).await?;
        Ok((ws, post))
    }

    /// Writes the decided change; publishes or deletes upstream when the effect says so.
    #[allow(clippy::too_many_arguments)]
    async fn commit(
        &self,
        who: &Principal,
        ws: &Workspace,
        before: Post,
        mut next: Post,
        action: Action,
        comment: Option<String>,
        effect: Effect,
    ) -> AppResult<Post> {
        let event = NewEvent {
            actor: who.actor(),
            action: action.as_str().into(),
            comment,
            from: Some(before.status),
        };
        match effect {
            Effect::To(status) => {
                next.status = status;
                next.version = before.version + 1;
                next.updated_at = now_ms();
                Ok(self.writer.save(before.version, &next, &event).await?.post)
            }
            Effect::PublishNow => {
                let targets = (action == Action::Retry).then(|| failed_platforms(&before));
                let (claimed, _) = publish::claim(
                    &next,
                    targets,
                    self.publisher.policy().lease,
                    &who.actor(),
                    action.as_str(),
                );
                let committed = self.writer.save(before.version, &claimed, &event).await?;
                Ok(self.publisher.publish(ws, committed.post).await?)
            }
            Effect::DeleteUpstream => {
                self.delete_upstream(ws, &before).await?;
                next.status = PostStatus::Deleted;
                next.version = before.version + 1;
                next.updated_at = now_ms();
                Ok(self.writer.save(before.version, &next, &event).await?.post)
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
        for id in ids {
            match self.publisher.client().delete_post(ws.profile_key.expose(), id).await {
                Ok(_) => {}
                Err(e) if matches!(e.code(), Some(114 | 383)) || e.status() == Some(404) => {}
                Err(e) => return Err(AppError::Upstream(e.to_string())),
            }
        }
        Ok(())
    }
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

/// Role and rule checks: 403 if the role is too low or an author approves their own post.
fn authorize(who: &Principal, ws: &Workspace, post: &Post, action: Action) -> AppResult<()> {
    let role = who.role_in(&ws.id).ok_or(AppError::NotFound)?;
    let needed = transitions::required_role(action, post.status);
    if role < needed {
        return Err(AppError::forbidden(format!(
            "{} needs the {} role; this token is {}",
            action.as_str().replace('_', " "),
            needed.as_str(),
            role.as_str()
        )));
    }
    if action == Action::Approve && post.author == who.actor() {
        return Err(AppError::Forbidden {
            code: "own_post",
            message: "an author cannot approve their own post".into(),
        });
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

fn apply_edit(
    post: &mut Post,
    text: Option<String>,
    platforms: Option<Vec<String>>,
    media: Option<Vec<String>>,
    schedule: Option<Option<String>>,
) -> AppResult<()> {
    if let Some(p) = platforms {
        validate::platforms(&p)?;
        post.platforms = p;
    }
    if let Some(t) = text {
        post.text = t;
    }
    validate::text(&post.text, &post.platforms)?;
    if let Some(m) = media {
        validate::media_urls(&m)?;
        post.media_urls = m;
    }
    if let Some(s) = schedule {
        post.schedule_at = s.as_deref().map(|s| validate::schedule_at(s, now_ms())).transpose()?;
    }
    Ok(())
}

fn failed_platforms(post: &Post) -> Vec<String> {
    let ok = |p: &String| post.platform_results.iter().any(|r| &r.platform == p && r.succeeded());
    post.platforms.iter().filter(|p| !ok(p)).cloned().collect()
}
