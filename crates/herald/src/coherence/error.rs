//! The one error type of the service and the one writer of its HTTP form:
//! `{"error": {"code": "snake_case", "message": "...", "details": {...}}}`.
//!
//! Causes are kept as error sources (database and Ayrshare errors, anything internal);
//! they are logged once, where the response is built, with their whole chain, and never
//! sent: clients get a code and a safe message.

use crate::foundation::domain::validate::FieldError;
use crate::storage::store::StoreError;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::time::Duration;

/// Why a rule forbids an action (403), as its `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// The caller's role is too low.
    Role,
    /// Four eyes: the caller wrote or changed the post (`own_post`).
    OwnPost,
    /// A cookie-authenticated write without the CSRF header (`csrf`).
    Csrf,
}

impl Forbidden {
    fn code(self) -> &'static str {
        match self {
            Self::Role => "forbidden",
            Self::OwnPost => "own_post",
            Self::Csrf => "csrf",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read (bad JSON, wrong content type).
    #[error("{0}")]
    Malformed(String),
    /// 401: no credentials, or ones Herald does not know.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 401 `invalid_credentials`: a sign-in with an unknown e-mail or a wrong password
    /// (the same answer for both).
    #[error("the e-mail address or the password is not right")]
    InvalidCredentials,
    /// 403: the role is too low, or a rule forbids it.
    #[error("{message}")]
    Forbidden { why: Forbidden, message: String },
    /// 404: unknown, or belonging to another workspace (never says which).
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not.
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    /// 409: the client's `version` is stale.
    #[error("the post was changed meanwhile; reload it (now at version {current})")]
    VersionConflict { current: i64 },
    /// 409: the action is not allowed from the post's current status.
    #[error("{0}")]
    InvalidTransition(String),
    /// 409: a uniqueness or consistency rule; the message is safe to show.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 410: a single-use thing already used, expired or withdrawn (`invitation_gone`).
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    /// 413: the body is larger than the limit.
    #[error("request body too large")]
    TooLarge,
    /// 413 `quota_exceeded`: the upload would take the workspace's media past its quota.
    #[error("this workspace's media would pass its quota of {} MiB", .quota_bytes >> 20)]
    QuotaExceeded { quota_bytes: u64 },
    /// 416 `range_not_satisfiable`: the byte range asked for starts past the end.
    #[error("the range asked for is outside the file ({len} bytes)")]
    RangeNotSatisfiable { len: u64 },
    /// 415: an upload of a type Herald does not take; the message lists those it does.
    #[error("this kind of file cannot be attached; use {0}")]
    UnsupportedMedia(String),
    /// 422: a field is invalid; the details name it.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// 422 with its own code: a request that is well-formed but cannot be carried out
    /// as asked (`x_credentials_required`, `platform_not_linked`, `network_cap`).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String, details: Value },
    /// 429: too many requests; `retry_after` is when the next one may succeed.
    #[error("too many requests; slow down")]
    RateLimited { retry_after: Duration },
    /// 502: Ayrshare failed (a 5xx, a timeout, no answer); 422 `upstream_refused` when it
    /// refused the request itself (a 4xx other than 429: an unknown profile, a missing
    /// X credential), which retrying cannot fix; 429 when it rate-limited us.
    #[error("Ayrshare did not accept the request")]
    Upstream(#[from] ayrshare::Error),
    /// 503: a dependency (the database, the shared cache) is unavailable.
    #[error("service temporarily unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// 500: a bug or an unexpected failure; the detail is logged, not sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldError::new(field, message))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden { why: Forbidden::Role, message: message.into() }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }

    /// 409 `last_admin`: the change would leave a workspace without an admin.
    pub fn last_admin() -> Self {
        Self::conflict(
            "last_admin",
            "A workspace keeps at least one admin; make someone else admin first.",
        )
    }

    /// 410 `invitation_gone`: the invitation was used, withdrawn or has expired.
    pub fn invitation_gone() -> Self {
        Self::Gone {
            code: "invitation_gone",
            message:
                "This invitation was already used, withdrawn or has expired; ask for a new one."
                    .into(),
        }
    }

    /// 422 with its own code and details.
    pub fn unprocessable(code: &'static str, message: impl Into<String>, details: Value) -> Self {
        Self::Unprocessable { code, message: message.into(), details }
    }

    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(e.into())
    }

    pub fn unavailable(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Unavailable(e.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::VersionConflict { .. } | Self::InvalidTransition(_) | Self::Conflict { .. } => {
                StatusCode::CONFLICT
            }
            Self::Gone { .. } => StatusCode::GONE,
            Self::TooLarge | Self::QuotaExceeded { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) | Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Upstream(e) => match e.status() {
                Some(429) => StatusCode::TOO_MANY_REQUESTS,
                Some(s) if (400..500).contains(&s) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::BAD_GATEWAY,
            },
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed_request",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden { why, .. } => why.code(),
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::VersionConflict { .. } => "version_conflict",
            Self::InvalidTransition(_) => "invalid_transition",
            Self::Conflict { code, .. } | Self::Gone { code, .. } => code,
            Self::Unprocessable { code, .. } => code,
            Self::TooLarge => "payload_too_large",
            Self::QuotaExceeded { .. } => "quota_exceeded",
            Self::RangeNotSatisfiable { .. } => "range_not_satisfiable",
            Self::UnsupportedMedia(_) => "unsupported_media_type",
            Self::Invalid(_) => "invalid_field",
            Self::RateLimited { .. } => "rate_limited",
            Self::Upstream(e) => match e.status() {
                Some(429) => "rate_limited",
                Some(s) if (400..500).contains(&s) => "upstream_refused",
                _ => "upstream_error",
            },
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::Invalid(f) => json!({ "field": f.field }),
            Self::VersionConflict { current } => json!({ "current_version": current }),
            Self::Unprocessable { details, .. } => details.clone(),
            Self::QuotaExceeded { quota_bytes } => json!({ "quota_bytes": quota_bytes }),
            Self::RangeNotSatisfiable { len } => json!({ "bytes": len }),
            _ => json!({}),
        }
    }

    /// The message sent to the client: never internal detail for 5xx.
    fn public_message(&self) -> String {
        match self {
            Self::Upstream(ayrshare::Error::Api { status, message, .. })
                if (400..500).contains(status) && *status != 429 =>
            {
                format!("Ayrshare refused this: {message}")
            }
            Self::Upstream(_) => "Ayrshare did not accept the request; try again later".into(),
            Self::Unavailable(_) => "a dependency is unavailable; try again shortly".into(),
            _ => self.to_string(),
        }
    }

    /// Seconds a client should wait before retrying, for 429 and 503.
    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } => {
                Some((retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1))
            }
            Self::Unavailable(_) => Some(1),
            Self::Upstream(e) if e.is_rate_limited() => Some(30),
            _ => None,
        }
    }

    /// Logs a server-side failure once, with its cause chain.
    fn log(&self) {
        let chain = || {
            let mut out = self.to_string();
            let mut source = std::error::Error::source(self);
            while let Some(s) = source {
                out.push_str(": ");
                out.push_str(&s.to_string());
                source = s.source();
            }
            out
        };
        match self {
            Self::Internal(_) => tracing::error!(error = %chain(), "internal error"),
            Self::Upstream(_) | Self::Unavailable(_) => {
                tracing::warn!(code = self.code(), error = %chain(), "dependency failure")
            }
            _ => {}
        }
    }
}

