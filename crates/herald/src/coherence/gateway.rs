//! Every call Herald makes to Ayrshare, for a workspace: with the workspace's profile key
//! and X credentials, and counted against **one budget per profile across all
//! instances**.
//!
//! Ayrshare limits a profile (300 calls per 5 minutes; 1,000 429s in 24 h suspend it),
//! not an instance, so each call first takes a use of the profile's rate window in the
//! coherent cache ([`herald_cache::Cache::take_slots`]: a Redis script when Redis is
//! configured, so every instance draws from the same window; in-process otherwise; a
//! quarter each while Redis is unreachable). The budget is `HERALD_AYRSHARE_BUDGET`
//! (`CALLS/SECONDS`, default `300/300`). Why the window holds: every call site goes
//! through the `within_budget!` macro, which takes the use before the request is sent and never
//! sends without one, and the window's script grants atomically; so in any period the
//! profile sees at most the budget from Herald, whatever the number of instances.
//!
//! Spending ([`Spend`]): publishing may use the whole window; reads (dashboard history,
//! linked accounts, analytics) also take a use of a read window of a fifth of the
//! budget, so a burst of publishing always keeps four fifths — a read that finds
//! either window spent is refused ([`GatewayError::Budget`]) and the caller answers
//! from what it has, labelled `cached`. The scheduler reserves uses for a batch before
//! claiming it ([`Gateway::reserve`], [`Gateway::refund`]) and spends them with
//! [`Spend::Reserved`].
//!
//! A use leaves our window a period after its call was *made*, not after it was taken:
//! Ayrshare counts a call when it arrives, and a reserved use may be spent seconds after
//! it was taken, so each call restamps its use when it returns
//! ([`herald_cache::Cache::restamp_slot`]); otherwise our window would free a use while
//! Ayrshare's still counts the call.
//!
//! What Ayrshare says wins: a `x-ratelimit-count` above our count raises the window to
//! it, and a 429 fills it, pausing the profile on every instance. Ayrshare documents no
//! `Retry-After`, so the pause is a tenth of the period after a first 429 and doubles
//! with each 429 that follows it (up to the whole period), until a call succeeds: at most
//! a few 429s per window, far from the 1,000 in 24 hours that suspend a profile.
//!
//! X credentials: the workspace's own, else the global `AYRSHARE_X_API_KEY/SECRET`,
//! sent as the two `X-Twitter-OAuth1-*` headers on every call ([`XSource`]).

use crate::foundation::domain::{Workspace, XCredentials};
use crate::foundation::secret::Secret;
use crate::storage::cache_keys::{Key, ProfileRef};
use ayrshare::{
    Client, History, HistoryQuery, Jwt, JwtRequest, Platform, PostAnalytics, PostOutcome,
    PostRequest, Profile, Reply, SocialAnalytics, UploadedMedia, UserDetails,
};
use herald_cache::{Cache, Slots};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use utoipa::ToSchema;

/// One call for a workspace, within budget: takes the use (never sends without one),
/// makes the call with the profile's key and X credentials, then lets Ayrshare's answer
/// correct the count. (A macro, not a function taking a closure: the call's future
/// borrows the profile, which lives in here.)
macro_rules! within_budget {
    ($gateway:ident, $ws:ident, $spend:expr, |$client:ident, $profile:ident| $call:expr) => {{
        let spend = $spend;
        let taken = $gateway.spend($ws, &spend).await?;
        let x = $gateway.x_for($ws);
        let mut $profile = Profile::new($ws.profile_key.expose());
        if let Some(x) = &x {
            $profile = $profile.with_x(x);
        }
        let $client = &$gateway.inner.client;
        let result = $call.await;
        $gateway.spent($ws, taken.as_ref().or(spend.reserved())).await;
        $gateway.observe($ws, &result).await;
        Ok(result?)
    }};
}

/// `HERALD_AYRSHARE_BUDGET`: at most `calls` Ayrshare calls per profile per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub calls: u32,
    pub period: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Self { calls: 300, period: Duration::from_secs(300) }
    }
}

