//! The [`Client`] handle: construction, validation of its configuration and
//! its redacting `Debug`. Endpoint methods live in `endpoints.rs`, the request
//! plumbing in `transport.rs`.
//!
//! Redirects are never followed: a 3xx answer is an [`Error::Api`].
//!
//! Every call sends `Authorization: Bearer <key>` and
//! `Content-Type: application/json`, plus `Profile-Key` when the profile key
//! is non-empty (empty means the primary profile). Keys never appear in
//! errors or logs; logs show a profile key as its first 8 characters + `...`.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;

use crate::error::Error;
use crate::redact;

/// A cheap-to-clone Ayrshare client bound to one base URL and API key.
///
/// A clone shares everything with the original (one reference count, as mini-redis's
/// `Db { shared: Arc<Shared> }`), so hand clones to every task and handler freely.
///
/// Every endpoint method fails with [`Error::Api`] when Ayrshare reports an
/// error, [`Error::Timeout`] / [`Error::Transport`] when no answer arrives,
/// [`Error::Decode`] for a 2xx body of an unknown shape, and
/// [`Error::InvalidConfig`] for a profile key that cannot be a header value.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// What every clone of a [`Client`] shares. `Clone` only so that
/// [`Client::with_observer`] can copy it when the handle was already cloned.
#[derive(Clone)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// Base URL without trailing slash, e.g. `https://api.ayrshare.com/api`.
    pub(crate) base: Url,
    pub(crate) base_str: String,
    /// Kept only to scrub it from server-echoed messages and for `Debug`'s prefix.
    pub(crate) api_key: String,
    /// `Bearer <key>`, marked sensitive so reqwest never logs it.
    pub(crate) auth: HeaderValue,
    /// Told about every call (for metrics), if set.
    pub(crate) observer: Option<Observer>,
}

/// What an [`Observer`] learns of one call: never a key, only the route and outcome.
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub method: String,
    /// The path below the base URL with ids replaced: `/history`, `/history/{id}`, `/post/retry`.
    pub endpoint: String,
    /// The HTTP status, or `None` when no answer arrived (timeout, connection error).
    pub status: Option<u16>,
    pub elapsed: Duration,
}

/// A callback run after every call.
pub type Observer = Arc<dyn Fn(&CallRecord) + Send + Sync>;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &&*self.inner.base_str)
            .field("api_key", &redact::prefix(&self.inner.api_key, 4))
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client. `base_url` is like `https://api.ayrshare.com/api`
    /// (a trailing slash is tolerated); `timeout` bounds each whole request.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a malformed or non-http(s) base URL, an
    /// empty or non-header-safe API key, or a zero timeout.
    pub fn new(base_url: &str, api_key: &str, timeout: Duration) -> Result<Client, Error> {
        let trimmed = base_url.trim().trim_end_matches('/');
        let base = Url::parse(trimmed)
            .map_err(|e| Error::InvalidConfig(format!("base URL {trimmed:?} is invalid: {e}")))?;
        if !matches!(base.scheme(), "http" | "https")
            || base.cannot_be_a_base()
            || base.host().is_none()
        {
            return Err(Error::InvalidConfig(format!(
                "base URL {trimmed:?} must be an http(s) URL"
            )));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(Error::InvalidConfig("base URL must not have a query or fragment".into()));
        }
        if api_key.trim().is_empty() {
            return Err(Error::InvalidConfig("API key is empty".into()));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {api_key}"))
            .map_err(|_| Error::InvalidConfig("API key is not a valid header value".into()))?;
        auth.set_sensitive(true);
        if timeout.is_zero() {
            return Err(Error::InvalidConfig("timeout must be greater than zero".into()));
        }
        // Security review L3: a redirect would carry the post (and, for a same-host
        // redirect, the keys) somewhere we did not choose; a 3xx is an error instead.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("ayrshare-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::InvalidConfig(format!("cannot build HTTP client: {e}")))?;
        let base_str = base.as_str().trim_end_matches('/').to_owned();
        let inner = Inner { http, base, base_str, api_key: api_key.into(), auth, observer: None };
        Ok(Client { inner: Arc::new(inner) })
    }

    /// The same client, reporting every call to `observer`.
    pub fn with_observer(mut self, observer: Observer) -> Self {
        Arc::make_mut(&mut self.inner).observer = Some(observer);
        self
    }

    /// The base URL, without trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_validates_and_normalises_base_url() {
        let c =
            Client::new("https://api.ayrshare.com/api/", "KEY-123456789", Duration::from_secs(5))
                .unwrap();
        assert_eq!(c.base_url(), "https://api.ayrshare.com/api");
        assert_eq!(
            c.url(&["history", "a b/c"]).as_str(),
            "https://api.ayrshare.com/api/history/a%20b%2Fc"
        );
        for (url, key, t) in [
            ("not a url", "k", 5),
            ("ftp://x/api", "k", 5),
            ("https://x/api?x=1", "k", 5),
            ("https://x/api", "", 5),
            ("https://x/api", "bad\nkey", 5),
            ("https://x/api", "k", 0),
        ] {
            let err = Client::new(url, key, Duration::from_secs(t)).unwrap_err();
            assert!(matches!(err, Error::InvalidConfig(_)), "{url} {key:?} {t}");
        }
    }

    #[test]
    fn a_clone_shares_its_state_with_the_original() {
        let c =
            Client::new("http://127.0.0.1:1/api", "KEY-123456789", Duration::from_secs(1)).unwrap();
        let clone = c.clone();
        assert!(Arc::ptr_eq(&c.inner, &clone.inner));
        let observed = clone.with_observer(Arc::new(|_: &CallRecord| {}));
        assert!(observed.inner.observer.is_some());
        assert!(c.inner.observer.is_none(), "with_observer leaves other clones alone");
    }

    #[test]
    fn debug_hides_the_api_key() {
        let c = Client::new(
            "http://127.0.0.1:1/api",
            "2MPXPKQ-S03M5LS-GR5RX5G",
            Duration::from_secs(1),
        )
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(dbg.contains("2MPX..."), "{dbg}");
        assert!(!dbg.contains("S03M5LS"), "{dbg}");
    }
}
