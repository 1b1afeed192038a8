//! Review routes (API.md "Review: comments, mentions, client review links"): comments on
//! a post (any member), client review links (approvers), and the link's own API, which
//! needs no account (`/api/review/{secret}`). Thin wrappers over [`Review`].

use super::json::AppJson;
use super::people::Client;
use crate::coherence::error::AppResult;
use crate::coherence::names::PostView;
use crate::gate::auth::extract::{Access, Approver, Viewer};
use crate::services::review::{
    CommentView, CreatedLink, LinkDecision, LinkView, NewComment, NewLink,
};
use crate::services::review::{Review, ReviewPage};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

#[utoipa::path(get, path = "/api/workspaces/{ws}/posts/{id}/comments", tag = "review",
    params(("ws" = String, Path), ("id" = String, Path)),
    description = "The post's comments, oldest first.",
    responses((status = 200, body = [CommentView]), (status = 401), (status = 404)))]
pub async fn comments(
    State(review): State<Review>,
    access: Access<Viewer>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<CommentView>>> {
    Ok(Json(review.comments(Some(&access.principal), &access.workspace_id, &id).await?))
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/posts/{id}/comments", tag = "review",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = NewComment,
    description = "Comments on a post (any member). Each member named as `@Name` is told (`mentioned`). Pushed as SSE `comment`. Not content: no re-approval.",
    responses((status = 201, body = CommentView), (status = 401), (status = 404), (status = 422)))]
pub async fn add_comment(
    State(review): State<Review>,
    access: Access<Viewer>,
    Path((_, id)): Path<(String, String)>,
    AppJson(input): AppJson<NewComment>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    let added = review.add_comment(&access.principal, &access.workspace_id, &id, input).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/posts/{id}/comments/{cid}", tag = "review",
    params(("ws" = String, Path), ("id" = String, Path), ("cid" = String, Path)),
    description = "Deletes a comment: its author or an admin.",
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn delete_comment(
    State(review): State<Review>,
    access: Access<Viewer>,
    Path((_, id, cid)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    review.delete_comment(&access.principal, &access.workspace_id, &id, &cid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/review-links", tag = "review",
    params(("ws" = String, Path)), request_body = NewLink,
    description = "Creates a client review link (approver) for posts of the workspace. Its `url` carries a 256-bit secret, answered this once (only its hash is kept).",
    responses((status = 201, body = CreatedLink), (status = 401), (status = 403), (status = 404), (status = 422), (status = 503)))]
pub async fn create_link(
    State(review): State<Review>,
    access: Access<Approver>,
    AppJson(input): AppJson<NewLink>,
) -> AppResult<(StatusCode, Json<CreatedLink>)> {
    let created = review.create_link(&access.principal, &access.workspace_id, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/review-links", tag = "review",
    params(("ws" = String, Path)),
    description = "The workspace's review links, newest first (no secrets).",
    responses((status = 200, body = [LinkView]), (status = 401), (status = 403), (status = 404)))]
pub async fn links(
    State(review): State<Review>,
    access: Access<Approver>,
) -> AppResult<Json<Vec<LinkView>>> {
    Ok(Json(review.links(&access.workspace_id).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/review-links/{id}", tag = "review",
    params(("ws" = String, Path), ("id" = String, Path)),
    description = "Revokes a review link: it answers 410 `review_link_gone` from now on.",
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn revoke_link(
    State(review): State<Review>,
    access: Access<Approver>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    review.revoke_link(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/review/{secret}", tag = "review", security(()),
    params(("secret" = String, Path)),
    description = "What a review link shows (no account needed). Unknown secret: 404 (and a throttle slot of the client); revoked or expired: 410 `review_link_gone`; too many attempts: 429.",
    responses((status = 200, body = ReviewPage), (status = 404), (status = 410)))]
pub async fn page(
    State(review): State<Review>,
    Client(client): Client,
    Path(secret): Path<String>,
) -> AppResult<Json<ReviewPage>> {
    Ok(Json(review.page(&secret, client).await?))
}

#[utoipa::path(post, path = "/api/review/{secret}/posts/{id}/decision", tag = "review", security(()),
    params(("secret" = String, Path), ("id" = String, Path)), request_body = LinkDecision,
    description = "The reviewer approves, rejects or requests changes (when the link allows). Four eyes counts the reviewer as the link's creator: 403 `own_post` if they wrote or last submitted it. Stale version: 409; a post not in the link: 404.",
    responses((status = 200, body = PostView), (status = 403), (status = 404), (status = 409), (status = 410), (status = 422)))]
pub async fn decide(
    State(review): State<Review>,
    Client(client): Client,
    Path((secret, id)): Path<(String, String)>,
    AppJson(d): AppJson<LinkDecision>,
) -> AppResult<Json<PostView>> {
    Ok(Json(review.decide(&secret, client, &id, d).await?))
}

#[utoipa::path(post, path = "/api/review/{secret}/posts/{id}/comments", tag = "review", security(()),
    params(("secret" = String, Path), ("id" = String, Path)), request_body = NewComment,
    description = "The reviewer comments on one of the link's posts.",
    responses((status = 201, body = CommentView), (status = 404), (status = 410), (status = 422)))]
pub async fn reviewer_comment(
    State(review): State<Review>,
    Client(client): Client,
    Path((secret, id)): Path<(String, String)>,
    AppJson(input): AppJson<NewComment>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    let added = review.reviewer_comment(&secret, client, &id, input).await?;
    Ok((StatusCode::CREATED, Json(added)))
}
