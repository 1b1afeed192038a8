//! Entry and composition, the top layer: builds the service, routes each request to its
//! handler or page, and runs it all until shutdown. Its modules may name every layer
//! below; no layer names them (the binary, `main.rs`, does).

pub mod demo;
pub mod http;
pub mod metrics;
pub mod router;
pub mod startup;
pub mod state;
pub mod web;
