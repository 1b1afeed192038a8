//! What Ayrshare said about a publish, normalised from a `POST /post` reply or a history
//! item, and how it settles a post: per-platform results and the resulting status.

use crate::foundation::domain::{PlatformResult, PlatformStatus, Post, PostStatus};
use ayrshare::Platform;
use chrono::{DateTime, Utc};

/// Per-platform result of one publish attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub ayrshare_id: Option<String>,
    pub posted: Vec<ayrshare::PlatformPost>,
    pub errors: Vec<ayrshare::PlatformError>,
    /// A failure that applies to every platform (the whole request was refused).
    pub refused: Option<String>,
}

impl Outcome {
    pub fn rejected(message: String) -> Self {
        Self { ayrshare_id: None, posted: vec![], errors: vec![], refused: Some(message) }
    }

    /// A one-line summary for the audit trail, when something failed.
    pub fn summary(&self) -> Option<String> {
        if let Some(r) = &self.refused {
            return Some(r.clone());
        }
        let failed: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.platform.as_deref().unwrap_or("all"), e.message))
            .collect();
        (!failed.is_empty()).then(|| failed.join("; "))
    }

    fn result_for(&self, platform: Platform) -> PlatformResult {
        let platform = platform.as_str();
        let error = |message: String| PlatformResult {
            platform: platform.to_owned(),
            status: PlatformStatus::Error,
            post_url: None,
            error: Some(message),
            ayrshare_id: None,
        };
        if let Some(message) = &self.refused {
            return error(message.clone());
        }
        if let Some(p) = self.posted.iter().find(|p| p.platform == platform) {
            let status = match p.status.as_str() {
                "success" => PlatformStatus::Success,
                "pending" => PlatformStatus::Pending,
                _ => PlatformStatus::Error,
            };
            return PlatformResult {
                platform: platform.to_owned(),
                error: (status == PlatformStatus::Error)
                    .then(|| format!("Ayrshare reported status `{}`", p.status)),
                status,
                post_url: p.post_url.clone(),
                ayrshare_id: self.ayrshare_id.clone(),
            };
        }
        let specific = self.errors.iter().find(|e| e.platform.as_deref() == Some(platform));
        let general = self.errors.iter().find(|e| e.platform.is_none());
        match specific.or(general) {
            Some(e) => error(match e.code {
                Some(code) => format!("{} (Ayrshare code {code})", e.message),
                None => e.message.clone(),
            }),
            None => error("Ayrshare reported no result for this platform".into()),
        }
    }
}

impl From<ayrshare::PostOutcome> for Outcome {
    fn from(o: ayrshare::PostOutcome) -> Self {
        Self { ayrshare_id: o.id, posted: o.post_ids, errors: o.errors, refused: None }
    }
}

impl From<ayrshare::HistoryItem> for Outcome {
    fn from(i: ayrshare::HistoryItem) -> Self {
        Self { ayrshare_id: Some(i.id), posted: i.post_ids, errors: i.errors, refused: None }
    }
}

/// The post after `outcome`: results for the attempt's target platforms replace earlier
/// ones; the status is `published` if every platform succeeded, `failed` if none did,
/// `partially_published` otherwise.
pub fn apply_outcome(post: &Post, outcome: &Outcome, now: DateTime<Utc>) -> Post {
    apply_outcomes(post, &[(post.publish.targets.clone(), outcome.clone())], now)
}

