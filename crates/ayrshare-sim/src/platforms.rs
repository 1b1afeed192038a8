//! What the simulator does differently per network: the fake ids and URLs it hands out
//! (shaped like each network's real ones, e.g. Telegram ids are numbers) and which
//! networks skip the duplicate-content check. The networks themselves, their names and
//! limits are [`ayrshare::Platform`]'s table.

use ayrshare::Platform;
use rand::distributions::{Alphanumeric, DistString};
use rand::Rng;
use serde_json::Value;

/// Networks Ayrshare's duplicate-content check (code 137) skips.
pub(crate) fn skips_duplicate_check(platform: Platform) -> bool {
    matches!(platform, Platform::Pinterest | Platform::Reddit | Platform::Telegram)
}

/// Networks whose posts Ayrshare cannot delete through the API (research note §5.2).
pub(crate) fn deletable(platform: Platform) -> bool {
    !matches!(platform, Platform::Instagram | Platform::TikTok)
}

/// A new network post id and its URL. The id is a JSON number for Telegram, as in
/// Ayrshare's own example, and a string everywhere else.
pub(crate) fn new_social_post(platform: Platform) -> (Value, String) {
    let mut rng = rand::thread_rng();
    let digits = |rng: &mut rand::rngs::ThreadRng, n: usize| -> String {
        (0..n).map(|i| char::from(b'0' + rng.gen_range(u8::from(i == 0)..10))).collect()
    };
    let alnum = |n: usize| Alphanumeric.sample_string(&mut rand::thread_rng(), n);
    match platform {
        Platform::Telegram => {
            let id: u32 = rng.gen_range(100..1_000_000);
            (Value::from(id), format!("https://t.me/c/1424847122/{id}"))
        }
        Platform::Twitter => {
            let id = digits(&mut rng, 19);
            (Value::from(id.clone()), format!("https://twitter.com/sim_user/status/{id}"))
        }
        Platform::Facebook => {
            let id = format!("{}_{}", digits(&mut rng, 15), digits(&mut rng, 15));
            let url = format!("https://www.facebook.com/{}", id.replace('_', "/posts/"));
            (Value::from(id), url)
        }
        Platform::Instagram => (
            Value::from(digits(&mut rng, 17)),
            format!("https://www.instagram.com/p/{}/", alnum(11)),
        ),
        Platform::LinkedIn => {
            let id = format!("urn:li:share:{}", digits(&mut rng, 19));
            (Value::from(id.clone()), format!("https://www.linkedin.com/feed/update/{id}"))
        }
        Platform::YouTube => {
            let id = alnum(11);
            (Value::from(id.clone()), format!("https://youtu.be/{id}"))
        }
        Platform::TikTok => {
            let id = digits(&mut rng, 19);
            (Value::from(id.clone()), format!("https://www.tiktok.com/@sim_user/video/{id}"))
        }
        Platform::Bluesky => {
            let id = format!("at://did:plc:sim/app.bsky.feed.post/{}", alnum(13).to_lowercase());
            let url = format!(
                "https://bsky.app/profile/sim.bsky.social/post/{}",
                id.rsplit('/').next().unwrap_or("")
            );
            (Value::from(id), url)
        }
        other @ (Platform::Gmb
        | Platform::Pinterest
        | Platform::Reddit
        | Platform::Snapchat
        | Platform::Threads) => {
            let id = digits(&mut rng, 18);
            (Value::from(id.clone()), format!("https://{other}.example.com/posts/{id}"))
        }
    }
}

/// A new Ayrshare post id: 20 alphanumeric characters, like a Firestore id.
pub(crate) fn new_post_id() -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), 20)
}

/// A new profile key, shaped like Ayrshare's `XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX`.
pub(crate) fn new_profile_key() -> String {
    let part = || Alphanumeric.sample_string(&mut rand::thread_rng(), 7).to_uppercase();
    format!("{}-{}-{}-{}", part(), part(), part(), part())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_ids_are_numbers_and_others_strings() {
        assert!(new_social_post(Platform::Telegram).0.is_number());
        for platform in Platform::ALL.into_iter().filter(|p| *p != Platform::Telegram) {
            let (id, url) = new_social_post(platform);
            assert!(id.is_string(), "{platform}");
            assert!(url.starts_with("https://"), "{platform}: {url}");
        }
    }

    #[test]
    fn post_ids_are_twenty_alphanumerics() {
        let id = new_post_id();
        assert_eq!(id.len(), 20);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
