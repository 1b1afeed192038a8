//! Account endpoints: User Profiles (list, create, delete), the profile's details
//! (`/user`) and the social-linking URL (`/profiles/generateJWT`). Profile
//! management is account-level, so those calls send the API key alone.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Client;
use crate::credentials::Profile;
use crate::decode;
use crate::error::Error;
use crate::transport::to_body;
use crate::types::{
    CreatedProfile, Jwt, JwtRequest, ProfileFilter, ProfileSummary, Reply, UserDetails,
};

/// Most `GET /profiles` pages followed in one [`Client::profiles`] call.
const MAX_PROFILE_PAGES: usize = 100;

impl Client {
    /// `GET /profiles` (API key only), filtered by `filter`, following
    /// `pagination.nextCursor` for up to 100 pages. The reply's status and rate
    /// limit are the last page's.
    pub async fn profiles(
        &self,
        filter: &ProfileFilter,
    ) -> Result<Reply<Vec<ProfileSummary>>, Error> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        let mut last_status = 200;
        for _ in 0..MAX_PROFILE_PAGES {
            let mut url = self.url(&["profiles"]);
            {
                let mut q = url.query_pairs_mut();
                if let Some(title) = &filter.title {
                    q.append_pair("title", title);
                }
                if let Some(ref_id) = &filter.ref_id {
                    q.append_pair("refId", ref_id);
                }
                if let Some(c) = &cursor {
                    q.append_pair("cursor", c);
                }
            }
            if url.query() == Some("") {
                url.set_query(None);
            }
            let raw = self.call(Method::GET, url, Profile::primary(), None).await?;
            let page = self.finish(raw, Profile::primary(), decode::profiles)?;
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
        let raw = self
            .call(Method::POST, self.url(&["profiles"]), Profile::primary(), Some(body))
            .await?;
        self.finish(raw, Profile::primary(), |status, v| decode::created_profile(status, v, title))
    }

    /// `DELETE /profiles/profile` with `{"profileKey": profile_key}` (API key only).
    /// Returns the raw success body (`{status, refId}`).
    pub async fn delete_profile(&self, profile_key: &str) -> Result<Reply<Value>, Error> {
        if profile_key.is_empty() {
            return Err(Error::InvalidConfig("the primary profile cannot be deleted".into()));
        }
        let body = to_body(&json!({ "profileKey": profile_key }))?;
        let url = self.url(&["profiles", "profile"]);
        let raw = self.call(Method::DELETE, url, Profile::primary(), Some(body)).await?;
        // The key travels in the body: scrub it from echoed messages all the same.
        self.finish(raw, Profile::new(profile_key), decode::plain)
    }

    /// `GET /user`: the profile's details and linked networks.
    pub async fn user(&self, profile: Profile<'_>) -> Result<Reply<UserDetails>, Error> {
        let raw = self.call(Method::GET, self.url(&["user"]), profile, None).await?;
        self.finish(raw, profile, decode::user)
    }

    /// `POST /profiles/generateJWT` (API key only): a social-linking URL for one
    /// User Profile. X credentials go as `twitterApiKey` / `twitterApiSecret` body
    /// fields on this endpoint (research note §2).
    pub async fn generate_jwt(&self, req: &JwtRequest) -> Result<Reply<Jwt>, Error> {
        let mut body = json!({
            "domain": req.domain,
            "privateKey": req.private_key.expose(),
            "profileKey": req.profile_key,
        });
        if let Some(x) = &req.x {
            body["twitterApiKey"] = json!(x.api_key.expose());
            body["twitterApiSecret"] = json!(x.api_secret.expose());
        }
        let url = self.url(&["profiles", "generateJWT"]);
        let raw = self.call(Method::POST, url, Profile::primary(), Some(to_body(&body)?)).await?;
        let scrub = Profile { key: &req.profile_key, x: req.x.as_ref() };
        self.finish(raw, scrub, decode::jwt).map_err(|e| scrub_private_key(e, req))
    }
}

/// Removes the private key from an error's message, should the server echo it.
fn scrub_private_key(error: Error, req: &JwtRequest) -> Error {
    match error {
        Error::Api { status, code, message, rate_limit } => Error::Api {
            status,
            code,
            message: crate::redact::scrub(&message, &[req.private_key.expose()]),
            rate_limit,
        },
        Error::Decode { status, message } => Error::Decode {
            status,
            message: crate::redact::scrub(&message, &[req.private_key.expose()]),
        },
        other => other,
    }
}
