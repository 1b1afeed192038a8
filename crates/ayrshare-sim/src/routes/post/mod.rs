//! `POST /api/post`: validate the body (`body`), check X credentials when the post is
//! for X, then for the caller's profile, or for each profile of `profileKeys`: check a
//! scheduled post before accepting it (refused whole, nothing stored, when a network
//! would refuse it), claim the idempotency key, store the post and either publish it
//! now or leave it `pending` for the publisher (future `scheduleDate`) or
//! `awaiting approval` (`requiresApproval`).

mod body;

pub(crate) use body::parse_date;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use chrono::Utc;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::config::SimConfig;
use crate::errors::{reply, ApiError, Body, IDEMPOTENCY_REUSED_CODE};
use crate::gate::Caller;
use crate::platforms::new_post_id;
use crate::post::{PostRecord, PostStatus};
use crate::profile::ProfileView;
use crate::store::Store;
use crate::Simulator;
use body::NewPost;

/// The record `new` becomes on `profile`. With `all`, a strict simulator posts to the
/// networks linked to the profile.
fn record(store: &Store, profile: &str, new: NewPost, config: &SimConfig) -> PostRecord {
    let now = Utc::now();
    let future = new.schedule_date.filter(|d| *d > now);
    let mut platforms = new.platforms;
    if new.all && !config.lenient {
        platforms.retain(|p| store.profiles.is_linked(profile, *p));
    }
    PostRecord {
        id: new_post_id(),
        profile: profile.to_string(),
        text: new.text,
        platforms,
        outcomes: Vec::new(),
        status: if new.requires_approval {
            PostStatus::AwaitingApproval
        } else {
            PostStatus::Pending
        },
        scheduled: future.is_some(),
        created: now,
        created_at: Instant::now(),
        schedule_date: new.schedule_date.unwrap_or(now),
        published: None,
        notes: new.notes,
        media_urls: new.media_urls,
        unknown_platforms: new.unknown,
        youtube_title: new.youtube_title,
        first_comment: new.first_comment,
        seq: 0,
    }
}

/// 400 for a scheduled post a network would refuse: every refusal in `errors`, no id.
fn refused(mut post: PostRecord, store: &Store, config: &SimConfig) -> Option<ApiError> {
    post.outcomes = store.refusals(&post, config);
    if post.outcomes.is_empty() && post.unknown_platforms.is_empty() {
        return None;
    }
    let body = json!({
        "status": "error", "errors": post.errors(), "postIds": [], "post": post.text,
        "message": "The scheduled post was not accepted: a network would refuse it.",
    });
    Some(ApiError { status: StatusCode::BAD_REQUEST, body })
}

/// Stores the post on `profile` and publishes it if it is due and needs no approval.
fn store_post(
    store: &mut Store,
    profile: &str,
    new: NewPost,
    config: &SimConfig,
) -> Result<PostRecord, ApiError> {
    let key = new.idempotency_key.clone();
    let post = record(store, profile, new, config);
    if post.scheduled && !config.lenient {
        if let Some(error) = refused(post.clone(), store, config) {
            return Err(error);
        }
    }
    if let Some(key) = key {
        if !store.claim_idempotency_key(profile, &key) {
            let message = format!(
                "Idempotency key already used for this profile: {key}. Nothing was posted."
            );
            let status = StatusCode::BAD_REQUEST;
            return Err(ApiError::new(status, "post", IDEMPOTENCY_REUSED_CODE, message));
        }
    }
    let (id, due) = (post.id.clone(), post.status == PostStatus::Pending && !post.scheduled);
    store.insert_post(post);
    if due {
        store.publish(&id, config, Utc::now());
    }
    store.post(profile, &id).cloned().ok_or_else(|| ApiError::post_not_found("post"))
}

/// One element of a `profileKeys` answer: the post's answer for that profile, or the
/// error that kept it off that profile.
fn for_profile(store: &mut Store, key: &str, new: NewPost, config: &SimConfig) -> Value {
    let Some((profile, view)) =
        store.profiles.resolve(Some(key), !config.refuses_unknown_profiles())
    else {
        return ApiError::profile_key_invalid().body;
    };
    match store_post(store, &profile, new, config) {
        Ok(post) => post.envelope(&view, false).1,
        Err(error) => error.body,
    }
    .as_object()
    .cloned()
    .map(|mut body| {
        body.insert("profileTitle".into(), json!(view.title));
        Value::Object(body)
    })
    .unwrap_or_default()
}

/// The answer for several profiles: `{status, posts}` (or the bare array), 400 when
/// any profile's post failed.
fn many(store: &mut Store, keys: &[String], new: &NewPost, config: &SimConfig) -> Response {
    let posts: Vec<Value> =
        keys.iter().map(|key| for_profile(store, key, new.clone(), config)).collect();
    let failed = posts.iter().any(|p| p["status"] == "error");
    let status = if failed { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    if new.array_response {
        return reply(status, &Value::Array(posts));
    }
    let overall = if failed { "error" } else { "success" };
    reply(status, &json!({"status": overall, "posts": posts}))
}

/// The answer for the caller's own profile.
fn one(post: &PostRecord, view: &ProfileView, caller: &Caller, array: bool) -> Response {
    let (status, body) = post.envelope(view, caller.wrapped);
    match (array, body.get("posts")) {
        (true, Some(posts)) => reply(status, posts),
        _ => reply(status, &body),
    }
}

/// `POST /api/post`.
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let new = NewPost::parse(&body)?;
    if new.all || new.platforms.contains(&Platform::Twitter) {
        caller.require_x()?;
    }
    let config = sim.shared.config();
    let answer = sim.shared.with_store(|store| match new.profile_keys.clone() {
        Some(keys) => Ok(many(store, &keys, &new, &config)),
        None => {
            let array = new.array_response;
            let post = store_post(store, &caller.profile, new, &config)?;
            Ok(one(&post, &caller.view, &caller, array))
        }
    });
    sim.shared.publisher_wake.notify_one();
    answer
}
