//! Black-box tests of the simulator: each spawns one on port 0 and talks to it with
//! reqwest, the way an Ayrshare client would. One module per route group, all in one
//! test binary; the shared harness is in `support`.

#![allow(clippy::unwrap_used)] // tests: a panic is their failure report

mod support;

mod errors;
mod history;
mod knobs;
mod lifecycle;
mod linking;
mod media;
mod posting;
mod profiles;
mod sdk;
mod sdk_review;
mod webhooks;
