//! `GET /api/history` (the profile's posts, newest first, filtered, shown only
//! `history_lag` after creation like Ayrshare's upstream cache; empty is a 400 with
//! code 221) and `GET /api/history/{id}` (one post without lag, or, when `{id}` is a
//! network name, that network's feed: what is still on the network, with the
//! network's own metrics).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};
use tokio::time::Instant;

use super::analytics::minutes_since;
use super::post::parse_date;
use super::PostId;
use crate::errors::{ok, reply, ApiError, HISTORY_NOT_FOUND_CODE};
use crate::figures::post_analytics;
use crate::gate::Caller;
use crate::post::{iso, Outcome, PostRecord, PostStatus};
use crate::Simulator;

const DEFAULT_LIMIT: usize = 25;
const MAX_LIMIT: usize = 1000;
const DEFAULT_LAST_DAYS: i64 = 30;

/// The `/history` query, every form Ayrshare clients send it in.
#[derive(Debug)]
struct Filter {
    limit: usize,
    last_days: i64,
    status: Option<String>,
    /// `Some(true)` for `type=scheduled`, `Some(false)` for `type=immediate`.
    scheduled: Option<bool>,
    /// Network names as sent (lowercased); a name that is no network matches nothing.
    platforms: Vec<String>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request("get", message)
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| bad(format!("Invalid {key} parameter: {value:?} is not a number.")))
}

