//! The dashboard web pages: server-rendered HTML plus Herald's own small JavaScript and
//! CSS, all served by Herald itself (nothing is fetched from the internet).

use crate::http::AppState;
use axum::Router;

/// The page and asset routes, merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
}
