//! How a publish attempt is split into Ayrshare requests: one per distinct (effective
//! text, effective first comment) among the attempt's networks.
//!
//! Why requests per group, not Ayrshare's per-network `post` object: the object form
//! (`{"post": {"twitter": "…", "default": "…"}}`) appears only in older, second-hand
//! documentation (research note §3.1), and `firstComment` is one object per request with
//! no per-network form at all, so a different first comment per network needs its own
//! request anyway. Requests per group use only the documented fields, and a post whose
//! networks all share one text and comment is still exactly one request, under exactly
//! the key and `notes` marker it always had.
//!
//! Exactly once per network: each group has its own idempotency key (the attempt's key,
//! suffixed `-1`, `-2`, … in the order the groups' first networks appear in the post,
//! when there is more than one group) and its own marker; the groups are a function of
//! the post's content and targets, which cannot change while it is `publishing`, so a
//! re-claim rebuilds the same groups and keys, settles from history every group whose
//! marker is there, and sends only the others, under their same keys.

use crate::foundation::domain::Post;
use ayrshare::Platform;

/// One Ayrshare request of a publish attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub platforms: Vec<Platform>,
    pub text: String,
    pub first_comment: Option<String>,
    /// The idempotency key of this request.
    pub key: String,
}

/// The requests of `post`'s current attempt (its `publish.targets`) under attempt key
/// `key`.
pub fn groups(post: &Post, key: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for platform in &post.publish.targets {
        let text = post.compose.text_for(platform.as_str(), &post.text).to_owned();
        let first_comment = post.compose.first_comment_for(platform.as_str()).map(str::to_owned);
        match groups.iter_mut().find(|g| g.text == text && g.first_comment == first_comment) {
            Some(g) => g.platforms.push(*platform),
            None => groups.push(Group {
                platforms: vec![*platform],
                text,
                first_comment,
                key: String::new(),
            }),
        }
    }
    let many = groups.len() > 1;
    for (i, g) in groups.iter_mut().enumerate() {
        g.key = if many { format!("{key}-{}", i + 1) } else { key.to_owned() };
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::domain::{Compose, Variant};

    fn post(platforms: &[&str], compose: Compose) -> Post {
        let platforms: Vec<Platform> = platforms.iter().map(|s| s.parse().unwrap()).collect();
        let mut p = crate::coherence::publish::outcome::tests::post(&[]);
        p.platforms = platforms.clone();
        p.publish.targets = platforms;
        p.compose = compose;
        p
    }

    #[test]
    fn one_text_is_one_request_under_the_attempts_own_key() {
        let g = groups(&post(&["twitter", "linkedin"], Compose::default()), "k");
        assert_eq!(g.len(), 1);
        assert_eq!((g[0].key.as_str(), g[0].platforms.len()), ("k", 2));
    }

    #[test]
    fn each_distinct_text_or_comment_is_its_own_request() {
        let mut c = Compose::default();
        c.variants
            .insert("twitter".into(), Variant { text: Some("short".into()), first_comment: None });
        c.variants
            .insert("facebook".into(), Variant { text: None, first_comment: Some("fb".into()) });
        let g = groups(&post(&["linkedin", "twitter", "facebook", "threads"], c), "k");
        let shape: Vec<(&str, Vec<&str>)> = g
            .iter()
            .map(|g| (g.key.as_str(), g.platforms.iter().map(|s| s.as_str()).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("k-1", vec!["linkedin", "threads"]),
                ("k-2", vec!["twitter"]),
                ("k-3", vec!["facebook"])
            ]
        );
        assert_eq!(g[1].text, "short");
        assert_eq!(g[2].first_comment.as_deref(), Some("fb"));
    }
}
