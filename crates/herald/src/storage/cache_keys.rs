//! Every cache key, tag and fan-out topic Herald uses, built here and nowhere else, so
//! the invalidation matrix fits on one screen:
//!
//! | committed write | tags bumped (before it is acknowledged) |
//! | --- | --- |
//! | any post change ([`crate::coherence::changes`]) | `content:{ws}` |
//! | a post change Ayrshare saw (a publish settled, an upstream delete, a webhook) | `content:{ws}`, `upstream:{profile}` |
//! | workspace settings ([`crate::services::workspaces`]) | `workspace:{ws}` |
//! | a token created or revoked ([`crate::services::workspaces`]) | `tokens` |
//! | a login, logout or password reset ([`crate::commands::people`]) | `sessions` |
//! | a member added, removed or given another role ([`crate::commands::people`]) | `memberships` |
//! | a user's name or settings ([`crate::commands::people`]) | `users` |
//! | Ayrshare's `social` webhook (an account linked or unlinked) | `accounts` |
//!
//! | cached read | key | tags |
//! | --- | --- | --- |
//! | the dashboard view (with authors' names) | `dashboard:{ws}:{snapshot}` | `content:{ws}`, `users`, `tokens`, `memberships` |
//! | a profile's Ayrshare history | `ayrshare:history:{profile}` | `upstream:{profile}` |
//! | a workspace | `workspace:{ws}` | `workspace:{ws}` |
//! | a token, by hash | `token:{hash}` | `tokens` |
//! | a session, by hash | `session:{hash}` | `sessions` |
//! | a user | `user:{id}` | `users` |
//! | a user's memberships | `memberships:{user}` | `memberships` |
//! | a workspace's directory of names | `directory:{ws}` | `users`, `tokens`, `memberships` |
//! | a profile's linked accounts (also expire after the TTL) | `accounts:{profile}` | `accounts` |
//!
//! Rate windows (not cached values): `budget:{profile}` and `budget-reads:{profile}` count
//! Ayrshare calls per profile ([`crate::coherence::gateway`]); `lockout:{kind}:{digest}` counts
//! failed sign-ins per e-mail address and per client
//! ([`crate::coherence::ratelimit::SharedLockout`]).
//!
//! A profile is named by [`ProfileRef`], a digest of its key (the key is a secret), in
//! keys and in logs alike; [`Profiles`] remembers each workspace's, so a dashboard hit
//! neither digests the key nor formats its tag and key again.
//!
//! Every request resolves the versions of the tags it will read in one Redis round trip
//! before its handler runs ([`request_tags`], [`herald_cache::Cache::scoped`]): `tokens`
//! for a bearer token; `sessions`, `users`, `memberships` for a session cookie;
//! `workspace:{ws}` under `/api/workspaces/{ws}`; and for the dashboard read
//! (`…/{ws}/history`) the view's tags and, once the workspace was seen, `upstream:{profile}`.
//! A tag left out only costs its read a round trip of its own.

use crate::foundation::domain::Workspace;
use crate::foundation::secret::Secret;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

/// How an Ayrshare profile is named in cache keys and logs: the first 8 bytes of the
/// SHA-256 of its key, in hex. The key itself is a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileRef(String);

impl ProfileRef {
    pub fn of(profile_key: &Secret) -> Self {
        Self(hex::encode(&Sha256::digest(profile_key.expose().as_bytes())[..8]))
    }

    /// The primary profile (the API key's own, no profile key).
    pub fn primary() -> Self {
        Self("primary".into())
    }
}

impl fmt::Display for ProfileRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a profile is called in the cache: its [`ProfileRef`], the tag of its Ayrshare
/// history's version, and that history's key, made once.
#[derive(Debug)]
pub struct ProfileNames {
    pub profile: ProfileRef,
    pub upstream: Tag,
    pub history: Key,
    /// The key the names were made from (to notice a workspace given another profile).
    key: Secret,
}

/// The [`ProfileNames`] of each workspace seen, by workspace id. Cheap to clone. Only a
/// hint for which tags to resolve early and a memo of digests: a workspace whose profile
/// key changed gets new names the next time it is read.
#[derive(Clone, Default)]
pub struct Profiles {
    map: Arc<RwLock<HashMap<String, Arc<ProfileNames>>>>,
}

