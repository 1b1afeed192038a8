//! Herald: teams publish to social networks through Ayrshare, with an approval
//! workflow, a scheduler that publishes on time exactly once, and a dashboard that is
//! never stale.
//!
//! Layout, from the top down: a module names only modules below its line (or on it),
//! never one above, and `tests/it/house/cycles.rs` keeps it so. `docs/ARCHITECTURE.md`
//! walks the write and read paths through these modules.
//! - Entry: [`startup`] builds the service and runs it until shutdown (the binary is
//!   `main.rs`).
//! - Composition: [`router`], every route and layer in one place; [`http`], the JSON
//!   handlers of API.md; [`web`], the pages; [`demo`], the `--demo` workspace;
//!   [`state`], the shared state and the sub-states handlers name.
//! - Commands and settings: [`ops`], backup, restore and the database lock; [`config`],
//!   the command line and environment; [`people`], sign-in, profiles, members and
//!   invitations (and `herald user …`).
//! - Use cases: [`webhooks_out`], Herald's webhooks to its users' endpoints; [`review`],
//!   comments, mentions and client review links; [`plan`], the posting queue, CSV
//!   import and feeds to drafts; [`library`], templates and hashtag groups;
//!   [`scheduler`], the due-post loop; [`notify`], notifications in the app and by
//!   e-mail; [`posts`], the post use cases; [`webhooks`], Ayrshare's deliveries to
//!   Herald; [`accounts`], a workspace's linked social accounts; [`analytics`], post and
//!   account figures and their refresh; [`live`], event streams; [`media`], uploads and
//!   their storage; [`workspaces`], workspaces and tokens.
//! - The gate and the read: [`auth`], who is calling (principals, the gate every request
//!   passes, extractors); [`dashboard`], the never-stale read.
//! - Coherence: [`lookups`], cached workspace and access reads; [`names`], who each
//!   actor is, and posts and events as clients see them; [`publish`], exactly-once
//!   publishing; [`error`], the one error type and its body; [`changes`], the one write
//!   path of posts and its after-commit hooks; [`gateway`], Ayrshare calls within each
//!   profile's budget; [`ratelimit`], per-caller limits.
//! - Vocabulary and storage: [`store`], the storage trait and its SQL implementations;
//!   [`cache_keys`], every cache key, tag and topic.
//! - Foundation: [`domain`], statuses, roles, the state machine, records, validation
//!   (pure); [`mail`], SMTP; [`server`], the accept loop and connection limits;
//!   [`secret`], values never shown whole; [`client_ip`], the client address behind
//!   trusted proxies; [`metrics`], [`telemetry`], and [`background`], owned background
//!   tasks.

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
pub mod plan;
pub mod posts;
pub mod publish;
pub mod ratelimit;
pub mod review;
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
