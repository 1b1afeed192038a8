//! Who is calling: the global admin (`HERALD_ADMIN_TOKEN`) or a workspace token with one
//! role. Tokens are random, shown once, and stored only as SHA-256 hashes; the admin
//! token is compared in constant time.
//!
//! [`layer`] authenticates every request once, before the rate limiter, and leaves the
//! outcome in the request; [`extract`] turns it into the `Principal`, `GlobalAdmin` and
//! `Access<R>` extractors handlers take. [`Authenticator`] is the one place that decides
//! whether a credential is valid, now (also for open event streams, see [`crate::live`]).

pub mod extract;
pub mod layer;

use crate::domain::Role;
use crate::error::AppResult;
use crate::lookups::Lookups;
use crate::secret::Secret;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Admin,
    /// A workspace token; `hash` is how it is stored (not the token).
    Token {
        id: String,
        workspace_id: String,
        role: Role,
        hash: String,
    },
}

impl Principal {
    /// The actor recorded in audit events and as a post's author.
    pub fn actor(&self) -> String {
        match self {
            Self::Admin => "admin".to_owned(),
            Self::Token { id, .. } => format!("token:{id}"),
        }
    }

    /// The caller's role in `workspace_id`, or `None` if it has no access there.
    pub fn role_in(&self, workspace_id: &str) -> Option<Role> {
        match self {
            Self::Admin => Some(Role::Admin),
            Self::Token { workspace_id: ws, role, .. } => (ws == workspace_id).then_some(*role),
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
    admin_token: Secret,
    lookups: Lookups,
}

impl Authenticator {
    pub fn new(admin_token: Secret, lookups: Lookups) -> Self {
        Self { inner: Arc::new(AuthInner { admin_token, lookups }) }
    }

    /// The principal a bearer token stands for; `None` for one Herald does not know or
    /// that was revoked.
    pub async fn authenticate(&self, token: &str) -> AppResult<Option<Principal>> {
        if secrets_equal(token, self.inner.admin_token.expose()) {
            return Ok(Some(Principal::Admin));
        }
        let hash = hash_token(token);
        let record = self.inner.lookups.token_by_hash(&hash).await?;
        Ok(record.filter(|t| !t.revoked).map(|t| Principal::Token {
            id: t.id,
            workspace_id: t.workspace_id,
            role: t.role,
            hash,
        }))
    }

    /// Whether `principal` is still valid (its token not revoked). A lookup that fails
    /// counts as valid: an outage must not cut every stream, and the next check decides.
    pub async fn still_valid(&self, principal: &Principal) -> bool {
        match principal {
            Principal::Admin => true,
            Principal::Token { hash, .. } => match self.inner.lookups.token_by_hash(hash).await {
                Ok(record) => record.is_some_and(|t| !t.revoked),
                Err(_) => true,
            },
        }
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
