//! The JSON form of an entry in Redis: `{stamp, filled_at, tags, versions, value}`.
//! `tags` and `versions` (epoch first) repeat the entry's identity so a reader can
//! check that the key it read really is the version it resolved.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::key::VKey;
use crate::types::{Lookup, Source};

#[derive(Serialize)]
struct EntryOut<'a, V> {
    stamp: u64,
    filled_at: DateTime<Utc>,
    tags: &'a [String],
    versions: Vec<u64>,
    value: &'a V,
}

#[derive(Deserialize)]
struct EntryIn<V> {
    stamp: u64,
    filled_at: DateTime<Utc>,
    tags: Vec<String>,
    versions: Vec<u64>,
    value: V,
}

fn versions_of(vk: &VKey) -> Vec<u64> {
    let mut versions = Vec::with_capacity(vk.versions.tags.len() + 1);
    versions.push(vk.versions.epoch);
    versions.extend(vk.versions.tags.iter());
    versions
}

pub(crate) fn encode<V: Serialize>(
    vk: &VKey,
    tags: &[String],
    found: &Lookup<V>,
) -> serde_json::Result<String> {
    serde_json::to_string(&EntryOut {
        stamp: found.stamp,
        filled_at: found.filled_at,
        tags,
        versions: versions_of(vk),
        value: found.value.as_ref(),
    })
}

/// The entry as a `Hit`, or `None` if it is unreadable as `V` or names other versions.
pub(crate) fn decode<V: DeserializeOwned>(
    json: &str,
    vk: &VKey,
    tags: &[String],
) -> Option<Lookup<V>> {
    let entry: EntryIn<V> = serde_json::from_str(json)
        .inspect_err(|e| tracing::warn!(error = %e, key = %vk.key, "unreadable cache entry"))
        .ok()?;
    if entry.tags != tags || entry.versions != versions_of(vk) {
        return None;
    }
    Some(Lookup {
        value: Arc::new(entry.value),
        source: Source::Hit,
        stamp: entry.stamp,
        filled_at: entry.filled_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Versions;

    fn vk(epoch: u64, v: u64) -> VKey {
        VKey::new("k", &["t".to_string()], Versions { epoch, tags: vec![v].into() })
    }

    #[test]
    fn an_entry_reads_back_only_for_the_versions_it_was_stored_under() {
        let tags = vec!["t".to_string()];
        let found = Lookup {
            value: Arc::new(7u32),
            source: Source::Miss,
            stamp: 42,
            filled_at: Utc::now(),
        };
        let json = encode(&vk(1, 2), &tags, &found).unwrap();
        let back: Lookup<u32> = decode(&json, &vk(1, 2), &tags).unwrap();
        assert_eq!((*back.value, back.stamp, back.source), (7, 42, Source::Hit));
        assert!(decode::<u32>(&json, &vk(1, 3), &tags).is_none());
        assert!(decode::<u32>(&json, &vk(2, 2), &tags).is_none());
        assert!(decode::<String>(&json, &vk(1, 2), &tags).is_none());
    }
}
