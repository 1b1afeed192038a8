//! Fetching a feed people typed in, without letting it reach Herald's own network
//! (SSRF): the address rules and the resolver are outgoing webhooks'
//! ([`crate::services::webhooks_out::guard`]) — only `http`/`https`; a name is resolved and every
//! address it resolves to checked, and the connection goes to those checked addresses
//! (the client resolves through the guard, so a name re-pointed later is caught at the
//! fetch); a literal address is checked before the request and at every redirect.
//! `HERALD_FEEDS_ALLOW_PRIVATE=true` lifts the address rule.
//!
//! Bounds: connect 5 s, the whole fetch 15 s, at most 5 redirects, and the body read as a
//! stream and refused past the cap (never held whole beyond it).

use crate::coherence::error::{AppError, AppResult};
use crate::services::webhooks_out::guard::Guard;
use futures::StreamExt;
use std::time::Duration;
use url::Url;

/// Fetches feeds under the rules of the module docs.
#[derive(Clone)]
pub struct Fetcher {
    guard: Guard,
    client: reqwest::Client,
    max_bytes: usize,
}

/// Why a fetch gave no document (kept as the feed's `last_error`).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Refused(String),
    #[error("the request failed: {0}")]
    Request(String),
    #[error("the server answered {0}")]
    Status(u16),
    #[error("the feed is larger than {0} bytes")]
    TooLarge(usize),
}

impl Fetcher {
    pub fn new(allow_private: bool, max_bytes: usize) -> anyhow::Result<Self> {
        let guard = Guard { allow_private };
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(redirects(guard))
            .user_agent(concat!("Herald-Feeds/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(std::sync::Arc::new(guard))
            .build()?;
        Ok(Self { guard, client, max_bytes })
    }

    /// Checks a feed URL as typed: 422 `url_not_allowed` for a refused address.
    pub async fn check(&self, raw: &str) -> AppResult<Url> {
        self.guard.check(raw).await.map_err(|e| match e {
            AppError::Unprocessable { code: "url_not_allowed", message, details } => {
                let message = message.replace("webhook URL", "feed URL");
                AppError::Unprocessable { code: "url_not_allowed", message, details }
            }
            other => other,
        })
    }

    /// The feed's bytes, at most the cap.
    pub async fn fetch(&self, raw: &str) -> Result<Vec<u8>, FetchError> {
        let url = Url::parse(raw).map_err(|e| FetchError::Refused(e.to_string()))?;
        self.guard.check_literal(&url).map_err(|_| refused_literal(&url))?;
        let answer = self.client.get(url).send().await.map_err(request_error)?;
        if !answer.status().is_success() {
            return Err(FetchError::Status(answer.status().as_u16()));
        }
        if answer.content_length().is_some_and(|n| n > self.max_bytes as u64) {
            return Err(FetchError::TooLarge(self.max_bytes));
        }
        let mut body = Vec::new();
        let mut stream = answer.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(request_error)?;
            if body.len() + chunk.len() > self.max_bytes {
                return Err(FetchError::TooLarge(self.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn refused_literal(url: &Url) -> FetchError {
    let host = url.host_str().unwrap_or_default();
    FetchError::Refused(format!("url_not_allowed: {host} is a private address"))
}

/// The whole chain of causes, where the resolver's refusal is said.
fn request_error(e: reqwest::Error) -> FetchError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    FetchError::Request(text)
}

/// At most 5 redirects, each to an allowed literal address (names are checked by the
/// resolver when connecting).
fn redirects(guard: Guard) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            return attempt.error("more than 5 redirects");
        }
        match guard.check_literal(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(_) => attempt.error("url_not_allowed: a redirect to a private address"),
        }
    })
}
