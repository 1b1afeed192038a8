//! Ayrshare's post history for a profile, as the dashboard uses it: read through the
//! coherent cache (one fetch per invalidation, across instances), within the read share
//! of the profile's Ayrshare budget ([`crate::coherence::gateway`]), with the last good copy kept
//! for when Ayrshare fails or the budget is spent — served with its true `as_of` and
//! labelled `cached`, never as fresh.

use crate::coherence::gateway::{Gateway, GatewayError, Spend};
use crate::foundation::domain::Workspace;
use crate::storage::cache_keys::{ProfileRef, Profiles};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use herald_cache::{Cache, Source, Weigh};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// After a failed fetch (or one made while the shared cache is down), wait this long
/// before asking Ayrshare again.
pub const COOLDOWN: Duration = Duration::from_secs(5);

/// One post as Ayrshare's history reports it (what the dashboard needs of it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpstreamPost {
    pub id: String,
    pub text: String,
    pub platforms: Vec<String>,
    pub status: String,
    pub created: Option<String>,
    pub schedule_date: Option<String>,
    pub notes: Option<String>,
    pub media_urls: Vec<String>,
    /// (platform, status, post URL)
    pub posted: Vec<(String, String, Option<String>)>,
    /// (platform, message)
    pub errors: Vec<(Option<String>, String)>,
}

impl Weigh for UpstreamPost {
    fn weigh(&self) -> usize {
        let posted: usize =
            self.posted.iter().map(|(p, s, u)| p.weigh() + s.weigh() + u.weigh()).sum();
        let errors: usize = self.errors.iter().map(|(p, m)| p.weigh() + m.weigh()).sum();
        self.id.weigh()
            + self.text.weigh()
            + self.platforms.weigh()
            + self.status.weigh()
            + self.created.weigh()
            + self.schedule_date.weigh()
            + self.notes.weigh()
            + self.media_urls.weigh()
            + posted
            + errors
    }
}

impl From<ayrshare::HistoryItem> for UpstreamPost {
    fn from(i: ayrshare::HistoryItem) -> Self {
        Self {
            posted: i.post_ids.into_iter().map(|p| (p.platform, p.status, p.post_url)).collect(),
            errors: i.errors.into_iter().map(|e| (e.platform, e.message)).collect(),
            id: i.id,
            text: i.post,
            platforms: i.platforms,
            status: i.status,
            created: i.created,
            schedule_date: i.schedule_date,
            notes: i.notes,
            media_urls: i.media_urls,
        }
    }
}

/// How current the Ayrshare part of a dashboard answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Freshness {
    /// Fetched after the last change Herald made on Ayrshare, within the TTL.
    Fresh,
    /// An older copy, because Ayrshare could not be asked (down, rate-limited).
    Cached,
    /// No Ayrshare data at all.
    Unavailable,
}

impl Freshness {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fresh => "fresh",
            Self::Cached => "cached",
            Self::Unavailable => "unavailable",
        }
    }
}

/// The Ayrshare history a dashboard answer is built from.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub posts: Arc<Vec<UpstreamPost>>,
    pub as_of: Option<DateTime<Utc>>,
    pub freshness: Freshness,
    /// Identifies this exact data (the fill that produced it).
    pub stamp: u64,
}

impl Snapshot {
    fn unavailable() -> Self {
        Self { posts: Arc::new(vec![]), as_of: None, freshness: Freshness::Unavailable, stamp: 0 }
    }
}

#[derive(Default)]
struct Memory {
    last_good: HashMap<ProfileRef, Snapshot>,
    cooling_until: HashMap<ProfileRef, Instant>,
}

/// Reads Ayrshare history through the cache.
#[derive(Clone)]
pub struct Upstream {
    gateway: Gateway,
    cache: Cache,
    profiles: Profiles,
    /// Read on every dashboard read, written only when a new version arrives or a fetch
    /// fails: a read-write lock, so concurrent hits do not wait on each other.
    memory: Arc<RwLock<Memory>>,
}

impl Upstream {
    pub fn new(gateway: Gateway, cache: Cache, profiles: Profiles) -> Self {
        Self { gateway, cache, profiles, memory: Arc::default() }
    }

    fn memory(&self) -> RwLockReadGuard<'_, Memory> {
        self.memory.read().unwrap_or_else(|p| p.into_inner())
    }

    fn memory_mut(&self) -> RwLockWriteGuard<'_, Memory> {
        self.memory.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The profile's history for the current upstream version: cached, fetched once, or
    /// the last good copy (labelled `cached`) when Ayrshare cannot be asked.
    pub async fn snapshot(&self, ws: &Workspace) -> Snapshot {
        let names = self.profiles.of(ws);
        let profile = &names.profile;
        let cooling = self.memory().cooling_until.get(profile).is_some_and(|t| *t > Instant::now());
        if cooling {
            return self.fallback(profile);
        }
        let fill = self.fetcher(ws);
        let tags = std::slice::from_ref(&names.upstream);
        match self.cache.get_or_fill(names.history.as_str(), tags, fill).await {
            Ok(found) => {
                let snap = Snapshot {
                    posts: found.value,
                    as_of: Some(found.filled_at),
                    freshness: Freshness::Fresh,
                    stamp: found.stamp,
                };
                let bypass = found.source == Source::Bypass;
                let known =
                    self.memory().last_good.get(profile).is_some_and(|s| s.stamp == snap.stamp);
                if known && !bypass {
                    return snap;
                }
                let mut memory = self.memory_mut();
                memory.last_good.insert(profile.clone(), snap.clone());
                if bypass {
                    // The shared cache is down, so nothing coalesces fetches between readers
                    // or instances: fetch at most once per cool-down, serve that copy meanwhile.
                    memory.cooling_until.insert(profile.clone(), Instant::now() + COOLDOWN);
                }
                snap
            }
            Err(why) => {
                tracing::warn!(%profile, reason = %why, "Ayrshare history unavailable; answering from local data");
                self.memory_mut().cooling_until.insert(profile.clone(), Instant::now() + COOLDOWN);
                self.fallback(profile)
            }
        }
    }

    fn fallback(&self, profile: &ProfileRef) -> Snapshot {
        match self.memory().last_good.get(profile) {
            Some(s) => Snapshot { freshness: Freshness::Cached, ..s.clone() },
            None => Snapshot::unavailable(),
        }
    }

    /// The fill: one `GET /history` call within the read share of the budget. What it
    /// needs is copied only when it runs (on a miss), not on every hit.
    fn fetcher<'a>(
        &'a self,
        ws: &'a Workspace,
    ) -> impl FnOnce() -> BoxFuture<'static, Result<Vec<UpstreamPost>, GatewayError>> + Send + 'a
    {
        move || {
            let (gateway, ws) = (self.gateway.clone(), ws.clone());
            Box::pin(async move {
                let query = ayrshare::HistoryQuery {
                    limit: Some(1000),
                    last_days: Some(0),
                    ..Default::default()
                };
                let reply = gateway.history(&ws, Spend::Read, &query).await?;
                Ok(reply.body.items.into_iter().map(UpstreamPost::from).collect())
            })
        }
    }

    /// Forgets every last good copy (cache clear).
    pub fn forget(&self) {
        let mut m = self.memory_mut();
        m.last_good.clear();
        m.cooling_until.clear();
    }
}
