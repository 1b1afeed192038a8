//! Linking networks to profiles: the linking sessions `POST /profiles/generateJWT`
//! opens (a token valid 5 minutes, for the page at `/__sim/link/{token}`), and
//! linking or unlinking itself, which queues a `social` webhook (`type: link` or
//! `unlink`) when the profile registered one (research note §9).

use std::time::Duration;

use ayrshare::webhook::Action;
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use rand::distributions::{Alphanumeric, DistString};
use tokio::time::Instant;

use super::Store;
use crate::webhooks::{self, Delivery};

/// How long a linking URL stays valid, as at Ayrshare.
pub(crate) const LINK_TTL: Duration = Duration::from_secs(5 * 60);

/// An open linking session.
#[derive(Debug, Clone)]
pub(crate) struct LinkSession {
    /// Internal id of the profile being linked.
    pub(crate) profile: String,
    pub(crate) expires: Instant,
}

impl Store {
    /// Opens a linking session for `profile`; its token.
    pub(crate) fn open_link_session(&mut self, profile: &str, now: Instant) -> String {
        self.links.retain(|_, s| s.expires > now);
        let token = Alphanumeric.sample_string(&mut rand::thread_rng(), 40);
        let session = LinkSession { profile: profile.to_string(), expires: now + LINK_TTL };
        self.links.insert(token.clone(), session);
        token
    }

    /// The profile of a linking session still open at `now`.
    pub(crate) fn link_session(&self, token: &str, now: Instant) -> Option<String> {
        self.links.get(token).filter(|s| s.expires > now).map(|s| s.profile.clone())
    }

    /// Links or unlinks `platforms` on `profile` and queues a `social` webhook per
    /// network whose state changed. `false` for an unknown profile.
    pub(crate) fn set_links(
        &mut self,
        profile: &str,
        platforms: &[Platform],
        linked: bool,
        now: DateTime<Utc>,
    ) -> bool {
        let Some(changed) = self.profiles.link(profile, platforms, linked, now) else {
            return false;
        };
        let hook = self.webhook(profile, Action::Social.as_str()).cloned();
        let view = self.profiles.view(profile);
        if let (Some(hook), Some(view)) = (hook, view) {
            for platform in changed {
                let payload = webhooks::social_payload(platform, linked, &view, now);
                self.outbox.push(Delivery {
                    url: hook.url.clone(),
                    secret: hook.secret.clone(),
                    body: payload.to_string().into_bytes(),
                });
            }
        }
        true
    }

    /// Takes the webhooks queued for delivery.
    pub(crate) fn take_outbox(&mut self) -> Vec<Delivery> {
        std::mem::take(&mut self.outbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Webhook, PRIMARY};

    #[test]
    fn a_linking_session_expires_after_five_minutes() {
        let mut store = Store::default();
        let start = Instant::now();
        let token = store.open_link_session(PRIMARY, start);
        assert_eq!(store.link_session(&token, start + LINK_TTL / 2).as_deref(), Some(PRIMARY));
        assert_eq!(store.link_session(&token, start + LINK_TTL), None);
        assert_eq!(store.link_session("other", start), None);
    }

    #[test]
    fn only_changes_queue_a_social_webhook() {
        let mut store = Store::default();
        let hook = Webhook { url: "http://h/".into(), secret: None, updated: Utc::now() };
        store.set_webhook(PRIMARY, "social", hook);
        assert!(store.set_links(PRIMARY, &[Platform::Twitter], true, Utc::now()));
        assert!(store.set_links(PRIMARY, &[Platform::Twitter], true, Utc::now()));
        assert_eq!(store.take_outbox().len(), 1);
        assert!(store.take_outbox().is_empty());
        assert!(!store.set_links("unknown", &[Platform::Twitter], true, Utc::now()));
    }
}
