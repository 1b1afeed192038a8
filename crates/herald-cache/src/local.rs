//! The in-process tier (moka, keyed by versioned key, bounded by the bytes its entries
//! weigh) and the in-process tag versions used when there is no Redis.

use std::any::Any;
use std::collections::HashMap;
use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::key::{same_tags, VKey, Versions};
use crate::types::{Lookup, Source};
use crate::weigh::Weigh;

/// What an entry costs besides its key, tags and value: the structs around it and
/// moka's own bookkeeping, roughly. Also the least any entry weighs.
const ENTRY_OVERHEAD: usize = 256;

/// One immutable entry: the value of a key at one set of versions.
pub(crate) struct LocalEntry {
    value: Arc<dyn Any + Send + Sync>,
    tags: Box<[String]>,
    stamp: u64,
    filled_at: DateTime<Utc>,
    /// Approximate bytes, computed once on insert (moka's weigher cannot see `V`).
    weight: u32,
}

pub(crate) struct LocalTier {
    entries: moka::sync::Cache<VKey, Arc<LocalEntry>>,
    /// The heaviest entry kept: a quarter of the budget, so one value never evicts
    /// most of the others.
    max_weight: u32,
    /// Values returned but not kept because they weighed more than `max_weight`.
    oversized: AtomicU64,
}

impl LocalTier {
    /// A tier whose entries weigh at most `max_bytes` together.
    pub fn new(max_bytes: u64, ttl: Duration) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|_: &VKey, entry: &Arc<LocalEntry>| entry.weight)
            .time_to_live(ttl)
            .support_invalidation_closures()
            .build();
        let max_weight = u32::try_from(max_bytes / 4).unwrap_or(u32::MAX);
        Self { entries, max_weight, oversized: AtomicU64::new(0) }
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

    /// Keeps `found` unless it alone weighs more than a quarter of the budget.
    pub fn insert<V>(&self, vk: &VKey, tags: &[String], found: &Lookup<V>)
    where
        V: Weigh + Send + Sync + 'static,
    {
        let weight = weight(vk, tags, found.value.as_ref());
        let Some(weight) = u32::try_from(weight).ok().filter(|w| *w <= self.max_weight) else {
            self.oversized.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let entry = LocalEntry {
            value: found.value.clone(),
            tags: tags.into(),
            stamp: found.stamp,
            filled_at: found.filled_at,
            weight,
        };
        self.entries.insert(vk.clone(), Arc::new(entry));
    }

    /// `(entries, bytes they weigh, values too heavy to keep)`, after moka has applied
    /// the inserts and evictions it still had pending.
    pub fn usage(&self) -> (u64, u64, u64) {
        self.entries.run_pending_tasks();
        let oversized = self.oversized.load(Ordering::Relaxed);
        (self.entries.entry_count(), self.entries.weighted_size(), oversized)
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

/// Approximate bytes of one entry: overhead, key, versions, tags and value.
fn weight<V: Weigh>(vk: &VKey, tags: &[String], value: &V) -> usize {
    let tags: usize = tags.iter().map(|t| size_of::<String>() + t.weigh()).sum();
    let versions = vk.versions.tags.len() * size_of::<u64>();
    ENTRY_OVERHEAD + vk.key.len() + versions + tags + size_of::<V>() + value.weigh()
}

/// Tag versions when there is no Redis: a counter per tag, 0 until first bumped.
#[derive(Default)]
pub(crate) struct LocalVersions {
    /// Read by every lookup, written by invalidations only.
    tags: RwLock<HashMap<String, u64>>,
}

impl LocalVersions {
    /// Epoch is constant in local-only mode: the process *is* the cache's lifetime.
    const EPOCH: u64 = 0;

    pub fn resolve(&self, tags: &[impl AsRef<str>]) -> Versions {
        let map = self.tags.read().unwrap_or_else(|e| e.into_inner());
        let versions = tags.iter().map(|t| map.get(t.as_ref()).copied().unwrap_or(0)).collect();
        Versions { epoch: Self::EPOCH, tags: versions }
    }

    /// True while `tags` still have the versions a fill started with.
    pub fn still(&self, tags: &[String], versions: &Versions) -> bool {
        let map = self.tags.read().unwrap_or_else(|e| e.into_inner());
        let current = tags.iter().map(|t| map.get(t).copied().unwrap_or(0));
        current.eq(versions.tags.iter().copied())
    }

    pub fn bump(&self, tags: &[String]) {
        let mut map = self.tags.write().unwrap_or_else(|e| e.into_inner());
        for tag in tags {
            *map.entry(tag.clone()).or_insert(0) += 1;
        }
    }
}
