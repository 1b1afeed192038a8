//! The dashboard answer, built once per fill: Herald's own posts (from its database, at
//! their current version) merged with Ayrshare's history. Local state wins for every post
//! Herald published (recognised by the `notes` marker or the Ayrshare id); the rest are
//! `origin: ayrshare` with `id: null`.
//!
//! One view holds the newest [`MAX_LIMIT`] posts, serialised once; a request for fewer
//! (`?limit=`) is a slice of it, so limits never multiply cached views (security review
//! H4). Each post's JSON ends at a recorded offset, which makes slicing a copy.

use super::encoded::{Encoding, Rendered, Representations};
use super::upstream::{Freshness, Snapshot, UpstreamPost};
use crate::coherence::names::Directory;
use crate::foundation::domain::{PlatformResult, PlatformStatus, Post, PostStatus};
use crate::storage::store::{Counts, ListQuery, Storage, StoreError};
use axum::body::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use herald_cache::Weigh;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most posts a dashboard answer holds (and the largest `?limit=`).
pub const MAX_LIMIT: usize = 1000;

/// A finished dashboard answer, sliced per request.
#[derive(Debug, Serialize, Deserialize)]
pub struct View {
    /// `{"workspace_id":…,"counts":{…},"posts":[`
    head: String,
    /// Every post's JSON object, comma-separated.
    posts: String,
    /// Where each post's object ends in `posts`.
    ends: Vec<usize>,
    /// FNV-1a of head and posts: the ETag's base, stable across builds and instances.
    hash: u64,
    /// The workspace's content version, read before the posts: the view holds every post
    /// change up to it (the freshness monitor compares it with the database's).
    #[serde(default)]
    content_version: i64,
    /// The answers made so far, per coding, with their ETags (made on first use).
    #[serde(skip)]
    reps: Representations,
}

impl Weigh for View {
    fn weigh(&self) -> usize {
        // The whole body may be kept beside the parts, and its compressed forms (each
        // well under a fifth of it) beside that: count them too.
        let raw = self.head.weigh() + self.posts.weigh();
        2 * raw + raw / 2 + self.ends.weigh()
    }
}

impl View {
    pub fn content_version(&self) -> i64 {
        self.content_version
    }

    fn shown(&self, limit: usize) -> usize {
        limit.min(self.ends.len())
    }

    /// The answer with at most `limit` posts in `coding` (identity when it is too small
    /// to compress), and its ETag. `limit` 0 is the head alone (counts and freshness),
    /// tagged by the head only, so it stays the same while those do.
    pub fn render(&self, limit: usize, coding: Encoding) -> Rendered {
        let n = self.shown(limit);
        if limit == 0 {
            let hash = fnv(self.head.as_bytes(), &[]);
            return self.reps.head(|| Rendered::make(self.slice(0), hash, 0, Encoding::Identity));
        }
        if n == self.ends.len() {
            return self.reps.whole(coding, || Rendered::make(self.slice(n), self.hash, n, coding));
        }
        self.reps.partial(n, coding, |c| Rendered::make(self.slice(n), self.hash, n, c))
    }

    /// The answer with at most `limit` posts, uncompressed.
    pub fn body(&self, limit: usize) -> Bytes {
        self.render(limit, Encoding::Identity).body
    }

    fn slice(&self, n: usize) -> Bytes {
        let end = if n == 0 { 0 } else { self.ends[n - 1] };
        let mut out = String::with_capacity(self.head.len() + end + 2);
        out.push_str(&self.head);
        out.push_str(&self.posts[..end]);
        out.push_str("]}");
        Bytes::from(out)
    }
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
    author_name: Option<String>,
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
    author_name: String,
    origin: &'static str,
}

#[derive(Serialize)]
struct Head<'a> {
    workspace_id: &'a str,
    as_of: Option<String>,
    upstream: Freshness,
    counts: &'a Counts,
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

fn platform_status(s: &str) -> PlatformStatus {
    match s {
        "success" => PlatformStatus::Success,
        "pending" => PlatformStatus::Pending,
        _ => PlatformStatus::Error,
    }
}

