//! The gate and the read: who is calling and what they may do (the middleware every
//! request passes, and the extractors), and the never-stale dashboard read. Names only
//! the layers below it: coherence, storage, foundation.

pub mod auth;
pub mod dashboard;
