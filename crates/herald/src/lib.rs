//! Herald: teams publish to social networks through Ayrshare, with an approval
//! workflow, a scheduler that publishes on time exactly once, and a dashboard that is
//! never stale.
//!
//! Layout:
//! - [`config`]: the command line and environment.
//! - [`startup`]: builds the service and serves it until shutdown.
//! - [`domain`]: statuses, roles, the post state machine, validation (pure).
//! - [`store`]: the storage trait and its SQL implementations.
//! - [`changes`]: the one write path every post change goes through, and its feed.
//! - [`posts`]: the post use cases behind the HTTP routes.
//! - [`dashboard`]: the never-stale dashboard read and its invalidation; [`lookups`]:
//!   cached token and workspace reads; [`metrics`]: `/metrics`.
//! - [`publish`]: exactly-once publishing to Ayrshare; [`scheduler`]: when.
//! - [`http`]: the HTTP API of API.md; [`error`]: its error type.
//! - [`auth`]: tokens and principals; [`secret`]: values never shown whole.
//! - [`demo`]: the `--demo` workspace; [`web`]: the dashboard pages.

pub mod auth;
pub mod changes;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod lookups;
pub mod metrics;
pub mod posts;
pub mod publish;
pub mod scheduler;
pub mod secret;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
