//! A post after it was created: `GET /api/post/{id}`, `DELETE /api/post` (by `id`,
//! `bulk` or `deleteAllScheduled`; Instagram and TikTok refuse, §5.2),
//! `PATCH`/`PUT /api/post` (approve, reschedule, pause, notes) and
//! `PUT`/`POST /api/post/retry`. Deleting, updating or retrying a post for X needs X
//! credentials.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use chrono::Utc;
use serde_json::{json, Map, Value};

use super::post::parse_date;
use super::PostId;
use crate::config::SimConfig;
use crate::errors::{ok, reply, ApiError, Body, ALREADY_DELETED_CODE, DELETE_NOT_SUPPORTED_CODE};
use crate::gate::Caller;
use crate::platforms::deletable;
use crate::post::{Outcome, PostRecord, PostStatus};
use crate::store::Store;
use crate::Simulator;

/// The `id` field of a body, required.
fn id_field<'a>(body: &'a Value, action: &str) -> Result<&'a str, ApiError> {
    body.get("id").and_then(Value::as_str).filter(|id| !id.trim().is_empty()).ok_or_else(|| {
        ApiError::bad_request(action, "Missing id parameter: send the Ayrshare post id.")
    })
}

/// `GET /api/post/{id}`: the post with `scheduleDate` as an ISO string.
pub(crate) async fn get(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    PostId(id): PostId,
) -> Result<Response, ApiError> {
    let item =
        sim.shared.with_store(|s| s.post(&caller.profile, &id).map(|p| p.get_item(&caller.view)));
    let item = item.ok_or_else(|| ApiError::post_id_not_found("get", &id))?;
    Ok(ok(&item))
}

/// One network's delete result: deleted, or (Instagram, TikTok) refused and kept.
fn delete_network(platform: ayrshare::Platform, outcome: &mut Outcome) -> Option<Value> {
    let Outcome::Posted { id, removed, .. } = outcome else {
        return None;
    };
    if deletable(platform) {
        *removed = true;
        return Some(json!({"action": "delete", "status": "success", "id": id}));
    }
    let message = format!(
        "{} does not allow deleting posts through the API: delete it in the {0} app.",
        platform.label()
    );
    Some(json!({"action": "delete", "status": "error", "code": DELETE_NOT_SUPPORTED_CODE,
                "message": message, "id": id}))
}

/// Deletes one post: each network's result in the answer, status `deleted` afterwards.
fn delete_one(store: &mut Store, caller: &Caller, id: &str) -> Result<Value, ApiError> {
    let post =
        store.post_mut(&caller.profile, id).ok_or_else(|| ApiError::post_not_found("delete"))?;
    if post.touches_x() {
        caller.require_x()?;
    }
    if post.status == PostStatus::Deleted {
        let message = "Post has already been deleted.";
        let status = StatusCode::BAD_REQUEST;
        return Err(ApiError::new(status, "delete", ALREADY_DELETED_CODE, message));
    }
    post.status = PostStatus::Deleted;
    let mut body = Map::new();
    body.insert("status".into(), json!("success"));
    body.insert("id".into(), json!(id));
    body.insert("code".into(), json!(200));
    for (platform, outcome) in &mut post.outcomes {
        if let Some(result) = delete_network(*platform, outcome) {
            body.insert(platform.to_string(), result);
        }
    }
    Ok(Value::Object(body))
}

