//! The simulator's whole in-memory state: profiles (with their linked networks),
//! posts, used idempotency keys, registered webhooks, linking sessions, media, the
//! webhooks waiting for delivery, per-profile rate windows and request counters.
//! Submodules: `profiles`, `checks` (does a network take a post), `publish`,
//! `linking`, `media`. It lives in one
//! std `Mutex` inside [`crate::shared::Shared`]; every method here is synchronous, so
//! the lock is never held across an `.await`.

mod checks;
mod linking;
mod media;
mod profiles;
mod publish;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::post::{PostRecord, PostStatus};
use crate::profile::ProfileView;
use crate::Stats;

pub(crate) use checks::not_linked_error;
pub(crate) use linking::LINK_TTL;
pub(crate) use profiles::{CreateError, ProfileFilter, Profiles, PRIMARY};

use crate::webhooks::Delivery;

/// The stats key for calls without a Profile-Key.
pub(crate) const PRIMARY_STATS_KEY: &str = "primary";

/// A webhook registered with `POST /hook/webhook`.
#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub(crate) url: String,
    /// HMAC key for the signature header; no header is sent without one.
    pub(crate) secret: Option<String>,
    pub(crate) updated: DateTime<Utc>,
}

/// How an admitted call looks to its handler.
#[derive(Debug, Clone)]
pub(crate) struct Admission {
    /// Internal id of the profile the call acts on.
    pub(crate) profile: String,
    pub(crate) view: ProfileView,
    /// Accepted calls in the profile's current window, this one included.
    pub(crate) count: usize,
}

/// Why a call was not admitted.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Unknown Profile-Key in strict mode.
    UnknownProfile,
    /// Over the rate limit; carries the window count for the headers.
    RateLimited(usize),
}

/// Everything the simulator remembers.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) profiles: Profiles,
    posts: HashMap<String, PostRecord>,
    next_seq: u64,
    /// `(profile, idempotencyKey)` pairs already used.
    idempotency: HashSet<(String, String)>,
    /// Per profile, action name to webhook.
    webhooks: HashMap<String, BTreeMap<String, Webhook>>,
    /// Per profile, the instants of accepted calls within the current window.
    windows: HashMap<String, VecDeque<Instant>>,
    stats: Stats,
    /// Open linking sessions by token.
    links: HashMap<String, linking::LinkSession>,
    /// Uploaded files by id.
    media: HashMap<String, media::Media>,
    /// Webhooks waiting for the publisher to deliver them.
    outbox: Vec<Delivery>,
}

impl Store {
    /// Forgets posts, counters, rate windows, idempotency keys, linking sessions and
    /// media; profiles (with their links) and webhooks stay, as they are set up once
    /// by a test or a client.
    pub(crate) fn reset(&mut self) {
        self.posts.clear();
        self.idempotency.clear();
        self.windows.clear();
        self.stats = Stats::default();
        self.links.clear();
        self.media.clear();
        self.outbox.clear();
    }

    /// Deletes a User Profile with its webhooks and rate window; its `refId`.
    pub(crate) fn delete_profile(&mut self, key: &str) -> Option<String> {
        let ref_id = self.profiles.delete(key)?;
        self.webhooks.remove(key);
        self.windows.remove(key);
        self.links.retain(|_, s| s.profile != key);
        Some(ref_id)
    }

    /// Counts one call to `route` by `stats_profile` (the Profile-Key or `primary`).
    pub(crate) fn count(&mut self, route: &str, stats_profile: &str) {
        *self.stats.requests.entry(route.to_string()).or_default() += 1;
        let by_route = self.stats.by_profile.entry(stats_profile.to_string()).or_default();
        *by_route.entry(route.to_string()).or_default() += 1;
    }

    /// Counts one answer with HTTP `status` to `route`.
    pub(crate) fn count_status(&mut self, route: &str, status: u16) {
        let status = status.to_string();
        *self.stats.by_status.entry(status.clone()).or_default() += 1;
        let by_route = self.stats.by_route_status.entry(route.to_string()).or_default();
        *by_route.entry(status).or_default() += 1;
    }

    /// Calls counted for `stats_profile` since the last reset.
    pub(crate) fn calls_by(&self, stats_profile: &str) -> u64 {
        self.stats.by_profile.get(stats_profile).map_or(0, |routes| routes.values().sum())
    }

    pub(crate) fn stats(&self) -> Stats {
        self.stats.clone()
    }

    /// Resolves the profile (an unknown key is refused when `strict`, else created)
    /// and takes one slot of its sliding rate window; a refused call takes no slot.
    pub(crate) fn admit(
        &mut self,
        header_key: Option<&str>,
        strict: bool,
        limit: (u32, Duration),
        now: Instant,
    ) -> Result<Admission, Refusal> {
        let (profile, view) =
            self.profiles.resolve(header_key, !strict).ok_or(Refusal::UnknownProfile)?;
        let window = self.windows.entry(profile.clone()).or_default();
        while window.front().is_some_and(|t| now.duration_since(*t) >= limit.1) {
            window.pop_front();
        }
        if window.len() >= limit.0 as usize {
            return Err(Refusal::RateLimited(window.len()));
        }
        window.push_back(now);
        let count = window.len();
        Ok(Admission { profile, view, count })
    }

