//! Media and analytics against the simulator.

use std::time::Duration;

use ayrshare::{Platform, Profile};

use crate::support::{post, spawn};

#[tokio::test]
async fn uploaded_media_is_served_at_its_url() {
    let f = spawn(Duration::from_secs(5)).await;
    let bytes = b"\x89PNG fake image";
    let media = f
        .client
        .upload_media(f.primary(), "a.png", "image/png", bytes, Some("a picture"))
        .await
        .expect("upload")
        .body;
    assert_eq!(media.description.as_deref(), Some("a picture"));
    let served = reqwest::get(&media.url).await.expect("served");
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.expect("bytes").as_ref(), bytes);
}

#[tokio::test]
async fn an_upload_url_takes_a_put_and_serves_it_at_the_access_url() {
    let f = spawn(Duration::from_secs(5)).await;
    let slot = f.client.upload_url(f.primary(), "v.mp4", "video/mp4").await.expect("url").body;
    assert_eq!(slot.content_type.as_deref(), Some("video/mp4"));
    let http = reqwest::Client::new();
    assert_eq!(http.get(&slot.access_url).send().await.expect("get").status(), 404, "empty yet");
    let put = http.put(&slot.upload_url).header("content-type", "video/mp4").body("frames");
    assert!(put.send().await.expect("put").status().is_success());
    let served = http.get(&slot.access_url).send().await.expect("get");
    assert_eq!(served.headers()["content-type"], "video/mp4");
    assert_eq!(served.text().await.expect("body"), "frames");
}

#[tokio::test]
async fn post_analytics_are_raw_per_network_and_predictable() {
    let f = spawn(Duration::from_secs(5)).await;
    let id = f.client.post(f.primary(), &post(&["twitter", "pinterest", "gmb"])).await;
    let id = id.expect("posted").body.id.expect("id");
    let stats = f.client.analytics_post(f.primary(), &id, None).await.expect("analytics").body;
    let x = &stats.networks[&Platform::Twitter];
    let expected = ayrshare_sim::post_analytics(&id, Platform::Twitter, 0).expect("X figures");
    assert_eq!(x.analytics, expected, "the simulator's figures are predictable");
    assert!(x.last_updated.is_some() && x.next_update.is_some());
    assert!(stats.networks[&Platform::Pinterest].analytics["pinClick"].is_u64());
    assert!(!stats.networks.contains_key(&Platform::Gmb), "Google Business has none");
    let only = [Platform::Pinterest];
    let err = f.client.analytics_post(Profile::primary(), &id, None).await.expect_err("X asked");
    assert_eq!(err.code(), Some(419));
    let pins = f.client.analytics_post(Profile::primary(), &id, Some(&only)).await;
    assert_eq!(pins.expect("no X asked").body.networks.len(), 1);
}

#[tokio::test]
async fn social_analytics_give_account_figures_per_linked_network() {
    let f = spawn(Duration::from_secs(5)).await;
    let fresh = f.sim.sim.create_profile("Unlinked");
    let both = [Platform::Facebook, Platform::Twitter];
    let stats = f.client.analytics_social(f.primary(), &both).await.expect("social").body;
    assert!(stats.networks[&Platform::Facebook]["fanCount"].is_u64(), "{stats:?}");
    assert!(stats.networks[&Platform::Twitter]["followersCount"].is_u64());
    let facebook = [Platform::Facebook];
    let unlinked = f.client.analytics_social(Profile::new(&fresh), &facebook).await;
    let unlinked = unlinked.expect("answered").body;
    assert!(unlinked.networks.is_empty());
    assert!(unlinked.errors[&Platform::Facebook].contains("not linked"));
}
