//! Ayrshare's error envelope and the codes the simulator answers with, the JSON
//! response helper (always `application/json; charset=utf-8`), and the lenient JSON
//! body extractor whose failures come back in Ayrshare's shape instead of axum's.
//!
//! Codes marked [infer] in their docs are not documented by Ayrshare; the simulator
//! had to pick something (see the Ayrshare API reference, §10 on errors).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// API key missing or not valid (HTTP 401).
pub const API_KEY_INVALID_CODE: i64 = 102;
/// A post id that does not exist, for delete/update/retry (HTTP 404) [live for delete].
pub const POST_NOT_FOUND_CODE: i64 = 114;
/// Same or similar text to the same network within 48 hours.
pub const DUPLICATE_CONTENT_CODE: i64 = 137;
/// Profile title already in use.
pub const DUPLICATE_PROFILE_CODE: i64 = 146;
/// The network is not linked to the profile.
pub const NOT_LINKED_CODE: i64 = 156;
/// Analytics or get-post: the post id is unknown (HTTP 404).
pub const POST_ID_NOT_FOUND_CODE: i64 = 186;
/// `GET /history` found nothing (HTTP 400).
pub const HISTORY_NOT_FOUND_CODE: i64 = 221;
/// Delete of a post that is already deleted.
pub const ALREADY_DELETED_CODE: i64 = 383;
/// X post longer than 280 characters from a non-Premium account (Ayrshare's X page).
pub const TWEET_TOO_LONG_CODE: i64 = 111;
/// A call that touches X came without either X credential header (SDK README). The
/// action is `x_credentials_required`. \[infer\] The HTTP status that goes with it is
/// undocumented; the simulator answers 400.
pub const X_CREDENTIALS_REQUIRED_CODE: i64 = 419;
/// A call that touches X came with only one of the two X credential headers; the
/// message names the missing one (SDK README). HTTP 400.
pub const X_CREDENTIAL_MISSING_CODE: i64 = 400;
/// \[infer\] A YouTube post without `youTubeOptions.title`. Ayrshare requires the title
/// (research note §3.1) but its error code was not found.
pub const YOUTUBE_TITLE_REQUIRED_CODE: i64 = 160;
/// \[infer\] Per-network delete result for Instagram and TikTok, which cannot be deleted
/// through the API (research note §5.2); Ayrshare's code for it was not found.
pub const DELETE_NOT_SUPPORTED_CODE: i64 = 385;
/// \[infer\] Per-network error for a platform name that is not one of Ayrshare's
/// networks, in a list that also names real ones (the rest of the post goes out).
pub const UNKNOWN_PLATFORM_CODE: i64 = BAD_REQUEST_CODE;
/// \[infer\] A missing or malformed parameter, or malformed JSON. Ayrshare's real code
/// for "Missing or incorrect post parameter" was not found.
pub const BAD_REQUEST_CODE: i64 = 101;
/// \[infer\] `idempotencyKey` already used by this profile (HTTP 400). Ayrshare's real
/// code was not found; 409 was chosen as "conflict" and collides with no documented code.
pub const IDEMPOTENCY_REUSED_CODE: i64 = 409;
/// \[infer\] An unknown `Profile-Key` (HTTP 403), in the header, in a `POST /post` body,
/// or in a profile-management body. Ayrshare's answer is undocumented (§2).
pub const PROFILE_KEY_INVALID_CODE: i64 = 403;
/// \[infer\] Rate limit exceeded (HTTP 429); the real body is undocumented.
pub const RATE_LIMITED_CODE: i64 = 429;
/// \[infer\] The simulated internal error of `error_rate` (HTTP 500).
pub const SIMULATED_ERROR_CODE: i64 = 500;

/// The content type Ayrshare sends on every response.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A JSON response with Ayrshare's exact content type.
pub(crate) fn reply(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    response
}

/// 200 with a JSON body.
pub(crate) fn ok(body: &Value) -> Response {
    reply(StatusCode::OK, body)
}

/// An error answer: an HTTP status and the Ayrshare body that goes with it.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
}

impl ApiError {
    /// The usual flat envelope `{action, status:"error", code, message}`.
    pub(crate) fn new(
        status: StatusCode,
        action: &str,
        code: i64,
        message: impl Into<String>,
    ) -> Self {
        let body =
            json!({"action": action, "status": "error", "code": code, "message": message.into()});
        ApiError { status, body }
    }

    /// 400 for a missing or malformed parameter.
    pub(crate) fn bad_request(action: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, action, BAD_REQUEST_CODE, message)
    }

    /// 404 code 114: the post id is unknown to this profile.
    pub(crate) fn post_not_found(action: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, action, POST_NOT_FOUND_CODE, "Post not found")
    }

    /// 404 code 186: the post id is unknown (get and analytics), echoing the id.
    pub(crate) fn post_id_not_found(action: &str, id: &str) -> Self {
        let mut error =
            Self::new(StatusCode::NOT_FOUND, action, POST_ID_NOT_FOUND_CODE, "Post ID not found.");
        error.body["id"] = Value::from(id);
        error
    }

    /// 401 code 102.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authorization",
            API_KEY_INVALID_CODE,
            "API Key not valid. Please verify the Authorization header: Bearer API_KEY.",
        )
    }

    /// 403 for an unknown Profile-Key in strict mode.
    pub(crate) fn profile_key_invalid() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "authorization",
            PROFILE_KEY_INVALID_CODE,
            "Profile Key not valid.",
        )
    }

    /// 400 code 419: a call touching X without X credentials.
    pub(crate) fn x_credentials_required() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "x_credentials_required",
            X_CREDENTIALS_REQUIRED_CODE,
            "X/Twitter requires your own X Developer App credentials: send the \
             X-Twitter-OAuth1-Api-Key and X-Twitter-OAuth1-Api-Secret headers.",
        )
    }

    /// 400 code 400: only one X credential header; `missing` names the other.
    pub(crate) fn x_credential_missing(missing: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "x_credentials_required",
            X_CREDENTIAL_MISSING_CODE,
            format!("Missing header {missing}: X/Twitter calls need both X credential headers."),
        )
    }

    /// 429 over the per-profile rate limit.
    pub(crate) fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "ratelimit",
            RATE_LIMITED_CODE,
            "Rate limit exceeded",
        )
    }

    /// The 500 injected by `error_rate`.
    pub(crate) fn simulated() -> Self {
        let body = json!({"status": "error", "code": SIMULATED_ERROR_CODE, "message": "Internal error (simulated)"});
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, body }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        reply(self.status, &self.body)
    }
}

/// A JSON body parsed regardless of the request's content type (clients differ), where
/// an empty body reads as `{}` and any failure is a 400 in Ayrshare's envelope.
pub(crate) struct Body<T>(pub(crate) T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let message = format!("Could not read the request body: {}", e.body_text());
            ApiError::new(e.status(), "request", BAD_REQUEST_CODE, message)
        })?;
        parse_body(&bytes).map(Body)
    }
}

/// Parses a request body; whitespace-only reads as `{}`.
fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { bytes };
    serde_json::from_slice(text)
        .map_err(|e| ApiError::bad_request("request", format!("Invalid JSON body: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_reads_as_an_empty_object() {
        let value: Value = parse_body(b"  ").expect("empty body is {}");
        assert_eq!(value, json!({}));
    }

    #[test]
    fn malformed_body_is_a_400_envelope() {
        let error = parse_body::<Value>(b"{nope").expect_err("malformed");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert_eq!(error.body["status"], "error");
        assert_eq!(error.body["code"], BAD_REQUEST_CODE);
    }
}