/// A duplicate answers 409 without naming the constraint (callers that know which one
/// it is say so); an unavailable database 503 with the cause chain as the logged detail;
/// anything else 500, keeping the error and its sources for the log.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict { current } => Self::VersionConflict { current },
            StoreError::NotFound => Self::NotFound,
            StoreError::Duplicate { .. } => Self::conflict("conflict", "it already exists"),
            StoreError::LastAdmin => Self::last_admin(),
            StoreError::Gone => Self::invitation_gone(),
            StoreError::Invalid { field, message } => Self::invalid(field, message),
            e @ StoreError::Unavailable(_) => Self::unavailable(e),
            e => Self::internal(e),
        }
    }
}

/// A store error shared by every reader of one cache fill.
impl From<std::sync::Arc<StoreError>> for AppError {
    fn from(e: std::sync::Arc<StoreError>) -> Self {
        match std::sync::Arc::try_unwrap(e) {
            Ok(owned) => owned.into(),
            Err(shared) => match &*shared {
                StoreError::VersionConflict { current } => {
                    Self::VersionConflict { current: *current }
                }
                StoreError::NotFound => Self::NotFound,
                StoreError::LastAdmin => Self::last_admin(),
                StoreError::Gone => Self::invitation_gone(),
                StoreError::Unavailable(_) => Self::unavailable(shared),
                _ => Self::internal(shared),
            },
        }
    }
}

/// A spent budget asks the client to come back when a call frees (429 with
/// `Retry-After`); Ayrshare's own failures are 502.
impl From<crate::coherence::gateway::GatewayError> for AppError {
    fn from(e: crate::coherence::gateway::GatewayError) -> Self {
        match e {
            crate::coherence::gateway::GatewayError::Budget(retry_after) => {
                Self::RateLimited { retry_after }
            }
            crate::coherence::gateway::GatewayError::Ayrshare(e) => Self::Upstream(e),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let body = json!({
            "error": { "code": self.code(), "message": self.public_message(), "details": self.details() }
        });
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after() {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_answers_with_the_api_body_and_no_internal_detail() {
        let secret_detail = std::io::Error::other("password=hunter2 at db.internal");
        let cases = [
            (AppError::internal(secret_detail), 500, "internal"),
            (AppError::unavailable(std::io::Error::other("db.internal down")), 503, "unavailable"),
            (AppError::MethodNotAllowed, 405, "method_not_allowed"),
            (
                AppError::RateLimited { retry_after: Duration::from_millis(1500) },
                429,
                "rate_limited",
            ),
        ];
        for (error, status, code) in cases {
            let res = error.into_response();
            assert_eq!(res.status().as_u16(), status);
            let retry = res.headers().get(RETRY_AFTER).map(|v| v.to_str().unwrap_or("").to_owned());
            let bytes = futures::executor::block_on(axum::body::to_bytes(res.into_body(), 1 << 16));
            let body: Value = serde_json::from_slice(&bytes.expect("body")).expect("json");
            assert_eq!(body["error"]["code"], code);
            assert!(!body.to_string().contains("db.internal"), "detail leaked: {body}");
            if status == 429 {
                assert_eq!(retry.as_deref(), Some("2"), "rounded up to whole seconds");
            }
        }
    }
}
