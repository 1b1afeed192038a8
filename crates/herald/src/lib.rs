//! Herald: teams publish to social networks through Ayrshare, with an approval
//! workflow, a scheduler that publishes on time exactly once, and a dashboard that is
//! never stale.
//!
//! Layout (dependencies run down the list: the router uses the handlers, the handlers
//! use the services, the services use the store and the domain):
//! - [`config`]: the command line and environment; [`startup`]: builds the service and
//!   runs it until shutdown; [`server`]: the accept loop and connection limits.
//! - [`router`]: API, pages, fallbacks and layers in one place; [`state`]: the shared
//!   state and the sub-states handlers name.
//! - [`http`]: the JSON handlers of API.md; [`web`]: the pages; [`error`]: the one error
//!   type and its body.
//! - [`auth`]: who is calling (principals, the authentication layer, extractors);
//!   [`ratelimit`]: per-caller limits; [`client_ip`]: the client address behind trusted
//!   proxies; [`secret`]: values never shown whole.
//! - Services: [`posts`] (post use cases), [`workspaces`] (workspaces and tokens),
//!   [`webhooks`] (Ayrshare's deliveries to Herald), [`webhooks_out`] (Herald's to
//!   its users' endpoints), [`dashboard`] (the never-stale read),
//!   [`live`] (event streams), [`publish`] (exactly-once publishing) and [`scheduler`],
//!   [`media`] (uploads and the media library), [`library`] (templates and hashtag
//!   groups).
//! - [`changes`]: the one write path of posts and its after-commit hooks;
//!   [`lookups`]: cached workspace and token reads; [`cache_keys`]: every cache key,
//!   tag and topic.
//! - [`domain`]: statuses, roles, the state machine, audit vocabulary, validation (pure);
//!   [`store`]: the storage trait and its SQL implementations.
//! - [`metrics`], [`telemetry`], [`demo`] (the `--demo` workspace), [`ops`] (backup and
//!   restore).

#![forbid(unsafe_code)]

pub mod accounts;
pub mod analytics;
pub mod auth;
pub mod background;
pub mod cache_keys;
pub mod changes;
pub mod client_ip;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod domain;
pub mod error;
pub mod gateway;
pub mod http;
pub mod library;
pub mod live;
pub mod lookups;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod names;
pub mod notify;
pub mod ops;
pub mod people;
pub mod posts;
pub mod publish;
pub mod ratelimit;
pub mod router;
pub mod scheduler;
pub mod secret;
pub mod server;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod web;
pub mod webhooks;
pub mod webhooks_out;
pub mod workspaces;
