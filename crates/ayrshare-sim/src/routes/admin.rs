//! The simulator's own routes, for black-box tests (no auth, no latency, not counted):
//! `GET /__sim/stats`, `POST /__sim/reset`, `GET` and `POST /__sim/config`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::config::ConfigPatch;
use crate::errors::{ok, reply, Body, BAD_REQUEST_CODE};
use crate::Simulator;

/// `GET /__sim/stats`: request counts by route and by profile. Profile keys are
/// secrets, and this route has no auth: each is named by its first characters and a
/// digest, never whole (`Simulator::stats` in-process keeps the keys).
pub(crate) async fn stats(State(sim): State<Simulator>) -> Response {
    let mut stats = sim.stats();
    stats.by_profile = std::mem::take(&mut stats.by_profile)
        .into_iter()
        .map(|(key, routes)| (redacted(&key), routes))
        .collect();
    ok(&json!(stats))
}

/// `primary`, or `PROFIL…#1a2b3c4d` (six characters and 32 bits of the key's SHA-256).
fn redacted(key: &str) -> String {
    if key == crate::store::PRIMARY_STATS_KEY {
        return key.to_owned();
    }
    use sha2::{Digest, Sha256};
    let prefix: String = key.chars().take(6).collect();
    format!("{prefix}…#{}", hex::encode(&Sha256::digest(key.as_bytes())[..4]))
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
