//! Vocabulary and storage: the storage traits and their SQL implementations, and every
//! cache key, tag and topic. Names only the layer below it, foundation.

pub mod cache_keys;
pub mod store;
