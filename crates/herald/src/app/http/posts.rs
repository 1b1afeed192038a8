//! Post routes: thin wrappers over [`crate::services::posts::PostService`]. Each mutation answers
//! with the post as it now stands (201 on create, 200 otherwise). The list and the
//! calendar are written as they are read, capped in bytes ([`crate::services::posts::PostStream`]).

use super::json::{version_from, AppJson, AppQuery, IfMatch};
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::names::{EventView, PostView};
use crate::foundation::domain::transitions::Action;
use crate::foundation::domain::PostStatus;
use crate::gate::auth::extract::{Access, Editor, Viewer};
use crate::services::posts::{
    json_option, Calendar, Decision, End, Entry, Layout, NewPost, PostEdit,
};
use crate::services::posts::{PostService, PostStream};
use crate::storage::store::{Cursor, ListQuery, Sort};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A page of posts, in the order asked for (newest first by default): at most `limit`
/// posts and about 4 MiB (a page cut by bytes holds fewer posts and a `next_cursor`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostPage {
    pub posts: Vec<PostView>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// How a [`PostPage`] is written: `{"posts": […], "next_cursor"}`.
struct PageLayout {
    empty: bool,
}

impl Layout for PageLayout {
    fn open(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"posts\":[");
    }

    fn post(&mut self, entry: &Entry, out: &mut Vec<u8>) {
        if !self.empty {
            out.push(b',');
        }
        out.extend_from_slice(&entry.json);
        self.empty = false;
    }

    fn close(&mut self, end: &End, out: &mut Vec<u8>) {
        let cursor = match end {
            End::Whole => None,
            End::More { cursor, .. } => Some(cursor.encode()),
        };
        out.extend_from_slice(b"],\"next_cursor\":");
        out.extend_from_slice(&json_option(cursor.as_deref()));
        out.push(b'}');
    }
}

/// A 200 JSON answer of `posts` in `layout`, written as it is read.
fn streamed(posts: PostStream, layout: impl Layout) -> Response {
    let body = Body::from_stream(posts.body(layout));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
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
        let author = author.map(crate::foundation::domain::Actor::from);
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
    responses((status = 201, body = CreatedPost), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(posts): State<PostService>,
    access: Access<Editor>,
    AppJson(input): AppJson<NewPost>,
) -> AppResult<(StatusCode, Json<CreatedPost>)> {
    let queued = (input.queue == Some(true)).then_some(true);
    let post = posts.create(&access.principal, &access.workspace_id, input).await?;
    Ok((StatusCode::CREATED, Json(CreatedPost { post: posts.present(post).await?, queued })))
}

/// A created post; `queued: true` when it took its time from the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedPost {
    #[serde(flatten)]
    pub post: PostView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued: Option<bool>,
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts", tag = "posts", params(("ws" = String, Path), ListParams),
    responses((status = 200, body = PostPage), (status = 401), (status = 404), (status = 422)))]
pub async fn list(
    State(posts): State<PostService>,
    access: Access<Viewer>,
    AppQuery(params): AppQuery<ListParams>,
) -> AppResult<Response> {
    let query = params.query()?;
    let limit = query.limit;
    let page = posts.stream(&access.workspace_id, query, limit).await?;
    Ok(streamed(page, PageLayout { empty: true }))
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
    /// The `next_cursor` of a truncated answer of this window: the rest of it.
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/calendar", tag = "posts", params(("ws" = String, Path), CalendarParams),
    responses((status = 200, body = Calendar), (status = 400), (status = 401), (status = 404)))]
pub async fn calendar(
    State(posts): State<PostService>,
    access: Access<Viewer>,
    AppQuery(params): AppQuery<CalendarParams>,
) -> AppResult<Response> {
    let required = |field: &str, t: Option<DateTime<Utc>>| {
        t.ok_or_else(|| AppError::invalid(field, "is required (an RFC 3339 time)"))
    };
    let from = required("from", time_param("from", params.from)?)?;
    let to = required("to", time_param("to", params.to)?)?;
    let cursor = given(params.cursor)
        .map(|c| match Cursor::decode(&c) {
            Some(cursor) if cursor.sort == Sort::ScheduleAsc => Ok(cursor),
            _ => Err(AppError::invalid("cursor", "not a cursor this calendar gave")),
        })
        .transpose()?;
    let (window, layout) = posts.calendar(&access.workspace_id, from, to, cursor).await?;
    Ok(streamed(window, layout))
}
