//! Password reset by e-mail (`POST /api/auth/password-reset` and `…/confirm`): the
//! handlers of [`crate::commands::people::reset`].

use super::json::AppJson;
use super::people::{agent, signed_in, Client, SignedIn};
use crate::coherence::error::AppResult;
use crate::commands::people::reset::{ResetConfirm, ResetRequest};
use crate::commands::people::signin::Origin;
use crate::commands::people::PeopleService;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[utoipa::path(post, path = "/api/auth/password-reset", tag = "people", request_body = ResetRequest, security(()),
    description = "Asks for a password-reset link. Always 202 with the same body, whether the address has an account or not; a known address is sent a single-use link for an hour (only with SMTP and `HERALD_PUBLIC_URL` set). Throttled per client and per address (429).",
    responses((status = 202), (status = 422), (status = 429)))]
pub async fn request(
    State(people): State<PeopleService>,
    Client(client): Client,
    AppJson(input): AppJson<ResetRequest>,
) -> AppResult<Response> {
    people.request_reset(input, Origin { client, device: None }).await?;
    let body = json!({"status": "accepted", "message": "If this address has an account, a link to reset its password is on its way."});
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

#[utoipa::path(post, path = "/api/auth/password-reset/confirm", tag = "people", request_body = ResetConfirm, security(()),
    description = "Sets a new password with a reset link's token: ends every session of the person (on every instance) and opens a new one (the session cookie). Used, expired or unknown token: 410 `reset_gone`.",
    responses((status = 200, body = SignedIn), (status = 410), (status = 422), (status = 429), (status = 503)))]
pub async fn confirm(
    State(people): State<PeopleService>,
    Client(client): Client,
    headers: HeaderMap,
    AppJson(input): AppJson<ResetConfirm>,
) -> AppResult<Response> {
    let opened =
        people.confirm_reset(input, Origin { client, device: None }, agent(&headers)).await?;
    Ok(signed_in(&people, opened, None))
}
