//! Webhook registration, per profile and action: `POST`, `GET` and `DELETE
//! /api/hook/webhook`. Unlike Ayrshare, plain `http://` URLs are accepted so tests can
//! receive webhooks on loopback.

use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use ayrshare::webhook::Action;
use chrono::Utc;
use serde_json::{json, Map, Value};

use crate::errors::{ok, ApiError, Body};
use crate::gate::Caller;
use crate::post::iso;
use crate::store::Webhook;
use crate::Simulator;

/// The `action` of a body: one of the actions a webhook can be registered for
/// ([`Action::KNOWN`]).
fn action_field(body: &Value) -> Result<&str, ApiError> {
    let action = body.get("action").and_then(Value::as_str).unwrap_or_default();
    if Action::KNOWN.iter().any(|known| known.as_str() == action) {
        return Ok(action);
    }
    let valid: Vec<&str> = Action::KNOWN.iter().map(Action::as_str).collect();
    let message = format!("Invalid action. Valid actions: {}.", valid.join(", "));
    Err(ApiError::bad_request("webhook", message))
}

fn url_field(body: &Value) -> Result<&str, ApiError> {
    let url = body.get("url").and_then(Value::as_str).unwrap_or_default();
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(url),
        _ => Err(ApiError::bad_request("webhook", "Invalid url: send an absolute https URL.")),
    }
}

/// `POST /api/hook/webhook` `{action, url, secret?}`.
pub(crate) async fn register(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let (action, url) = (action_field(&body)?, url_field(&body)?);
    let secret =
        body.get("secret").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
    let hook = Webhook { url: url.to_string(), secret, updated: Utc::now() };
    sim.shared.with_store(|s| s.set_webhook(&caller.profile, action, hook));
    Ok(ok(&json!({"status": "success", "action": action, "url": url, "refId": caller.view.ref_id})))
}

/// `GET /api/hook/webhook`: `{status, <action>: <url>..., updated?}`.
pub(crate) async fn list(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let hooks = sim.shared.with_store(|s| s.webhooks(&caller.profile));
    let mut body = Map::new();
    body.insert("status".into(), json!("success"));
    for (action, hook) in &hooks {
        body.insert(action.clone(), json!(hook.url));
    }
    if let Some(updated) = hooks.values().map(|h| h.updated).max() {
        body.insert("updated".into(), json!(iso(updated)));
    }
    ok(&Value::Object(body))
}

/// `DELETE /api/hook/webhook` `{action}`; removing an absent webhook also succeeds.
pub(crate) async fn unregister(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let action = action_field(&body)?;
    sim.shared.with_store(|s| s.remove_webhook(&caller.profile, action));
    Ok(ok(&json!({"status": "success", "action": action})))
}
