//! Media: uploads as data URLs, upload URLs taking a PUT, and the files served back.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::Api;

#[tokio::test]
async fn an_uploaded_data_url_is_served_with_its_content_type() {
    let api = Api::default().await;
    let body =
        json!({"file": "data:image/gif;base64,R0lGODlh", "fileName": "t.gif", "description": "d"});
    for path in ["/media/upload", "/upload"] {
        let up = api.call(Method::POST, path, None, Some(body.clone())).await;
        assert_eq!(up.status, StatusCode::OK, "{path}: {}", up.body);
        assert_eq!(
            (up.body["fileName"].as_str(), up.body["description"].as_str()),
            (Some("t.gif"), Some("d"))
        );
        let served =
            api.http.get(up.body["url"].as_str().expect("url")).send().await.expect("sent");
        assert_eq!(served.headers()["content-type"], "image/gif");
        assert_eq!(served.bytes().await.expect("bytes").as_ref(), b"GIF89a");
    }
    let bad = api
        .call(Method::POST, "/media/upload", None, Some(json!({"file": "https://x/y.png"})))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_upload_url_serves_what_was_put_there() {
    let api = Api::default().await;
    let slot = api
        .call(
            Method::GET,
            "/media/uploadUrl?fileName=big.mov&contentType=video/quicktime",
            None,
            None,
        )
        .await;
    assert_eq!(slot.body["contentType"], "video/quicktime");
    let (upload, access) = (
        slot.body["uploadUrl"].as_str().expect("upload"),
        slot.body["accessUrl"].as_str().expect("access"),
    );
    assert_eq!(api.http.get(access).send().await.expect("sent").status(), StatusCode::NOT_FOUND);
    assert!(api.http.put(upload).body("movie").send().await.expect("sent").status().is_success());
    let served = api.http.get(access).send().await.expect("sent");
    assert_eq!(served.headers()["content-type"], "video/quicktime");
    assert_eq!(served.text().await.expect("text"), "movie");
    let missing = api.call(Method::GET, "/media/uploadUrl?fileName=x", None, None).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
}
