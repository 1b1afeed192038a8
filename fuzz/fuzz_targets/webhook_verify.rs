//! Arbitrary webhook deliveries (secret, signature headers, body) through the verifier
//! of the `ayrshare` crate (`ayrshare::webhook`), which Herald uses. Properties: no
//! input panics; a signature verifies exactly when it is the hex HMAC-SHA256 of the body
//! under a non-empty secret (computed here independently), so a wrong signature never
//! verifies; the header check accepts exactly when one of the two signature headers
//! verifies.
#![no_main]

use arbitrary::Arbitrary;
use ayrshare::webhook::{verify, verify_signature, SIGNATURE_HEADER, SIGNATURE_HEADER_V2};
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

#[derive(Debug, Arbitrary)]
struct Delivery {
    secret: String,
    body: Vec<u8>,
    v1: Option<Vec<u8>>,
    v2: Option<Vec<u8>>,
    /// Replace `v1` with the right signature, so the accepting path is explored too.
    sign_v1: bool,
    uppercase: bool,
}

/// The oracle: is `signature` the right one for `body` under `secret`?
fn is_right(secret: &str, body: &[u8], signature: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let expected = mac.finalize().into_bytes();
    hex::decode(signature.trim_ascii()).is_ok_and(|given| given.as_slice() == expected.as_slice())
}

fuzz_target!(|d: Delivery| {
    let mut v1 = d.v1;
    if d.sign_v1 {
        let mut mac = Hmac::<Sha256>::new_from_slice(d.secret.as_bytes()).expect("any key length");
        mac.update(&d.body);
        let hex = hex::encode(mac.finalize().into_bytes());
        v1 = Some(if d.uppercase { hex.to_uppercase() } else { hex }.into_bytes());
    }
    let mut headers = HeaderMap::new();
    let mut any_right = false;
    for (name, value) in [(SIGNATURE_HEADER, &v1), (SIGNATURE_HEADER_V2, &d.v2)] {
        let Some(value) = value else { continue };
        let right = is_right(&d.secret, &d.body, value);
        assert_eq!(verify_signature(d.secret.as_bytes(), value, &d.body), right, "signature {value:?}");
        if let Ok(header) = HeaderValue::from_bytes(value) {
            headers.insert(name, header);
            any_right |= right;
        }
    }
    assert_eq!(verify(&d.secret, &headers, &d.body), any_right, "headers {headers:?}");
});
