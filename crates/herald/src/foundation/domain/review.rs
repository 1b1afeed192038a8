//! Review records (API.md "Review: comments, mentions, client review links"): a comment
//! on a post, the `@Name` mentions in its text, and a client review link — a secret URL
//! showing chosen posts to someone without an account, stored by the hash of its secret.

use super::actor::Actor;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 5000;

/// How a client reviewer is named wherever an actor's name is shown.
pub fn reviewer_display(reviewer_name: &str) -> String {
    format!("{reviewer_name} (client review)")
}

/// A comment on a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub workspace_id: String,
    pub post_id: String,
    /// The actor who wrote it.
    pub author: Actor,
    pub text: String,
    /// The user ids its mentions named.
    pub mentions: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// A client review link (never its secret: only `secret_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLink {
    pub id: String,
    pub workspace_id: String,
    /// The SHA-256 (hex) of the secret.
    pub secret_hash: String,
    pub post_ids: Vec<String>,
    pub reviewer_name: String,
    pub reviewer_email: Option<String>,
    pub can_decide: bool,
    /// The actor who created it (four eyes is checked against them).
    pub created_by: Actor,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
}

impl ReviewLink {
    /// Whether the link still opens at `now`: not revoked and not expired.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }

    /// Whether the link shows `post_id`.
    pub fn shows(&self, post_id: &str) -> bool {
        self.post_ids.iter().any(|p| p == post_id)
    }
}

/// The names a text mentions: for each `@` at the start of the text or after a
/// non-word character, the candidates `names` that the text continues with (whole
/// names, any case, ending at a non-word character or the end), longest first so
/// `@Ann Lee` wins over `@Ann`. Returns the indexes into `names` mentioned, each once.
pub fn mentioned(text: &str, names: &[&str]) -> Vec<usize> {
    let mut found = Vec::new();
    let lower = text.to_lowercase();
    // Lowercasing may change byte lengths; work on the lowercased text throughout.
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(names[i].chars().count()));
    let mut prev: Option<char> = None;
    for (at, c) in lower.char_indices() {
        let starts = c == '@' && prev.is_none_or(|p| !p.is_alphanumeric() && p != '_');
        prev = Some(c);
        if !starts {
            continue;
        }
        let rest = &lower[at + 1..];
        for &i in &order {
            let name = names[i].trim().to_lowercase();
            if name.is_empty() || !rest.starts_with(&name) {
                continue;
            }
            let after = rest[name.len()..].chars().next();
            if after.is_none_or(|a| !a.is_alphanumeric() && a != '_') {
                if !found.contains(&i) {
                    found.push(i);
                }
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_names_after_an_at_sign_are_mentioned_any_case_longest_first() {
        let names = ["Ann", "Ann Lee", "Bob"];
        assert_eq!(mentioned("Thanks @ann lee, and @BOB!", &names), [1, 2]);
        assert_eq!(mentioned("@Ann: please look", &names), [0]);
        assert_eq!(mentioned("mail ann@Bob.com or @Annie", &names), Vec::<usize>::new());
        assert_eq!(mentioned("@Bob @bob", &names), [2]);
    }

    #[test]
    fn a_link_opens_until_it_expires_or_is_revoked() {
        let now = Utc::now();
        let mut link = ReviewLink {
            id: "l".into(),
            workspace_id: "w".into(),
            secret_hash: "h".into(),
            post_ids: vec!["p".into()],
            reviewer_name: "R".into(),
            reviewer_email: None,
            can_decide: true,
            created_by: Actor::user("u"),
            created_at: now,
            expires_at: now + chrono::Duration::hours(1),
            revoked_at: None,
            reminded_at: None,
        };
        assert!(link.open_at(now) && link.shows("p") && !link.shows("q"));
        assert!(!link.open_at(now + chrono::Duration::hours(2)));
        link.revoked_at = Some(now);
        assert!(!link.open_at(now));
    }
}
