//! What every `/api` call goes through before its handler, unknown routes and wrong
//! methods included (as at Ayrshare), in this order: count it in the stats, sleep the
//! configured latency, check the API key (401), roll for a simulated 500, resolve the
//! profile (403 for an unknown key unless lenient) and take a rate-limit slot (429).
//! Every answer gets the `x-ratelimit-max` / `x-ratelimit-count` headers, and its
//! status is counted.

use axum::extract::{MatchedPath, OriginalUri, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use tokio::time::Instant;

use crate::config::SimConfig;
use crate::errors::ApiError;
use crate::profile::ProfileView;
use crate::store::{Admission, Refusal, PRIMARY_STATS_KEY};
use crate::xcreds::XAuth;
use crate::Simulator;

/// The request header selecting a user profile.
pub const PROFILE_KEY_HEADER: &str = "Profile-Key";

/// What a handler knows about the caller, put in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Internal id of the profile acted on.
    pub(crate) profile: String,
    pub(crate) view: ProfileView,
    /// The caller sent a Profile-Key: `POST /post` answers are wrapped in `posts`.
    pub(crate) wrapped: bool,
    /// The X credential headers the call carried.
    pub(crate) x: XAuth,
    /// The simulator was lenient when the call arrived.
    pub(crate) lenient: bool,
}

impl Caller {
    /// For a call that touches X: `Ok` with both X credential headers (or when
    /// lenient), else the 419 / 400 answer.
    pub(crate) fn require_x(&self) -> Result<(), ApiError> {
        if self.lenient {
            return Ok(());
        }
        self.x.require()
    }
}

/// The Profile-Key header, if present and not blank.
fn profile_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(PROFILE_KEY_HEADER)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Whether the Authorization header carries an acceptable bearer key.
fn authorized(headers: &HeaderMap, config: &SimConfig) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let key = parts.next().unwrap_or_default().trim();
    if !scheme.eq_ignore_ascii_case("bearer") || key.is_empty() {
        return false;
    }
    config.api_key.as_deref().is_none_or(|expected| expected == key)
}

/// Rolls for a simulated internal error.
fn simulated_failure(rate: f64) -> bool {
    rate > 0.0 && rand::thread_rng().gen_bool(rate.clamp(0.0, 1.0))
}

fn with_rate_headers(mut response: Response, max: u32, count: usize) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-max", HeaderValue::from(max));
    headers.insert("x-ratelimit-count", HeaderValue::from(count));
    response
}

/// The stats key of a request: `METHOD /path-template`, or the raw path when no
/// route matched.
fn route_key(request: &Request) -> String {
    match request.extensions().get::<MatchedPath>() {
        Some(path) => format!("{} {}", request.method(), path.as_str()),
        None => {
            let uri = request.extensions().get::<OriginalUri>().map_or(request.uri(), |o| &o.0);
            format!("{} {}", request.method(), uri.path())
        }
    }
}

/// The `/api` middleware (a layer over every `/api` path, fallbacks included).
pub(crate) async fn gate(State(sim): State<Simulator>, request: Request, next: Next) -> Response {
    let route = route_key(&request);
    let header_key = profile_key(request.headers());
    let stats_key = header_key.as_deref().unwrap_or(PRIMARY_STATS_KEY).to_owned();
    sim.shared.with_store(|store| store.count(&route, &stats_key));
    sim.ensure_background();
    let response = admit_and_run(&sim, header_key, request, next).await;
    let status = response.status().as_u16();
    sim.shared.with_store(|store| store.count_status(&route, status));
    response
}

/// Everything after the counting: latency, auth, simulated errors, profile, rate limit.
async fn admit_and_run(
    sim: &Simulator,
    header_key: Option<String>,
    mut request: Request,
    next: Next,
) -> Response {
    let shared = &sim.shared;
    let config = shared.config();
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    let (max, window) = (config.rate_limit.max, config.rate_limit.window);
    let current =
        || shared.with_store(|s| s.window_count(header_key.as_deref(), window, Instant::now()));
    if !authorized(request.headers(), &config) {
        return with_rate_headers(ApiError::unauthorized().into_response(), max, current());
    }
    if simulated_failure(config.error_rate) {
        return with_rate_headers(ApiError::simulated().into_response(), max, current());
    }
    let refuse_unknown = config.refuses_unknown_profiles();
    let admitted = shared.with_store(|store| {
        store.admit(header_key.as_deref(), refuse_unknown, (max, window), Instant::now())
    });
    let Admission { profile, view, count } = match admitted {
        Ok(admission) => admission,
        Err(Refusal::UnknownProfile) => {
            return with_rate_headers(ApiError::profile_key_invalid().into_response(), max, 0);
        }
        Err(Refusal::RateLimited(count)) => {
            return with_rate_headers(ApiError::rate_limited().into_response(), max, count);
        }
    };
    let x = XAuth::from_headers(request.headers());
    let caller =
        Caller { profile, view, wrapped: header_key.is_some(), x, lenient: config.lenient };
    request.extensions_mut().insert(caller);
    with_rate_headers(next.run(request).await, max, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).expect("valid header"));
        headers
    }

    #[test]
    fn any_bearer_is_accepted_without_a_configured_key() {
        let config = SimConfig::default();
        assert!(authorized(&headers("Bearer abc"), &config));
        assert!(authorized(&headers("bearer   abc"), &config));
        assert!(!authorized(&headers("Bearer "), &config));
        assert!(!authorized(&headers("Basic abc"), &config));
        assert!(!authorized(&HeaderMap::new(), &config));
    }

    #[test]
    fn a_configured_key_must_match() {
        let config = SimConfig { api_key: Some("KEY".into()), ..SimConfig::default() };
        assert!(authorized(&headers("Bearer KEY"), &config));
        assert!(!authorized(&headers("Bearer other"), &config));
    }
}
