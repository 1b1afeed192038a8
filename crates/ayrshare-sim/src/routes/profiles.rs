//! Profiles and the user: `GET /api/profiles`, `POST /api/profiles` (and the older
//! `POST /api/profiles/profile`), `GET /api/user`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use serde_json::{json, Value};

use crate::errors::{ok, ApiError, Body, DUPLICATE_PROFILE_CODE};
use crate::gate::Caller;
use crate::post::timestamp_object;
use crate::store::{CreateError, PRIMARY, PRIMARY_STATS_KEY};
use crate::Simulator;

/// `GET /api/profiles`: every user profile (not the primary; keys never shown).
pub(crate) async fn list(State(sim): State<Simulator>) -> Response {
    let profiles = sim.shared.with_store(|s| s.profiles.list());
    let count = profiles.len();
    ok(&json!({
        "profiles": profiles, "count": count,
        "pagination": {"hasMore": false, "nextCursor": null, "limit": 100},
    }))
}

/// `POST /api/profiles`: `{title}` → the new profile and its key (shown only here).
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::bad_request("profile", "Missing title parameter."))?;
    let (key, view) = sim.shared.with_store(|s| s.profiles.create(title)).map_err(|e| match e {
        CreateError::DuplicateTitle => {
            let message = format!("Profile title already exists: {title}");
            ApiError::new(StatusCode::BAD_REQUEST, "profile", DUPLICATE_PROFILE_CODE, message)
        }
    })?;
    Ok(ok(&json!({
        "status": "success", "title": view.title, "refId": view.ref_id,
        "profileKey": key, "messagingActive": false,
    })))
}

/// `GET /api/user`: minimal details of the calling profile.
pub(crate) async fn user(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let config = sim.shared.config();
    let linked: Vec<Platform> =
        Platform::ALL.into_iter().filter(|p| !config.fails(p.as_str())).collect();
    let (created, calls) = sim.shared.with_store(|s| {
        let stats_key =
            if caller.profile == PRIMARY { PRIMARY_STATS_KEY } else { caller.profile.as_str() };
        (s.profiles.created(&caller.profile), s.calls_by(stats_key))
    });
    let mut body = json!({
        "activeSocialAccounts": linked,
        "displayNames": linked.iter().map(|p| json!({"platform": p, "displayName": format!("Sim {p}"), "username": "sim_user"})).collect::<Vec<_>>(),
        "email": null,
        "monthlyApiCalls": calls,
        "refId": caller.view.ref_id,
        "title": caller.view.title,
    });
    if let Some(created) = created {
        body["created"] = timestamp_object(created);
    }
    ok(&body)
}
