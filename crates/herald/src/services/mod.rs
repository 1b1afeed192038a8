//! The use cases, one module per area: what a handler or a background loop asks for,
//! checked, written and announced through the layers below. Names only those: gate,
//! coherence, storage, foundation.

pub mod accounts;
pub mod analytics;
pub mod library;
pub mod live;
pub mod media;
pub mod notify;
pub mod plan;
pub mod posts;
pub mod review;
pub mod scheduler;
pub mod webhooks;
pub mod webhooks_out;
pub mod workspaces;
