//! Linking networks to profiles. `POST /api/profiles/generateJWT` (API key; `domain`,
//! `privateKey` and `profileKey` in the body) opens a 5-minute session and answers
//! `{status, title, token, url, expiresIn}`, where `url` is the simulator's own
//! linking page, `GET /__sim/link/{token}`: one Link / Unlink button per network,
//! posting back to the same path. For tests, `POST /__sim/profiles/link`
//! `{profileKey, platforms, linked}` does the same without a page. Every change sends
//! the profile's `social` webhook, if one is registered.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use ayrshare::Platform;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::time::Instant;

use super::origin;
use crate::errors::{ok, reply, ApiError, Body, BAD_REQUEST_CODE};
use crate::store::{LINK_TTL, PRIMARY};
use crate::Simulator;

fn required<'a>(body: &'a Value, field: &str) -> Result<&'a str, ApiError> {
    body.get(field)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("generateJWT", format!("Missing {field} parameter.")))
}

/// `POST /api/profiles/generateJWT`.
pub(crate) async fn generate_jwt(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    required(&body, "domain")?;
    required(&body, "privateKey")?;
    let key = required(&body, "profileKey")?;
    let create = !sim.shared.config().refuses_unknown_profiles();
    let (token, title) = sim.shared.with_store(|s| {
        let (profile, view) =
            s.profiles.resolve(Some(key), create).ok_or_else(ApiError::profile_key_invalid)?;
        Ok::<_, ApiError>((s.open_link_session(&profile, Instant::now()), view.title))
    })?;
    Ok(ok(&json!({
        "status": "success", "title": title, "token": token,
        "url": format!("{}/__sim/link/{token}", origin(&headers)),
        "emailSent": false, "expiresIn": format!("{}m", LINK_TTL.as_secs() / 60),
    })))
}

/// The networks of a `platforms` list; an error names the first that is no network.
fn networks(list: &[Value]) -> Result<Vec<Platform>, String> {
    list.iter()
        .map(|p| {
            let name = p.as_str().unwrap_or_default();
            name.parse::<Platform>().map_err(|_| format!("Unknown platform {name:?}."))
        })
        .collect()
}

/// `POST /__sim/profiles/link` `{profileKey, platforms, linked, title?}` (empty or absent
/// key: the primary profile; `linked` defaults to true; with `title`, a profile with that
/// key is created first when none has it — for harnesses that choose their keys).
pub(crate) async fn sim_link(State(sim): State<Simulator>, Body(body): Body<Value>) -> Response {
    let key = body.get("profileKey").and_then(Value::as_str).unwrap_or(PRIMARY).to_string();
    if let Some(title) = body.get("title").and_then(Value::as_str) {
        sim.add_profile(title, &key);
    }
    let list = body.get("platforms").and_then(Value::as_array).cloned().unwrap_or_default();
    let linked = body.get("linked").and_then(Value::as_bool).unwrap_or(true);
    let platforms = match networks(&list) {
        Ok(platforms) => platforms,
        Err(message) => {
            let body = json!({"status": "error", "code": BAD_REQUEST_CODE, "message": message});
            return reply(StatusCode::BAD_REQUEST, &body);
        }
    };
    match sim.link(&key, &platforms, linked) {
        Ok(()) => ok(&json!({"status": "success"})),
        Err(_) => reply(
            StatusCode::NOT_FOUND,
            &json!({"status": "error", "code": 404, "message": "No profile has this key."}),
        ),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn expired() -> Response {
    let page = "<!doctype html><title>Link expired</title><p>This linking URL is unknown or \
                has expired (they last 5 minutes). Generate a new one.</p>";
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}

/// `GET /__sim/link/{token}`: the linking page.
pub(crate) async fn page(State(sim): State<Simulator>, Path(token): Path<String>) -> Response {
    let found = sim.shared.with_store(|s| {
        let profile = s.link_session(&token, Instant::now())?;
        let p = s.profiles.get(&profile)?;
        Some((p.title.clone(), p.linked.keys().copied().collect::<Vec<Platform>>()))
    });
    let Some((title, linked)) = found else { return expired() };
    let rows: String = Platform::ALL
        .iter()
        .map(|p| {
            let on = linked.contains(p);
            let (state, action, value) =
                if on { ("linked", "Unlink", "false") } else { ("not linked", "Link", "true") };
            format!(
                "<li>{label}: {state} <form method=\"post\" style=\"display:inline\">\
                 <input type=\"hidden\" name=\"platform\" value=\"{p}\">\
                 <button name=\"linked\" value=\"{value}\">{action}</button></form></li>",
                label = escape(p.label()),
            )
        })
        .collect();
    let title = escape(&title);
    Html(format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Link social accounts: {title}</title>\
         <h1>Social accounts of {title}</h1><ul>{rows}</ul>"
    ))
    .into_response()
}

/// The form a linking page button posts.
#[derive(Debug, Deserialize)]
pub(crate) struct LinkForm {
    platform: String,
    linked: String,
}

/// `POST /__sim/link/{token}`: links or unlinks one network, then shows the page again.
pub(crate) async fn submit(
    State(sim): State<Simulator>,
    Path(token): Path<String>,
    Form(form): Form<LinkForm>,
) -> Response {
    let Ok(platform) = form.platform.parse::<Platform>() else {
        return (StatusCode::BAD_REQUEST, Html("Unknown platform.")).into_response();
    };
    let linked = form.linked == "true";
    let done = sim.shared.with_store(|s| {
        let profile = s.link_session(&token, Instant::now())?;
        Some(s.set_links(&profile, &[platform], linked, Utc::now()))
    });
    sim.shared.publisher_wake.notify_one();
    match done {
        Some(_) => Redirect::to(&format!("/__sim/link/{token}")).into_response(),
        None => expired(),
    }
}