fn foreign<'a>(ws: &'a str, p: &'a UpstreamPost) -> ForeignPost<'a> {
    let status = status_of(p);
    let ayrshare_id = Some(p.id.clone());
    let mut results: Vec<PlatformResult> = p
        .posted
        .iter()
        .map(|(platform, st, url)| PlatformResult {
            platform: platform.clone(),
            status: platform_status(st),
            post_url: url.clone(),
            error: None,
            ayrshare_id: ayrshare_id.clone(),
        })
        .collect();
    results.extend(p.errors.iter().map(|(platform, message)| PlatformResult {
        platform: platform.clone().unwrap_or_default(),
        status: PlatformStatus::Error,
        post_url: None,
        error: Some(message.clone()),
        ayrshare_id: ayrshare_id.clone(),
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
        author_name: None,
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
            let by_platform = p.platform_results.iter().filter_map(|r| r.ayrshare_id.as_deref());
            p.ayrshare_id.as_deref().into_iter().chain(by_platform)
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

/// What a view is built from: the workspace's newest posts, its counts, the names of
/// their authors, and an Ayrshare snapshot.
pub struct Parts<'a> {
    pub local: &'a [Post],
    pub counts: Counts,
    pub names: &'a Directory,
    pub upstream: &'a Snapshot,
}

/// Builds the view of workspace `ws`.
pub fn build(ws: &str, parts: Parts<'_>) -> View {
    let Parts { local, mut counts, names, upstream } = parts;
    let foreign = foreign_only(local, &upstream.posts);
    add_counts(&mut counts, &foreign);
    let own = local.iter().map(|p| {
        let author_name = names.name_of(&p.author);
        (p.created_at, serde_json::to_string(&OwnPost { post: p, author_name, origin: "herald" }))
    });
    let theirs = foreign.iter().map(|u| (created(u), serde_json::to_string(&self::foreign(ws, u))));
    let mut entries: Vec<(DateTime<Utc>, String)> =
        own.chain(theirs).filter_map(|(at, json)| json.ok().map(|j| (at, j))).collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    entries.truncate(MAX_LIMIT);
    let head = Head {
        workspace_id: ws,
        as_of: upstream.as_of.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        upstream: upstream.freshness,
        counts: &counts,
    };
    let mut head = serde_json::to_string(&head).unwrap_or_else(|_| "{".into());
    head.pop(); // the closing brace: the posts follow
    head.push_str(",\"posts\":[");
    let (mut posts, mut ends) = (String::new(), Vec::with_capacity(entries.len()));
    for (i, (_, json)) in entries.iter().enumerate() {
        if i > 0 {
            posts.push(',');
        }
        posts.push_str(json);
        ends.push(posts.len());
    }
    let hash = fnv(head.as_bytes(), posts.as_bytes());
    View { head, posts, ends, hash, content_version: 0, reps: Representations::default() }
}

/// Reads what a view needs from the store and builds it: the whole store, since that is
/// four areas (the content version, posts and counts, and the names of members, tokens
/// and review links).
pub async fn load(store: &dyn Storage, ws: &str, upstream: &Snapshot) -> Result<View, StoreError> {
    let content_version = store.content_version(ws).await?;
    let query = ListQuery { limit: MAX_LIMIT as u32, ..ListQuery::default() };
    let page = store.posts(ws, &query).await?;
    let counts = store.counts(ws).await?;
    let names = Directory::load_with(store, ws, page.posts.iter().map(|p| &p.author)).await?;
    let view = build(ws, Parts { local: &page.posts, counts, names: &names, upstream });
    Ok(View { content_version, ..view })
}

fn fnv(a: &[u8], b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in a.iter().chain(b) {
        h ^= u64::from(*byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn view_of(n: usize) -> View {
        let post = |i: usize| UpstreamPost {
            id: format!("A{i}"),
            text: format!("post {i}"),
            platforms: vec!["twitter".into()],
            status: "success".into(),
            created: Some(format!("2026-01-01T00:{:02}:00Z", i % 60)),
            ..UpstreamPost::default()
        };
        let snapshot = Snapshot {
            posts: Arc::new((0..n).map(post).collect()),
            as_of: None,
            freshness: Freshness::Fresh,
            stamp: 1,
        };
        let names = Directory::default();
        build(
            "w",
            Parts { local: &[], counts: Counts::default(), names: &names, upstream: &snapshot },
        )
    }

    #[test]
    fn every_limit_is_a_slice_of_one_view_and_valid_json() {
        let view = view_of(5);
        for limit in [0, 1, 3, 5, 1000] {
            let body: serde_json::Value = serde_json::from_slice(&view.body(limit)).unwrap();
            assert_eq!(body["posts"].as_array().unwrap().len(), limit.min(5));
            assert_eq!(body["counts"]["total"], 5);
        }
        let etag = |limit| view.render(limit, Encoding::Identity).etag;
        assert_eq!(etag(5), etag(1000), "the same body has the same tag");
        assert_ne!(etag(4), etag(5));
        assert_ne!(etag(0), etag(5));
        let gzip = view.render(1000, Encoding::Gzip);
        assert_ne!(gzip.etag, etag(1000), "each representation has its own tag");
    }
}
