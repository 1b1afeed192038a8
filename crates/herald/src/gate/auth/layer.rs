//! The middleware every request passes before its handler: authenticate once — a
//! bearer token (machines) or the session cookie (people) — leaving the outcome in the
//! request's extensions for the extractors, check the CSRF header of cookie-borne writes,
//! then count the request against the rate limits keyed by that outcome (see
//! [`crate::coherence::ratelimit`]). An address with an encoded NUL (`%00`) names nothing Herald
//! has (no id or name holds one) and is 404 before any of it: PostgreSQL refuses a NUL
//! in text, so such an id must never reach a query.
//!
//! All of it, and the handler, runs inside one request-scoped version snapshot: the
//! versions of every cache tag the request will read are resolved together before
//! anything else, one Redis round trip per request ([`crate::storage::cache_keys::request_tags`],
//! [`herald_cache::Cache::scoped`]).

use super::{bearer, session, Authenticator, Principal};
use crate::coherence::error::AppError;
use crate::coherence::ratelimit::{Caller, Limits, EXEMPT_PATHS};
use crate::foundation::client_ip::{ClientIp, TrustedProxies};
use crate::foundation::secret::Secret;
use crate::storage::cache_keys::{request_tags, Credential, Profiles};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use herald_cache::{Cache, Tier};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// What authentication found for a request.
#[derive(Debug, Clone)]
pub enum Authentication {
    /// No credentials were sent (or a session cookie Herald no longer knows).
    Anonymous,
    /// Valid credentials.
    Known(Principal),
    /// A bearer token Herald does not know (or a revoked one).
    Failed,
    /// A valid session cookie on a write without the right `X-CSRF-Token`.
    Csrf,
}

/// The state of the middleware.
#[derive(Clone)]
pub struct Gate {
    pub auth: Authenticator,
    pub limits: Arc<Limits>,
    /// Whose forwarding headers name the client ([`crate::foundation::client_ip`]).
    pub trusted_proxies: TrustedProxies,
    /// The external cron's secret: valid for its one route, never a failed credential.
    pub cron_secret: Option<Secret>,
    /// Resolves each request's versions up front.
    pub cache: Cache,
    /// Which profile a workspace has, for the dashboard's upstream tag.
    pub profiles: Profiles,
}

/// Longest a request may take before it is answered 503 (event streams are answered at
/// once; their body is not bounded by this).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The path of Ayrshare's webhook deliveries, which have their own bucket.
const WEBHOOK_PATH: &str = "/api/webhooks/ayrshare";

/// The client address of `req` (the peer, or the forwarded client behind a trusted
/// proxy), which it also leaves in the request for the handlers ([`ClientIp`]).
fn client(gate: &Gate, req: &mut Request) -> Option<IpAddr> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip())?;
    let ip = gate.trusted_proxies.client(peer, req.headers());
    req.extensions_mut().insert(ClientIp(ip));
    Some(ip)
}

/// Resolves the request's versions, authenticates, then rate-limits (429 with
/// `Retry-After` when a limit is spent), then runs the handler within
/// [`REQUEST_TIMEOUT`] (one layer for all three: each layer costs a hit).
pub async fn authenticate(State(gate): State<Arc<Gate>>, req: Request, next: Next) -> Response {
    if req.uri().path().contains("%00") {
        return AppError::NotFound.into_response();
    }
    if gate.cache.tier() != (Tier::Redis { healthy: true }) {
        return gated(gate, req, next).await; // versions are read in-process: nothing to save
    }
    let headers = req.headers();
    let credential = match bearer(headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok())) {
        Some(_) => Credential::Bearer,
        None if session::from_cookies(headers).is_some() => Credential::Session,
        None => Credential::None,
    };
    let tags = request_tags(req.uri().path(), credential, &gate.profiles);
    let cache = gate.cache.clone();
    cache.scoped(&tags, gated(gate, req, next)).await
}

async fn gated(gate: Arc<Gate>, mut req: Request, next: Next) -> Response {
    let ip = client(&gate, &mut req);
    let authentication = match who(&gate, req.method(), req.headers(), ip).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    if !EXEMPT_PATHS.contains(&req.uri().path()) {
        let caller = match (&authentication, ip) {
            (Authentication::Known(p), _) => Caller::Principal(p.actor()),
            (_, Some(ip)) if req.uri().path() == WEBHOOK_PATH => Caller::Webhook(ip),
            (_, Some(ip)) => Caller::Address(ip),
            (_, None) => Caller::Unknown,
        };
        if let Err(retry_after) = gate.limits.check(&caller) {
            return AppError::RateLimited { retry_after }.into_response();
        }
    }
    req.extensions_mut().insert(authentication);
    within_deadline(next.run(req)).await
}

/// Who sent a request: the bearer token decides when there is one, else the session
/// cookie. (Takes the parts it reads: a `&Request` held across an await is not `Send`.)
async fn who(
    gate: &Gate,
    method: &Method,
    headers: &HeaderMap,
    ip: Option<IpAddr>,
) -> Result<Authentication, AppError> {
    let header = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some(token) = bearer(header) {
        if let Some(principal) = gate.auth.authenticate(token).await? {
            return Ok(Authentication::Known(principal));
        }
        if gate.cron_secret.as_ref().is_some_and(|s| super::secrets_equal(token, s.expose())) {
            return Ok(Authentication::Anonymous); // the scheduler route checks it itself
        }
        let throttled = |retry_after| AppError::RateLimited { retry_after };
        gate.limits.unlocked(ip).map_err(throttled)?;
        gate.limits.failed(ip).map_err(throttled)?;
        return Ok(Authentication::Failed);
    }
    let Some(secret) = session::from_cookies(headers) else {
        return Ok(Authentication::Anonymous);
    };
    let Some(principal) = gate.auth.session(secret).await? else {
        return Ok(Authentication::Anonymous);
    };
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let given = headers.get(session::CSRF_HEADER).and_then(|v| v.to_str().ok());
    let csrf_ok = given.is_some_and(|g| super::secrets_equal(g, &session::csrf_of(secret)));
    Ok(if safe || csrf_ok { Authentication::Known(principal) } else { Authentication::Csrf })
}

/// Answers 503 (with the error body) when the handler takes longer than
/// [`REQUEST_TIMEOUT`] (run by [`authenticate`], around the handler).
async fn within_deadline(handler: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, handler).await {
        Ok(response) => response,
        Err(elapsed) => AppError::unavailable(elapsed).into_response(),
    }
}
