//! The JSON API of API.md: the handlers (thin wrappers over the services), their
//! request extractors, and the route table with its OpenAPI description, so
//! `GET /api/openapi.json` always describes every route. The router ([`crate::app::router`])
//! adds the pages, the fallbacks and the layers.

mod analytics;
mod dashboard;
pub mod json;
mod library;
mod media;
mod notifications;
mod ops;
mod people;
mod plan;
mod posts;
mod reset;
mod review;
mod webhooks_out;
mod workspaces;

use crate::app::state::AppState;
use crate::coherence::ratelimit::EXEMPT_PATHS;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest request body accepted (posts are text plus URLs).
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Herald", description = "Team publishing through Ayrshare: workspaces, posts with approval, scheduling, a never-stale dashboard."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags((name = "workspaces"), (name = "people"), (name = "posts"), (name = "dashboard"), (name = "analytics"), (name = "webhooks"), (name = "review"), (name = "operations"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// The API routes (without `/metrics`) and their OpenAPI document (with it: it is
/// served on the API port or, with `HERALD_METRICS_BIND`, on its own).
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, openapi) =
        OpenApiRouter::with_openapi(ApiDoc::openapi())
            .routes(routes!(workspaces::create, workspaces::list))
            .routes(routes!(workspaces::get_one, workspaces::update))
            .routes(routes!(workspaces::create_token, workspaces::list_tokens))
            .routes(routes!(workspaces::revoke_token))
            .routes(routes!(workspaces::accounts))
            .routes(routes!(workspaces::connect))
            .routes(routes!(webhooks_out::create, webhooks_out::list))
            .routes(routes!(webhooks_out::update, webhooks_out::delete))
            .routes(routes!(webhooks_out::deliveries))
            .routes(routes!(webhooks_out::retry))
            .routes(routes!(webhooks_out::test))
            .routes(routes!(posts::create, posts::list))
            .routes(routes!(posts::get_one, posts::edit, posts::delete))
            .routes(routes!(posts::submit))
            .routes(routes!(posts::approve))
            .routes(routes!(posts::reject))
            .routes(routes!(posts::request_changes))
            .routes(routes!(posts::retry))
            .routes(routes!(posts::calendar))
            .routes(routes!(review::comments, review::add_comment))
            .routes(routes!(review::delete_comment))
            .routes(routes!(review::create_link, review::links))
            .routes(routes!(review::revoke_link))
            .routes(routes!(review::page))
            .routes(routes!(review::decide))
            .routes(routes!(review::reviewer_comment))
            .routes(routes!(plan::queue, plan::set_queue))
            .routes(routes!(plan::feeds, plan::create_feed))
            .routes(routes!(plan::delete_feed))
            .routes(routes!(library::list_templates, library::create_template))
            .routes(routes!(library::update_template, library::delete_template))
            .routes(routes!(library::list_hashtag_groups, library::create_hashtag_group))
            .routes(routes!(library::update_hashtag_group, library::delete_hashtag_group))
            .routes(routes!(library::delete_media))
            .routes(routes!(people::login))
            .routes(routes!(reset::request))
            .routes(routes!(reset::confirm))
            .routes(routes!(people::logout))
            .routes(routes!(people::me, people::update_me))
            .routes(routes!(people::sessions))
            .routes(routes!(notifications::list))
            .routes(routes!(notifications::mark_read))
            .routes(routes!(people::end_session))
            .routes(routes!(people::reset_password))
            .routes(routes!(people::invite, people::invitations))
            .routes(routes!(people::withdraw))
            .routes(routes!(people::accept))
            .routes(routes!(people::members))
            .routes(routes!(people::set_role, people::remove_member))
            .merge(
                OpenApiRouter::new()
                    .routes(routes!(media::upload, library::media_library))
                    .layer(axum::extract::DefaultBodyLimit::disable()),
            )
            .merge(OpenApiRouter::new().routes(routes!(plan::import)).layer(
                axum::extract::DefaultBodyLimit::max(crate::services::plan::import::MAX_BODY),
            ))
            .routes(routes!(dashboard::history))
            .routes(routes!(dashboard::events))
            .routes(routes!(dashboard::clear_history))
            .routes(routes!(analytics::analytics))
            .routes(routes!(analytics::post_analytics))
            .routes(routes!(ops::run_scheduler))
            .routes(routes!(ops::ayrshare_webhook))
            .routes(routes!(ops::healthz))
            .routes(routes!(ops::readyz))
            .routes(routes!(ops::freshness))
            .split_for_parts();
    let (_, metrics_doc) =
        OpenApiRouter::<AppState>::new().routes(routes!(ops::metrics)).split_for_parts();
    let mut openapi = openapi;
    openapi.merge(metrics_doc);
    (routes, document_limits(openapi))
}

/// The public media files (`/media/{ws}/{id}` and its thumbnail): Ayrshare fetches them
/// without credentials.
pub fn media_routes() -> Router<AppState> {
    use axum::routing::get;
    Router::new()
        .route("/media/{ws}/{id}", get(media::file))
        .route("/media/{ws}/{id}/thumbnail", get(media::thumbnail))
}

/// `GET /metrics`, for the API router or a listener of its own.
pub fn metrics_route() -> Router<AppState> {
    Router::new().route("/metrics", axum::routing::get(ops::metrics))
}

/// Adds the answers the layers give to the operations' own: 429 (rate limited) on every
/// route but the exempt probes, 413 on every route that takes a body.
fn document_limits(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::ResponseBuilder;
    let answer = |description: &str| ResponseBuilder::new().description(description).build().into();
    for (path, item) in doc.paths.paths.iter_mut() {
        let limited = !EXEMPT_PATHS.contains(&path.as_str());
        let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for op in ops.into_iter().flatten() {
            let responses = &mut op.responses.responses;
            if limited {
                responses
                    .entry("429".into())
                    .or_insert_with(|| answer("rate limited; retry after `Retry-After` seconds"));
            }
            if op.request_body.is_some() {
                responses
                    .entry("413".into())
                    .or_insert_with(|| answer("request body over 256 KiB"));
            }
        }
    }
    doc
}

/// The OpenAPI document, for tools that want it without a server.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}
