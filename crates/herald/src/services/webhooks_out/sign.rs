//! Standard Webhooks signing (<https://www.standardwebhooks.com>): a secret is `whsec_`
//! followed by the base64 of random bytes; a message's signature is
//! `v1,<base64 of HMAC-SHA256("{webhook-id}.{webhook-timestamp}.{body}")>` keyed by the
//! secret's decoded bytes.

use crate::foundation::secret::Secret;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The prefix the specification gives secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a new secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new signing secret.
pub fn new_secret() -> Secret {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    Secret::new(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// The `webhook-signature` header of a message: `v1,<base64>`.
pub fn signature(secret: &Secret, id: &str, timestamp: i64, body: &str) -> String {
    let raw = secret.expose();
    let key = STANDARD
        .decode(raw.strip_prefix(SECRET_PREFIX).unwrap_or(raw))
        .unwrap_or_else(|_| raw.as_bytes().to_vec());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the specification's reference libraries (their test suites).
    #[test]
    fn signs_the_specifications_example() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let body = r#"{"test": 2432232314}"#;
        let sig = signature(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn new_secrets_carry_the_prefix_and_32_random_bytes() {
        let (a, b) = (new_secret(), new_secret());
        let bytes = STANDARD.decode(a.expose().strip_prefix(SECRET_PREFIX).unwrap()).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(a.expose(), b.expose());
    }
}
