//! Sending a post to its networks: one outcome per platform (posted, or refused for
//! one of the reasons in `checks`), retrying refused networks, and publishing
//! scheduled posts when due (with the `scheduled` webhook to deliver afterwards).

use ayrshare::webhook::Action;
use ayrshare::Platform;
use chrono::{DateTime, Utc};

use super::Store;
use crate::config::SimConfig;
use crate::platforms::new_social_post;
use crate::post::{Outcome, PostRecord, PostStatus};
use crate::webhooks::{self, Delivery};

fn settle(post: &mut PostRecord, outcomes: Vec<(Platform, Outcome)>, now: DateTime<Utc>) {
    let failed = outcomes.iter().any(|(_, o)| matches!(o, Outcome::Failed { .. }))
        || !post.unknown_platforms.is_empty();
    post.outcomes = outcomes;
    post.published = Some(now);
    post.status = if failed { PostStatus::Error } else { PostStatus::Success };
}

impl Store {
    /// What `platform` does with `post` sent at `now`.
    fn outcome(
        &self,
        post: &PostRecord,
        platform: Platform,
        config: &SimConfig,
        now: DateTime<Utc>,
    ) -> Outcome {
        if let Some(refusal) = self.refusal(post, platform, config, now) {
            return refusal;
        }
        let (id, url) = new_social_post(platform);
        let used_quota =
            (platform == Platform::Instagram).then(|| self.instagram_quota(&post.profile, now));
        Outcome::Posted { id, url, used_quota, removed: false }
    }

    /// Sends post `id` to every one of its networks now.
    pub(crate) fn publish(&mut self, id: &str, config: &SimConfig, now: DateTime<Utc>) {
        let Some(post) = self.posts.get(id) else {
            return;
        };
        let outcomes =
            post.platforms.iter().map(|p| (*p, self.outcome(post, *p, config, now))).collect();
        if let Some(post) = self.posts.get_mut(id) {
            settle(post, outcomes, now);
        }
    }

    /// Sends post `id` again to the networks that refused it, checking them again.
    /// Networks that took it are left alone.
    pub(crate) fn retry(&mut self, id: &str, config: &SimConfig, now: DateTime<Utc>) {
        let Some(post) = self.posts.get(id) else {
            return;
        };
        let outcomes = post
            .outcomes
            .iter()
            .map(|(platform, outcome)| match outcome {
                Outcome::Posted { .. } => (*platform, outcome.clone()),
                Outcome::Failed { .. } => (*platform, self.outcome(post, *platform, config, now)),
            })
            .collect();
        if let Some(post) = self.posts.get_mut(id) {
            settle(post, outcomes, now);
        }
    }

    /// Publishes every pending post whose date has come. Returns the `scheduled`
    /// webhooks to deliver and the date of the next pending post, if any.
    pub(crate) fn publish_due(
        &mut self,
        config: &SimConfig,
        now: DateTime<Utc>,
    ) -> (Vec<Delivery>, Option<DateTime<Utc>>) {
        let pending = |p: &&PostRecord| p.status == PostStatus::Pending;
        let mut due: Vec<(u64, String)> = self
            .posts
            .values()
            .filter(pending)
            .filter(|p| p.schedule_date <= now)
            .map(|p| (p.seq, p.id.clone()))
            .collect();
        due.sort();
        let mut deliveries = Vec::new();
        for (_, id) in due {
            self.publish(&id, config, now);
            deliveries.extend(self.scheduled_webhook(&id, now));
        }
        let next = self.posts.values().filter(pending).map(|p| p.schedule_date).min();
        (deliveries, next)
    }

    /// The `scheduled` webhook for a just-published post, if its profile has one.
    fn scheduled_webhook(&self, id: &str, now: DateTime<Utc>) -> Option<Delivery> {
        let post = self.posts.get(id).filter(|p| p.scheduled)?;
        let hook = self.webhook(&post.profile, Action::Scheduled.as_str())?;
        let view = self.profiles.view(&post.profile)?;
        let payload = webhooks::scheduled_payload(post, &view, &hook.url, now);
        Some(Delivery {
            url: hook.url.clone(),
            secret: hook.secret.clone(),
            body: payload.to_string().into_bytes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{DUPLICATE_CONTENT_CODE, NOT_LINKED_CODE};
    use crate::store::PRIMARY;
    use tokio::time::Instant;

    fn new_post(store: &mut Store, id: &str, text: &str, platforms: &[Platform]) {
        let now = Utc::now();
        store.insert_post(PostRecord {
            id: id.into(),
            profile: PRIMARY.into(),
            text: text.into(),
            platforms: platforms.to_vec(),
            outcomes: vec![],
            status: PostStatus::Pending,
            scheduled: false,
            created: now,
            created_at: Instant::now(),
            schedule_date: now,
            published: None,
            notes: None,
            media_urls: vec![],
            unknown_platforms: vec![],
            youtube_title: None,
            first_comment: None,
            seq: 0,
        });
    }

    fn codes(store: &Store, id: &str) -> Vec<i64> {
        let post = store.post(PRIMARY, id).expect("post exists");
        post.errors().iter().filter_map(|e| e["code"].as_i64()).collect()
    }

    #[test]
    fn same_text_twice_is_137_except_where_unchecked() {
        let mut store = Store::default();
        let config = SimConfig { lenient: true, ..SimConfig::default() };
        new_post(&mut store, "a", "hello", &[Platform::Twitter, Platform::Reddit]);
        store.publish("a", &config, Utc::now());
        new_post(&mut store, "b", "hello", &[Platform::Twitter, Platform::Reddit]);
        store.publish("b", &config, Utc::now());
        assert_eq!(codes(&store, "a"), Vec::<i64>::new());
        assert_eq!(codes(&store, "b"), vec![DUPLICATE_CONTENT_CODE]);
    }

    #[test]
    fn retry_fixes_networks_no_longer_failing() {
        let mut store = Store::default();
        let mut config = SimConfig {
            fail_platforms: vec!["facebook".into()],
            lenient: true,
            ..SimConfig::default()
        };
        new_post(&mut store, "a", "hi", &[Platform::Facebook, Platform::Twitter]);
        store.publish("a", &config, Utc::now());
        assert_eq!(codes(&store, "a"), vec![NOT_LINKED_CODE]);
        store.retry("a", &config, Utc::now());
        assert_eq!(codes(&store, "a"), vec![NOT_LINKED_CODE]);
        config.fail_platforms.clear();
        store.retry("a", &config, Utc::now());
        let post = store.post(PRIMARY, "a").expect("post exists");
        assert_eq!(post.status, PostStatus::Success);
        assert_eq!(post.post_ids().len(), 2);
    }

    #[test]
    fn strictly_an_unlinked_network_refuses_and_linking_it_lets_retry_through() {
        let mut store = Store::default();
        let config = SimConfig::default();
        store.profiles.link(PRIMARY, &[Platform::Twitter], true, Utc::now());
        new_post(&mut store, "a", "hi", &[Platform::Facebook, Platform::Twitter]);
        store.publish("a", &config, Utc::now());
        assert_eq!(codes(&store, "a"), vec![NOT_LINKED_CODE]);
        store.profiles.link(PRIMARY, &[Platform::Facebook], true, Utc::now());
        store.retry("a", &config, Utc::now());
        assert_eq!(codes(&store, "a"), Vec::<i64>::new());
    }
}
