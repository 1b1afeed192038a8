//! Herald's API tests: one binary, the real app on port 0 against the simulator.

mod access;
mod dashboard;
mod freshness;
mod hardening;
mod helpers;
mod limits;
mod process;
mod proxy;
mod publishing;
mod secrets;
mod validation;
mod workflow;
