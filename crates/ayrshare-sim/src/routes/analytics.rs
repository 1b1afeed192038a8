//! `POST /api/analytics/post`: per-network counters for a post. The numbers are
//! derived from a hash of the post and network ids and grow with the minutes since
//! publication, so repeated calls are consistent and never go down.

use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::errors::{ok, ApiError, Body};
use crate::gate::Caller;
use crate::post::{iso, Outcome, PostRecord, PostStatus};
use crate::Simulator;

/// Counters for one network post.
fn counters(
    post_id: &str,
    platform: Platform,
    published: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Value {
    let digest = Sha256::digest(format!("{post_id}/{platform}").as_bytes());
    let seed = |i: usize| u64::from(digest[i]);
    let minutes = u64::try_from((now - published).num_minutes()).unwrap_or(0).min(1_000_000);
    let likes = seed(0) % 40 + minutes * (seed(1) % 3 + 1);
    let comments = likes / 5 + seed(2) % 3;
    let impressions = likes * (10 + seed(3) % 20) + seed(4);
    json!({"likeCount": likes, "commentsCount": comments, "impressionCount": impressions, "sharesCount": likes / 10})
}

/// The answer body for a published post, limited to `platforms` when given.
fn analytics(post: &PostRecord, platforms: Option<&[Platform]>, now: DateTime<Utc>) -> Value {
    let published = post.published.unwrap_or(post.created);
    let mut body = Map::new();
    body.insert("status".into(), json!("success"));
    body.insert("id".into(), json!(post.id));
    for (platform, outcome) in &post.outcomes {
        let wanted = platforms.is_none_or(|list| list.contains(platform));
        if let (true, Outcome::Posted { id, url }) = (wanted, outcome) {
            let entry = json!({
                "id": id, "postUrl": url, "analytics": counters(&post.id, *platform, published, now),
                "lastUpdated": iso(now), "nextUpdate": iso(now + TimeDelta::minutes(10)),
            });
            body.insert(platform.to_string(), entry);
        }
    }
    Value::Object(body)
}

/// `POST /api/analytics/post` `{id, platforms?}`.
pub(crate) async fn post(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let id = body.get("id").and_then(Value::as_str).ok_or_else(|| {
        ApiError::bad_request("analytics", "Missing id parameter: send the Ayrshare post id.")
    })?;
    // Names that are no network are dropped: they could match nothing anyway.
    let platforms: Option<Vec<Platform>> =
        body.get("platforms").and_then(Value::as_array).map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .filter_map(|p| p.to_ascii_lowercase().parse().ok())
                .collect()
        });
    let now = Utc::now();
    let answer = sim.shared.with_store(|s| {
        let post = s.post(&caller.profile, id).filter(|p| p.status != PostStatus::Deleted)?;
        Some(analytics(post, platforms.as_deref(), now))
    });
    let answer = answer.ok_or_else(|| ApiError::post_id_not_found("analytics", id))?;
    Ok(ok(&answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_stable_and_grow() {
        let published = Utc::now();
        let first = counters("abc", Platform::Twitter, published, published);
        assert_eq!(first, counters("abc", Platform::Twitter, published, published));
        let later = counters("abc", Platform::Twitter, published, published + TimeDelta::hours(1));
        assert!(later["likeCount"].as_u64() > first["likeCount"].as_u64());
    }
}
