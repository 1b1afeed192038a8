//! A workspace's linked social accounts (Ayrshare `GET /user`) and the page that links
//! more (`POST /profiles/generateJWT`).
//!
//! Linked accounts change outside Herald (someone links X on Ayrshare's page), so they
//! are bounded-stale by design: read through the coherent cache (one `/user` call per
//! expiry across instances, within the read share of the profile's budget), for at most
//! the cache TTL, and dropped at once when Ayrshare's `social` webhook says an account
//! was linked or unlinked. Every answer says when it was read (`as_of`) and whether it is
//! that read (`fresh`) or an older one kept because Ayrshare could not be asked
//! (`cached`); with nothing at all it is `unavailable`, and validation then does not
//! refuse platforms it cannot check.
//!
//! Someone who just linked an account may ask for a refresh (`?refresh=true`, the
//! settings page's "I linked them: refresh the list"): the profile's entry is dropped on
//! every instance and read again, unless this instance did so for the profile less than
//! [`MIN_REFRESH`] ago, so a page that asks again and again costs Ayrshare at most one
//! `/user` call per interval and instance (and the gateway's budget still applies).

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::gateway::{Gateway, GatewayError};
use crate::foundation::domain::Workspace;
use crate::gate::dashboard::upstream::Freshness;
use crate::storage::cache_keys::{Key, ProfileRef, Tag};
use chrono::{DateTime, Utc};
use herald_cache::{Cache, Weigh};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use utoipa::ToSchema;

/// A refresh asked for sooner than this after the last read is answered from the cache.
pub const MIN_REFRESH: std::time::Duration = std::time::Duration::from_secs(10);

/// One linked account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    /// Ayrshare's network id (`twitter`, `linkedin`, …).
    pub platform: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
}

impl Weigh for Account {
    fn weigh(&self) -> usize {
        self.platform.weigh()
            + self.display_name.weigh()
            + self.username.weigh()
            + self.avatar_url.weigh()
    }
}

/// `GET /api/workspaces/{ws}/accounts`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Accounts {
    /// When Ayrshare was asked (null: never).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub as_of: Option<DateTime<Utc>>,
    #[schema(value_type = String)]
    pub upstream: Freshness,
    pub accounts: Vec<Account>,
}

impl Accounts {
    /// Whether `platform` is linked; `None` when nothing is known.
    pub fn is_linked(&self, platform: &str) -> Option<bool> {
        (self.upstream != Freshness::Unavailable)
            .then(|| self.accounts.iter().any(|a| a.platform == platform))
    }
}

/// `POST /api/workspaces/{ws}/connect`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkPage {
    pub url: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
}

/// Linked accounts and the linking page. Cheap to clone.
#[derive(Clone)]
pub struct AccountService {
    inner: Arc<Inner>,
}

struct Inner {
    gateway: Gateway,
    cache: Cache,
    /// The last answer read per profile, for when Ayrshare cannot be asked.
    last_good: Mutex<HashMap<ProfileRef, Accounts>>,
    /// When this instance last dropped a profile's entry because someone asked.
    refreshed: Mutex<HashMap<ProfileRef, std::time::Instant>>,
}

impl AccountService {
    pub fn new(gateway: Gateway, cache: Cache) -> Self {
        let (last_good, refreshed) = (Mutex::default(), Mutex::default());
        Self { inner: Arc::new(Inner { gateway, cache, last_good, refreshed }) }
    }

    /// The workspace's linked accounts (see the module docs for how fresh).
    pub async fn linked(&self, ws: &Workspace) -> Accounts {
        let profile = ProfileRef::of(&ws.profile_key);
        let (gateway, owned) = (self.inner.gateway.clone(), ws.clone());
        let fill = move || async move {
            let reply = gateway.user(&owned).await?;
            Ok::<_, GatewayError>(
                reply.body.display_names.into_iter().map(account).collect::<Vec<_>>(),
            )
        };
        let key = Key::accounts(&profile);
        let tags = [Tag::accounts(), Tag::accounts_of(&profile)];
        let found = self.inner.cache.get_or_fill(key.as_str(), &tags, fill).await;
        let mut last_good = self.inner.last_good.lock().unwrap_or_else(|p| p.into_inner());
        match found {
            Ok(found) => {
                let fresh = Accounts {
                    as_of: Some(found.filled_at),
                    upstream: Freshness::Fresh,
                    accounts: found.value.as_ref().clone(),
                };
                last_good.insert(profile, fresh.clone());
                fresh
            }
            Err(why) => {
                tracing::warn!(%profile, reason = %why, "linked accounts unavailable from Ayrshare");
                match last_good.get(&profile) {
                    Some(known) => Accounts { upstream: Freshness::Cached, ..known.clone() },
                    None => {
                        Accounts { as_of: None, upstream: Freshness::Unavailable, accounts: vec![] }
                    }
                }
            }
        }
    }

    /// The workspace's linked accounts read again from Ayrshare, unless this instance did
    /// so less than [`MIN_REFRESH`] ago (see the module docs).
    pub async fn refreshed(&self, ws: &Workspace) -> Accounts {
        let profile = ProfileRef::of(&ws.profile_key);
        let due = {
            let mut refreshed = self.inner.refreshed.lock().unwrap_or_else(|p| p.into_inner());
            let now = std::time::Instant::now();
            refreshed.retain(|_, at| now.duration_since(*at) < MIN_REFRESH);
            let due = !refreshed.contains_key(&profile);
            if due {
                refreshed.insert(profile.clone(), now);
            }
            due
        };
        if due {
            if let Err(e) = self.inner.cache.invalidate(&[Tag::accounts_of(&profile)]).await {
                tracing::warn!(error = %e, "an accounts refresh not yet seen by other instances");
            }
        }
        self.linked(ws).await
    }

    /// After Ayrshare's `social` webhook: some profile linked or unlinked an account.
    pub async fn changed(&self) {
        if let Err(e) = self.inner.cache.invalidate(&[Tag::accounts()]).await {
            tracing::warn!(error = %e, "linked-account change not yet seen by other instances");
        }
    }

    /// Ayrshare's page where the workspace's team links social accounts (409
    /// `not_configured` without `AYRSHARE_DOMAIN` and `AYRSHARE_PRIVATE_KEY_FILE`).
    pub async fn link_page(&self, ws: &Workspace) -> AppResult<LinkPage> {
        let gateway = &self.inner.gateway;
        let Some(linking) = gateway.linking() else {
            return Err(AppError::conflict(
                "not_configured",
                "Linking accounts needs AYRSHARE_DOMAIN and AYRSHARE_PRIVATE_KEY_FILE to be set.",
            ));
        };
        let request = ayrshare::JwtRequest {
            domain: linking.domain.clone(),
            private_key: ayrshare::Secret::new(linking.private_key.expose()),
            profile_key: ws.profile_key.expose().to_owned(),
            x: gateway
                .x_credentials(ws)
                .map(|x| ayrshare::XCredentials::new(x.api_key.expose(), x.api_secret.expose())),
        };
        let jwt = gateway.generate_jwt(ws, &request).await?.body;
        let lifetime = jwt.expires_in.unwrap_or(std::time::Duration::from_secs(300));
        let expires_at = Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or_default();
        Ok(LinkPage { url: jwt.url, expires_at })
    }
}

fn account(d: ayrshare::DisplayName) -> Account {
    Account {
        platform: d.platform,
        display_name: d.display_name,
        username: d.username,
        avatar_url: d.user_image,
    }
}
