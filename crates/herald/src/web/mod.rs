//! The dashboard web pages: server-rendered HTML plus Herald's own small JavaScript and
//! CSS, all served by Herald itself (nothing is fetched from the internet).
//!
//! The pages are shells: their data comes from the JSON API, called by the page's script
//! with the token the user signed in with (kept in `sessionStorage`, sent only as
//! `Authorization: Bearer`, never in a URL). So the API stays the one source of truth and
//! the pages need no session of their own. Routes:
//!
//! - `GET /`: sign in (a workspace token, or the admin token and a workspace).
//! - `GET /w/{ws}`: the workspace dashboard (counts, chart, posts, compose), live.
//! - `GET /w/{ws}/approvals`: the approval queue.
//! - `GET /w/{ws}/posts/{id}`: one post, its audit trail, edit / resubmit / decide.
//! - `GET /assets/{file}`: the CSS, scripts and icon, from memory.
//! - `GET /web/session`: who the bearer token is (role, actor), for the sign-in page and
//!   to show only the actions the role allows.

mod assets;
mod pages;
mod vocab;

use crate::auth::Principal;
use crate::state::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

/// The page and asset routes, merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::sign_in))
        .route("/w/{ws}", get(pages::dashboard))
        .route("/w/{ws}/approvals", get(pages::approvals))
        .route("/w/{ws}/posts/{id}", get(pages::post))
        .route("/assets/{file}", get(assets::serve))
        .route("/web/session", get(session))
}

/// `GET /web/session`: the caller's identity as the pages need it. 401 without a valid
/// token (the usual error body).
async fn session(who: Principal) -> Json<Value> {
    let body = match &who {
        Principal::Admin => {
            json!({"admin": true, "workspace_id": null, "role": "admin", "actor": who.actor()})
        }
        Principal::Token { workspace_id, role, .. } => {
            json!({"admin": false, "workspace_id": workspace_id, "role": role.as_str(), "actor": who.actor()})
        }
        Principal::User(p) => json!({"admin": p.user.global_admin, "workspace_id": null,
            "role": if p.user.global_admin { "admin" } else { "viewer" }, "actor": who.actor()}),
    };
    Json(body)
}
