//! Ayrshare's post history for a profile, as the dashboard uses it: read through the
//! coherent cache (one fetch per invalidation, across instances), within a per-profile
//! read budget, with the last good copy kept for when Ayrshare fails — served with its
//! true `as_of` and labelled `cached`, never as fresh.

use crate::domain::Workspace;
use chrono::{DateTime, Utc};
use herald_cache::{Cache, Source};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Ayrshare history is read at most this many times per profile per window by the
/// dashboard, leaving the rest of Ayrshare's 300 calls / 5 min for publishing.
pub const READ_BUDGET: usize = 100;
pub const BUDGET_WINDOW: Duration = Duration::from_secs(300);
/// After a failed fetch (or one made while the shared cache is down), wait this long
/// before asking Ayrshare again.
pub const COOLDOWN: Duration = Duration::from_secs(5);

/// One post as Ayrshare's history reports it (what the dashboard needs of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

    /// A key part naming this data and its label.
    pub fn id(&self) -> String {
        format!("{:?}{}", self.freshness, self.stamp)
    }
}

/// Why history could not be fetched (cloneable: shared with every waiter of a fill).
#[derive(Debug, Clone)]
pub struct FetchError(pub Arc<String>);

/// Cache key of a profile's history. The profile key is a secret, so keys carry a digest.
pub fn history_key(ws: &Workspace) -> String {
    format!("ayrshare:history:{}", profile_digest(ws))
}

/// The tag bumped whenever Herald changes something on the profile's Ayrshare history.
pub fn upstream_tag(ws: &Workspace) -> String {
    format!("upstream:{}", profile_digest(ws))
}

pub fn profile_digest(ws: &Workspace) -> String {
    hex::encode(&Sha256::digest(ws.profile_key.expose().as_bytes())[..8])
}

/// Sliding-window count of history fetches per profile.
#[derive(Default)]
struct Budget {
    calls: HashMap<String, VecDeque<Instant>>,
}

impl Budget {
    fn take(&mut self, profile: &str) -> bool {
        let now = Instant::now();
        let window = self.calls.entry(profile.to_owned()).or_default();
        while window.front().is_some_and(|t| now.duration_since(*t) > BUDGET_WINDOW) {
            window.pop_front();
        }
        if window.len() >= READ_BUDGET {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[derive(Default)]
struct Memory {
    budget: Budget,
    last_good: HashMap<String, Snapshot>,
    cooling_until: HashMap<String, Instant>,
}

/// Reads Ayrshare history through the cache.
#[derive(Clone)]
pub struct Upstream {
    client: ayrshare::Client,
    cache: Cache,
    memory: Arc<Mutex<Memory>>,
}

impl Upstream {
    pub fn new(client: ayrshare::Client, cache: Cache) -> Self {
        Self { client, cache, memory: Arc::default() }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The profile's history for the current upstream version: cached, fetched once, or
    /// the last good copy (labelled `cached`) when Ayrshare cannot be asked.
    pub async fn snapshot(&self, ws: &Workspace) -> Snapshot {
        let digest = profile_digest(ws);
        let cooling = self.memory().cooling_until.get(&digest).is_some_and(|t| *t > Instant::now());
        if cooling {
            return self.fallback(&digest);
        }
        let fill = self.fetcher(ws, digest.clone());
        match self.cache.get_or_fill(&history_key(ws), &[upstream_tag(ws)], fill).await {
            Ok(found) => {
                let snap = Snapshot {
                    posts: found.value,
                    as_of: Some(found.filled_at),
                    freshness: Freshness::Fresh,
                    stamp: found.stamp,
                };
                let mut memory = self.memory();
                memory.last_good.insert(digest.clone(), snap.clone());
                if found.source == Source::Bypass {
                    // The shared cache is down, so nothing coalesces fetches between readers
                    // or instances: fetch at most once per cool-down, serve that copy meanwhile.
                    memory.cooling_until.insert(digest, Instant::now() + COOLDOWN);
                }
                snap
            }
            Err(FetchError(why)) => {
                tracing::warn!(profile = %digest, reason = %why, "Ayrshare history unavailable; answering from local data");
                self.memory().cooling_until.insert(digest.clone(), Instant::now() + COOLDOWN);
                self.fallback(&digest)
            }
        }
    }

    fn fallback(&self, digest: &str) -> Snapshot {
        match self.memory().last_good.get(digest) {
            Some(s) => Snapshot { freshness: Freshness::Cached, ..s.clone() },
            None => Snapshot::unavailable(),
        }
    }

    /// The fill: one budgeted `GET /history` call.
    fn fetcher(
        &self,
        ws: &Workspace,
        digest: String,
    ) -> impl FnOnce() -> futures::future::BoxFuture<'static, Result<Vec<UpstreamPost>, FetchError>>
    {
        let client = self.client.clone();
        let memory = self.memory.clone();
        let profile = ws.profile_key.clone();
        move || {
            Box::pin(async move {
                let allowed = memory.lock().unwrap_or_else(|p| p.into_inner()).budget.take(&digest);
                if !allowed {
                    return Err(FetchError(Arc::new(
                        "history read budget for this profile is used up".into(),
                    )));
                }
                let query = ayrshare::HistoryQuery {
                    limit: Some(1000),
                    last_days: Some(0),
                    ..Default::default()
                };
                let reply = client
                    .history(profile.expose(), &query)
                    .await
                    .map_err(|e| FetchError(Arc::new(e.to_string())))?;
                Ok(reply.body.items.into_iter().map(UpstreamPost::from).collect())
            })
        }
    }

    /// Forgets every last good copy (cache clear).
    pub fn forget(&self) {
        let mut m = self.memory();
        m.last_good.clear();
        m.cooling_until.clear();
    }
}
