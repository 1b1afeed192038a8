//! The middleware every request passes before its handler: authenticate once (leaving
//! the outcome in the request's extensions for the extractors), then count the request
//! against the rate limits keyed by that outcome (see [`crate::ratelimit`]).

use super::{bearer, Authenticator, Principal};
use crate::error::AppError;
use crate::ratelimit::{Caller, Limits, EXEMPT_PATHS};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// What authentication found for a request.
#[derive(Debug, Clone)]
pub enum Authentication {
    /// No credentials were sent.
    Anonymous,
    /// Valid credentials.
    Known(Principal),
    /// Credentials Herald does not know (or revoked ones).
    Failed,
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
    let header = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let authentication = match bearer(header) {
        None => Authentication::Anonymous,
        Some(token) => {
            if let Err(retry_after) = gate.limits.unlocked(ip) {
                return AppError::RateLimited { retry_after }.into_response();
            }
            match gate.auth.authenticate(token).await {
                Ok(Some(principal)) => Authentication::Known(principal),
                Ok(None) => match gate.limits.failed(ip) {
                    Ok(()) => Authentication::Failed,
                    Err(retry_after) => {
                        return AppError::RateLimited { retry_after }.into_response()
                    }
                },
                Err(e) => return e.into_response(),
            }
        }
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
