//! `POST /api/post`: validate the body, claim the idempotency key, store the post and
//! either publish it now or leave it `pending` for the publisher (future
//! `scheduleDate`) or `awaiting approval` (`requiresApproval`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::time::Instant;

use crate::config::SimConfig;
use crate::errors::{reply, ApiError, Body, IDEMPOTENCY_REUSED_CODE};
use crate::gate::Caller;
use crate::platforms::new_post_id;
use crate::post::{PostRecord, PostStatus};
use crate::store::Store;
use crate::Simulator;

/// A validated `POST /post` body (unknown fields were ignored).
#[derive(Debug)]
struct NewPost {
    text: String,
    platforms: Vec<Platform>,
    media_urls: Vec<String>,
    schedule_date: Option<DateTime<Utc>>,
    notes: Option<String>,
    idempotency_key: Option<String>,
    requires_approval: bool,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("post", message)
}

/// Parses an ISO date such as `2026-07-08T12:30:00Z` (any RFC 3339 offset).
pub(crate) fn parse_date(field: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value.trim()).map(|d| d.with_timezone(&Utc)).map_err(|_| {
        invalid(format!("Invalid {field}: use an ISO 8601 UTC date such as 2026-07-08T12:30:00Z."))
    })
}

/// `post`: a string, or the old per-network object form with a `default` entry.
fn text_field(body: &Value) -> Result<String, ApiError> {
    let missing = || {
        invalid(
            "Missing or incorrect post parameter. Please verify a non-empty post field is sent.",
        )
    };
    match body.get("post") {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(Value::Object(by_network)) => {
            by_network.get("default").and_then(Value::as_str).map(String::from).ok_or_else(missing)
        }
        _ => Err(missing()),
    }
}

/// `platforms`: a non-empty array of known names; `all` expands to every platform.
fn platforms_field(body: &Value) -> Result<Vec<Platform>, ApiError> {
    let missing = || {
        invalid("Missing or incorrect platforms parameter. Send a non-empty array such as [\"twitter\"].")
    };
    let names = body
        .get("platforms")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(missing)?;
    let mut platforms: Vec<Platform> = Vec::new();
    for name in names {
        let name = name.as_str().ok_or_else(missing)?.trim().to_ascii_lowercase();
        let expanded: Vec<Platform> = if name == "all" {
            Platform::ALL.to_vec()
        } else {
            vec![name.parse().map_err(|_| unknown_platform(&name))?]
        };
        for platform in expanded {
            if !platforms.contains(&platform) {
                platforms.push(platform);
            }
        }
    }
    Ok(platforms)
}

/// 400 for a name that is not one of Ayrshare's networks, listing the valid ones.
fn unknown_platform(name: &str) -> ApiError {
    let valid: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    invalid(format!("Unknown platform {name:?}. Valid platforms: {}.", valid.join(", ")))
}

/// An optional field of type `T`, read by `get`; `null` counts as absent.
fn optional<'a, T>(
    body: &'a Value,
    field: &str,
    get: impl Fn(&'a Value) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            get(value).map(Some).ok_or_else(|| invalid(format!("Invalid {field} parameter.")))
        }
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(String::from)).collect()
}

impl NewPost {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        if !body.is_object() {
            return Err(invalid("The body must be a JSON object."));
        }
        let text = text_field(body)?;
        let media_urls = optional(body, "mediaUrls", strings)?.unwrap_or_default();
        if text.trim().is_empty() && media_urls.is_empty() {
            return Err(invalid("Missing or incorrect post parameter. Please verify a non-empty post field is sent."));
        }
        let schedule_date = optional(body, "scheduleDate", Value::as_str)?
            .map(|d| parse_date("scheduleDate", d))
            .transpose()?;
        Ok(NewPost {
            text,
            platforms: platforms_field(body)?,
            media_urls,
            schedule_date,
            notes: optional(body, "notes", |v| v.as_str().map(String::from))?,
            idempotency_key: optional(body, "idempotencyKey", |v| v.as_str().map(String::from))?
                .filter(|k| !k.is_empty()),
            requires_approval: optional(body, "requiresApproval", Value::as_bool)?.unwrap_or(false),
        })
    }
}

/// Stores the post and publishes it if it is due and needs no approval.
fn store_post(
    store: &mut Store,
    caller: &Caller,
    new: NewPost,
    config: &SimConfig,
) -> Result<PostRecord, ApiError> {
    if let Some(key) = &new.idempotency_key {
        if !store.claim_idempotency_key(&caller.profile, key) {
            let message = format!(
                "Idempotency key already used for this profile: {key}. Nothing was posted."
            );
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "post",
                IDEMPOTENCY_REUSED_CODE,
                message,
            ));
        }
    }
    let now = Utc::now();
    let future = new.schedule_date.filter(|d| *d > now);
    let status =
        if new.requires_approval { PostStatus::AwaitingApproval } else { PostStatus::Pending };
    let record = PostRecord {
        id: new_post_id(),
        profile: caller.profile.clone(),
        text: new.text,
        platforms: new.platforms,
        outcomes: Vec::new(),
        status,
        scheduled: future.is_some(),
        created: now,
        created_at: Instant::now(),
        schedule_date: new.schedule_date.unwrap_or(now),
        published: None,
        notes: new.notes,
        media_urls: new.media_urls,
        seq: 0,
    };
    let id = record.id.clone();
    store.insert_post(record);
    if status == PostStatus::Pending && future.is_none() {
        store.publish(&id, config, now);
    }
    store.post(&caller.profile, &id).cloned().ok_or_else(|| ApiError::post_not_found("post"))
}

/// `POST /api/post`.
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let new = NewPost::parse(&body)?;
    let config = sim.shared.config();
    let post = sim.shared.with_store(|store| store_post(store, &caller, new, &config))?;
    if post.status == PostStatus::Pending {
        sim.shared.publisher_wake.notify_one();
    }
    let (status, body) = post.envelope(&caller.view, caller.wrapped);
    Ok(reply(status, &body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_ignored_and_all_expands() {
        let new = NewPost::parse(&json!({"post": "hi", "platforms": ["all"], "source": "npm"}))
            .expect("valid");
        assert_eq!(new.platforms, Platform::ALL);
    }

    #[test]
    fn bad_bodies_are_400s() {
        for body in [
            json!({"platforms": ["twitter"]}),
            json!({"post": "hi"}),
            json!({"post": "hi", "platforms": []}),
            json!({"post": "hi", "platforms": ["myspace"]}),
            json!({"post": "hi", "platforms": [3]}),
            json!({"post": "hi", "platforms": ["twitter"], "scheduleDate": "tomorrow"}),
            json!({"post": "hi", "platforms": ["twitter"], "mediaUrls": "x"}),
            json!(["post"]),
        ] {
            let error = NewPost::parse(&body).expect_err("invalid body accepted");
            assert_eq!(error.status, StatusCode::BAD_REQUEST, "{body}");
        }
    }
}