/// Deletes several posts; the answer is an array of per-post results.
fn delete_many(store: &mut Store, caller: &Caller, ids: &[String]) -> Response {
    let results: Vec<Result<Value, ApiError>> =
        ids.iter().map(|id| delete_one(store, caller, id)).collect();
    let status =
        if results.iter().all(Result::is_ok) { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let bodies: Vec<Value> = results.into_iter().map(|r| r.unwrap_or_else(|e| e.body)).collect();
    reply(status, &Value::Array(bodies))
}

/// `DELETE /api/post`.
pub(crate) async fn delete(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    if body.get("deleteAllScheduled").and_then(Value::as_bool) == Some(true) {
        return Ok(sim.shared.with_store(|s| {
            let ids = s.scheduled_ids(&caller.profile);
            delete_many(s, &caller, &ids)
        }));
    }
    if let Some(bulk) = body.get("bulk").and_then(Value::as_array) {
        let ids: Vec<String> = bulk.iter().filter_map(Value::as_str).map(String::from).collect();
        return Ok(sim.shared.with_store(|s| delete_many(s, &caller, &ids)));
    }
    let id = id_field(&body, "delete")?;
    let deleted = sim.shared.with_store(|s| delete_one(s, &caller, id))?;
    Ok(ok(&deleted))
}

fn not_allowed(message: &str) -> ApiError {
    ApiError::bad_request("update", message)
}

/// Applies an update body to a copy of the post; nothing changes on error.
fn apply_update(post: &mut PostRecord, body: &Value) -> Result<(), ApiError> {
    let waiting = matches!(
        post.status,
        PostStatus::Pending | PostStatus::Paused | PostStatus::AwaitingApproval
    );
    if let Some(notes) = body.get("notes").and_then(Value::as_str) {
        post.notes = Some(notes.to_string());
    }
    if let Some(date) = body.get("scheduleDate").and_then(Value::as_str) {
        if !waiting {
            return Err(not_allowed("Only a post that has not been sent yet can be rescheduled."));
        }
        post.schedule_date = parse_date("scheduleDate", date)?;
        post.scheduled = true;
    }
    if body.get("approved").and_then(Value::as_bool) == Some(true) {
        if post.status != PostStatus::AwaitingApproval {
            return Err(not_allowed("Only a post awaiting approval can be approved."));
        }
        post.status = PostStatus::Pending;
    }
    match (body.get("scheduledPause").and_then(Value::as_bool), post.status) {
        (Some(true), PostStatus::Pending | PostStatus::Paused) => post.status = PostStatus::Paused,
        (Some(false), PostStatus::Pending | PostStatus::Paused) => {
            post.status = PostStatus::Pending
        }
        (Some(_), _) => {
            return Err(not_allowed("Only a pending scheduled post can be paused or unpaused."))
        }
        (None, _) => {}
    }
    Ok(())
}

/// Updates a post of `profile`. A pending post whose date has passed is sent: now if
/// it was an immediate post (approved), else by the publisher, which then sends the
/// `scheduled` webhook.
fn update_post(
    store: &mut Store,
    caller: &Caller,
    body: &Value,
    config: &SimConfig,
) -> Result<String, ApiError> {
    let id = id_field(body, "update")?;
    let profile = caller.profile.as_str();
    let mut post =
        store.post(profile, id).cloned().ok_or_else(|| ApiError::post_not_found("update"))?;
    if post.touches_x() {
        caller.require_x()?;
    }
    apply_update(&mut post, body)?;
    let due =
        post.status == PostStatus::Pending && !post.scheduled && post.schedule_date <= Utc::now();
    if let Some(stored) = store.post_mut(profile, id) {
        *stored = post;
    }
    if due {
        store.publish(id, config, Utc::now());
    }
    Ok(id.to_string())
}

/// `PATCH /api/post` and `PUT /api/post`.
pub(crate) async fn update(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let config = sim.shared.config();
    let id = sim.shared.with_store(|s| update_post(s, &caller, &body, &config))?;
    sim.shared.publisher_wake.notify_one();
    Ok(ok(&json!({"status": "success", "id": id})))
}

/// Retries the refused networks of a post in `error` and returns it.
fn retry_post(
    store: &mut Store,
    caller: &Caller,
    body: &Value,
    config: &SimConfig,
) -> Result<PostRecord, ApiError> {
    let id = id_field(body, "retry")?;
    let profile = caller.profile.as_str();
    let post = store.post(profile, id).ok_or_else(|| ApiError::post_not_found("retry"))?;
    if post.touches_x() {
        caller.require_x()?;
    }
    if post.status != PostStatus::Error {
        return Err(ApiError::bad_request(
            "retry",
            "Only a post whose status is error can be retried.",
        ));
    }
    store.retry(id, config, Utc::now());
    store.post(profile, id).cloned().ok_or_else(|| ApiError::post_not_found("retry"))
}

/// `PUT /api/post/retry` and `POST /api/post/retry`: answers like `POST /api/post`.
pub(crate) async fn retry(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let config = sim.shared.config();
    let post = sim.shared.with_store(|s| retry_post(s, &caller, &body, &config))?;
    let (status, body) = post.envelope(&caller.view, caller.wrapped);
    Ok(reply(status, &body))
}
