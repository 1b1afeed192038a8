//! One method per Ayrshare endpoint: builds the URL and body, sends it through
//! the transport and picks the matching decoder. Posts and history are here;
//! `account` has profiles, `/user` and the linking JWT; `insight` has media and
//! analytics.
//!
//! Every method takes the [`Profile`] it acts for: its key (empty for the primary
//! profile) and, for calls that touch X, the caller's X credentials.

mod account;
mod insight;

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Client;
use crate::credentials::Profile;
use crate::decode;
use crate::error::Error;
use crate::transport::to_body;
use crate::types::{
    History, HistoryItem, HistoryQuery, PostOutcome, PostRequest, Reply, UpdateRequest,
};

impl Client {
    /// `POST /post`: publish now or schedule. A created record is `Ok` even
    /// when some or all networks failed (see [`PostOutcome::errors`]).
    pub async fn post(
        &self,
        profile: Profile<'_>,
        req: &PostRequest,
    ) -> Result<Reply<PostOutcome>, Error> {
        let raw =
            self.call(Method::POST, self.url(&["post"]), profile, Some(to_body(req)?)).await?;
        self.finish(raw, profile, decode::post_outcome)
    }

    /// `DELETE /post` with body `{"id": id}`. Returns the raw success body.
    pub async fn delete_post(&self, profile: Profile<'_>, id: &str) -> Result<Reply<Value>, Error> {
        let body = to_body(&json!({ "id": id }))?;
        let raw = self.call(Method::DELETE, self.url(&["post"]), profile, Some(body)).await?;
        self.finish(raw, profile, decode::plain)
    }

    /// `PATCH /post`: approve, reschedule, pause or annotate a post.
    pub async fn update_post(
        &self,
        profile: Profile<'_>,
        req: &UpdateRequest,
    ) -> Result<Reply<Value>, Error> {
        let raw =
            self.call(Method::PATCH, self.url(&["post"]), profile, Some(to_body(req)?)).await?;
        self.finish(raw, profile, decode::plain)
    }

    /// `PUT /post/retry` with body `{"id": id}`: retry the failed networks of a post.
    pub async fn retry_post(
        &self,
        profile: Profile<'_>,
        id: &str,
    ) -> Result<Reply<PostOutcome>, Error> {
        let body = to_body(&json!({ "id": id }))?;
        let raw = self.call(Method::PUT, self.url(&["post", "retry"]), profile, Some(body)).await?;
        self.finish(raw, profile, decode::post_outcome)
    }

    /// `GET /history`. Ayrshare's empty-history error (400, code 221) is `Ok` with no items.
    ///
    /// Query: `limit`, `lastDays`, `status`, `type` (from [`HistoryQuery::kind`]) and
    /// `platforms` sent comma-joined as a single `platforms=a,b` parameter.
    pub async fn history(
        &self,
        profile: Profile<'_>,
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
        let raw = self.call(Method::GET, url, profile, None).await?;
        self.finish(raw, profile, decode::history)
    }

    /// `GET /history/{id}`: one post by its Ayrshare id.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an empty id (it would address the list instead).
    pub async fn history_by_id(
        &self,
        profile: Profile<'_>,
        id: &str,
    ) -> Result<Reply<HistoryItem>, Error> {
        if id.is_empty() {
            return Err(Error::InvalidConfig("post id is empty".into()));
        }
        let raw = self.call(Method::GET, self.url(&["history", id]), profile, None).await?;
        self.finish(raw, profile, decode::history_by_id)
    }
}