impl Filter {
    /// Reads the query pairs; `platforms` may be repeated, comma-joined, or indexed
    /// (`platforms[0]=`), and `limit` may be spelled `lastRecords`.
    fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let mut filter = Filter {
            limit: DEFAULT_LIMIT,
            last_days: DEFAULT_LAST_DAYS,
            status: None,
            scheduled: None,
            platforms: Vec::new(),
            start: None,
            end: None,
        };
        for (key, value) in pairs {
            match key.as_str() {
                "limit" | "lastRecords" => {
                    filter.limit = number::<usize>(key, value)?.clamp(1, MAX_LIMIT)
                }
                "lastDays" => filter.last_days = number::<i64>(key, value)?.max(0),
                "status" => filter.status = Some(value.trim().to_string()),
                "type" => filter.scheduled = Some(value.trim() == "scheduled"),
                "startDate" => filter.start = Some(parse_date(key, value)?),
                "endDate" => filter.end = Some(parse_date(key, value)?),
                k if k == "platforms" || k == "platform" || k.starts_with("platforms[") => {
                    filter.platforms.extend(
                        value
                            .split(',')
                            .map(|p| p.trim().to_ascii_lowercase())
                            .filter(|p| !p.is_empty()),
                    )
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    /// Whether `post` belongs in the answer at wall-clock `now`.
    fn keeps(&self, post: &PostRecord, now: DateTime<Utc>) -> bool {
        let status_ok = match &self.status {
            Some(wanted) => post.status.as_str() == wanted,
            None => post.status != PostStatus::Deleted,
        };
        let type_ok = self.scheduled.is_none_or(|s| s == post.scheduled);
        let asked_for = |p: &Platform| self.platforms.iter().any(|name| name == p.as_str());
        let platform_ok = self.platforms.is_empty() || post.platforms.iter().any(asked_for);
        status_ok && type_ok && platform_ok && self.date_ok(post.schedule_date, now)
    }

    /// Date window: `startDate`/`endDate` (inclusive) when given, else `lastDays`.
    fn date_ok(&self, date: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        if self.start.is_some() || self.end.is_some() {
            return self.start.is_none_or(|s| date >= s) && self.end.is_none_or(|e| date <= e);
        }
        let cutoff =
            TimeDelta::try_days(self.last_days).and_then(|days| now.checked_sub_signed(days));
        self.last_days == 0 || cutoff.is_none_or(|cutoff| date >= cutoff)
    }
}

/// `GET /api/history`.
pub(crate) async fn list(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|e| bad(format!("Invalid query: {e}")))?;
    let filter = Filter::parse(&pairs)?;
    let lag = sim.shared.config().history_lag;
    let (now, instant) = (Utc::now(), Instant::now());
    let items: Vec<Value> = sim.shared.with_store(|store| {
        let mut posts: Vec<&PostRecord> = store
            .posts_of(&caller.profile)
            .filter(|p| instant.duration_since(p.created_at) >= lag)
            .filter(|p| filter.keeps(p, now))
            .collect();
        posts.sort_by_key(|p| std::cmp::Reverse(p.seq));
        posts.into_iter().take(filter.limit).map(|p| p.history_item(&caller.view)).collect()
    });
    if items.is_empty() {
        let error = json!({"code": HISTORY_NOT_FOUND_CODE, "action": "get", "status": "error", "message": "History not found"});
        return Ok(reply(StatusCode::BAD_REQUEST, &json!({"history": error, "count": 0})));
    }
    Ok(ok(&json!({
        "history": items, "count": items.len(), "refId": caller.view.ref_id,
        "lastUpdated": iso(now), "nextUpdate": iso(now + TimeDelta::minutes(1)),
    })))
}

/// `GET /api/history/{id}`: one post (no lag), or a network's feed.
pub(crate) async fn one(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
    PostId(id): PostId,
) -> Result<Response, ApiError> {
    if let Ok(platform) = id.parse::<Platform>() {
        return Ok(platform_feed(&sim, &caller, platform));
    }
    let item = sim
        .shared
        .with_store(|s| s.post(&caller.profile, &id).map(|p| p.history_item(&caller.view)));
    let item = item.ok_or_else(|| ApiError::post_id_not_found("get", &id))?;
    Ok(ok(&item))
}

/// `GET /api/history/{platform}`: what the network shows, newest first. A post
/// deleted through Ayrshare stays where the network refused the delete.
fn platform_feed(sim: &Simulator, caller: &Caller, platform: Platform) -> Response {
    let now = Utc::now();
    let posts: Vec<Value> = sim.shared.with_store(|store| {
        let mut posts: Vec<&PostRecord> = store.posts_of(&caller.profile).collect();
        posts.sort_by_key(|p| std::cmp::Reverse(p.seq));
        posts.into_iter().filter_map(|p| network_entry(p, platform, now)).collect()
    });
    ok(
        &json!({"status": "success", "posts": posts, "lastUpdated": iso(now), "nextUpdate": iso(now + TimeDelta::minutes(1))}),
    )
}

/// The network's view of `post`, with its metrics merged in, if it is on the network.
fn network_entry(post: &PostRecord, platform: Platform, now: DateTime<Utc>) -> Option<Value> {
    let (_, outcome) = post.outcomes.iter().find(|(p, o)| *p == platform && o.is_live())?;
    let Outcome::Posted { id, url, .. } = outcome else { return None };
    let published = post.published.unwrap_or(post.created);
    let mut entry = json!({"id": id, "post": post.text, "postUrl": url, "created": iso(published)});
    let figures = post_analytics(&post.id, platform, minutes_since(published, now));
    if let (Some(Value::Object(figures)), Some(map)) = (figures, entry.as_object_mut()) {
        map.extend(figures);
    }
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_platforms_form_is_read() {
        let filter = Filter::parse(&pairs(&[
            ("platforms", "twitter,facebook"),
            ("platforms[0]", "instagram"),
            ("platform", "linkedin"),
        ]))
        .expect("valid query");
        assert_eq!(filter.platforms, ["twitter", "facebook", "instagram", "linkedin"]);
    }

    #[test]
    fn limit_is_capped_and_last_records_is_an_alias() {
        assert_eq!(
            Filter::parse(&pairs(&[("lastRecords", "5000")])).map(|f| f.limit).ok(),
            Some(MAX_LIMIT)
        );
        assert_eq!(Filter::parse(&pairs(&[("limit", "3")])).map(|f| f.limit).ok(), Some(3));
        assert!(Filter::parse(&pairs(&[("limit", "many")])).is_err());
    }
}
