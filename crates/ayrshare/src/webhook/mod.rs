//! Ayrshare's webhook protocol, for whoever receives Ayrshare's webhooks (Herald) and
//! whoever sends them (the simulator): the headers, the signature, and a typed,
//! tolerant reading of the payload.
//!
//! - `signature`: [`sign`], [`verify_signature`] and [`verify`]. A delivery is signed
//!   with the lowercase hex HMAC-SHA256 of its raw body, keyed with the secret
//!   registered with the webhook, in [`SIGNATURE_HEADER`]. While a secret is being
//!   rotated Ayrshare may also send [`SIGNATURE_HEADER_V2`]; [`verify`] accepts either,
//!   so a receiver can switch to the new secret while Ayrshare still signs with both.
//! - `payload`: [`Webhook::decode`], every field Ayrshare documents for the
//!   `scheduled` and `social` actions (research note §9), unknown fields ignored.
//!
//! Verify the raw bytes first, then decode them: nothing should parse an unsigned body.
//!
//! ```
//! use ayrshare::webhook::{self, Webhook};
//! let body = br#"{"action":"scheduled","id":"TBAAAqAMMpoweA9wKHUp","postIds":[{"platform":"telegram","id":635}]}"#;
//! let signature = webhook::sign("secret", body);
//! assert!(webhook::verify_signature(b"secret", signature.as_bytes(), body));
//! let hook = Webhook::decode(body).expect("a webhook");
//! assert_eq!(hook.post_ids[0].id, "635");
//! ```

mod payload;
mod signature;

pub use payload::{Action, DecodeError, Webhook};
pub use signature::{sign, verify, verify_signature};

/// The signature header Ayrshare always sends: hex HMAC-SHA256 of the raw body.
pub const SIGNATURE_HEADER: &str = "X-Authorization-Content-SHA256";
/// The second signature header Ayrshare sends while a webhook secret is being rotated.
pub const SIGNATURE_HEADER_V2: &str = "X-Authorization-Content-SHA256-V2";
/// The delivery time, in unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-Authorization-Timestamp";
