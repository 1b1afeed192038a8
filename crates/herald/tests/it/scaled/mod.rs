//! Scaled mode, end to end: several real `herald serve` processes (the binary cargo
//! built, configured only through environment variables) sharing one fresh PostgreSQL
//! database, one Redis and one Ayrshare simulator that runs inside the test process, so
//! its request counters and knobs are at hand.
//!
//! Needs `HERALD_TEST_DATABASE_URL` (every test gets its own `herald_scaled_<uuid>`
//! database, dropped afterwards) and, for the tests that use Redis,
//! `HERALD_TEST_REDIS_URL` (every test gets its own key namespace, removed afterwards).
//! Without them each test says `skipped: … not set (test)` on stderr and passes. The
//! Redis-restart test starts its own `redis-server` on a free port; the shared Redis is
//! never flushed or restarted.
//!
//! The tests are heavy (three processes and seconds of load each): each runs alone
//! ([`crate::support::heavy`]), so a plain `cargo test --workspace` stays safe. One group:
//!
//! ```text
//! HERALD_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//! HERALD_TEST_REDIS_URL=redis://127.0.0.1:6379 \
//! cargo test -p herald --test it scaled:: -- --nocapture
//! ```
//!
//! (cargo-nextest runs every test in its own process, where that lock does not reach:
//! run this group with `-j 1` there.)

mod analytics;
pub(crate) mod api;
mod budget;
pub(crate) mod cluster;
mod exactly_once;
mod freshness;
mod lease;
mod load;
mod plan;
mod postgres_down;
mod redis_restart;
mod redis_server;