impl std::str::FromStr for Budget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("expected CALLS/SECONDS with both above 0, e.g. 300/300: {s:?}");
        let (calls, secs) = s.split_once('/').ok_or_else(err)?;
        let calls: u32 = calls.trim().parse().map_err(|_| err())?;
        let secs: u64 = secs.trim().parse().map_err(|_| err())?;
        if calls == 0 || secs == 0 {
            return Err(err());
        }
        Ok(Self { calls, period: Duration::from_secs(secs) })
    }
}

impl Budget {
    /// The uses reads may take per period: a fifth of the budget (at least one).
    pub fn read_share(&self) -> u32 {
        (self.calls / 5).max(1)
    }
}

/// What a call spends.
#[derive(Debug, Clone, Copy)]
pub enum Spend<'a> {
    /// A use of a reservation made earlier ([`Gateway::reserve`]).
    Reserved(&'a Slots),
    /// Publishing (and deleting): the whole window.
    Publish,
    /// A read that can be answered from what Herald has (`cached`): within the read share.
    Read,
}

impl Spend<'_> {
    fn reserved(&self) -> Option<&Slots> {
        match self {
            Self::Reserved(slots) => Some(slots),
            _ => None,
        }
    }
}

/// Where a workspace's X credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum XSource {
    Workspace,
    Global,
    Missing,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The profile's budget is spent; a use frees after the duration.
    #[error("the Ayrshare budget of this profile is spent for now (a call frees in {0:?})")]
    Budget(Duration),
    #[error(transparent)]
    Ayrshare(#[from] ayrshare::Error),
}

impl GatewayError {
    /// When the call could be made again, if the budget refused it.
    pub fn budget_wait(&self) -> Option<Duration> {
        match self {
            Self::Budget(wait) => Some(*wait),
            Self::Ayrshare(_) => None,
        }
    }
}

/// Linking social accounts through Ayrshare's page (`AYRSHARE_DOMAIN`,
/// `AYRSHARE_PRIVATE_KEY_FILE`).
#[derive(Clone)]
pub struct Linking {
    pub domain: String,
    pub private_key: Secret,
}

/// Ayrshare, per workspace and within budget. Cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    cache: Cache,
    budget: Budget,
    global_x: Option<XCredentials>,
    linking: Option<Linking>,
    /// 429s in a row per profile (this instance's count; the pause itself is shared).
    strikes: std::sync::Mutex<std::collections::HashMap<ProfileRef, u32>>,
}

/// The settings of a [`Gateway`].
pub struct Settings {
    pub budget: Budget,
    pub global_x: Option<XCredentials>,
    pub linking: Option<Linking>,
}

impl Gateway {
    pub fn new(client: Client, cache: Cache, settings: Settings) -> Self {
        let Settings { budget, global_x, linking } = settings;
        let strikes = std::sync::Mutex::default();
        Self { inner: Arc::new(Inner { client, cache, budget, global_x, linking, strikes }) }
    }

    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    pub fn budget(&self) -> Budget {
        self.inner.budget
    }

    pub fn linking(&self) -> Option<&Linking> {
        self.inner.linking.as_ref()
    }

    /// The X credentials a workspace's calls carry.
    pub fn x_credentials<'a>(&'a self, ws: &'a Workspace) -> Option<&'a XCredentials> {
        ws.x_credentials.as_ref().or(self.inner.global_x.as_ref())
    }

    /// Where a workspace's X credentials come from.
    pub fn x_source(&self, ws: &Workspace) -> XSource {
        match (&ws.x_credentials, &self.inner.global_x) {
            (Some(_), _) => XSource::Workspace,
            (None, Some(_)) => XSource::Global,
            (None, None) => XSource::Missing,
        }
    }

    fn window(ws: &Workspace) -> Key {
        Key::budget(&ProfileRef::of(&ws.profile_key))
    }

    fn read_window(ws: &Workspace) -> Key {
        Key::read_budget(&ProfileRef::of(&ws.profile_key))
    }

    /// Takes up to `wanted` uses of the profile's window for a batch of publishes.
    pub async fn reserve(&self, ws: &Workspace, wanted: u32) -> Slots {
        let Budget { calls, period } = self.inner.budget;
        self.inner.cache.take_slots(Self::window(ws).as_str(), wanted, calls, period).await
    }

