//! The middleware every request passes before its handler: authenticate once — a
//! bearer token (machines) or the session cookie (people) — leaving the outcome in the
//! request's extensions for the extractors, check the CSRF header of cookie-borne writes,
//! then count the request against the rate limits keyed by that outcome (see
//! [`crate::ratelimit`]).

use super::{bearer, session, Authenticator, Principal};
use crate::error::AppError;
use crate::ratelimit::{Caller, Limits, EXEMPT_PATHS};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

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
}

/// The path of Ayrshare's webhook deliveries, which have their own bucket.
const WEBHOOK_PATH: &str = "/api/webhooks/ayrshare";

fn peer(req: &Request) -> Option<IpAddr> {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip())
}

/// Authenticates, then rate-limits; 429 with `Retry-After` when a limit is spent.
pub async fn authenticate(State(gate): State<Gate>, mut req: Request, next: Next) -> Response {
    let ip = peer(&req);
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
    next.run(req).await
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
        gate.limits.unlocked(ip).map_err(|retry_after| AppError::RateLimited { retry_after })?;
        return match gate.auth.authenticate(token).await? {
            Some(principal) => Ok(Authentication::Known(principal)),
            None => match gate.limits.failed(ip) {
                Ok(()) => Ok(Authentication::Failed),
                Err(retry_after) => Err(AppError::RateLimited { retry_after }),
            },
        };
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
