//! Foundation, the bottom layer: the pure domain, and plumbing that knows no use case
//! (SMTP, the accept loop, secrets, client addresses, logs, background tasks). Names no
//! other layer.

pub mod background;
pub mod client_ip;
pub mod domain;
pub mod mail;
pub mod secret;
pub mod server;
pub mod telemetry;
