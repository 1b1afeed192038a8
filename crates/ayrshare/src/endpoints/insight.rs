//! Media and analytics endpoints: `POST /media/upload` (the file as a base64
//! `data:` URL, as Ayrshare's docs describe), `GET /media/uploadUrl` for large
//! files, `POST /analytics/post` and `POST /analytics/social`.

use base64::Engine as _;
use reqwest::Method;
use serde_json::json;

use crate::client::Client;
use crate::credentials::Profile;
use crate::decode;
use crate::error::Error;
use crate::platform::Platform;
use crate::transport::to_body;
use crate::types::{PostAnalytics, Reply, SocialAnalytics, UploadUrl, UploadedMedia};

impl Client {
    /// `POST /media/upload`: stores `bytes` at Ayrshare and returns its URL. The
    /// file is sent as `data:<content_type>;base64,...`, so the body is a third
    /// larger than the file; use [`Client::upload_url`] for large files.
    pub async fn upload_media(
        &self,
        profile: Profile<'_>,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        description: Option<&str>,
    ) -> Result<Reply<UploadedMedia>, Error> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        let mut body = json!({
            "file": format!("data:{content_type};base64,{encoded}"),
            "fileName": file_name,
        });
        if let Some(description) = description {
            body["description"] = json!(description);
        }
        let url = self.url(&["media", "upload"]);
        let raw = self.call(Method::POST, url, profile, Some(to_body(&body)?)).await?;
        self.finish(raw, profile, decode::uploaded_media)
    }

    /// `GET /media/uploadUrl?fileName=&contentType=`: where to `PUT` a large file and
    /// where it will then be served.
    pub async fn upload_url(
        &self,
        profile: Profile<'_>,
        file_name: &str,
        content_type: &str,
    ) -> Result<Reply<UploadUrl>, Error> {
        let mut url = self.url(&["media", "uploadUrl"]);
        url.query_pairs_mut()
            .append_pair("fileName", file_name)
            .append_pair("contentType", content_type);
        let raw = self.call(Method::GET, url, profile, None).await?;
        self.finish(raw, profile, decode::upload_url)
    }

    /// `POST /analytics/post` with `{"id", "platforms"?}`: each network's raw figures
    /// ([`PostAnalytics`]). Needs X credentials when the post went to X.
    pub async fn analytics_post(
        &self,
        profile: Profile<'_>,
        id: &str,
        platforms: Option<&[Platform]>,
    ) -> Result<Reply<PostAnalytics>, Error> {
        let mut body = json!({ "id": id });
        if let Some(p) = platforms {
            body["platforms"] = json!(p);
        }
        let url = self.url(&["analytics", "post"]);
        let raw = self.call(Method::POST, url, profile, Some(to_body(&body)?)).await?;
        self.finish(raw, profile, decode::post_analytics)
    }

    /// `POST /analytics/social` with `{"platforms"}`: account-level figures per
    /// network, raw. Needs X credentials when `platforms` names X.
    pub async fn analytics_social(
        &self,
        profile: Profile<'_>,
        platforms: &[Platform],
    ) -> Result<Reply<SocialAnalytics>, Error> {
        let body = to_body(&json!({ "platforms": platforms }))?;
        let url = self.url(&["analytics", "social"]);
        let raw = self.call(Method::POST, url, profile, Some(body)).await?;
        self.finish(raw, profile, decode::social_analytics)
    }
}