impl Profiles {
    /// The names of `ws`'s profile (remembered for the next request).
    pub fn of(&self, ws: &Workspace) -> Arc<ProfileNames> {
        let map = self.map.read().unwrap_or_else(|p| p.into_inner());
        if let Some(names) = map.get(&ws.id) {
            if names.key.expose() == ws.profile_key.expose() {
                return names.clone();
            }
        }
        drop(map);
        let profile = ProfileRef::of(&ws.profile_key);
        let names = Arc::new(ProfileNames {
            upstream: Tag::upstream(&profile),
            history: Key::history(&profile),
            profile,
            key: ws.profile_key.clone(),
        });
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        map.insert(ws.id.clone(), names.clone());
        names
    }

    /// The names last seen for workspace `id`, if any.
    pub fn hint(&self, id: &str) -> Option<Arc<ProfileNames>> {
        self.map.read().unwrap_or_else(|p| p.into_inner()).get(id).cloned()
    }
}

/// What authenticates a request, as far as the cache is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    None,
    Bearer,
    Session,
}

/// The tags a request to `path` with `credential` will read (see the module docs).
pub fn request_tags(path: &str, credential: Credential, profiles: &Profiles) -> Vec<Tag> {
    let mut tags = Vec::with_capacity(8);
    match credential {
        Credential::None => {}
        Credential::Bearer => tags.push(Tag::tokens()),
        Credential::Session => {
            tags.extend([Tag::sessions(), Tag::users(), Tag::memberships()]);
        }
    }
    let Some(rest) = path.strip_prefix("/api/workspaces/") else { return tags };
    let (ws, rest) = rest.split_once('/').unwrap_or((rest, ""));
    if ws.is_empty() || ws.contains('%') {
        return tags;
    }
    tags.push(Tag::workspace(ws));
    if rest == "history" {
        for tag in view_tags(ws) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if let Some(names) = profiles.hint(ws) {
            tags.push(names.upstream.clone());
        }
    }
    tags
}

/// The tags of a workspace's dashboard view (see the table above).
pub fn view_tags(workspace_id: &str) -> [Tag; 4] {
    [Tag::content(workspace_id), Tag::users(), Tag::tokens(), Tag::memberships()]
}

/// A cache tag: bumping it makes every entry read under it unreachable. The global ones
/// are static strings (naming one allocates nothing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(Cow<'static, str>);

impl Tag {
    /// Every change to the workspace's posts.
    pub fn content(workspace_id: &str) -> Self {
        Self(Cow::Owned(format!("content:{workspace_id}")))
    }

    /// Every change Herald made on the profile's Ayrshare history.
    pub fn upstream(profile: &ProfileRef) -> Self {
        Self(Cow::Owned(format!("upstream:{profile}")))
    }

    /// The workspace's settings.
    pub fn workspace(workspace_id: &str) -> Self {
        Self(Cow::Owned(format!("workspace:{workspace_id}")))
    }

    /// Every workspace token.
    pub fn tokens() -> Self {
        Self(Cow::Borrowed("tokens"))
    }

    /// Every session (a login, a logout, a password reset).
    pub fn sessions() -> Self {
        Self(Cow::Borrowed("sessions"))
    }

    /// Every membership (a member added, removed, or given another role).
    pub fn memberships() -> Self {
        Self(Cow::Borrowed("memberships"))
    }

    /// Every user record (a name, the global-admin flag, notification settings).
    pub fn users() -> Self {
        Self(Cow::Borrowed("users"))
    }

    /// Every profile's linked social accounts (Ayrshare's `social` webhook).
    pub fn accounts() -> Self {
        Self(Cow::Borrowed("accounts"))
    }

    /// One profile's linked social accounts (a refresh someone asked for).
    pub fn accounts_of(profile: &ProfileRef) -> Self {
        Self(Cow::Owned(format!("linked:{profile}")))
    }

    /// Whether an invalidation of this tag may have changed who is allowed in, so open
    /// event streams re-check their principal ([`crate::services::live`]).
    pub fn touches_access(tag: &str) -> bool {
        matches!(tag, "tokens" | "sessions" | "memberships" | "users")
    }
}

impl AsRef<str> for Tag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A cache key (an entry is identified by its key and the versions of its tags).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(String);

/// The prefix of every cached Ayrshare history (`herald cache clear` drops them).
pub const HISTORY_PREFIX: &str = "ayrshare:history:";

impl Key {
    /// The dashboard view of a workspace built on one Ayrshare snapshot (its freshness
    /// label and the stamp of the fill that produced it).
    pub fn dashboard(workspace_id: &str, freshness: &str, stamp: u64) -> Self {
        Self(format!("dashboard:{workspace_id}:{freshness}-{stamp}"))
    }

