//! Post routes: thin wrappers over [`crate::posts::PostService`]. Each mutation answers
//! with the post as it now stands (201 on create, 200 otherwise).

use super::extract::{version_from, Access, AppJson, Editor, IfMatch, Viewer};
use super::AppState;
use crate::domain::transitions::Action;
use crate::domain::{Event, Post, PostStatus};
use crate::error::{AppError, AppResult};
use crate::posts::{Decision, NewPost, PostEdit};
use crate::store::{Cursor, ListQuery};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A page of posts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostPage {
    pub posts: Vec<Post>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A post with its audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostDetail {
    #[serde(flatten)]
    pub post: Post,
    pub events: Vec<Event>,
}

type PostPath = Path<(String, String)>;

#[utoipa::path(post, path = "/api/workspaces/{ws}/posts", tag = "posts", params(("ws" = String, Path)), request_body = NewPost,
    responses((status = 201, body = Post), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    access: Access<Editor>,
    AppJson(input): AppJson<NewPost>,
) -> AppResult<(StatusCode, Json<Post>)> {
    let post = state.posts.create(&access.principal, &access.workspace_id, input).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts", tag = "posts",
    params(("ws" = String, Path), ("status" = Option<String>, Query), ("limit" = Option<u32>, Query, description = "1-200, default 50"), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PostPage), (status = 401), (status = 404), (status = 422)))]
pub async fn list(
    State(state): State<AppState>,
    access: Access<Viewer>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Json<PostPage>> {
    let query = list_query(&q)?;
    state.posts.workspace(&access.workspace_id).await?;
    let page = state.store.posts(&access.workspace_id, &query).await?;
    Ok(Json(PostPage { posts: page.posts, next_cursor: page.next.map(|c| c.encode()) }))
}

fn list_query(q: &HashMap<String, String>) -> AppResult<ListQuery> {
    let status = q
        .get("status")
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<PostStatus>().map_err(|e| AppError::invalid("status", e)))
        .transpose()?;
    let limit = match q.get("limit") {
        None => 50,
        Some(l) => l
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=200).contains(l))
            .ok_or_else(|| AppError::invalid("limit", "must be 1 to 200"))?,
    };
    let cursor = q
        .get("cursor")
        .filter(|c| !c.is_empty())
        .map(|c| {
            Cursor::decode(c)
                .ok_or_else(|| AppError::invalid("cursor", "not a cursor this API gave"))
        })
        .transpose()?;
    Ok(ListQuery { status, limit, cursor })
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts/{id}", tag = "posts", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = PostDetail), (status = 401), (status = 404)))]
pub async fn get_one(
    State(state): State<AppState>,
    access: Access<Viewer>,
    Path((_, id)): PostPath,
) -> AppResult<Json<PostDetail>> {
    let post = state.posts.get(&access.workspace_id, &id).await?;
    let mut events = state.store.events(&post.id).await?;
    // Two reads: a change committed between them must not show its event without its
    // post. Events are append-only by version, so this is the trail of the post read.
    events.retain(|e| e.version <= post.version);
    Ok(Json(PostDetail { post, events }))
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}/posts/{id}", tag = "posts", params(("ws" = String, Path), ("id" = String, Path)), request_body = PostEdit,
    responses((status = 200, body = Post), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn edit(
    State(state): State<AppState>,
    access: Access<Editor>,
    Path((_, id)): PostPath,
    if_match: IfMatch,
    AppJson(mut edit): AppJson<PostEdit>,
) -> AppResult<Json<Post>> {
    edit.version = version_from(if_match.0.as_deref(), edit.version)?;
    Ok(Json(state.posts.edit(&access.principal, &access.workspace_id, &id, edit).await?))
}

async fn decide(
    state: AppState,
    access: Access<Viewer>,
    id: String,
    action: Action,
    if_match: IfMatch,
    mut d: Decision,
) -> AppResult<Json<Post>> {
    d.version = version_from(if_match.0.as_deref(), d.version)?;
    Ok(Json(state.posts.decide(&access.principal, &access.workspace_id, &id, action, d).await?))
}

macro_rules! decision_route {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "posts", params(("ws" = String, Path), ("id" = String, Path)), request_body = Decision,
            responses((status = 200, body = Post), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 502)))]
        pub async fn $name(State(state): State<AppState>, access: Access<Viewer>, Path((_, id)): PostPath, if_match: IfMatch, AppJson(d): AppJson<Decision>) -> AppResult<Json<Post>> {
            decide(state, access, id, $action, if_match, d).await
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
    responses((status = 200, body = Post), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 502)))]
pub async fn delete(
    State(state): State<AppState>,
    access: Access<Viewer>,
    Path((_, id)): PostPath,
    if_match: IfMatch,
    AppJson(d): AppJson<Decision>,
) -> AppResult<Json<Post>> {
    decide(state, access, id, Action::Delete, if_match, d).await
}
