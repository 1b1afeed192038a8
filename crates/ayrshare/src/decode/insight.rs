//! Decoding of the media answers (`POST /media/upload`, `GET /media/uploadUrl`) and
//! the analytics answers (`POST /analytics/post`, `POST /analytics/social`).
//!
//! Analytics are keyed by network at the top level, next to `status`, `id` and
//! the like (research note §6); keys that are not networks are ignored, and the
//! figures themselves stay raw JSON.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{api_failure, is_error_status, is_success, str_of, Failure};
use crate::platform::Platform;
use crate::types::{NetworkAnalytics, PostAnalytics, SocialAnalytics, UploadUrl, UploadedMedia};

/// The body as an object, or the matching failure.
fn object(status: u16, body: &Value, what: &str) -> Result<Map<String, Value>, Failure> {
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    body.as_object().cloned().ok_or_else(|| Failure::Decode(format!("{what} is not an object")))
}

/// Decodes `POST /media/upload`: `id` and `url` are required.
pub(crate) fn uploaded_media(status: u16, body: &Value) -> Result<UploadedMedia, Failure> {
    object(status, body, "media upload answer")?;
    let field = |key: &str| {
        str_of(body, key).ok_or_else(|| Failure::Decode(format!("media upload has no {key}")))
    };
    Ok(UploadedMedia {
        id: field("id")?,
        url: field("url")?,
        file_name: str_of(body, "fileName"),
        description: str_of(body, "description"),
    })
}

/// Decodes `GET /media/uploadUrl`: both URLs are required.
pub(crate) fn upload_url(status: u16, body: &Value) -> Result<UploadUrl, Failure> {
    object(status, body, "upload URL answer")?;
    let field = |key: &str| {
        str_of(body, key).ok_or_else(|| Failure::Decode(format!("upload URL answer has no {key}")))
    };
    Ok(UploadUrl {
        upload_url: field("uploadUrl")?,
        access_url: field("accessUrl")?,
        content_type: str_of(body, "contentType"),
    })
}

/// The entries of `body` whose key is a network, in network order.
fn networks(body: &Map<String, Value>) -> impl Iterator<Item = (Platform, &Value)> {
    body.iter().filter_map(|(key, value)| Some((key.parse::<Platform>().ok()?, value)))
}

/// Decodes `POST /analytics/post`. An X thread's array keeps its first tweet.
pub(crate) fn post_analytics(status: u16, body: &Value) -> Result<PostAnalytics, Failure> {
    let map = object(status, body, "analytics answer")?;
    let mut out = BTreeMap::new();
    for (platform, entry) in networks(&map) {
        let entry = match entry {
            Value::Array(items) => items.first().unwrap_or(&Value::Null),
            other => other,
        };
        if !entry.is_object() || is_error_status(entry) {
            continue;
        }
        let analytics = entry.get("analytics").filter(|a| a.is_object()).cloned();
        out.insert(
            platform,
            NetworkAnalytics {
                id: str_of(entry, "id"),
                post_url: str_of(entry, "postUrl"),
                analytics: analytics.unwrap_or_else(|| Value::Object(Map::new())),
                last_updated: str_of(entry, "lastUpdated"),
                next_update: str_of(entry, "nextUpdate"),
            },
        );
    }
    Ok(PostAnalytics {
        id: str_of(body, "id"),
        status: str_of(body, "status").unwrap_or_else(|| "success".to_owned()),
        networks: out,
    })
}

/// Decodes `POST /analytics/social`: each network's `analytics` object, or its error.
pub(crate) fn social_analytics(status: u16, body: &Value) -> Result<SocialAnalytics, Failure> {
    let map = object(status, body, "analytics answer")?;
    let mut out = SocialAnalytics::default();
    for (platform, entry) in networks(&map) {
        if is_error_status(entry) {
            let message = str_of(entry, "message").unwrap_or_else(|| "error".to_owned());
            out.errors.insert(platform, message);
        } else if let Some(analytics) = entry.get("analytics").filter(|a| a.is_object()) {
            out.networks.insert(platform, analytics.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn post_analytics_keeps_each_networks_raw_figures() {
        let body = json!({"status": "success", "id": "P1", "code": 200,
            "twitter": [{"id": "1", "analytics": {"publicMetrics": {"likeCount": 3}},
                         "lastUpdated": "2026-01-01T00:00:00Z", "nextUpdate": "2026-01-01T00:10:00Z"}],
            "linkedin": {"id": "urn", "postUrl": "https://l/1", "analytics": {"likeCount": 2}},
            "instagram": {"status": "error", "message": "nope"},
            "myspace": {"analytics": {}}});
        let a = post_analytics(200, &body).unwrap();
        assert_eq!(a.id.as_deref(), Some("P1"));
        assert_eq!(a.networks.len(), 2);
        let x = &a.networks[&Platform::Twitter];
        assert_eq!(x.analytics["publicMetrics"]["likeCount"], 3);
        assert_eq!(x.next_update.as_deref(), Some("2026-01-01T00:10:00Z"));
        assert_eq!(a.networks[&Platform::LinkedIn].post_url.as_deref(), Some("https://l/1"));
        let missing = post_analytics(404, &json!({"code": 186, "message": "Post ID not found."}));
        assert!(matches!(missing, Err(Failure::Api { code: Some(186), .. })));
    }

    #[test]
    fn social_analytics_splits_figures_and_errors() {
        let body = json!({"status": "success", "twitter": {"analytics": {"followersCount": 9}},
                          "tiktok": {"status": "error", "code": 156, "message": "TikTok is not linked"}});
        let s = social_analytics(200, &body).unwrap();
        assert_eq!(s.networks[&Platform::Twitter]["followersCount"], 9);
        assert_eq!(s.errors[&Platform::TikTok], "TikTok is not linked");
    }

    #[test]
    fn media_answers_need_their_urls() {
        let up = uploaded_media(
            200,
            &json!({"status": "success", "id": "m1", "url": "https://m/1", "fileName": "a.png"}),
        )
        .unwrap();
        assert_eq!((up.id.as_str(), up.file_name.as_deref()), ("m1", Some("a.png")));
        assert!(matches!(uploaded_media(200, &json!({"id": "m1"})), Err(Failure::Decode(_))));
        let url = upload_url(200, &json!({"uploadUrl": "https://u", "accessUrl": "https://a", "contentType": "image/png"})).unwrap();
        assert_eq!(url.access_url, "https://a");
        assert!(matches!(upload_url(200, &json!([])), Err(Failure::Decode(_))));
    }
}
