//! The in-process tier (moka, keyed by versioned key) and the in-process tag versions
//! used when there is no Redis.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::key::{same_tags, VKey, Versions};
use crate::types::{Lookup, Source};

/// One immutable entry: the value of a key at one set of versions.
pub(crate) struct LocalEntry {
    value: Arc<dyn Any + Send + Sync>,
    tags: Box<[String]>,
    stamp: u64,
    filled_at: DateTime<Utc>,
}

pub(crate) struct LocalTier {
    entries: moka::sync::Cache<VKey, Arc<LocalEntry>>,
}

impl LocalTier {
    pub fn new(capacity: u64, ttl: Duration) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(capacity)
            .time_to_live(ttl)
            .support_invalidation_closures()
            .build();
        Self { entries }
    }

    /// The entry for exactly `(vk, tags)` as a `Hit`, if present and of type `V`.
    pub fn get<V: Send + Sync + 'static>(
        &self,
        vk: &VKey,
        tags: &[impl AsRef<str>],
    ) -> Option<Lookup<V>> {
        let entry = self.entries.get(vk)?;
        if !same_tags(&entry.tags, tags) {
            return None;
        }
        let value = Arc::clone(&entry.value).downcast::<V>().ok()?;
        Some(Lookup { value, source: Source::Hit, stamp: entry.stamp, filled_at: entry.filled_at })
    }

    pub fn insert<V: Send + Sync + 'static>(&self, vk: &VKey, tags: &[String], found: &Lookup<V>) {
        let entry = LocalEntry {
            value: found.value.clone(),
            tags: tags.into(),
            stamp: found.stamp,
            filled_at: found.filled_at,
        };
        self.entries.insert(vk.clone(), Arc::new(entry));
    }

    /// Drops entries carrying any of `tags` (memory only: their versions are already old).
    pub fn evict_tags(&self, tags: &[String]) {
        let tags: Vec<String> = tags.to_vec();
        let evict = move |_: &VKey, e: &Arc<LocalEntry>| e.tags.iter().any(|t| tags.contains(t));
        if let Err(e) = self.entries.invalidate_entries_if(evict) {
            tracing::warn!(error = %e, "local tag eviction refused; entries age out by TTL");
        }
    }

    /// Drops entries whose key starts with `prefix`; returns how many.
    pub fn clear_prefix(&self, prefix: &str) -> u64 {
        let doomed: Vec<Arc<VKey>> = self
            .entries
            .iter()
            .filter(|(k, _)| k.key.starts_with(prefix))
            .map(|(k, _)| k)
            .collect();
        for vk in &doomed {
            self.entries.invalidate(vk.as_ref());
        }
        doomed.len() as u64
    }

    pub fn flush(&self) {
        self.entries.invalidate_all();
    }
}

/// Tag versions when there is no Redis: a counter per tag, 0 until first bumped.
#[derive(Default)]
pub(crate) struct LocalVersions {
    tags: Mutex<HashMap<String, u64>>,
}

impl LocalVersions {
    /// Epoch is constant in local-only mode: the process *is* the cache's lifetime.
    const EPOCH: u64 = 0;

    pub fn resolve(&self, tags: &[impl AsRef<str>]) -> Versions {
        let map = self.tags.lock().unwrap_or_else(|e| e.into_inner());
        let versions = tags.iter().map(|t| map.get(t.as_ref()).copied().unwrap_or(0)).collect();
        Versions { epoch: Self::EPOCH, tags: versions }
    }

    /// True while `tags` still have the versions a fill started with.
    pub fn still(&self, tags: &[String], versions: &Versions) -> bool {
        let map = self.tags.lock().unwrap_or_else(|e| e.into_inner());
        let current = tags.iter().map(|t| map.get(t).copied().unwrap_or(0));
        current.eq(versions.tags.iter().copied())
    }

    pub fn bump(&self, tags: &[String]) {
        let mut map = self.tags.lock().unwrap_or_else(|e| e.into_inner());
        for tag in tags {
            *map.entry(tag.clone()).or_insert(0) += 1;
        }
    }
}
