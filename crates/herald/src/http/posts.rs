//! Post routes: thin wrappers over [`crate::posts::PostService`]. Each mutation answers
//! with the post as it now stands (201 on create, 200 otherwise).

use super::json::{version_from, AppJson, AppQuery, IfMatch};
use crate::auth::extract::{Access, Editor, Viewer};
use crate::domain::transitions::Action;
use crate::domain::PostStatus;
use crate::error::{AppError, AppResult};
use crate::names::{EventView, PostView};
use crate::posts::{Calendar, Decision, NewPost, PostEdit, PostService};
use crate::store::{Cursor, ListQuery, Sort};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A page of posts, in the order asked for (newest first by default).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostPage {
    pub posts: Vec<PostView>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A post with its audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostDetail {
    #[serde(flatten)]
    pub post: PostView,
    pub events: Vec<EventView>,
}

type PostPath = Path<(String, String)>;

/// The query of `GET /api/workspaces/{ws}/posts`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListParams {
    /// Only posts in this status.
    pub status: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words the text must contain (whole words, any case; the last, from three letters,
    /// may be the start of a word).
    pub q: Option<String>,
    /// Only posts that include this network (`twitter`, `linkedin`, …).
    pub platform: Option<String>,
    /// Only posts by this author (`user:<id>` or `token:<id>`, as `author` in a post).
    pub author: Option<String>,
    /// RFC 3339: only posts whose time (scheduled, else published, else created) is at
    /// or after this.
    pub from: Option<String>,
    /// RFC 3339: only posts whose time is before this.
    pub to: Option<String>,
    /// `-created_at` (newest first, the default) or `schedule_at` (what goes out next
    /// first).
    pub sort: Option<String>,
}

/// A non-empty query parameter.
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An RFC 3339 time parameter.
pub(super) fn time_param(field: &str, value: Option<String>) -> AppResult<Option<DateTime<Utc>>> {
    given(value)
        .map(|v| {
            DateTime::parse_from_rfc3339(&v).map(|t| t.with_timezone(&Utc)).map_err(|_| {
                AppError::invalid(field, "must be an RFC 3339 time, e.g. 2026-03-29T09:00:00Z")
            })
        })
        .transpose()
}

impl ListParams {
    fn query(self) -> AppResult<ListQuery> {
        let status = given(self.status)
            .map(|s| s.parse::<PostStatus>().map_err(|e| AppError::invalid("status", e)))
            .transpose()?;
        let limit = match self.limit {
            None => 50,
            Some(l) if (1..=200).contains(&l) => l,
            Some(_) => return Err(AppError::invalid("limit", "must be 1 to 200")),
        };
        let sort = given(self.sort)
            .map(|s| s.parse::<Sort>().map_err(|e| AppError::invalid("sort", e)))
            .transpose()?
            .unwrap_or_default();
        let cursor = given(self.cursor)
            .map(|c| match Cursor::decode(&c) {
                Some(cursor) if cursor.sort == sort => Ok(cursor),
                _ => Err(AppError::invalid("cursor", "not a cursor this API gave for this sort")),
            })
            .transpose()?;
        let platform = given(self.platform)
            .map(|p| {
                p.parse::<Platform>()
                    .map(|p| p.as_str().to_owned())
                    .map_err(|e| AppError::invalid("platform", e.to_string()))
            })
            .transpose()?;
        let q = given(self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::invalid("q", "must be at most 200 characters"));
        }
        let author = given(self.author);
        if author.as_ref().is_some_and(|a| a.len() > 100) {
            return Err(AppError::invalid("author", "must be at most 100 characters"));
        }
        let (from, to) = (time_param("from", self.from)?, time_param("to", self.to)?);
        if let (Some(from), Some(to)) = (from, to) {
            if to <= from {
                return Err(AppError::invalid("to", "must be after from"));
            }
        }
        Ok(ListQuery { status, limit, cursor, q, platform, author, from, to, sort })
    }
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/posts", tag = "posts", params(("ws" = String, Path)), request_body = NewPost,
    responses((status = 201, body = PostView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(posts): State<PostService>,
    access: Access<Editor>,
    AppJson(input): AppJson<NewPost>,
) -> AppResult<(StatusCode, Json<PostView>)> {
    let post = posts.create(&access.principal, &access.workspace_id, input).await?;
    Ok((StatusCode::CREATED, Json(posts.present(post).await?)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts", tag = "posts", params(("ws" = String, Path), ListParams),
    responses((status = 200, body = PostPage), (status = 401), (status = 404), (status = 422)))]
pub async fn list(
    State(posts): State<PostService>,
    access: Access<Viewer>,
    AppQuery(params): AppQuery<ListParams>,
) -> AppResult<Json<PostPage>> {
    let page = posts.list(&access.workspace_id, &params.query()?).await?;
    let next_cursor = page.next.map(|c| c.encode());
    Ok(Json(PostPage {
        posts: posts.present_all(&access.workspace_id, page.posts).await?,
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts/{id}", tag = "posts", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = PostDetail), (status = 401), (status = 404)))]
pub async fn get_one(
    State(posts): State<PostService>,
    access: Access<Viewer>,
    Path((_, id)): PostPath,
) -> AppResult<Json<PostDetail>> {
    let (post, events) = posts.detail(&access.workspace_id, &id).await?;
    let (post, events) = posts.present_detail(post, events).await?;
    Ok(Json(PostDetail { post, events }))
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}/posts/{id}", tag = "posts", params(("ws" = String, Path), ("id" = String, Path)), request_body = PostEdit,
    responses((status = 200, body = PostView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn edit(
    State(posts): State<PostService>,
    access: Access<Editor>,
    Path((_, id)): PostPath,
    if_match: IfMatch,
    AppJson(mut edit): AppJson<PostEdit>,
) -> AppResult<Json<PostView>> {
    edit.version = version_from(if_match.0.as_deref(), edit.version)?;
    let post = posts.edit(&access.principal, &access.workspace_id, &id, edit).await?;
    Ok(Json(posts.present(post).await?))
}

async fn decide(
    posts: PostService,
    access: Access<Viewer>,
    id: String,
    action: Action,
    if_match: IfMatch,
    mut d: Decision,
) -> AppResult<Json<PostView>> {
    d.version = version_from(if_match.0.as_deref(), d.version)?;
    let post = posts.decide(&access.principal, &access.workspace_id, &id, action, d).await?;
    Ok(Json(posts.present(post).await?))
}

macro_rules! decision_route {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "posts", params(("ws" = String, Path), ("id" = String, Path)), request_body = Decision,
            responses((status = 200, body = PostView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 502)))]
        pub async fn $name(State(posts): State<PostService>, access: Access<Viewer>, Path((_, id)): PostPath, if_match: IfMatch, AppJson(d): AppJson<Decision>) -> AppResult<Json<PostView>> {
            decide(posts, access, id, $action, if_match, d).await
        }
    };
}

decision_route!(
    submit,
    "/api/workspaces/{ws}/posts/{id}/submit",
    Action::Submit,
    "Send a draft (or a post sent back) on: to approval, the schedule, or out now."
);
decision_route!(
    approve,
    "/api/workspaces/{ws}/posts/{id}/approve",
    Action::Approve,
    "Approve a pending post (not your own)."
);
decision_route!(
    reject,
    "/api/workspaces/{ws}/posts/{id}/reject",
    Action::Reject,
    "Reject a pending post, with a comment."
);
decision_route!(
    request_changes,
    "/api/workspaces/{ws}/posts/{id}/request-changes",
    Action::RequestChanges,
    "Send a pending post back to its author, with a comment."
);
decision_route!(
    retry,
    "/api/workspaces/{ws}/posts/{id}/retry",
    Action::Retry,
    "Publish again to the platforms that failed."
);

#[utoipa::path(delete, path = "/api/workspaces/{ws}/posts/{id}", tag = "posts", params(("ws" = String, Path), ("id" = String, Path)), request_body = Decision,
    responses((status = 200, body = PostView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 502)))]
pub async fn delete(
    State(posts): State<PostService>,
    access: Access<Viewer>,
    Path((_, id)): PostPath,
    if_match: IfMatch,
    AppJson(d): AppJson<Decision>,
) -> AppResult<Json<PostView>> {
    decide(posts, access, id, Action::Delete, if_match, d).await
}

/// The query of `GET /api/workspaces/{ws}/calendar`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CalendarParams {
    /// RFC 3339, required: the window's start.
    pub from: Option<String>,
    /// RFC 3339, required: the window's end (at most 62 days after `from`).
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/calendar", tag = "posts", params(("ws" = String, Path), CalendarParams),
    responses((status = 200, body = Calendar), (status = 400), (status = 401), (status = 404)))]
pub async fn calendar(
    State(posts): State<PostService>,
    access: Access<Viewer>,
    AppQuery(params): AppQuery<CalendarParams>,
) -> AppResult<Json<Calendar>> {
    let required = |field: &str, t: Option<DateTime<Utc>>| {
        t.ok_or_else(|| AppError::invalid(field, "is required (an RFC 3339 time)"))
    };
    let from = required("from", time_param("from", params.from)?)?;
    let to = required("to", time_param("to", params.to)?)?;
    Ok(Json(posts.calendar(&access.workspace_id, from, to).await?))
}
