//! Who is calling: the global admin (`HERALD_ADMIN_TOKEN`), a workspace token with one
//! role (for machines), or a person signed in with a session cookie ([`session`]), with a
//! role in each workspace they belong to. Tokens and session secrets are random, shown
//! once, and stored only as SHA-256 hashes; the admin token is compared in constant time;
//! passwords are Argon2id hashes ([`password`]).
//!
//! [`layer`] authenticates every request once, before the rate limiter, and leaves the
//! outcome in the request; [`extract`] turns it into the `Principal`, `GlobalAdmin` and
//! `Access<R>` extractors handlers take. [`Authenticator`] is the one place that decides
//! whether a credential is valid, now (also for open event streams, see [`crate::services::live`]).

pub mod extract;
pub mod layer;
pub mod password;
pub mod session;

use crate::coherence::error::AppResult;
use crate::coherence::lookups::Lookups;
use crate::foundation::domain::{Actor, Membership, Role, User};
use crate::foundation::secret::Secret;
use crate::storage::store::SessionStore;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Admin,
    /// A workspace token; `hash` is how it is stored (not the token); `created_by` the
    /// user who created it, where known (four eyes counts the token as that person).
    Token {
        id: String,
        workspace_id: String,
        role: Role,
        hash: String,
        created_by: Option<String>,
    },
    /// A person signed in with a session.
    User(Arc<Person>),
    /// A client through a review link ([`crate::services::review`]): never authenticated by the
    /// request layer, only made by the review service for the link's own posts.
    Reviewer(Arc<Reviewer>),
}

/// A client reviewer: who they act as and what the link allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub link_id: String,
    pub workspace_id: String,
    /// The actor who created the link: four eyes counts the reviewer as them.
    pub created_by: Actor,
    /// Whether the link lets the reviewer decide (approve, reject, request changes).
    pub can_decide: bool,
}

/// A signed-in person: the user, their memberships, and the session they came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user: User,
    pub memberships: Vec<Membership>,
    /// The hash of the session secret.
    pub session: String,
}

impl Principal {
    /// The actor recorded in audit events and as a post's author.
    pub fn actor(&self) -> Actor {
        match self {
            Self::Admin => Actor::Admin,
            Self::Token { id, .. } => Actor::token(id),
            Self::User(p) => Actor::user(&p.user.id),
            Self::Reviewer(r) => Actor::Reviewer(r.link_id.clone()),
        }
    }

    /// Who this is as a person, for four eyes: a user, the user who created a token
    /// (when known), the token itself, or for a client reviewer the link's creator.
    pub fn person(&self) -> Actor {
        match self {
            Self::Token { created_by: Some(user), .. } => Actor::user(user),
            Self::Reviewer(r) => r.created_by.clone(),
            other => other.actor(),
        }
    }

    /// The caller's role in `workspace_id`, or `None` if it has no access there.
    pub fn role_in(&self, workspace_id: &str) -> Option<Role> {
        match self {
            Self::Admin => Some(Role::Admin),
            Self::Token { workspace_id: ws, role, .. } => (ws == workspace_id).then_some(*role),
            Self::User(p) if p.user.global_admin => Some(Role::Admin),
            Self::User(p) => {
                p.memberships.iter().find(|m| m.workspace_id == workspace_id).map(|m| m.role)
            }
            Self::Reviewer(r) => (r.workspace_id == workspace_id).then_some(if r.can_decide {
                Role::Approver
            } else {
                Role::Viewer
            }),
        }
    }

    /// Whether the caller may administer every workspace (the admin token, or a person
    /// who is a global admin).
    pub fn is_global_admin(&self) -> bool {
        match self {
            Self::Admin => true,
            Self::Token { .. } | Self::Reviewer(_) => false,
            Self::User(p) => p.user.global_admin,
        }
    }
}

/// Prefix of workspace tokens, so leaked ones are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "hrld_";

/// A new random token (256 bits) and its hash.
pub fn new_token() -> (Secret, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token =
        format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&token);
    (Secret::new(token), hash)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The SHA-256 of a secret, computed once per request and used both to compare it with
/// the admin token (in constant time) and, hex-encoded, as its stored form.
type Digest256 = [u8; 32];

fn digest(secret: &str) -> Digest256 {
    Sha256::digest(secret.as_bytes()).into()
}

/// Lower-case hex, as `hex::encode` writes it, a byte at a time (not a char at a time).
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.extend([DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]]);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Constant-time equality for secrets of possibly different length.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    let (ha, hb) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    ha.ct_eq(&hb).into()
}

/// Reads `Authorization: Bearer <token>`.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    let value = header?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

/// Decides whether credentials are valid, now. Cheap to clone.
#[derive(Clone)]
pub struct Authenticator {
    inner: Arc<AuthInner>,
}

