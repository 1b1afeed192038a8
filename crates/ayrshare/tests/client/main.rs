//! End-to-end tests of the Ayrshare client against the `ayrshare-sim` simulator
//! (real HTTP on a loopback port, one strict simulator per test). One test binary:
//! `support` is the harness, `posts` covers posting, history and the transport,
//! `account` profiles, `/user` and the linking JWT, `insight` media and analytics.

#![allow(clippy::unwrap_used)] // tests: a panic is their failure report

mod account;
mod insight;
mod posts;
mod support;
