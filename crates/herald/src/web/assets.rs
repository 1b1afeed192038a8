//! The dashboard's static files (CSS, scripts, icon), compiled into the binary with
//! `include_str!` and served from memory with a content hash as ETag. Pages link them as
//! `/assets/{name}?v={hash}`, so a versioned URL can be cached for good and a new build
//! is picked up at once.

use axum::extract::{Path, Query};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// One served file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/app.css"),
    },
    Asset {
        name: "people.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/people.css"),
    },
    Asset {
        name: "core.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/core.js"),
    },
    Asset {
        name: "live.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/live.js"),
    },
    Asset {
        name: "compose.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/compose.js"),
    },
    Asset {
        name: "review.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/review.js"),
    },
    Asset {
        name: "comments.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/comments.js"),
    },
    Asset {
        name: "client-review.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/client-review.js"),
    },
    Asset {
        name: "posts.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/posts.js"),
    },
    Asset {
        name: "chrome.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/chrome.js"),
    },
    Asset {
        name: "invitation.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/invitation.js"),
    },
    Asset {
        name: "reset.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/reset.js"),
    },
    Asset {
        name: "profile.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/profile.js"),
    },
    Asset {
        name: "team.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/team.js"),
    },
    Asset {
        name: "settings.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/settings.js"),
    },
    Asset {
        name: "webhooks.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/webhooks.js"),
    },
    Asset {
        name: "signin.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/signin.js"),
    },
    Asset {
        name: "dashboard.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/dashboard.js"),
    },
    Asset {
        name: "approvals.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/approvals.js"),
    },
    Asset {
        name: "analytics.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/analytics.js"),
    },
    Asset {
        name: "post.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/post.js"),
    },
    Asset {
        name: "planning.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/planning.css"),
    },
    Asset {
        name: "calendar.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/calendar.js"),
    },
    Asset {
        name: "notify.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/notify.js"),
    },
    Asset {
        name: "media.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/media.js"),
    },
    Asset {
        name: "library.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/library.js"),
    },
    Asset {
        name: "preview.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/preview.js"),
    },
    Asset {
        name: "filters.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/filters.js"),
    },
    Asset {
        name: "plan-compose.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/plan-compose.js"),
    },
    Asset {
        name: "plan.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/plan.js"),
    },
    Asset {
        name: "plan-calendar.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/plan-calendar.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        body: include_str!("../../assets/favicon.svg"),
    },
];

/// Each asset's content hash (16 hex digits), computed once.
static HASHES: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            a.body.hash(&mut h);
            (a.name, format!("{:016x}", h.finish()))
        })
        .collect()
});

/// The versioned URL of an asset, for links in pages.
pub fn url(name: &str) -> String {
    match HASHES.get(name) {
        Some(hash) => format!("/assets/{name}?v={hash}"),
        None => format!("/assets/{name}"),
    }
}

/// `GET /favicon.ico`: the icon, for browsers that ask for it by that old name.
pub async fn favicon(headers: HeaderMap) -> Response {
    serve(Path("favicon.svg".to_owned()), Query(HashMap::new()), headers).await
}

/// `GET /assets/{file}`: the file, 304 on a matching `If-None-Match`, 404 otherwise.
pub async fn serve(
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == file) else {
        return crate::error::AppError::NotFound.into_response();
    };
    let hash = &HASHES[asset.name];
    let etag = format!("\"{hash}\"");
    // A URL carrying the current hash never changes meaning: cache it for a year.
    let cache =
        if q.get("v") == Some(hash) { "public, max-age=31536000, immutable" } else { "no-cache" };
    let matches = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response =
        if matches { StatusCode::NOT_MODIFIED.into_response() } else { asset.body.into_response() };
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_versioned_and_opens_with_a_comment() {
        for a in ASSETS {
            assert!(url(a.name).contains("?v="), "{}", a.name);
            let start = a.body.trim_start();
            assert!(
                start.starts_with("/*") || start.starts_with("//") || start.starts_with("<!--"),
                "{} opens without a comment",
                a.name
            );
        }
    }
}