    /// Gives back `count` reserved uses that were not spent.
    pub async fn refund(&self, ws: &Workspace, slots: &Slots, count: u32) {
        self.inner.cache.refund_slots(Self::window(ws).as_str(), slots, count).await;
    }

    /// Takes the use a call needs (none for a reserved one), or says when one frees.
    async fn spend(
        &self,
        ws: &Workspace,
        spend: &Spend<'_>,
    ) -> Result<Option<Slots>, GatewayError> {
        let Budget { calls, period } = self.inner.budget;
        let cache = &self.inner.cache;
        if matches!(spend, Spend::Read) {
            let reads = Self::read_window(ws);
            let slots =
                cache.take_slots(reads.as_str(), 1, self.inner.budget.read_share(), period).await;
            if slots.granted == 0 {
                return Err(GatewayError::Budget(slots.retry_after.unwrap_or(period)));
            }
        }
        if spend.reserved().is_some() {
            return Ok(None);
        }
        let slots = cache.take_slots(Self::window(ws).as_str(), 1, calls, period).await;
        if slots.granted == 0 {
            return Err(GatewayError::Budget(slots.retry_after.unwrap_or(period)));
        }
        Ok(Some(slots))
    }

    /// A call was just made with a use of `slots`: Ayrshare counts it from now
    /// ([`herald_cache::Cache::restamp_slot`]).
    async fn spent(&self, ws: &Workspace, slots: Option<&Slots>) {
        if let Some(slots) = slots {
            let window = Self::window(ws);
            self.inner.cache.restamp_slot(window.as_str(), slots, self.inner.budget.period).await;
        }
    }

    /// The X credentials of `ws` in the client's form.
    fn x_for(&self, ws: &Workspace) -> Option<ayrshare::XCredentials> {
        let x = self.x_credentials(ws)?;
        Some(ayrshare::XCredentials::new(x.api_key.expose(), x.api_secret.expose()))
    }

    /// `POST /post`.
    pub async fn post(
        &self,
        ws: &Workspace,
        spend: Spend<'_>,
        req: &PostRequest,
    ) -> Result<Reply<PostOutcome>, GatewayError> {
        within_budget!(self, ws, spend, |c, p| c.post(p, req))
    }

    /// `GET /history`.
    pub async fn history(
        &self,
        ws: &Workspace,
        spend: Spend<'_>,
        query: &HistoryQuery,
    ) -> Result<Reply<History>, GatewayError> {
        within_budget!(self, ws, spend, |c, p| c.history(p, query))
    }

    /// `DELETE /post` (spends like publishing: the user asked for it).
    pub async fn delete_post(
        &self,
        ws: &Workspace,
        id: &str,
    ) -> Result<Reply<serde_json::Value>, GatewayError> {
        within_budget!(self, ws, Spend::Publish, |c, p| c.delete_post(p, id))
    }

    /// `GET /user`: the profile's linked accounts (a read).
    pub async fn user(&self, ws: &Workspace) -> Result<Reply<UserDetails>, GatewayError> {
        within_budget!(self, ws, Spend::Read, |c, p| c.user(p))
    }

    /// `POST /analytics/post`: a post's figures per network (a read).
    pub async fn analytics_post(
        &self,
        ws: &Workspace,
        id: &str,
    ) -> Result<Reply<PostAnalytics>, GatewayError> {
        within_budget!(self, ws, Spend::Read, |c, p| c.analytics_post(p, id, None))
    }

    /// `POST /analytics/social`: the accounts' figures on `platforms` (a read).
    pub async fn analytics_social(
        &self,
        ws: &Workspace,
        platforms: &[Platform],
    ) -> Result<Reply<SocialAnalytics>, GatewayError> {
        within_budget!(self, ws, Spend::Read, |c, p| c.analytics_social(p, platforms))
    }

