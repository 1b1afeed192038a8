//! Who is calling: the global admin (`HERALD_ADMIN_TOKEN`) or a workspace token with one
//! role. Tokens are random, shown once, and stored only as SHA-256 hashes; the admin
//! token is compared in constant time.

use crate::domain::Role;
use crate::secret::Secret;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Admin,
    Workspace { workspace_id: String, token_id: String, role: Role },
}

impl Principal {
    /// The actor name recorded in audit events and as a post's author.
    pub fn actor(&self) -> String {
        match self {
            Self::Admin => "admin".to_owned(),
            Self::Workspace { token_id, .. } => format!("token:{token_id}"),
        }
    }

    /// The caller's role in `workspace_id`, or `None` if it has no access there.
    pub fn role_in(&self, workspace_id: &str) -> Option<Role> {
        match self {
            Self::Admin => Some(Role::Admin),
            Self::Workspace { workspace_id: ws, role, .. } => (ws == workspace_id).then_some(*role),
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
    fn bearer_parsing_and_constant_time_compare() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert!(secrets_equal("same", "same"));
        assert!(!secrets_equal("same", "other"));
    }
}
