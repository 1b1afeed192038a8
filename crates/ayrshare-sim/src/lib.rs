//! An Ayrshare-compatible HTTP API simulator, like stripe-mock is for Stripe: the same
//! paths, headers, bodies and error codes as `https://api.ayrshare.com/api` (see
//! the project's Ayrshare API reference), with knobs for latency, injected errors, rate
//! limits and Ayrshare's history lag, plus request counters for tests.
//!
//! # Strict by default
//!
//! Like Ayrshare, and unless [`SimConfig::lenient`] (`herald sim --lenient`,
//! `SIM_LENIENT`): an unknown `Profile-Key` is a 403; every profile, the primary one
//! too, posts only to the networks linked to it (none at first: link them through
//! `POST /api/profiles/generateJWT` and its page, `POST /__sim/profiles/link`, or
//! [`Simulator::link`]); calls that touch X need the two `X-Twitter-OAuth1-*` headers
//! (code 419); tweets over 280 characters and YouTube posts without a title fail; a
//! scheduled post that a network would refuse is refused whole. Lenient mode creates
//! unknown profiles, counts every network as linked and checks none of that.
//!
//! # Layout
//!
//! - [`config`](SimConfig): CLI options, run-time knobs, rate-limit spec.
//! - `simulator` / `server`: the [`Simulator`] handle, [`Simulator::spawn`] with its
//!   [`SimHandle`], and [`run`] for `herald sim`.
//! - `gate`: what every `/api` call passes first, unknown routes included (stats,
//!   latency, auth, simulated errors, profile, rate limit); `xcreds`: the X headers.
//! - `routes/`: one module per resource (post, lifecycle, history, profiles, user,
//!   link, media, analytics, hooks, admin for `/__sim`).
//! - `store/`: the in-memory state (profiles and their links, posts, idempotency keys,
//!   webhooks, linking sessions, media, rate windows, counters), the checks a network
//!   makes of a post, and publishing; `post`: a post and its JSON forms.
//! - `figures`: the per-network analytics figures ([`post_analytics`],
//!   [`social_analytics`]).
//! - `publisher`: the background task that publishes scheduled posts and delivers
//!   queued webhooks (`scheduled`, `social`); `webhooks`: payloads, signing, delivery.
//! - `profile`: what answers show about a profile (a leaf module).
//! - `errors`: Ayrshare's error envelope and codes; `platforms`: per-network fake ids
//!   (the networks themselves are [`ayrshare::Platform`]).
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = ayrshare_sim::Simulator::spawn(ayrshare_sim::SimConfig::default()).await?;
//! let key = sim.sim.create_profile("Acme"); // a User Profile, nothing linked yet
//! sim.sim.link(&key, &[ayrshare::Platform::LinkedIn], true).expect("a known profile");
//! let base_url = sim.base_url(); // give this to an Ayrshare client
//! # let _ = base_url;
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod config;
mod errors;
mod figures;
mod gate;
mod platforms;
mod post;
mod profile;
mod publisher;
mod routes;
mod server;
mod shared;
mod simulator;
mod store;
mod webhooks;
mod xcreds;

use std::collections::BTreeMap;

/// Webhook signing as Ayrshare does it, re-exported from [`ayrshare::webhook`] under the
/// names this crate has always used: `sign_webhook(secret, body)` is the lowercase hex
/// HMAC-SHA256 of the raw body, sent in `WEBHOOK_SIGNATURE_HEADER`, with the delivery
/// time (unix seconds) in `WEBHOOK_TIMESTAMP_HEADER`.
pub use ayrshare::webhook::{
    sign as sign_webhook, SIGNATURE_HEADER as WEBHOOK_SIGNATURE_HEADER,
    TIMESTAMP_HEADER as WEBHOOK_TIMESTAMP_HEADER,
};
pub use config::{RateLimitSpec, SimArgs, SimConfig};
pub use errors::{
    ALREADY_DELETED_CODE, API_KEY_INVALID_CODE, BAD_REQUEST_CODE, DELETE_NOT_SUPPORTED_CODE,
    DUPLICATE_CONTENT_CODE, DUPLICATE_PROFILE_CODE, HISTORY_NOT_FOUND_CODE,
    IDEMPOTENCY_REUSED_CODE, NOT_LINKED_CODE, POST_ID_NOT_FOUND_CODE, POST_NOT_FOUND_CODE,
    PROFILE_KEY_INVALID_CODE, RATE_LIMITED_CODE, SIMULATED_ERROR_CODE, TWEET_TOO_LONG_CODE,
    UNKNOWN_PLATFORM_CODE, X_CREDENTIALS_REQUIRED_CODE, X_CREDENTIAL_MISSING_CODE,
    YOUTUBE_TITLE_REQUIRED_CODE,
};
pub use figures::{post_analytics, social_analytics};
pub use gate::PROFILE_KEY_HEADER;
pub use server::{run, SimHandle};
pub use simulator::Simulator;

/// No profile has the key given to [`Simulator::link`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownProfile;

impl std::fmt::Display for UnknownProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no profile has this key")
    }
}

impl std::error::Error for UnknownProfile {}

/// Request counters, as served by `GET /__sim/stats`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Stats {
    /// Calls per route, keyed `"METHOD /path-template"` (e.g. `"GET /api/history/{id}"`).
    pub requests: BTreeMap<String, u64>,
    /// The same, per profile: keyed by the Profile-Key header value, or `"primary"`
    /// (over HTTP, `GET /__sim/stats` shows each key shortened, never whole).
    pub by_profile: BTreeMap<String, BTreeMap<String, u64>>,
    /// Answers by HTTP status (`"200"`, `"429"`, ...).
    #[serde(default)]
    pub by_status: BTreeMap<String, u64>,
    /// Answers by route, then by HTTP status.
    #[serde(default)]
    pub by_route_status: BTreeMap<String, BTreeMap<String, u64>>,
}