    /// `POST /media/upload`: a file hosted by Ayrshare, its public URL for `mediaUrls`
    /// (spends like publishing: the user asked for it).
    pub async fn upload_media(
        &self,
        ws: &Workspace,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Reply<UploadedMedia>, GatewayError> {
        within_budget!(self, ws, Spend::Publish, |c, p| c.upload_media(
            p,
            file_name,
            content_type,
            bytes,
            None
        ))
    }

    /// `POST /profiles/generateJWT`: the linking page of the workspace's profile.
    pub async fn generate_jwt(
        &self,
        ws: &Workspace,
        req: &JwtRequest,
    ) -> Result<Reply<Jwt>, GatewayError> {
        within_budget!(self, ws, Spend::Publish, |c, _profile| c.generate_jwt(req))
    }

    /// `POST /profiles`: a new User Profile titled `title` (counted against the
    /// primary profile's window, which the API key's own calls use).
    pub async fn create_profile(&self, title: &str) -> Result<Secret, GatewayError> {
        let Budget { calls, period } = self.inner.budget;
        let window = Key::budget(&ProfileRef::primary());
        let slots = self.inner.cache.take_slots(window.as_str(), 1, calls, period).await;
        if slots.granted == 0 {
            return Err(GatewayError::Budget(slots.retry_after.unwrap_or(period)));
        }
        let reply = self.inner.client.create_profile(title).await;
        self.inner.cache.restamp_slot(window.as_str(), &slots, period).await;
        let reply = reply?;
        Ok(Secret::new(reply.body.profile_key))
    }

    /// Lets Ayrshare's own count win over ours: a higher `x-ratelimit-count` raises the
    /// window, a 429 fills it.
    async fn observe<T>(&self, ws: &Workspace, result: &Result<Reply<T>, ayrshare::Error>) {
        let Budget { calls, period } = self.inner.budget;
        let window = Self::window(ws);
        let (limit, error) = match result {
            Ok(reply) => (reply.rate_limit, None),
            Err(e) => (e.rate_limit().unwrap_or_default(), Some(e)),
        };
        let profile = ProfileRef::of(&ws.profile_key);
        if error.is_some_and(|e| e.is_rate_limited()) {
            let hold = self.strike(&profile);
            tracing::warn!(%profile, pause_secs = hold.as_secs(), "Ayrshare answered 429; pausing the profile");
            self.inner.cache.fill_slots(window.as_str(), calls, period, hold).await;
            return;
        }
        if error.is_none() {
            self.inner.strikes.lock().unwrap_or_else(|p| p.into_inner()).remove(&profile);
        }
        let used = limit.count.or_else(|| Some(limit.max?.saturating_sub(limit.remaining?)));
        if let Some(used) = used {
            self.inner.cache.fill_slots(window.as_str(), used.min(calls), period, period).await;
        }
    }

    /// Counts a 429 of `profile`; how long to pause it (see the module docs).
    fn strike(&self, profile: &ProfileRef) -> std::time::Duration {
        let mut strikes = self.inner.strikes.lock().unwrap_or_else(|p| p.into_inner());
        let count = strikes.entry(profile.clone()).or_insert(0);
        *count = count.saturating_add(1);
        pause_after(self.inner.budget.period, *count)
    }
}

/// The pause after the `strikes`-th 429 in a row: a tenth of the period, doubling, at
/// most the period.
fn pause_after(period: Duration, strikes: u32) -> Duration {
    let doubling = 1u32 << strikes.saturating_sub(1).min(10);
    (period / 10).saturating_mul(doubling).min(period)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_pauses_a_tenth_of_the_period_doubling_up_to_the_period() {
        let period = Duration::from_secs(300);
        let pauses: Vec<u64> = (1..=6).map(|s| pause_after(period, s).as_secs()).collect();
        assert_eq!(pauses, [30, 60, 120, 240, 300, 300]);
    }

    #[test]
    fn a_budget_reads_as_calls_per_seconds() {
        let b: Budget = "60/30".parse().unwrap();
        assert_eq!(b, Budget { calls: 60, period: Duration::from_secs(30) });
        assert_eq!(b.read_share(), 12);
        assert!("0/30".parse::<Budget>().is_err());
        assert!("60".parse::<Budget>().is_err());
        assert!("60/0".parse::<Budget>().is_err());
        assert_eq!(Budget::default(), "300/300".parse().unwrap());
    }
}
