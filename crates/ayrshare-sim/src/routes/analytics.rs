//! `POST /api/analytics/post` (a post's figures per network it is on) and
//! `POST /api/analytics/social` (the account's figures per linked network), with
//! each network's own metric names (see [`crate::figures`]). Asking about X needs X
//! credentials.

use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Map, Value};

use crate::errors::{ok, ApiError, Body};
use crate::figures::{post_analytics, social_analytics};
use crate::gate::Caller;
use crate::post::{iso, Outcome, PostRecord, PostStatus};
use crate::store::not_linked_error;
use crate::Simulator;

/// How often Ayrshare refreshes figures, as `nextUpdate` says.
const REFRESH: TimeDelta = TimeDelta::minutes(10);

/// Whole minutes from `from` to `now` (0 if `now` is earlier).
pub(crate) fn minutes_since(from: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((now - from).num_minutes()).unwrap_or(0)
}

/// `platforms` of a body: the networks named (other names are dropped), or `None`.
fn platforms_field(body: &Value) -> Option<Vec<Platform>> {
    body.get("platforms").and_then(Value::as_array).map(|list| {
        list.iter()
            .filter_map(Value::as_str)
            .filter_map(|p| p.to_ascii_lowercase().parse().ok())
            .collect()
    })
}

/// The answer body for a published post, limited to `platforms` when given.
fn analytics(post: &PostRecord, platforms: Option<&[Platform]>, now: DateTime<Utc>) -> Value {
    let minutes = minutes_since(post.published.unwrap_or(post.created), now);
    let mut body = Map::new();
    body.insert("status".into(), json!("success"));
    body.insert("id".into(), json!(post.id));
    for (platform, outcome) in &post.outcomes {
        let wanted = platforms.is_none_or(|list| list.contains(platform));
        let Outcome::Posted { id, url, .. } = outcome else { continue };
        let Some(figures) = post_analytics(&post.id, *platform, minutes).filter(|_| wanted) else {
            continue;
        };
        let entry = json!({
            "id": id, "postUrl": url, "analytics": figures,
            "lastUpdated": iso(now), "nextUpdate": iso(now + REFRESH),
        });
        body.insert(platform.to_string(), entry);
    }
    Value::Object(body)
}

/// `POST /api/analytics/post` `{id, platforms?}`.
pub(crate) async fn post(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let id = body.get("id").and_then(Value::as_str).ok_or_else(|| {
        ApiError::bad_request("analytics", "Missing id parameter: send the Ayrshare post id.")
    })?;
    let platforms = platforms_field(&body);
    let asks_x = platforms.as_ref().is_none_or(|p| p.contains(&Platform::Twitter));
    let now = Utc::now();
    sim.shared.with_store(|s| {
        let post = s.post(&caller.profile, id).filter(|p| p.status != PostStatus::Deleted);
        let post = post.ok_or_else(|| ApiError::post_id_not_found("analytics", id))?;
        if asks_x && post.posted_on(Platform::Twitter) {
            caller.require_x()?;
        }
        Ok(ok(&analytics(post, platforms.as_deref(), now)))
    })
}

/// `POST /api/analytics/social` `{platforms}`: figures for each linked network named,
/// an error entry (code 156) for the others.
pub(crate) async fn social(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let platforms = platforms_field(&body).filter(|p| !p.is_empty()).ok_or_else(|| {
        ApiError::bad_request("analytics", "Missing platforms parameter, such as [\"twitter\"].")
    })?;
    if platforms.contains(&Platform::Twitter) {
        caller.require_x()?;
    }
    let (config, now) = (sim.shared.config(), Utc::now());
    let mut answer = Map::new();
    answer.insert("status".into(), json!("success"));
    sim.shared.with_store(|s| {
        let created = s.profiles.created(&caller.profile).unwrap_or(now);
        for platform in platforms {
            let linked = !config.fails(platform.as_str())
                && (config.lenient || s.profiles.is_linked(&caller.profile, platform));
            let entry = if linked {
                let figures = social_analytics(&caller.view.ref_id, platform, minutes_since(created, now));
                json!({"analytics": figures, "lastUpdated": iso(now), "nextUpdate": iso(now + REFRESH)})
            } else {
                not_linked_error(platform)
            };
            answer.insert(platform.to_string(), entry);
        }
    });
    Ok(ok(&Value::Object(answer)))
}
