//! Request plumbing shared by every endpoint: headers, sending, reading the
//! answer, rate-limit headers, mapping transport failures and decoder failures
//! to [`Error`], and scrubbing keys out of server-echoed messages.

use std::time::Instant;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::client::Client;
use crate::credentials::{Profile, X_API_KEY_HEADER, X_API_SECRET_HEADER};
use crate::decode::{self, Failure};
use crate::error::Error;
use crate::redact;
use crate::types::{RateLimit, Reply};

/// Most bytes of a non-JSON body quoted in an error message.
const SNIPPET_LEN: usize = 200;

/// A response before endpoint-specific decoding.
pub(crate) struct Raw {
    status: u16,
    rate_limit: RateLimit,
    /// Parsed body; `Null` for an empty body, `None` when it was not JSON.
    json: Option<Value>,
    /// Start of the body text, for errors about non-JSON bodies.
    snippet: String,
}

impl Raw {
    /// An answer as read off the wire: the body parsed as JSON (`Null` when blank).
    pub(crate) fn new(status: u16, rate_limit: RateLimit, bytes: &[u8]) -> Raw {
        let json = if bytes.iter().all(u8::is_ascii_whitespace) {
            Some(Value::Null)
        } else {
            serde_json::from_slice(bytes).ok()
        };
        let snippet = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIPPET_LEN)]).into_owned();
        Raw { status, rate_limit, json, snippet }
    }
}

impl Client {
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Sends one request and reads the whole answer.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: Url,
        who: Profile<'_>,
        body: Option<Vec<u8>>,
    ) -> Result<Raw, Error> {
        let profile = redact::profile(who.key);
        let path = url.path().to_owned();
        tracing::debug!(%method, %path, %profile, "ayrshare request");
        let started = Instant::now();
        let mut req = self
            .inner
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, self.inner.auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json");
        if !who.key.is_empty() {
            req = req.header("Profile-Key", sensitive(who.key, "profile key")?);
        }
        if let Some(x) = who.x {
            req = req
                .header(X_API_KEY_HEADER, sensitive(x.api_key.expose(), "X API key")?)
                .header(X_API_SECRET_HEADER, sensitive(x.api_secret.expose(), "X API secret")?);
        }
        if let Some(body) = body {
            req = req.body(body);
        }
        let result = async {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let rate_limit = rate_limit(resp.headers());
            let bytes = resp.bytes().await?;
            Ok::<_, reqwest::Error>((status, rate_limit, bytes))
        }
        .await;
        self.observe(&method, &path, result.as_ref().ok().map(|r| r.0), started.elapsed());
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (status, rate_limit, bytes) = result.map_err(|e| {
            let err = transport_error(&e);
            tracing::debug!(%method, %path, %profile, elapsed_ms, error = %err, "ayrshare request failed");
            err
        })?;
        tracing::debug!(%method, %path, %profile, status, elapsed_ms, "ayrshare response");
        Ok(Raw::new(status, rate_limit, &bytes))
    }

    fn observe(
        &self,
        method: &Method,
        path: &str,
        status: Option<u16>,
        elapsed: std::time::Duration,
    ) {
        let Some(observer) = &self.inner.observer else { return };
        let base = self.inner.base.path().trim_end_matches('/');
        let below = path.strip_prefix(base).unwrap_or(path);
        let endpoint: Vec<&str> = below
            .split('/')
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(i, s)| if i == 0 || matches!(s, "retry" | "profile") { s } else { "{id}" })
            .collect();
        observer(&crate::client::CallRecord {
            method: method.to_string(),
            endpoint: format!("/{}", endpoint.join("/")),
            status,
            elapsed,
        });
    }

    /// Runs an endpoint decoder and maps its failure to [`Error`].
    pub(crate) fn finish<T>(
        &self,
        raw: Raw,
        who: Profile<'_>,
        decode: impl FnOnce(u16, &Value) -> Result<T, Failure>,
    ) -> Result<Reply<T>, Error> {
        let Raw { status, rate_limit, json, snippet } = raw;
        if (300..400).contains(&status) {
            let message = format!("redirect (HTTP {status}) refused: redirects are never followed");
            return Err(Error::Api { status, code: None, message, rate_limit });
        }
        let [key, x_key, x_secret] = who.secrets();
        let scrub = |text: &str| redact::scrub(text, &[&self.inner.api_key, key, x_key, x_secret]);
        let Some(json) = json else {
            let snippet = scrub(snippet.trim());
            return Err(if decode::is_success(status) {
                Error::Decode { status, message: format!("body is not JSON: {snippet}") }
            } else {
                Error::Api {
                    status,
                    code: None,
                    message: format!("non-JSON body: {snippet}"),
                    rate_limit,
                }
            });
        };
        match decode(status, &json) {
            Ok(body) => Ok(Reply { body, status, rate_limit }),
            Err(Failure::Api { code, message }) => {
                let message =
                    if message.is_empty() { format!("HTTP {status}") } else { scrub(&message) };
                Err(Error::Api { status, code, message, rate_limit })
            }
            Err(Failure::Decode(message)) => {
                Err(Error::Decode { status, message: scrub(&message) })
            }
        }
    }
}

/// A header value marked sensitive (never logged by reqwest/hyper).
fn sensitive(value: &str, what: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidConfig(format!("{what} is not a valid header value")))?;
    header.set_sensitive(true);
    Ok(header)
}

pub(crate) fn to_body<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value)
        .map_err(|e| Error::InvalidConfig(format!("cannot encode request body: {e}")))
}

/// Maps a reqwest failure: timeouts to [`Error::Timeout`], the rest to
/// [`Error::Transport`] with the cause chain (URLs only; keys travel in headers).
fn transport_error(e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        return Error::Timeout;
    }
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Transport(message)
}

/// Reads the four rate-limit headers; unparsable values are ignored.
pub(crate) fn rate_limit(headers: &HeaderMap) -> RateLimit {
    let num = |name: &str| -> Option<u64> {
        let text = headers.get(name)?.to_str().ok()?.trim();
        text.parse::<u64>().ok().or_else(|| {
            let f = text.parse::<f64>().ok()?;
            (f.is_finite() && f >= 0.0).then_some(f as u64)
        })
    };
    let small = |name: &str| num(name).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    RateLimit {
        max: small("x-ratelimit-max"),
        count: small("x-ratelimit-count"),
        remaining: small("x-ratelimit-remaining"),
        reset_ms: num("x-ratelimit-reset"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_headers_old_and_new() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-max", HeaderValue::from_static("300"));
        h.insert("x-ratelimit-count", HeaderValue::from_static(" 12 "));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("288"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("59000.0"));
        let rl = rate_limit(&h);
        assert_eq!(
            rl,
            RateLimit {
                max: Some(300),
                count: Some(12),
                remaining: Some(288),
                reset_ms: Some(59000)
            }
        );
        h.insert("x-ratelimit-max", HeaderValue::from_static("lots"));
        assert_eq!(rate_limit(&h).max, None);
        assert_eq!(rate_limit(&HeaderMap::new()), RateLimit::default());
    }
}
