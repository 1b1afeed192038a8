//! Checking a password against the throttle (sign-in, accepting an invitation with an
//! existing account, changing one's password).
//!
//! Every attempt is counted **before** its hash, in windows shared by every instance
//! (security review N1/N3: counting after the hash let a burst of 60 concurrent guesses
//! all be evaluated). A window grants the attempt or refuses it (429) without hashing; a
//! successful attempt gives its uses back, so only failures remain counted. The windows:
//!
//! | window | key | default |
//! | --- | --- | --- |
//! | per client | the client address ([`crate::foundation::client_ip`]) | 30 per 15 min |
//! | per account and client | e-mail + client address | 5 per 15 min |
//! | per account | e-mail, from anywhere | 50 per 15 min |
//! | per known browser | e-mail + the browser's device proof | 5 per 15 min |
//!
//! Why no one can lock a person out (review N4): failures for other accounts count only
//! against the client that made them; failures for *this* account from other clients
//! count in its per-account window, which bounds guessing spread over many addresses —
//! and a browser the person has signed in with before carries a **device proof** (a
//! cookie with a keyed digest of the person's id and a random nonce, keyed by their
//! password hash, which never leaves the server), whose attempts count only in their own
//! window. So an attacker exhausts the account's window only for browsers without the
//! proof, and a proof dies with a password change (its key is the old hash).

use super::{Login, PeopleService};
use crate::coherence::error::{AppError, AppResult};
use crate::coherence::ratelimit::{Reserved, SharedLockout};
use crate::foundation::domain::people::normal_email;
use crate::foundation::domain::{User, UserRecord};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::net::IpAddr;
use std::time::Duration;

/// The device proof's cookie.
pub const DEVICE_COOKIE: &str = "herald_device";
/// How long a browser keeps its device proof.
pub const DEVICE_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The sign-in windows (see the module docs).
pub struct Throttle {
    pub per_client: SharedLockout,
    pub per_account_client: SharedLockout,
    pub per_account: SharedLockout,
    pub per_device: SharedLockout,
    /// Password-reset requests per client and per address ([`super::reset`]).
    pub resets_per_client: SharedLockout,
    pub resets_per_account: SharedLockout,
}

/// Where an attempt comes from: the client's address and, if its browser sent one, the
/// device proof it holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub client: Option<IpAddr>,
    pub device: Option<&'a str>,
}

fn throttled(wait: Duration) -> AppError {
    AppError::RateLimited { retry_after: wait }
}

impl PeopleService {
    /// The user whose e-mail and password these are, or 401 `invalid_credentials` (the
    /// same for an unknown e-mail, which costs the same hash); 429 once a window the
    /// attempt counts in is spent.
    pub(crate) async fn check_password(&self, input: Login, origin: Origin<'_>) -> AppResult<User> {
        let email = normal_email(input.email.trim());
        let client = origin.client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let record = self.people().user_by_email(&email).await?;
        let proven = record.as_ref().zip(origin.device).and_then(|(r, d)| device_key(r, d));
        let reserved = match &proven {
            Some(nonce) => vec![self.throttle().per_device.reserve(&key(&email, nonce)).await],
            None => {
                let t = self.throttle();
                let first = t.per_client.reserve(&client).await.map_err(throttled)?;
                vec![
                    Ok(first),
                    t.per_account_client.reserve(&key(&email, &client)).await,
                    t.per_account.reserve(&email).await,
                ]
            }
        };
        let reserved = all_or_refund(reserved).await?;
        let hash = record.as_ref().and_then(|r| r.password_hash.clone());
        let verified = match hash {
            Some(hash) => self.hasher().verify(input.password, hash).await?,
            None => self.hasher().verify_nothing(input.password).await.map(|()| false)?,
        };
        match record.filter(|_| verified) {
            Some(record) => {
                for r in reserved {
                    r.refund().await;
                }
                Ok(record.user)
            }
            None => Err(AppError::InvalidCredentials),
        }
    }

    /// A device proof for `user`'s browser, to set as [`DEVICE_COOKIE`] after a sign-in.
    pub(crate) async fn device_proof(&self, user: &User) -> AppResult<Option<String>> {
        let record = self.people().user(&user.id).await?;
        let Some(hash) = record.and_then(|r| r.password_hash) else { return Ok(None) };
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        Ok(Some(format!("{nonce}.{}", mac(&hash, &user.id, &nonce))))
    }
}

/// The nonce of `proof` if it is a valid device proof for `record`.
fn device_key(record: &UserRecord, proof: &str) -> Option<String> {
    let hash = record.password_hash.as_deref()?;
    let (nonce, given) = proof.split_once('.')?;
    let expected = mac(hash, &record.user.id, nonce);
    crate::gate::auth::secrets_equal(given, &expected).then(|| nonce.to_owned())
}

fn mac(key: &str, user_id: &str, nonce: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(b"herald-device\0");
    mac.update(user_id.as_bytes());
    mac.update(b"\0");
    mac.update(nonce.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

fn key(email: &str, second: &str) -> String {
    format!("{email}\u{0}{second}")
}

/// Every reservation, or none: a refused one gives the others back and is 429.
async fn all_or_refund(reservations: Vec<Result<Reserved, Duration>>) -> AppResult<Vec<Reserved>> {
    let wait = reservations.iter().filter_map(|r| r.as_ref().err()).max().copied();
    let granted = reservations.into_iter().filter_map(Result::ok);
    match wait {
        None => Ok(granted.collect()),
        Some(wait) => {
            for r in granted {
                r.refund().await;
            }
            Err(throttled(wait))
        }
    }
}

/// The device proof a request's cookies carry, if any.
pub fn device_from_cookies(headers: &axum::http::HeaderMap) -> Option<&str> {
    crate::gate::auth::session::cookie_value(headers, DEVICE_COOKIE)
}

/// The `Set-Cookie` value that stores a device proof (`secure`: only over https). It is
/// sent only to the sign-in routes.
pub fn device_cookie(proof: &str, secure: bool) -> axum::http::HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{DEVICE_COOKIE}={proof}; HttpOnly; SameSite=Strict; Path=/api/; Max-Age={}{secure}",
        DEVICE_LIFETIME.as_secs()
    );
    let mut header = axum::http::HeaderValue::from_str(&value)
        .unwrap_or(axum::http::HeaderValue::from_static(""));
    header.set_sensitive(true);
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(hash: &str) -> UserRecord {
        UserRecord {
            user: User {
                id: "u1".into(),
                email: "a@example.com".into(),
                name: "A".into(),
                global_admin: false,
                notify_email: true,
                created_at: chrono::Utc::now(),
            },
            password_hash: Some(hash.into()),
        }
    }

    #[test]
    fn a_device_proof_holds_only_for_its_user_and_password_hash() {
        let nonce = "n0nce";
        let proof = format!("{nonce}.{}", mac("hash-1", "u1", nonce));
        assert_eq!(device_key(&record("hash-1"), &proof).as_deref(), Some(nonce));
        assert_eq!(device_key(&record("hash-2"), &proof), None, "a new password ends it");
        assert_eq!(device_key(&record("hash-1"), "n0nce.0000"), None);
        assert_eq!(device_key(&record("hash-1"), "garbage"), None);
    }
}
