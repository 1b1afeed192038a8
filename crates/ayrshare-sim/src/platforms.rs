//! The networks Ayrshare posts to, and the fake ids and URLs the simulator hands out
//! for them (shaped like each network's real ones, e.g. Telegram ids are numbers).

use rand::distributions::{Alphanumeric, DistString};
use rand::Rng;
use serde_json::Value;

/// Every platform name `POST /post` accepts (plus `all`, which expands to these).
pub const PLATFORMS: [&str; 13] = [
    "bluesky",
    "facebook",
    "gmb",
    "instagram",
    "linkedin",
    "pinterest",
    "reddit",
    "snapchat",
    "telegram",
    "threads",
    "tiktok",
    "twitter",
    "youtube",
];

/// Whether `name` is a platform Ayrshare knows.
pub(crate) fn is_platform(name: &str) -> bool {
    PLATFORMS.contains(&name)
}

/// Networks Ayrshare's duplicate-content check (code 137) skips.
pub(crate) fn skips_duplicate_check(platform: &str) -> bool {
    matches!(platform, "pinterest" | "reddit" | "telegram")
}

/// The network's display name, for messages.
pub(crate) fn display_name(platform: &str) -> &str {
    match platform {
        "bluesky" => "Bluesky",
        "facebook" => "Facebook",
        "gmb" => "Google Business Profile",
        "instagram" => "Instagram",
        "linkedin" => "LinkedIn",
        "pinterest" => "Pinterest",
        "reddit" => "Reddit",
        "snapchat" => "Snapchat",
        "telegram" => "Telegram",
        "threads" => "Threads",
        "tiktok" => "TikTok",
        "twitter" => "X/Twitter",
        "youtube" => "YouTube",
        other => other,
    }
}

/// A new network post id and its URL. The id is a JSON number for Telegram, as in
/// Ayrshare's own example, and a string everywhere else.
pub(crate) fn new_social_post(platform: &str) -> (Value, String) {
    let mut rng = rand::thread_rng();
    let digits = |rng: &mut rand::rngs::ThreadRng, n: usize| -> String {
        (0..n).map(|i| char::from(b'0' + rng.gen_range(u8::from(i == 0)..10))).collect()
    };
    let alnum = |n: usize| Alphanumeric.sample_string(&mut rand::thread_rng(), n);
    match platform {
        "telegram" => {
            let id: u32 = rng.gen_range(100..1_000_000);
            (Value::from(id), format!("https://t.me/c/1424847122/{id}"))
        }
        "twitter" => {
            let id = digits(&mut rng, 19);
            (Value::from(id.clone()), format!("https://twitter.com/sim_user/status/{id}"))
        }
        "facebook" => {
            let id = format!("{}_{}", digits(&mut rng, 15), digits(&mut rng, 15));
            let url = format!("https://www.facebook.com/{}", id.replace('_', "/posts/"));
            (Value::from(id), url)
        }
        "instagram" => (
            Value::from(digits(&mut rng, 17)),
            format!("https://www.instagram.com/p/{}/", alnum(11)),
        ),
        "linkedin" => {
            let id = format!("urn:li:share:{}", digits(&mut rng, 19));
            (Value::from(id.clone()), format!("https://www.linkedin.com/feed/update/{id}"))
        }
        "youtube" => {
            let id = alnum(11);
            (Value::from(id.clone()), format!("https://youtu.be/{id}"))
        }
        "tiktok" => {
            let id = digits(&mut rng, 19);
            (Value::from(id.clone()), format!("https://www.tiktok.com/@sim_user/video/{id}"))
        }
        "bluesky" => {
            let id = format!("at://did:plc:sim/app.bsky.feed.post/{}", alnum(13).to_lowercase());
            let url = format!(
                "https://bsky.app/profile/sim.bsky.social/post/{}",
                id.rsplit('/').next().unwrap_or("")
            );
            (Value::from(id), url)
        }
        other => {
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
        assert!(new_social_post("telegram").0.is_number());
        for platform in PLATFORMS.iter().filter(|p| **p != "telegram") {
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
