//! The HTTP surface: Ayrshare's `/api` routes and the simulator's own `/__sim` routes
//! (no auth, no latency). Every `/api` path, unknown ones and wrong methods included,
//! goes through [`crate::gate`] first, as at Ayrshare. Each module owns the handlers of
//! one resource; this one only assembles them.

mod admin;
mod analytics;
mod history;
mod hooks;
mod lifecycle;
mod link;
mod media;
mod post;
mod profiles;
mod user;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
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
            "/post",
            post(post::create)
                .delete(lifecycle::delete)
                .patch(lifecycle::update)
                .put(lifecycle::update),
        )
        .route("/post/retry", put(lifecycle::retry).post(lifecycle::retry))
        .route("/post/{id}", get(lifecycle::get))
        .route("/history", get(history::list))
        .route("/history/{id}", get(history::one))
        .route("/profiles", get(profiles::list).post(profiles::create).patch(profiles::update_own))
        .route(
            "/profiles/profile",
            post(profiles::create).put(profiles::update).delete(profiles::delete),
        )
        .route("/profiles/generateJWT", post(link::generate_jwt))
        .route("/user", get(user::details))
        .route("/analytics/post", post(analytics::post))
        .route("/analytics/social", post(analytics::social))
        .route("/media/upload", post(media::upload))
        .route("/upload", post(media::upload))
        .route("/media/uploadUrl", get(media::upload_url))
        .route("/hook/webhook", post(hooks::register).get(hooks::list).delete(hooks::unregister))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(sim.clone(), gate));
    let admin = Router::new()
        .route("/__sim/stats", get(admin::stats))
        .route("/__sim/reset", post(admin::reset))
        .route("/__sim/config", get(admin::config).post(admin::set_config))
        .route("/__sim/profiles/link", post(link::sim_link))
        .route("/__sim/link/{token}", get(link::page).post(link::submit))
        .route("/__sim/media/{id}", get(media::serve))
        .route("/__sim/upload/{id}", put(media::receive));
    Router::new()
        .nest("/api", api)
        .merge(admin)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(sim)
}

/// `http://<Host>`: where the caller reached the simulator, for URLs it hands out
/// (media, linking pages).
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
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
