//! The entry point of the `ayrshare_decode` fuzz target (`fuzz/` at the workspace root):
//! one answer, as status and raw body bytes, through every response decoder the client
//! has, exactly as a real call would reach them (JSON parsing, decoding, error mapping,
//! key scrubbing). Not part of the supported API.

use std::sync::OnceLock;
use std::time::Duration;

use crate::decode;
use crate::transport::Raw;
use crate::types::RateLimit;
use crate::{Client, Error, Profile, Reply};

/// The API key of the fuzzing client; no decoded error may contain it.
const API_KEY: &str = "FUZZ-API-KEY-5d1c0e2b9a";
/// The profile key the answers are decoded for; no decoded error may contain it.
const PROFILE_KEY: &str = "FUZZ-PROFILE-KEY-77c3a1f4";

/// Decodes `body` as the answer of every endpoint. Panics only if a decoder panics or if
/// an error it produces shows the API key or the profile key whole.
#[doc(hidden)]
pub fn fuzz_decode(status: u16, body: &[u8]) {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    let client = CLIENT.get_or_init(|| {
        Client::new("http://127.0.0.1:9/api", API_KEY, Duration::from_secs(1))
            .expect("a valid fuzzing client")
    });
    let raw = || Raw::new(status, RateLimit::default(), body);
    let user = Profile::new(PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::post_outcome), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::plain), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::history), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::history_by_id), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::user), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::uploaded_media), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::upload_url), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::post_analytics), PROFILE_KEY);
    keyless(client.finish(raw(), user, decode::social_analytics), PROFILE_KEY);
    // The profile endpoints send the API key only.
    let primary = Profile::primary();
    keyless(client.finish(raw(), primary, decode::profiles), "");
    keyless(client.finish(raw(), primary, decode::jwt), "");
    let created = client.finish(raw(), primary, |s, v| decode::created_profile(s, v, "fuzz title"));
    keyless(created, "");
}

/// Asserts that an error shows neither the API key nor the profile key the call sent
/// (empty: none), in `Display` or `Debug`.
fn keyless<T>(result: Result<Reply<T>, Error>, profile_key: &str) {
    if let Err(e) = result {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(API_KEY), "API key in an error: {shown}");
        assert!(
            profile_key.is_empty() || !shown.contains(profile_key),
            "profile key in an error: {shown}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_keys_are_scrubbed_on_every_decoder() {
        let echo = format!(
            r#"{{"status":"error","code":102,"message":"{API_KEY} / {PROFILE_KEY}","errors":["{API_KEY}"]}}"#
        );
        for status in [200, 400, 429, 500] {
            fuzz_decode(status, echo.as_bytes());
            fuzz_decode(status, format!("<html>{API_KEY} {PROFILE_KEY}</html>").as_bytes());
            fuzz_decode(status, b"");
            fuzz_decode(status, br#"{"posts":[{"id":1,"postIds":[{"platform":"x"}]}],"history":[{"created":{"_seconds":-9223372036854775808}}]}"#);
        }
    }
}
