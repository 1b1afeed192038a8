//! The dashboard answer, built once per fill: Herald's own posts (from its database, at
//! their current version) merged with Ayrshare's history. Local state wins for every post
//! Herald published (recognised by the `notes` marker or the Ayrshare id); the rest are
//! `origin: ayrshare` with `id: null`. The body is serialised here, once, with its ETag.

use super::upstream::{Snapshot, UpstreamPost};
use crate::domain::{PlatformResult, Post, PostStatus};
use crate::store::Counts;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

/// A finished dashboard answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct View {
    pub body: String,
    pub etag: String,
}

/// A post known only to Ayrshare, in the post-object shape.
#[derive(Serialize)]
struct ForeignPost<'a> {
    id: Option<String>,
    workspace_id: &'a str,
    text: &'a str,
    platforms: &'a [String],
    media_urls: &'a [String],
    status: PostStatus,
    schedule_at: Option<&'a str>,
    version: Option<i64>,
    author: Option<String>,
    created_at: Option<&'a str>,
    updated_at: Option<&'a str>,
    published_at: Option<&'a str>,
    ayrshare_id: &'a str,
    platform_results: Vec<PlatformResult>,
    origin: &'static str,
}

#[derive(Serialize)]
struct OwnPost<'a> {
    #[serde(flatten)]
    post: &'a Post,
    origin: &'static str,
}

#[derive(Serialize)]
struct Body<'a> {
    workspace_id: &'a str,
    as_of: Option<String>,
    upstream: super::upstream::Freshness,
    counts: &'a Counts,
    posts: Vec<serde_json::Value>,
}

/// Maps an Ayrshare history status to Herald's vocabulary.
pub fn status_of(p: &UpstreamPost) -> PostStatus {
    let some_posted = p.posted.iter().any(|(_, s, _)| s == "success");
    match p.status.as_str() {
        "success" => PostStatus::Published,
        "error" if some_posted => PostStatus::PartiallyPublished,
        "error" => PostStatus::Failed,
        "pending" | "paused" => PostStatus::Scheduled,
        "processing" => PostStatus::Publishing,
        "awaiting approval" => PostStatus::PendingApproval,
        "deleted" => PostStatus::Deleted,
        _ => PostStatus::Published,
    }
}

fn foreign<'a>(ws: &'a str, p: &'a UpstreamPost) -> ForeignPost<'a> {
    let status = status_of(p);
    let mut results: Vec<PlatformResult> = p
        .posted
        .iter()
        .map(|(platform, st, url)| PlatformResult {
            platform: platform.clone(),
            status: st.clone(),
            post_url: url.clone(),
            error: None,
            ayrshare_id: Some(p.id.clone()),
        })
        .collect();
    results.extend(p.errors.iter().map(|(platform, message)| PlatformResult {
        platform: platform.clone().unwrap_or_default(),
        status: "error".into(),
        post_url: None,
        error: Some(message.clone()),
        ayrshare_id: Some(p.id.clone()),
    }));
    let published = matches!(status, PostStatus::Published | PostStatus::PartiallyPublished)
        .then_some(p.created.as_deref())
        .flatten();
    ForeignPost {
        id: None,
        workspace_id: ws,
        text: &p.text,
        platforms: &p.platforms,
        media_urls: &p.media_urls,
        status,
        schedule_at: p.schedule_date.as_deref(),
        version: None,
        author: None,
        created_at: p.created.as_deref(),
        updated_at: p.created.as_deref(),
        published_at: published,
        ayrshare_id: &p.id,
        platform_results: results,
        origin: "ayrshare",
    }
}

/// Ayrshare posts Herald did not make: no Herald marker and no Ayrshare id Herald holds.
fn foreign_only<'a>(local: &[Post], upstream: &'a [UpstreamPost]) -> Vec<&'a UpstreamPost> {
    let known: HashSet<&str> = local
        .iter()
        .flat_map(|p| {
            p.ayrshare_id
                .as_deref()
                .into_iter()
                .chain(p.platform_results.iter().filter_map(|r| r.ayrshare_id.as_deref()))
        })
        .collect();
    upstream
        .iter()
        .filter(|u| {
            !u.notes.as_deref().is_some_and(|n| n.starts_with("herald:"))
                && !known.contains(u.id.as_str())
        })
        .collect()
}

fn created(p: &UpstreamPost) -> DateTime<Utc> {
    p.created
        .as_deref()
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Builds the answer for `limit` posts from the workspace's newest posts, its counts and
/// an Ayrshare snapshot.
pub fn build(
    ws: &str,
    local: &[Post],
    mut counts: Counts,
    upstream: &Snapshot,
    limit: usize,
) -> View {
    let foreign = foreign_only(local, &upstream.posts);
    add_counts(&mut counts, &foreign);
    let mut entries: Vec<(DateTime<Utc>, serde_json::Value)> =
        local
            .iter()
            .map(|p| {
                (
                    p.created_at,
                    serde_json::to_value(OwnPost { post: p, origin: "herald" }).unwrap_or_default(),
                )
            })
            .chain(foreign.iter().map(|u| {
                (created(u), serde_json::to_value(self::foreign(ws, u)).unwrap_or_default())
            }))
            .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    entries.truncate(limit);
    let body = Body {
        workspace_id: ws,
        as_of: upstream.as_of.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        upstream: upstream.freshness,
        counts: &counts,
        posts: entries.into_iter().map(|(_, v)| v).collect(),
    };
    let body = serde_json::to_string(&body).unwrap_or_default();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    View { etag: format!("W/\"{:016x}\"", hasher.finish()), body }
}

fn add_counts(counts: &mut Counts, foreign: &[&UpstreamPost]) {
    for p in foreign {
        counts.total += 1;
        *counts.by_status.entry(status_of(p).as_str().to_owned()).or_default() += 1;
        for platform in &p.platforms {
            *counts.by_platform.entry(platform.clone()).or_default() += 1;
        }
    }
}
