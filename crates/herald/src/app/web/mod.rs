//! The dashboard web pages: server-rendered HTML plus Herald's own small JavaScript and
//! CSS, all served by Herald itself (nothing is fetched from the internet).
//!
//! The pages are shells: their data comes from the JSON API, called by the page's
//! script. A person signs in with e-mail and password and is then carried by the
//! `HttpOnly` session cookie (so a link opened in a new tab stays signed in), sending the
//! CSRF token `GET /api/me` gives with every write. A machine's access token still
//! works: it is kept in the tab's `sessionStorage` and sent only as
//! `Authorization: Bearer`, never in a URL. Routes:
//!
//! - `GET /`: sign in (then the `next` page or the first workspace).
//! - `GET /invitation`: accept an invitation (its secret in the `#token=` fragment).
//! - `GET /reset-password`: ask for a password-reset link, or use one (`?token=`).
//! - `GET /me`: the person's profile and sessions.
//! - `GET /w/{ws}`: the workspace dashboard (counts, chart, posts, compose), live.
//! - `GET /w/{ws}/approvals`: the approval queue.
//! - `GET /w/{ws}/calendar`: the calendar (month, week), drag to reschedule.
//! - `GET /w/{ws}/analytics`: figures per post, network and day, top posts, CSV export.
//! - `GET /w/{ws}/posts/{id}`: one post, its audit trail, edit / resubmit / decide.
//! - `GET /w/{ws}/team`: members, invitations, API tokens.
//! - `GET /w/{ws}/settings`: name, time zone, approval policy, X credentials, accounts.
//! - `GET /review/{secret}`: a client review link's page (no account needed).
//! - `GET /assets/{file}` (and `/favicon.ico`): the CSS, the scripts (ES modules, their
//!   imports versioned: `assets.rs`) and the icon, from memory.
//!
//! [`fallback`] answers an unknown address with a page for browsers (`Accept:
//! text/html`) and the API's 404 body for everyone else.

mod account;
mod admin;
mod analytics;
mod assets;
mod layout;
mod pages;
mod plan;
mod planning;
mod review;
mod vocab;

use crate::app::state::AppState;
use crate::coherence::error::AppError;
use axum::extract::Request;
use axum::http::header::ACCEPT;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The page and asset routes, merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(account::sign_in))
        .route("/invitation", get(account::invitation))
        .route("/reset-password", get(account::reset_password))
        .route("/me", get(account::profile))
        .route("/w/{ws}", get(pages::dashboard))
        .route("/w/{ws}/approvals", get(pages::approvals))
        .route("/w/{ws}/calendar", get(planning::calendar))
        .route("/w/{ws}/plan", get(plan::plan))
        .route("/w/{ws}/analytics", get(analytics::analytics))
        .route("/w/{ws}/posts/{id}", get(pages::post))
        .route("/w/{ws}/team", get(admin::team))
        .route("/w/{ws}/settings", get(admin::settings))
        .route("/review/{secret}", get(review::review))
        .route("/assets/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
}

/// Whether a request asks for a page: a browser navigating (`Accept: text/html`) to an
/// address outside the API.
fn wants_page(req: &Request) -> bool {
    let html = req
        .headers()
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().starts_with("text/html")));
    html && !req.uri().path().starts_with("/api/")
}

/// The answer for an address nothing serves: a page with a way back for a browser, the
/// API's 404 error body otherwise.
pub async fn fallback(req: Request) -> Response {
    if wants_page(&req) {
        account::not_found_page()
    } else {
        AppError::NotFound.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(path: &str, accept: &str) -> Request {
        Request::builder().uri(path).header(ACCEPT, accept).body(Body::empty()).unwrap()
    }

    #[test]
    fn browsers_get_a_page_and_api_clients_the_error_body() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(wants_page(&request("/nothing-here", browser)));
        assert!(!wants_page(&request("/nothing-here", "application/json")));
        assert!(!wants_page(&request("/nothing-here", "*/*")));
        assert!(!wants_page(&request("/api/nothing", browser)), "the API answers JSON");
    }
}
