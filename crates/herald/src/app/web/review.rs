//! `GET /review/{secret}`: the page a client opens from a review link, needing no
//! account. A shell like every page: `client-review.js` reads the secret from the
//! address and fills the page from `GET /api/review/{secret}` (nothing of the link is
//! rendered by the server, so an unknown secret costs no more than the API's answer).

use super::layout::{layout, logo, page};
use super::vocab::config;
use axum::extract::Path;
use axum::response::Response;
use maud::html;

/// The review page (the secret stays in the address; the script reads it there).
pub async fn review(Path(_secret): Path<String>) -> Response {
    let body = html! {
        div.narrow.client-review {
            div.brand.brand-lg { (logo()) span { "Herald" } }
            div.page-head {
                div {
                    h1 #review-title { "Review" }
                    p #review-meta .hint role="status" { "Loading…" }
                }
                button #review-reload .btn type="button" { "Refresh" }
            }
            div #review-posts aria-live="polite" {}
        }
    };
    let cfg = config("review", None, None);
    let scripts = ["client-review.js"];
    page(layout("Review", &cfg, &scripts, None, body))
}
