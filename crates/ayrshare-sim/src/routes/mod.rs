//! The HTTP surface: Ayrshare's `/api` routes (behind [`crate::gate`]) and the
//! simulator's own `/__sim` routes (no auth, no latency). Each module owns the
//! handlers of one resource; this one only assembles them.

mod admin;
mod analytics;
mod history;
mod hooks;
mod lifecycle;
mod post;
mod profiles;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::json;

use crate::errors::{reply, ApiError};
use crate::gate::gate;
use crate::Simulator;

/// Every route of the simulator, with `sim` as state.
pub(crate) fn router(sim: Simulator) -> Router {
    let api = Router::new()
        .route(
            "/api/post",
            post(post::create)
                .delete(lifecycle::delete)
                .patch(lifecycle::update)
                .put(lifecycle::update),
        )
        .route("/api/post/retry", put(lifecycle::retry).post(lifecycle::retry))
        .route("/api/post/{id}", get(lifecycle::get))
        .route("/api/history", get(history::list))
        .route("/api/history/{id}", get(history::one))
        .route("/api/profiles", get(profiles::list).post(profiles::create))
        .route("/api/profiles/profile", post(profiles::create))
        .route("/api/user", get(profiles::user))
        .route("/api/analytics/post", post(analytics::post))
        .route(
            "/api/hook/webhook",
            post(hooks::register).get(hooks::list).delete(hooks::unregister),
        )
        .route_layer(from_fn_with_state(sim.clone(), gate));
    let admin = Router::new()
        .route("/__sim/stats", get(admin::stats))
        .route("/__sim/reset", post(admin::reset))
        .route("/__sim/config", get(admin::config).post(admin::set_config));
    api.merge(admin)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(sim)
}

/// The `{id}` of a path (a post id, or a network name for `/history/{id}`). A path that
/// cannot be decoded is a 400 in Ayrshare's envelope instead of axum's plain text.
pub(crate) struct PostId(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for PostId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(|e| {
            ApiError::bad_request("get", format!("Invalid id in the path: {}", e.body_text()))
        })?;
        Ok(PostId(id))
    }
}

/// A known path with the wrong method: a 405 in Ayrshare's envelope.
async fn method_not_allowed() -> Response {
    let body =
        json!({"status": "error", "code": 405, "message": "Method not allowed on this route."});
    reply(StatusCode::METHOD_NOT_ALLOWED, &body)
}

/// Unknown paths: a 404 in Ayrshare's envelope.
async fn not_found() -> Response {
    let body =
        json!({"status": "error", "code": 404, "message": "Not found: this route does not exist."});
    reply(StatusCode::NOT_FOUND, &body)
}
