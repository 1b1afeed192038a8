//! Herald's integration tests, one binary: the real app (in-process on port 0, or the
//! `herald` binary as a child process) against the Ayrshare simulator, with a shared
//! [`support`] module.
//!
//! - [`api`]: the HTTP contract of API.md (workflow, access, validation, limits,
//!   publishing, the dashboard and its freshness, secrets, the attack review's findings).
//! - [`store`]: the storage conformance suite, every scenario on SQLite and PostgreSQL.
//! - [`reliability`]: tenant isolation from the route table, Ayrshare faults, the read
//!   budget, SIGKILL crash safety.
//! - [`scaled`]: three real processes on PostgreSQL and Redis.
//! - [`browser`]: the pages in headless Chromium.
//! - [`webhooks`]: outgoing webhooks, verified by the Standard Webhooks package.
//! - [`house`]: the house rules, read from the repository: a one-way module graph, a
//!   configuration document that names exactly the settings.
//!
//! Suites that need PostgreSQL, Redis or Chromium say `skipped: …` without them; heavy
//! tests run alone ([`support::heavy`]). Run one group with its path, e.g.
//! `cargo test -p herald --test it scaled:: -- --nocapture`.

#![allow(clippy::unwrap_used)]

mod api;
mod browser;
mod house;
mod ops;
mod reliability;
mod scaled;
mod store;
mod support;
mod webhooks;
