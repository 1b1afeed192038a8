//! The X (Twitter) credentials a call carries (research note §2): since 31 March 2026
//! every call that touches X needs `X-Twitter-OAuth1-Api-Key` and
//! `X-Twitter-OAuth1-Api-Secret`. The simulator cannot check them against X, so any
//! non-empty pair is accepted.

use axum::http::HeaderMap;
use ayrshare::{X_API_KEY_HEADER, X_API_SECRET_HEADER};

use crate::errors::ApiError;

/// Which of the two X credential headers a call sent (non-blank values only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XAuth {
    Both,
    Neither,
    KeyOnly,
    SecretOnly,
}

impl XAuth {
    /// Reads the two headers.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let present = |name: &str| {
            headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| !v.trim().is_empty())
        };
        match (present(X_API_KEY_HEADER), present(X_API_SECRET_HEADER)) {
            (true, true) => XAuth::Both,
            (false, false) => XAuth::Neither,
            (true, false) => XAuth::KeyOnly,
            (false, true) => XAuth::SecretOnly,
        }
    }

    /// `Ok` with both headers; else code 419 (neither) or 400 naming the missing one.
    pub(crate) fn require(self) -> Result<(), ApiError> {
        match self {
            XAuth::Both => Ok(()),
            XAuth::Neither => Err(ApiError::x_credentials_required()),
            XAuth::KeyOnly => Err(ApiError::x_credential_missing(X_API_SECRET_HEADER)),
            XAuth::SecretOnly => Err(ApiError::x_credential_missing(X_API_KEY_HEADER)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn blank_headers_count_as_missing_and_one_is_named() {
        let mut headers = HeaderMap::new();
        assert_eq!(XAuth::from_headers(&headers), XAuth::Neither);
        headers.insert(X_API_KEY_HEADER, HeaderValue::from_static("k"));
        headers.insert(X_API_SECRET_HEADER, HeaderValue::from_static("  "));
        assert_eq!(XAuth::from_headers(&headers), XAuth::KeyOnly);
        let error = XAuth::KeyOnly.require().expect_err("one header is not enough");
        assert!(error.body["message"].as_str().is_some_and(|m| m.contains(X_API_SECRET_HEADER)));
        assert_eq!(XAuth::Neither.require().expect_err("none").body["code"], 419);
        assert!(XAuth::Both.require().is_ok());
    }
}