/// [`apply_outcome`] for an attempt made of several requests: each outcome settles the
/// platforms listed with it (those of the attempt's targets).
pub fn apply_outcomes(
    post: &Post,
    outcomes: &[(Vec<Platform>, Outcome)],
    now: DateTime<Utc>,
) -> Post {
    let mut next = post.clone();
    next.version = post.version + 1;
    next.updated_at = now;
    for (platforms, outcome) in outcomes {
        for platform in platforms.iter().filter(|p| post.publish.targets.contains(p)) {
            let result = outcome.result_for(*platform);
            match next.platform_results.iter_mut().find(|r| r.platform == platform.as_str()) {
                Some(slot) => *slot = result,
                None => next.platform_results.push(result),
            }
        }
    }
    let ok = |p: &&Platform| {
        let done =
            |r: &PlatformResult| r.platform == p.as_str() && r.status != PlatformStatus::Error;
        next.platform_results.iter().any(done)
    };
    let succeeded = next.platforms.iter().filter(ok).count();
    next.status = match succeeded {
        n if n == next.platforms.len() => PostStatus::Published,
        0 => PostStatus::Failed,
        _ => PostStatus::PartiallyPublished,
    };
    if succeeded > 0 && next.published_at.is_none() {
        next.published_at = Some(now);
    }
    if next.ayrshare_id.is_none() {
        next.ayrshare_id = outcomes.iter().find_map(|(_, o)| o.ayrshare_id.clone());
    }
    next.publish.lease_until = None;
    next
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::foundation::domain::PublishState;

    pub(crate) fn post(platforms: &[&str]) -> Post {
        let platforms: Vec<Platform> = platforms.iter().map(|s| s.parse().unwrap()).collect();
        Post {
            id: "p1".into(),
            workspace_id: "w1".into(),
            text: "hello".into(),
            platforms: platforms.clone(),
            media_urls: vec![],
            status: PostStatus::Publishing,
            schedule_at: None,
            version: 3,
            author: crate::foundation::domain::Actor::Admin,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            published_at: None,
            ayrshare_id: None,
            platform_results: vec![],
            waiting_for: None,
            compose: Default::default(),
            publish: PublishState { targets: platforms, ..Default::default() },
        }
    }

    fn posted(platform: &str) -> ayrshare::PlatformPost {
        ayrshare::PlatformPost {
            platform: platform.into(),
            id: "1".into(),
            status: "success".into(),
            post_url: Some("https://x/1".into()),
        }
    }

    fn failed(platform: &str) -> ayrshare::PlatformError {
        ayrshare::PlatformError {
            platform: Some(platform.into()),
            code: Some(156),
            message: "not linked".into(),
        }
    }

    #[test]
    fn all_platforms_posted_is_published() {
        let o = Outcome {
            ayrshare_id: Some("A".into()),
            posted: vec![posted("twitter"), posted("linkedin")],
            errors: vec![],
            refused: None,
        };
        let next = apply_outcome(&post(&["twitter", "linkedin"]), &o, Utc::now());
        assert_eq!(next.status, PostStatus::Published);
        assert_eq!(next.version, 4);
        assert_eq!(next.ayrshare_id.as_deref(), Some("A"));
        assert!(next.published_at.is_some());
    }

    #[test]
    fn some_platforms_failing_is_partial_with_the_reason() {
        let o = Outcome {
            ayrshare_id: Some("A".into()),
            posted: vec![posted("twitter")],
            errors: vec![failed("linkedin")],
            refused: None,
        };
        let next = apply_outcome(&post(&["twitter", "linkedin"]), &o, Utc::now());
        assert_eq!(next.status, PostStatus::PartiallyPublished);
        let li = next.platform_results.iter().find(|r| r.platform == "linkedin").unwrap();
        assert!(li.error.as_deref().unwrap().contains("not linked"));
    }

    #[test]
    fn a_refused_request_fails_every_platform() {
        let next = apply_outcome(&post(&["twitter"]), &Outcome::rejected("bad".into()), Utc::now());
        assert_eq!(next.status, PostStatus::Failed);
        assert!(next.published_at.is_none());
    }

    #[test]
    fn a_retry_replaces_only_its_targets() {
        let mut p = post(&["twitter", "linkedin"]);
        p.platform_results = vec![
            PlatformResult {
                platform: "twitter".into(),
                status: PlatformStatus::Success,
                post_url: None,
                error: None,
                ayrshare_id: Some("A".into()),
            },
            PlatformResult {
                platform: "linkedin".into(),
                status: PlatformStatus::Error,
                post_url: None,
                error: Some("x".into()),
                ayrshare_id: None,
            },
        ];
        p.publish.targets = vec![Platform::LinkedIn];
        let o = Outcome {
            ayrshare_id: Some("B".into()),
            posted: vec![posted("linkedin")],
            errors: vec![],
            refused: None,
        };
        let next = apply_outcome(&p, &o, Utc::now());
        assert_eq!(next.status, PostStatus::Published);
        assert_eq!(next.platform_results.len(), 2);
        assert_eq!(next.platform_results[1].ayrshare_id.as_deref(), Some("B"));
    }
}
