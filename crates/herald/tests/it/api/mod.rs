//! The HTTP contract of API.md, tested through real HTTP against the real app.

mod access;
mod analytics;
mod ayrshare;
mod bounded_answers;
pub(crate) mod compose;
mod dashboard;
mod dashboard_wire;
mod four_eyes;
mod freshness;
mod hardening;
mod hardening_low;
mod library;
mod limits;
mod media;
mod media_bounds;
mod notifications;
mod offboarding;
mod password_reset;
mod people;
mod people_rules;
mod planning;
mod publishing;
mod revocation;
mod secrets;
mod signin;
mod validation;
mod workflow;
