//! The one error type of the service and its HTTP form:
//! `{"error": {"code": "snake_case", "message": "...", "details": {...}}}`.
//!
//! Internal detail (database messages, upstream bodies) is logged once, where the
//! response is built, and never sent: clients get a code and a safe message.

use crate::domain::validate::FieldError;
use crate::store::StoreError;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read (bad JSON, wrong content type).
    #[error("{0}")]
    Malformed(String),
    /// 401: no token, or one Herald does not know.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 403: the token's role is too low, or the rule forbids it (own post approval).
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// 404: unknown, or belonging to another workspace (never says which).
    #[error("not found")]
    NotFound,
    /// 409: the client's `version` is stale.
    #[error("the post was changed meanwhile; reload it (now at version {current})")]
    VersionConflict { current: i64 },
    /// 409: the action is not allowed from the post's current status.
    #[error("{0}")]
    InvalidTransition(String),
    /// 409: a uniqueness rule (e.g. workspace name).
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is larger than the limit.
    #[error("request body too large")]
    TooLarge,
    /// 422: a field is invalid; the details name it.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// 429: too many requests.
    #[error("too many requests; slow down")]
    RateLimited,
    /// 502: Ayrshare failed.
    #[error("Ayrshare failed: {0}")]
    Upstream(String),
    /// 503: a dependency (the database) is unavailable.
    #[error("service temporarily unavailable")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; the detail is logged, not sent.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldError::new(field, message))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden { code: "forbidden", message: message.into() }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::VersionConflict { .. } | Self::InvalidTransition(_) | Self::Conflict(_) => {
                StatusCode::CONFLICT
            }
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden { code, .. } => code,
            Self::NotFound => "not_found",
            Self::VersionConflict { .. } => "version_conflict",
            Self::InvalidTransition(_) => "invalid_transition",
            Self::Conflict(_) => "conflict",
            Self::TooLarge => "payload_too_large",
            Self::Invalid(_) => "invalid_field",
            Self::RateLimited => "rate_limited",
            Self::Upstream(_) => "upstream_error",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::Invalid(f) => json!({ "field": f.field }),
            Self::VersionConflict { current } => json!({ "current_version": current }),
            _ => json!({}),
        }
    }

    /// The message sent to the client: never internal detail for 5xx.
    fn public_message(&self) -> String {
        match self {
            Self::Upstream(_) => "Ayrshare did not accept the request; try again later".into(),
            Self::Unavailable(_) => "a dependency is unavailable; try again shortly".into(),
            _ => self.to_string(),
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
            StoreError::Duplicate { .. } => Self::Conflict("it already exists".into()),
            e @ StoreError::Unavailable(_) => {
                Self::Unavailable(format!("{:#}", anyhow::Error::new(e)))
            }
            e @ (StoreError::Corrupt(_) | StoreError::Other(_)) => {
                Self::Internal(anyhow::Error::new(e))
            }
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
        let status = self.status();
        match &self {
            Self::Internal(e) => tracing::error!(error = ?e, "internal error"),
            Self::Upstream(d) | Self::Unavailable(d) => {
                tracing::warn!(code = self.code(), detail = %d, "dependency failure")
            }
            _ => {}
        }
        let body = json!({
            "error": { "code": self.code(), "message": self.public_message(), "details": self.details() }
        });
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
            response.headers_mut().insert("retry-after", HeaderValue::from_static("1"));
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
