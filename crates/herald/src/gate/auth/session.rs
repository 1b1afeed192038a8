//! Browser sessions: a random 256-bit secret in an `HttpOnly`, `SameSite=Lax` cookie
//! (`Secure` behind https); the database keeps only its SHA-256 (the `sessions` table),
//! so a leaked database holds no usable session.
//!
//! CSRF: a request authenticated by the cookie that is not `GET`/`HEAD` must carry
//! `X-CSRF-Token`, whose value is derived from the session secret (a keyed digest the
//! page learns from `/api/auth/login` or `/api/me`, never from the cookie, which scripts
//! cannot read). A page of another origin can make the browser send the cookie, but can
//! neither read the token nor set the header on a cross-site form post.

use super::hash_token;
use crate::foundation::secret::Secret;
use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "herald_session";
/// The header cookie-authenticated writes must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lives at most from its sign-in, used or not.
pub const LIFETIME: Duration = Duration::from_secs(14 * 24 * 3600);
/// How long a session lives without being used, unless `HERALD_SESSION_IDLE_HOURS`
/// says otherwise.
pub const IDLE: Duration = Duration::from_secs(12 * 3600);

/// A new session secret and its stored hash.
pub fn new_secret() -> (Secret, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("hs_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&secret);
    (Secret::new(secret), hash)
}

/// The CSRF token of a session (32 hex digits of a digest of its secret).
pub fn csrf_of(secret: &str) -> String {
    let digest = Sha256::digest(format!("herald-csrf\u{0}{secret}").as_bytes());
    hex::encode(&digest[..16])
}

/// The session secret the request's cookies carry, if any.
pub fn from_cookies(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, COOKIE_NAME)
}

/// The value of the cookie `wanted` the request carries, if any (and not empty).
pub fn cookie_value<'h>(headers: &'h HeaderMap, wanted: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == wanted && !value.is_empty())
        .map(|(_, value)| value)
}

/// The `Set-Cookie` value that stores `secret` (`secure`: only over https).
pub fn cookie(secret: &Secret, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{COOKIE_NAME}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
        secret.expose(),
        LIFETIME.as_secs()
    );
    let mut header = HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static(""));
    header.set_sensitive(true);
    header
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    let value = if secure {
        "herald_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure"
    } else {
        "herald_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"
    };
    HeaderValue::from_static(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_same_site_lax_and_secure_only_behind_https() {
        let (secret, hash) = new_secret();
        assert_eq!(hash, hash_token(secret.expose()));
        let plain = cookie(&secret, false);
        let text = plain.to_str().unwrap();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax") && text.contains("Path=/")
        );
        assert!(!text.contains("Secure"));
        assert!(cookie(&secret, true).to_str().unwrap().ends_with("; Secure"));
        assert!(plain.is_sensitive());
    }

    #[test]
    fn the_session_is_read_from_its_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; herald_session=hs_abc; b=2"));
        assert_eq!(from_cookies(&headers), Some("hs_abc"));
        assert_eq!(from_cookies(&HeaderMap::new()), None);
    }

    #[test]
    fn the_csrf_token_is_stable_per_session_and_differs_between_sessions() {
        assert_eq!(csrf_of("hs_a"), csrf_of("hs_a"));
        assert_ne!(csrf_of("hs_a"), csrf_of("hs_b"));
        assert_eq!(csrf_of("hs_a").len(), 32);
    }
}
