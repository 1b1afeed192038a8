//! The client's error type and the questions callers ask of it
//! (retry? rate limited? idempotency key reused?).
//!
//! No variant ever carries the API key or a profile key: messages taken from
//! response bodies are scrubbed by the client before they land here.

use crate::types::RateLimit;

/// Error code treated as "idempotency key already used".
///
/// Ayrshare does not document the real code (research note §8.3). This value
/// matches the one the `ayrshare-sim` simulator answers with; real-API reuse is
/// still caught by [`Error::is_idempotency_reused`]'s message check.
pub const IDEMPOTENCY_REUSED_CODE: i64 = 409;

/// Everything that can go wrong talking to Ayrshare.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Ayrshare answered with an error: a non-2xx status, or a body with
    /// `status: "error"` that carries no usable post record.
    #[error("Ayrshare API error (HTTP {status}{}): {message}", fmt_code(*.code))]
    Api {
        /// HTTP status.
        status: u16,
        /// Ayrshare error code (top-level `code`, else the first nested one).
        code: Option<i64>,
        /// Message(s) from the body, joined; never contains a key.
        message: String,
        /// Rate-limit headers of the failing answer.
        rate_limit: RateLimit,
    },
    /// The request did not finish within the client's timeout.
    #[error("request to Ayrshare timed out")]
    Timeout,
    /// Connection, TLS or I/O failure before an answer was read.
    #[error("transport error talking to Ayrshare: {0}")]
    Transport(String),
    /// A 2xx answer whose body could not be understood.
    #[error("could not decode Ayrshare answer (HTTP {status}): {message}")]
    Decode {
        /// HTTP status.
        status: u16,
        /// What was wrong with the body.
        message: String,
    },
    /// Bad constructor argument or header value.
    #[error("invalid Ayrshare client configuration: {0}")]
    InvalidConfig(String),
}

fn fmt_code(code: Option<i64>) -> String {
    code.map(|c| format!(", code {c}")).unwrap_or_default()
}

impl Error {
    /// Worth retrying later: 429, 5xx, 408, timeouts and transport failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status == 429 || *status == 408 || *status >= 500,
            Error::Timeout | Error::Transport(_) => true,
            Error::Decode { .. } | Error::InvalidConfig(_) => false,
        }
    }

    /// Ayrshare's rate limit was hit (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api { status: 429, .. })
    }

    /// The post was refused because its `idempotencyKey` was already used.
    ///
    /// True for an API error whose code is [`IDEMPOTENCY_REUSED_CODE`] or whose
    /// message mentions "idempotency" (any case), since the real code is unknown.
    pub fn is_idempotency_reused(&self) -> bool {
        match self {
            Error::Api { code, message, .. } => {
                *code == Some(IDEMPOTENCY_REUSED_CODE)
                    || message.to_ascii_lowercase().contains("idempotency")
            }
            _ => false,
        }
    }

    /// HTTP status, when an answer was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Ayrshare error code, when the body carried one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => *code,
            _ => None,
        }
    }

    /// Rate-limit headers of the failing answer, for API errors.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        match self {
            Error::Api { rate_limit, .. } => Some(*rate_limit),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: Option<i64>, message: &str) -> Error {
        Error::Api { status, code, message: message.into(), rate_limit: RateLimit::default() }
    }

    #[test]
    fn retryable_classification() {
        assert!(api(429, None, "").is_retryable());
        assert!(api(503, None, "").is_retryable());
        assert!(api(408, None, "").is_retryable());
        assert!(!api(400, Some(110), "").is_retryable());
        assert!(!api(401, Some(102), "").is_retryable());
        assert!(Error::Timeout.is_retryable());
        assert!(Error::Transport("refused".into()).is_retryable());
        assert!(!Error::Decode { status: 200, message: "x".into() }.is_retryable());
    }

    #[test]
    fn rate_limited_only_for_429() {
        assert!(api(429, None, "").is_rate_limited());
        assert!(!api(500, None, "").is_rate_limited());
        assert!(!Error::Timeout.is_rate_limited());
    }

    #[test]
    fn idempotency_by_code_or_message() {
        assert!(api(400, Some(IDEMPOTENCY_REUSED_CODE), "nope").is_idempotency_reused());
        assert!(api(400, None, "Idempotency key already used").is_idempotency_reused());
        assert!(!api(400, Some(137), "duplicate post").is_idempotency_reused());
        assert!(!Error::Timeout.is_idempotency_reused());
    }

    #[test]
    fn display_includes_code_when_present() {
        assert_eq!(
            api(400, Some(110), "dup").to_string(),
            "Ayrshare API error (HTTP 400, code 110): dup"
        );
        assert_eq!(api(502, None, "bad").to_string(), "Ayrshare API error (HTTP 502): bad");
    }
}
