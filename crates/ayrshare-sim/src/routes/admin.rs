//! The simulator's own routes, for black-box tests (no auth, no latency, not counted):
//! `GET /__sim/stats`, `POST /__sim/reset`, `GET` and `POST /__sim/config`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::config::ConfigPatch;
use crate::errors::{ok, reply, Body, BAD_REQUEST_CODE};
use crate::Simulator;

/// `GET /__sim/stats`: request counts by route and by profile.
pub(crate) async fn stats(State(sim): State<Simulator>) -> Response {
    ok(&json!(sim.stats()))
}

/// `POST /__sim/reset`: forget posts, counters, rate windows and idempotency keys.
pub(crate) async fn reset(State(sim): State<Simulator>) -> Response {
    sim.reset();
    ok(&json!({"status": "success"}))
}

/// `GET /__sim/config`.
pub(crate) async fn config(State(sim): State<Simulator>) -> Response {
    ok(&sim.shared.config().to_json())
}

/// `POST /__sim/config`: applies a partial config (all fields or none) and returns it.
pub(crate) async fn set_config(
    State(sim): State<Simulator>,
    Body(patch): Body<ConfigPatch>,
) -> Response {
    if let Err(message) = patch.validate() {
        return reply(
            StatusCode::BAD_REQUEST,
            &json!({"status": "error", "code": BAD_REQUEST_CODE, "message": message}),
        );
    }
    sim.update_config(|config| patch.apply(config));
    ok(&sim.shared.config().to_json())
}
