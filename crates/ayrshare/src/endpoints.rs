//! One method per Ayrshare endpoint: builds the URL and body, sends it through
//! the transport and picks the matching decoder.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Client;
use crate::decode;
use crate::error::Error;
use crate::transport::to_body;
use crate::types::{
    CreatedProfile, History, HistoryItem, HistoryQuery, PostOutcome, PostRequest, Profile, Reply,
    UpdateRequest,
};

/// Most `GET /profiles` pages followed in one [`Client::profiles`] call.
const MAX_PROFILE_PAGES: usize = 100;

impl Client {
    /// `POST /post`: publish now or schedule. A created record is `Ok` even
    /// when some or all networks failed (see [`PostOutcome::errors`]).
    pub async fn post(
        &self,
        profile_key: &str,
        req: &PostRequest,
    ) -> Result<Reply<PostOutcome>, Error> {
        let raw =
            self.call(Method::POST, self.url(&["post"]), profile_key, Some(to_body(req)?)).await?;
        self.finish(raw, profile_key, decode::post_outcome)
    }

    /// `DELETE /post` with body `{"id": id}`. Returns the raw success body.
    pub async fn delete_post(&self, profile_key: &str, id: &str) -> Result<Reply<Value>, Error> {
        let body = to_body(&json!({ "id": id }))?;
        let raw = self.call(Method::DELETE, self.url(&["post"]), profile_key, Some(body)).await?;
        self.finish(raw, profile_key, decode::plain)
    }

    /// `PATCH /post`: approve, reschedule, pause or annotate a post.
    pub async fn update_post(
        &self,
        profile_key: &str,
        req: &UpdateRequest,
    ) -> Result<Reply<Value>, Error> {
        let raw =
            self.call(Method::PATCH, self.url(&["post"]), profile_key, Some(to_body(req)?)).await?;
        self.finish(raw, profile_key, decode::plain)
    }

    /// `PUT /post/retry` with body `{"id": id}`: retry the failed networks of a post.
    pub async fn retry_post(
        &self,
        profile_key: &str,
        id: &str,
    ) -> Result<Reply<PostOutcome>, Error> {
        let body = to_body(&json!({ "id": id }))?;
        let raw =
            self.call(Method::PUT, self.url(&["post", "retry"]), profile_key, Some(body)).await?;
        self.finish(raw, profile_key, decode::post_outcome)
    }

    /// `GET /history`. Ayrshare's empty-history error (400, code 221) is `Ok` with no items.
    ///
    /// Query: `limit`, `lastDays`, `status`, `type` (from [`HistoryQuery::kind`]) and
    /// `platforms` sent comma-joined as a single `platforms=a,b` parameter.
    pub async fn history(
        &self,
        profile_key: &str,
        query: &HistoryQuery,
    ) -> Result<Reply<History>, Error> {
        let mut url = self.url(&["history"]);
        {
            let mut q = url.query_pairs_mut();
            if let Some(limit) = query.limit {
                q.append_pair("limit", &limit.to_string());
            }
            if let Some(days) = query.last_days {
                q.append_pair("lastDays", &days.to_string());
            }
            if let Some(status) = &query.status {
                q.append_pair("status", status);
            }
            if let Some(kind) = &query.kind {
                q.append_pair("type", kind);
            }
            if !query.platforms.is_empty() {
                q.append_pair("platforms", &query.platforms.join(","));
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let raw = self.call(Method::GET, url, profile_key, None).await?;
        self.finish(raw, profile_key, decode::history)
    }

    /// `GET /history/{id}`: one post by its Ayrshare id.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an empty id (it would address the list instead).
    pub async fn history_by_id(
        &self,
        profile_key: &str,
        id: &str,
    ) -> Result<Reply<HistoryItem>, Error> {
        if id.is_empty() {
            return Err(Error::InvalidConfig("post id is empty".into()));
        }
        let raw = self.call(Method::GET, self.url(&["history", id]), profile_key, None).await?;
        self.finish(raw, profile_key, decode::history_by_id)
    }

    /// `GET /profiles` (API key only), following `pagination.nextCursor`
    /// for up to 100 pages. The reply's status and rate limit are the last page's.
    pub async fn profiles(&self) -> Result<Reply<Vec<Profile>>, Error> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        let mut last_status = 200;
        for _ in 0..MAX_PROFILE_PAGES {
            let mut url = self.url(&["profiles"]);
            if let Some(c) = &cursor {
                url.query_pairs_mut().append_pair("cursor", c);
            }
            let raw = self.call(Method::GET, url, "", None).await?;
            let page = self.finish(raw, "", decode::profiles)?;
            last_status = page.status;
            all.extend(page.body.profiles);
            let next = page.body.next_cursor.filter(|n| cursor.as_ref() != Some(n));
            if next.is_none() {
                return Ok(Reply { body: all, status: page.status, rate_limit: page.rate_limit });
            }
            cursor = next;
        }
        Err(Error::Decode {
            status: last_status,
            message: "GET /profiles kept returning more pages".into(),
        })
    }

    /// `POST /profiles` with `{"title": title}` (API key only). Store the returned key.
    pub async fn create_profile(&self, title: &str) -> Result<Reply<CreatedProfile>, Error> {
        let body = to_body(&json!({ "title": title }))?;
        let raw = self.call(Method::POST, self.url(&["profiles"]), "", Some(body)).await?;
        self.finish(raw, "", |status, v| decode::created_profile(status, v, title))
    }

    /// `POST /analytics/post` with `{"id", "platforms"?}`; per-network metrics differ, so the body is raw JSON.
    pub async fn analytics_post(
        &self,
        profile_key: &str,
        id: &str,
        platforms: Option<&[String]>,
    ) -> Result<Reply<Value>, Error> {
        let mut body = json!({ "id": id });
        if let Some(p) = platforms {
            body["platforms"] = json!(p);
        }
        let raw = self
            .call(
                Method::POST,
                self.url(&["analytics", "post"]),
                profile_key,
                Some(to_body(&body)?),
            )
            .await?;
        self.finish(raw, profile_key, decode::plain)
    }
}