    /// Accepted calls in the current window of the profile a header selects, for the
    /// rate-limit headers of calls refused before admission.
    pub(crate) fn window_count(
        &self,
        header_key: Option<&str>,
        window: Duration,
        now: Instant,
    ) -> usize {
        let key = header_key.unwrap_or(PRIMARY);
        self.windows
            .get(key)
            .map_or(0, |w| w.iter().filter(|t| now.duration_since(**t) < window).count())
    }

    /// Records that `profile` used `key`; false if it had already.
    pub(crate) fn claim_idempotency_key(&mut self, profile: &str, key: &str) -> bool {
        self.idempotency.insert((profile.to_string(), key.to_string()))
    }

    /// Stores a new post, giving it its creation order.
    pub(crate) fn insert_post(&mut self, mut post: PostRecord) {
        self.next_seq += 1;
        post.seq = self.next_seq;
        self.posts.insert(post.id.clone(), post);
    }

    /// A post of `profile` (posts of other profiles are invisible).
    pub(crate) fn post(&self, profile: &str, id: &str) -> Option<&PostRecord> {
        self.posts.get(id).filter(|p| p.profile == profile)
    }

    pub(crate) fn post_mut(&mut self, profile: &str, id: &str) -> Option<&mut PostRecord> {
        self.posts.get_mut(id).filter(|p| p.profile == profile)
    }

    /// Every post of `profile`, in no particular order.
    pub(crate) fn posts_of<'a>(
        &'a self,
        profile: &'a str,
    ) -> impl Iterator<Item = &'a PostRecord> + 'a {
        self.posts.values().filter(move |p| p.profile == profile)
    }

    /// The still-scheduled posts of `profile` (for `deleteAllScheduled`).
    pub(crate) fn scheduled_ids(&self, profile: &str) -> Vec<String> {
        let waiting = |p: &&PostRecord| {
            matches!(
                p.status,
                PostStatus::Pending | PostStatus::Paused | PostStatus::AwaitingApproval
            )
        };
        self.posts_of(profile).filter(waiting).map(|p| p.id.clone()).collect()
    }

    /// Registers (or replaces) the webhook for `action` on `profile`.
    pub(crate) fn set_webhook(&mut self, profile: &str, action: &str, hook: Webhook) {
        self.webhooks.entry(profile.to_string()).or_default().insert(action.to_string(), hook);
    }

    /// Removes the webhook for `action`; false if there was none.
    pub(crate) fn remove_webhook(&mut self, profile: &str, action: &str) -> bool {
        self.webhooks.get_mut(profile).is_some_and(|hooks| hooks.remove(action).is_some())
    }

    /// The webhooks of `profile`, by action.
    pub(crate) fn webhooks(&self, profile: &str) -> BTreeMap<String, Webhook> {
        self.webhooks.get(profile).cloned().unwrap_or_default()
    }

    pub(crate) fn webhook(&self, profile: &str, action: &str) -> Option<&Webhook> {
        self.webhooks.get(profile)?.get(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_calls_take_no_slot() {
        let mut store = Store::default();
        let now = Instant::now();
        let limit = (2, Duration::from_secs(60));
        assert_eq!(store.admit(None, false, limit, now).map(|a| a.count).ok(), Some(1));
        assert_eq!(store.admit(None, false, limit, now).map(|a| a.count).ok(), Some(2));
        assert!(matches!(store.admit(None, false, limit, now), Err(Refusal::RateLimited(2))));
        assert_eq!(store.window_count(None, limit.1, now), 2);
    }

    #[test]
    fn the_window_slides() {
        let mut store = Store::default();
        let start = Instant::now();
        let limit = (1, Duration::from_secs(10));
        assert!(store.admit(Some("K"), false, limit, start).is_ok());
        assert!(store.admit(Some("K"), false, limit, start + Duration::from_secs(5)).is_err());
        assert!(store.admit(Some("K"), false, limit, start + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn strict_mode_refuses_unknown_profiles() {
        let mut store = Store::default();
        let limit = (5, Duration::from_secs(10));
        assert!(matches!(
            store.admit(Some("nope"), true, limit, Instant::now()),
            Err(Refusal::UnknownProfile)
        ));
        assert!(store.admit(None, true, limit, Instant::now()).is_ok());
    }

    #[test]
    fn idempotency_keys_are_per_profile() {
        let mut store = Store::default();
        assert!(store.claim_idempotency_key("A", "k"));
        assert!(!store.claim_idempotency_key("A", "k"));
        assert!(store.claim_idempotency_key("B", "k"));
    }
}