struct AuthInner {
    /// The SHA-256 of the admin token (compared in constant time with the caller's).
    admin_digest: Digest256,
    lookups: Lookups,
    store: Arc<dyn SessionStore>,
    /// Sessions whose `last_seen_at` this instance wrote lately (see [`TOUCH_EVERY`]).
    touched: moka::sync::Cache<String, ()>,
    /// A session unused for this long has ended (the idle timeout).
    idle: std::time::Duration,
}

/// A session's `last_seen_at` is written at most this often per instance.
const TOUCH_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

impl Authenticator {
    pub fn new(admin_token: Secret, lookups: Lookups, store: Arc<dyn SessionStore>) -> Self {
        let touched =
            moka::sync::Cache::builder().time_to_live(TOUCH_EVERY).max_capacity(100_000).build();
        let admin_digest = digest(admin_token.expose());
        let idle = session::IDLE;
        Self { inner: Arc::new(AuthInner { admin_digest, lookups, store, touched, idle }) }
    }

    /// The same, with sessions ending after `idle` without use.
    pub fn with_idle(self, idle: std::time::Duration) -> Self {
        let inner = &self.inner;
        let inner = AuthInner {
            admin_digest: inner.admin_digest,
            lookups: inner.lookups.clone(),
            store: inner.store.clone(),
            touched: inner.touched.clone(),
            idle,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The principal a bearer token stands for; `None` for one Herald does not know or
    /// that was revoked.
    pub async fn authenticate(&self, token: &str) -> AppResult<Option<Principal>> {
        let sha = digest(token);
        if bool::from(sha.ct_eq(&self.inner.admin_digest)) {
            return Ok(Some(Principal::Admin));
        }
        let hash = to_hex(&sha);
        let record = self.inner.lookups.token_by_hash(&hash).await?;
        Ok(record.filter(|t| !t.revoked).map(|t| Principal::Token {
            id: t.id,
            workspace_id: t.workspace_id,
            role: t.role,
            hash,
            created_by: t.created_by,
        }))
    }

    /// The person a session secret stands for; `None` for a session Herald does not know
    /// (logged out, ended by a password reset), one that expired, or one unused for
    /// longer than the idle timeout. Records when the session was last used (at most
    /// every [`TOUCH_EVERY`] per instance; that is also when the idle timeout is checked,
    /// against the stored time, which every instance's use moves).
    pub async fn session(&self, secret: &str) -> AppResult<Option<Principal>> {
        let hash = hash_token(secret);
        let Some(person) = self.person(&hash).await? else { return Ok(None) };
        if !self.inner.touched.contains_key(&hash) {
            let now = chrono::Utc::now();
            let stored = self.inner.store.session(&hash).await?;
            let idle = chrono::Duration::from_std(self.inner.idle).unwrap_or(chrono::Duration::MAX);
            if stored.is_none_or(|s| s.last_seen_at + idle <= now) {
                return Ok(None);
            }
            self.inner.touched.insert(hash.clone(), ());
            if let Err(e) = self.inner.store.touch_session(&hash, now).await {
                tracing::warn!(error = %e, "session last-seen time not recorded");
            }
        }
        Ok(Some(Principal::User(Arc::new(person))))
    }

    async fn person(&self, session_hash: &str) -> AppResult<Option<Person>> {
        let lookups = &self.inner.lookups;
        let Some(session) = lookups.session(session_hash).await? else { return Ok(None) };
        if session.expires_at <= chrono::Utc::now() {
            return Ok(None);
        }
        let Some(user) = lookups.user(&session.user_id).await? else { return Ok(None) };
        let memberships = lookups.memberships_of(&user.id).await?;
        Ok(Some(Person { user, memberships, session: session_hash.to_owned() }))
    }

    /// Whether `principal` may still read `workspace_id`: its token not revoked, or its
    /// session alive and its membership there not removed. A lookup that fails counts as
    /// yes: an outage must not cut every stream, and the next check decides.
    pub async fn still_allowed(&self, principal: &Principal, workspace_id: &str) -> bool {
        let now = match principal {
            Principal::Admin => return true,
            Principal::Token { hash, .. } => self
                .inner
                .lookups
                .token_by_hash(hash)
                .await
                .map(|record| record.is_some_and(|t| !t.revoked)),
            Principal::User(p) => self.person(&p.session).await.map(|now| {
                now.is_some_and(|now| {
                    Principal::User(Arc::new(now)).role_in(workspace_id).is_some()
                })
            }),
            // Never holds a stream: its link is checked on every request instead.
            Principal::Reviewer(_) => Ok(false),
        };
        now.unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, hb) = new_token();
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_ne!(a.expose(), b.expose());
        assert_eq!(hash_token(a.expose()), ha);
        assert_ne!(ha, hb);
    }

    #[test]
    fn hex_is_the_stored_form() {
        let sha = digest("hrld_x");
        assert_eq!(to_hex(&sha), hash_token("hrld_x"));
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header_only_with_the_bearer_scheme() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(secrets_equal("same", "same"));
        assert!(!secrets_equal("same", "other"));
        assert!(!secrets_equal("same", "same-but-longer"));
    }
}
