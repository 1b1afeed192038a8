//! A typed HTTP client for the [Ayrshare](https://www.ayrshare.com) social media API.
//!
//! # Layout
//! - `client`: the [`Client`] handle (construction, redacting `Debug`, no redirects).
//! - `credentials`: [`Profile`] (who a call acts for), [`XCredentials`], [`Secret`].
//! - `platform`: [`Platform`], the one table of Ayrshare's networks (wire id,
//!   display name, text limit).
//! - [`webhook`]: Ayrshare's webhook protocol (headers, HMAC signature, a typed
//!   tolerant payload decoder), for receivers and for the simulator that sends them.
//! - `endpoints`: one async method per Ayrshare endpoint (posts and history; `account`:
//!   profiles, `/user`, the linking JWT; `insight`: media and analytics).
//! - `transport`: request plumbing (auth headers, timeouts, rate-limit headers,
//!   error mapping, logging with redacted keys).
//! - `types`: request bodies and the normalised answer types ([`PostOutcome`],
//!   [`History`], [`HistoryItem`], [`UserDetails`], [`PostAnalytics`], ...), plus
//!   [`Reply`] and [`RateLimit`].
//! - `decode`: tolerant decoding of every answer shape Ayrshare is known to send
//!   (wrapped/unwrapped posts, string-or-number ids, history object or array,
//!   Firestore timestamps, nested error envelopes). Unknown fields are ignored and
//!   no body can cause a panic.
//! - `error`: [`Error`] and its classification helpers.
//! - `redact`: how keys are shortened for `Debug`, logs and error text.
//!
//! # Conventions
//! - Every endpoint takes a [`Profile`]: [`Profile::primary()`] (no `Profile-Key`
//!   header) or [`Profile::new(key)`](Profile::new), plus [`Profile::with_x`] for calls
//!   that touch X, which then send `X-Twitter-OAuth1-Api-Key` / `-Secret`.
//! - A post that Ayrshare *recorded* is `Ok` even if networks failed; inspect
//!   [`PostOutcome::status`] and [`PostOutcome::errors`].
//! - The API key, profile keys, X credentials and private keys never appear whole in
//!   `Debug`, errors or logs.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ayrshare::Error> {
//! use std::time::Duration;
//! let client = ayrshare::Client::new(ayrshare::DEFAULT_BASE_URL, "API-KEY", Duration::from_secs(30))?;
//! let req = ayrshare::PostRequest {
//!     post: "Hello".into(),
//!     platforms: vec![ayrshare::Platform::Twitter.to_string()],
//!     ..Default::default()
//! };
//! let reply = client.post(ayrshare::Profile::primary(), &req).await?;
//! println!("{:?} {:?}", reply.body.id, reply.rate_limit);
//! # Ok(()) }
//! ```

mod client;
mod credentials;
mod decode;
mod endpoints;
mod error;
mod fuzz;
mod platform;
mod redact;
mod transport;
mod types;
pub mod webhook;

pub use client::{CallRecord, Client, Observer};
pub use credentials::{Profile, Secret, XCredentials, X_API_KEY_HEADER, X_API_SECRET_HEADER};
pub use error::{Error, IDEMPOTENCY_REUSED_CODE};
#[doc(hidden)]
pub use fuzz::fuzz_decode;
pub use platform::{Platform, UnknownPlatform};
pub use types::{
    CreatedProfile, DisplayName, FirstComment, History, HistoryItem, HistoryQuery, Jwt, JwtRequest,
    NetworkAnalytics, PlatformError, PlatformPost, PostAnalytics, PostOutcome, PostRequest,
    ProfileFilter, ProfileSummary, RateLimit, Reply, SocialAnalytics, UpdateRequest, UploadUrl,
    UploadedMedia, UserDetails,
};

/// Ayrshare's current production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.ayrshare.com/api";
