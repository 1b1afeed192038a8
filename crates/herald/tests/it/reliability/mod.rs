//! Herald's reliability tests (issue 6, items 2, 4 and 5): one binary, each test a
//! property that fails when it breaks, each printing the figures RELIABILITY.md quotes.
//!
//! - [`isolation`]: every route of the OpenAPI document that takes a workspace or an
//!   object id, called by every role of workspace A on workspace B's objects: 404,
//!   never 403, never data, and B unchanged. Generated from the route table.
//! - [`faults`]: a few hundred posts published through Ayrshare errors, latency spikes
//!   and 429 bursts while the dashboard is read: none twice, none lost, failures carry
//!   their reason, the dashboard always answers, the per-profile rate budget holds.
//! - [`budget`]: the dashboard's Ayrshare read budget driven to its bound: it holds and
//!   the dashboard keeps answering (`cached`) once it is spent.
//! - [`crash`]: the real `herald serve` binary SIGKILLed during a burst of writes and
//!   publishes, restarted on the same database: no acknowledged write lost, no post
//!   change without its audit event (or the reverse), no duplicate on Ayrshare.
//! - [`variants`]: posts whose networks have their own texts (several Ayrshare requests
//!   each) published through errors and late replies on both backends: every network
//!   gets its own text exactly once.
//!
//! Run: `cargo test -p herald --test it reliability:: -- --nocapture` (figures on stdout).

mod budget;
mod checks;
mod crash;
mod faults;
mod isolation;
mod variants;