    pub fn history(profile: &ProfileRef) -> Self {
        Self(format!("{HISTORY_PREFIX}{profile}"))
    }

    pub fn workspace(workspace_id: &str) -> Self {
        Self(format!("workspace:{workspace_id}"))
    }

    pub fn token(hash: &str) -> Self {
        Self(format!("token:{hash}"))
    }

    pub fn session(hash: &str) -> Self {
        Self(format!("session:{hash}"))
    }

    pub fn user(id: &str) -> Self {
        Self(format!("user:{id}"))
    }

    /// A user's memberships.
    pub fn memberships(user_id: &str) -> Self {
        Self(format!("memberships:{user_id}"))
    }

    /// Who is who in a workspace (names of its members and tokens).
    pub fn directory(workspace_id: &str) -> Self {
        Self(format!("directory:{workspace_id}"))
    }

    /// A profile's linked social accounts (Ayrshare `GET /user`).
    pub fn accounts(profile: &ProfileRef) -> Self {
        Self(format!("accounts:{profile}"))
    }

    /// The rate window of every Ayrshare call for a profile ([`crate::coherence::gateway`]).
    pub fn budget(profile: &ProfileRef) -> Self {
        Self(format!("budget:{profile}"))
    }

    /// The share of a profile's Ayrshare budget that reads may take.
    pub fn read_budget(profile: &ProfileRef) -> Self {
        Self(format!("budget-reads:{profile}"))
    }

    /// The failure window of a lockout ([`crate::coherence::ratelimit::SharedLockout`]): `who`
    /// (an e-mail address, a client address) appears only as a digest.
    pub fn lockout(kind: &str, who: &str) -> Self {
        Self(format!("lockout:{kind}:{}", hex::encode(&Sha256::digest(who.as_bytes())[..12])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A fan-out topic of live events.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic(String);

impl Topic {
    /// Everything that happens in a workspace.
    pub fn workspace(workspace_id: &str) -> Self {
        Self(format!("ws:{workspace_id}"))
    }

    /// What is for one person wherever they are signed in (notifications).
    pub fn user(user_id: &str) -> Self {
        Self(format!("user:{user_id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_is_named_by_a_digest_never_its_key() {
        let key = Secret::new("PK-secret-0123456789");
        let profile = ProfileRef::of(&key);
        assert_eq!(profile.to_string().len(), 16);
        assert!(!Key::history(&profile).as_str().contains("secret"));
        assert!(!Tag::upstream(&profile).as_ref().contains("secret"));
        assert_eq!(profile, ProfileRef::of(&Secret::new("PK-secret-0123456789")));
    }

    #[test]
    fn a_dashboard_read_names_every_tag_it_reads() {
        let profiles = Profiles::default();
        let tags = |path, c| request_tags(path, c, &profiles);
        let names = |t: Vec<Tag>| t.iter().map(|t| t.0.to_string()).collect::<Vec<_>>();
        assert_eq!(names(tags("/healthz", Credential::None)), Vec::<String>::new());
        assert_eq!(
            names(tags("/api/workspaces/w1/history", Credential::Bearer)),
            ["tokens", "workspace:w1", "content:w1", "users", "memberships"]
        );
        let ws: Workspace = serde_json::from_value(serde_json::json!({
            "id": "w1", "name": "n", "profile_key": "PK-1", "timezone": "UTC",
            "requires_approval": false, "late_approval": "expire", "content_version": 0,
            "created_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        let upstream = profiles.of(&ws).upstream.clone();
        let session = names(tags("/api/workspaces/w1/history", Credential::Session));
        assert_eq!(session.len(), 7);
        assert_eq!(session.last().map(String::as_str), Some(upstream.as_ref()));
        assert_eq!(
            names(tags("/api/workspaces/w1/posts", Credential::Bearer)),
            ["tokens", "workspace:w1"]
        );
        let moved = Workspace { profile_key: Secret::new("PK-2"), ..ws.clone() };
        assert_ne!(profiles.of(&moved).upstream, upstream, "a new key, new names");
    }

    #[test]
    fn only_the_tags_of_principals_touch_access() {
        assert!(Tag::touches_access(Tag::tokens().as_ref()));
        assert!(Tag::touches_access(Tag::sessions().as_ref()));
        assert!(!Tag::touches_access(Tag::content("w").as_ref()));
    }
}
