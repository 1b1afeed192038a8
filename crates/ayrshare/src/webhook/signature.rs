//! Webhook signatures: HMAC-SHA256 of the raw body, hex-encoded. Verification uses the
//! `hmac` crate's constant-time comparison and runs on the raw bytes, before anything
//! parses them.

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

use super::{SIGNATURE_HEADER, SIGNATURE_HEADER_V2};

/// Lowercase hex of the HMAC-SHA256 of `body` keyed with `secret`: the value of
/// [`SIGNATURE_HEADER`] on a delivery.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// True when `signature` (hex in either case, surrounding whitespace ignored) is the
/// HMAC-SHA256 of `body` under `secret`. An empty secret verifies nothing: anyone
/// could compute it.
pub fn verify_signature(secret: &[u8], signature: &[u8], body: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    let Ok(given) = hex::decode(signature.trim_ascii()) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return false };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// True when the delivery's [`SIGNATURE_HEADER`], or its rotation header
/// [`SIGNATURE_HEADER_V2`], carries the right signature of `body` under `secret`.
pub fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    [SIGNATURE_HEADER, SIGNATURE_HEADER_V2]
        .iter()
        .filter_map(|name| headers.get(*name))
        .any(|value| verify_signature(secret.as_bytes(), value.as_bytes(), body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const SECRET: &str = "webhook-secret-0123456789";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        h
    }

    #[test]
    fn a_signature_is_the_lowercase_hex_hmac_sha256_of_the_body() {
        // RFC 4231, test case 2.
        let sig = sign("Jefe", b"what do ya want for nothing?");
        assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn the_right_hmac_verifies_and_nothing_else_does() {
        let body = br#"{"action":"scheduled"}"#;
        let good = sign(SECRET, body);
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
        let new = sign(SECRET, body);
        let old = sign("old-secret-0123456789", body);
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
        let signed_with_empty = sign("", body);
        assert!(!verify("", &headers(&[(SIGNATURE_HEADER, &signed_with_empty)]), body));
        assert!(!verify_signature(b"", signed_with_empty.as_bytes(), body));
    }
}
