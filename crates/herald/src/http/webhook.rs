//! Ayrshare webhook signatures: HMAC-SHA256 of the raw body, keyed with
//! `AYRSHARE_WEBHOOK_SECRET`, hex-encoded in `X-Authorization-Content-SHA256`.
//!
//! While a secret is being rotated Ayrshare may also send
//! `X-Authorization-Content-SHA256-V2`; a delivery is accepted when either header carries
//! the right HMAC for Herald's one configured secret, so Herald can switch to the new
//! secret while Ayrshare still signs with both (see SECURITY.md). The comparison is the
//! `hmac` crate's constant-time one, and it runs on the raw bytes before anything parses
//! them.
//!
//! The `webhook_verify` fuzz target (`fuzz/`) compiles this very file into itself, so it
//! need not build all of Herald: keep it free of `crate::` paths and of dependencies
//! other than `axum::http`, `hmac`, `sha2` and `hex`.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The signature header Ayrshare always sends.
pub const SIGNATURE_HEADER: &str = "X-Authorization-Content-SHA256";
/// The second signature header Ayrshare sends while a webhook secret is being rotated.
pub const SIGNATURE_HEADER_V2: &str = "X-Authorization-Content-SHA256-V2";

/// True when `signature` (hex, surrounding whitespace ignored) is the HMAC-SHA256 of
/// `body` under `secret`. An empty secret verifies nothing: anyone could compute it.
pub fn verify_signature(secret: &[u8], signature: &[u8], body: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    let Ok(given) = hex::decode(signature.trim_ascii()) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return false };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// True when the request's signature header, or its rotation (`-V2`) header, verifies.
pub fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    [SIGNATURE_HEADER, SIGNATURE_HEADER_V2]
        .iter()
        .filter_map(|name| headers.get(*name))
        .any(|value| verify_signature(secret.as_bytes(), value.as_bytes(), body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const SECRET: &str = "webhook-secret-0123456789";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn the_header_is_the_one_the_simulator_signs() {
        assert_eq!(SIGNATURE_HEADER, ayrshare_sim::WEBHOOK_SIGNATURE_HEADER);
    }

    #[test]
    fn the_right_hmac_verifies_and_nothing_else_does() {
        let body = br#"{"action":"scheduled"}"#;
        let good = ayrshare_sim::sign_webhook(SECRET, body);
        assert!(verify(SECRET, &headers(&[(SIGNATURE_HEADER, &good)]), body));
        assert!(verify(
            SECRET,
            &headers(&[(SIGNATURE_HEADER, &format!(" {} ", good.to_uppercase()))]),
            body
        ));
        assert!(!verify(SECRET, &headers(&[(SIGNATURE_HEADER, &good)]), b"{}"), "another body");
        assert!(
            !verify("other-secret", &headers(&[(SIGNATURE_HEADER, &good)]), body),
            "another secret"
        );
        assert!(!verify(SECRET, &headers(&[(SIGNATURE_HEADER, &good[..62])]), body), "truncated");
        assert!(!verify(SECRET, &headers(&[(SIGNATURE_HEADER, "zz")]), body), "not hex");
        assert!(!verify(SECRET, &HeaderMap::new(), body), "no header");
    }

    #[test]
    fn either_header_may_carry_the_signature_during_rotation() {
        let body = b"{}";
        let new = ayrshare_sim::sign_webhook(SECRET, body);
        let old = ayrshare_sim::sign_webhook("old-secret-0123456789", body);
        assert!(verify(
            SECRET,
            &headers(&[(SIGNATURE_HEADER, &old), (SIGNATURE_HEADER_V2, &new)]),
            body
        ));
        assert!(verify(
            SECRET,
            &headers(&[(SIGNATURE_HEADER, &new), (SIGNATURE_HEADER_V2, &old)]),
            body
        ));
        assert!(!verify(
            SECRET,
            &headers(&[(SIGNATURE_HEADER, &old), (SIGNATURE_HEADER_V2, &old)]),
            body
        ));
    }

    #[test]
    fn an_empty_secret_verifies_nothing() {
        let body = b"{}";
        let signed_with_empty = ayrshare_sim::sign_webhook("", body);
        assert!(!verify("", &headers(&[(SIGNATURE_HEADER, &signed_with_empty)]), body));
    }
}
