//! User Profiles (research note §7): `GET /api/profiles` (filters `title`, `refId`,
//! `hasActiveSocialAccounts`; pages by `limit` and `cursor`), `POST /api/profiles` and
//! the older `POST /api/profiles/profile`, `PUT /api/profiles/profile` (`profileKey`
//! in the body; `PATCH /api/profiles` with the Profile-Key header) and
//! `DELETE /api/profiles/profile`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use chrono::{TimeDelta, Utc};
use serde_json::{json, Value};

use crate::errors::{ok, ApiError, Body, DUPLICATE_PROFILE_CODE};
use crate::gate::Caller;
use crate::post::iso;
use crate::store::{CreateError, ProfileFilter, PRIMARY};
use crate::Simulator;

/// Profiles per page, unless `limit` says otherwise (at most 1000).
const PAGE: usize = 100;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("profile", message)
}

/// The filters and page of a `GET /profiles` query.
fn filter(pairs: &[(String, String)]) -> Result<(ProfileFilter, usize), ApiError> {
    let mut filter = ProfileFilter::default();
    let mut limit = PAGE;
    for (key, value) in pairs {
        match key.as_str() {
            "title" => filter.title = Some(value.clone()),
            "refId" => filter.ref_id = Some(value.clone()),
            "hasActiveSocialAccounts" => filter.has_active = Some(value == "true"),
            "limit" => {
                limit = value.parse::<usize>().map_err(|_| bad("Invalid limit."))?.clamp(1, 1000)
            }
            "cursor" => filter.after = value.parse().map_err(|_| bad("Invalid cursor."))?,
            _ => {}
        }
    }
    Ok((filter, limit))
}

/// `GET /api/profiles`: the user profiles (never the primary; keys never shown).
pub(crate) async fn list(
    State(sim): State<Simulator>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|e| bad(format!("Invalid query: {e}")))?;
    let (filter, limit) = filter(&pairs)?;
    let (page, more) = sim.shared.with_store(|s| s.profiles.list(&filter, limit));
    let next = page.last().filter(|_| more).map(|(seq, _)| seq.to_string());
    let profiles: Vec<Value> = page.into_iter().map(|(_, p)| p).collect();
    let now = Utc::now();
    Ok(ok(&json!({
        "profiles": profiles, "count": profiles.len(),
        "lastUpdated": iso(now), "nextUpdate": iso(now + TimeDelta::minutes(1)),
        "pagination": {"hasMore": more, "nextCursor": next, "limit": limit},
    })))
}

fn duplicate(title: &str) -> ApiError {
    let message = format!("Profile title already exists: {title}");
    ApiError::new(StatusCode::BAD_REQUEST, "profile", DUPLICATE_PROFILE_CODE, message)
}

/// The non-blank `title` of a body.
fn title_field(body: &Value) -> Option<&str> {
    body.get("title").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty())
}

/// `POST /api/profiles`: `{title}` → the new profile and its key (shown only here).
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let title = title_field(&body).ok_or_else(|| bad("Missing title parameter."))?;
    let (key, view) = sim.shared.with_store(|s| s.profiles.create(title)).map_err(|e| match e {
        CreateError::DuplicateTitle | CreateError::Unknown => duplicate(title),
    })?;
    Ok(ok(&json!({
        "status": "success", "title": view.title, "refId": view.ref_id,
        "profileKey": key, "messagingActive": false,
    })))
}

/// The profile a management call names: `profileKey` in the body, else the
/// Profile-Key header; never the primary profile.
fn target(body: &Value, caller: &Caller) -> Result<String, ApiError> {
    match body.get("profileKey").and_then(Value::as_str).filter(|k| !k.trim().is_empty()) {
        Some(key) => Ok(key.to_string()),
        None if caller.profile != PRIMARY => Ok(caller.profile.clone()),
        None => Err(bad("Missing profileKey parameter.")),
    }
}

/// Renames `key` when the body has a title; `{status, refId}`.
fn rename(sim: &Simulator, key: &str, body: &Value) -> Result<Response, ApiError> {
    let ref_id = sim.shared.with_store(|s| match title_field(body) {
        Some(title) => s.profiles.rename(key, title).map_err(|e| match e {
            CreateError::DuplicateTitle => duplicate(title),
            CreateError::Unknown => ApiError::profile_key_invalid(),
        }),
        None => {
            s.profiles.get(key).map(|p| p.ref_id.clone()).ok_or_else(ApiError::profile_key_invalid)
        }
    })?;
    Ok(ok(&json!({"status": "success", "refId": ref_id})))
}

/// `PUT /api/profiles/profile` `{profileKey, title?, ...}`.
pub(crate) async fn update(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let key = target(&body, &caller)?;
    rename(&sim, &key, &body)
}

/// `PATCH /api/profiles` with the Profile-Key header (the current docs' form).
pub(crate) async fn update_own(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    if caller.profile == PRIMARY {
        return Err(bad("Send the Profile-Key header of the profile to update."));
    }
    rename(&sim, &caller.profile.clone(), &body)
}

/// `DELETE /api/profiles/profile` `{profileKey}` → `{status, refId}`.
pub(crate) async fn delete(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let key = target(&body, &caller)?;
    let ref_id = sim.shared.with_store(|s| s.delete_profile(&key));
    let ref_id = ref_id.ok_or_else(ApiError::profile_key_invalid)?;
    Ok(ok(&json!({"status": "success", "refId": ref_id})))
}
