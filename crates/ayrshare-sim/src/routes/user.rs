//! `GET /api/user`: the calling profile's details (research note §7):
//! `activeSocialAccounts` (absent when nothing is linked), one `displayNames` entry per
//! linked account, `ayrlinkUrl`, `email`, `monthlyApiCalls`, `refId`, `title`,
//! `created`. A lenient simulator shows every network as linked.

use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use ayrshare::Platform;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::errors::ok;
use crate::gate::Caller;
use crate::post::{iso, timestamp_object};
use crate::store::{PRIMARY, PRIMARY_STATS_KEY};
use crate::Simulator;

/// One linked account as `displayNames` shows it.
fn display_name(platform: Platform, linked: DateTime<Utc>, ref_id: &str) -> Value {
    let handle = format!("sim_{}", &ref_id[..ref_id.len().min(8)]);
    json!({
        "platform": platform,
        "displayName": format!("Sim {}", platform.label()),
        "id": format!("{}-{}", platform, &ref_id[..ref_id.len().min(12)]),
        "created": iso(linked),
        "profileUrl": format!("https://{platform}.example.com/{handle}"),
        "userImage": format!("https://img.example.com/{platform}/{handle}.png"),
        "username": handle,
    })
}

/// `GET /api/user`.
pub(crate) async fn details(
    State(sim): State<Simulator>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let config = sim.shared.config();
    let stats_key =
        if caller.profile == PRIMARY { PRIMARY_STATS_KEY } else { caller.profile.as_str() };
    let (created, calls, links) = sim.shared.with_store(|s| {
        let profile = s.profiles.get(&caller.profile);
        let created = profile.map_or_else(Utc::now, |p| p.created);
        let links: Vec<(Platform, DateTime<Utc>)> = match profile {
            Some(_) if config.lenient => Platform::ALL.iter().map(|p| (*p, created)).collect(),
            Some(p) => p.linked.iter().map(|(k, v)| (*k, *v)).collect(),
            None => Vec::new(),
        };
        (created, s.calls_by(stats_key), links)
    });
    let links: Vec<(Platform, DateTime<Utc>)> =
        links.into_iter().filter(|(p, _)| !config.fails(p.as_str())).collect();
    let ref_id = caller.view.ref_id.as_str();
    let mut body = json!({
        "displayNames": links.iter().map(|(p, at)| display_name(*p, *at, ref_id)).collect::<Vec<_>>(),
        "ayrlinkUrl": format!("https://ayr.link/{}", &ref_id[..ref_id.len().min(10)]),
        "email": null,
        "monthlyApiCalls": calls,
        "refId": ref_id,
        "title": caller.view.title,
        "created": timestamp_object(created),
    });
    if !links.is_empty() {
        body["activeSocialAccounts"] = json!(links.iter().map(|(p, _)| p).collect::<Vec<_>>());
    }
    ok(&body)
}
