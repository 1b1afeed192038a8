//! The HTTP contract of API.md, tested through real HTTP against the real app.

mod access;
mod dashboard;
mod freshness;
mod hardening;
mod limits;
mod publishing;
mod secrets;
mod validation;
mod workflow;
