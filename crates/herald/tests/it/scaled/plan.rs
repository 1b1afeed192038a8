//! The plan's guarantees on three instances sharing one PostgreSQL database:
//!
//! - 30 queue additions sent at once, spread over the three instances, get 30 distinct
//!   slots, and they are the first 30 free ones (the queue has a slot every hour, so
//!   they are 30 consecutive hours from the first slot after the test began).
//! - A feed served by the test on loopback, polled every second by all three instances,
//!   gives exactly one draft per item, also for items added later.

use crate::api::plan::{rss, serve_feed};
use crate::scaled::api::{self, workspace_and_editor};
use crate::scaled::cluster::scenario;
use crate::support::requests::all_posts;
use crate::support::ADMIN;
use ayrshare_sim::SimConfig;
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

const ADDITIONS: usize = 30;

fn hourly() -> Value {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let slots: Vec<Value> = days
        .iter()
        .flat_map(|d| (0..24).map(move |h| json!({"weekday": d, "time": format!("{h:02}:00")})))
        .collect();
    json!({ "slots": slots })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_concurrent_queue_additions_on_three_instances_get_the_first_thirty_free_slots() {
    let test =
        "thirty_concurrent_queue_additions_on_three_instances_get_the_first_thirty_free_slots";
    scenario(test, false, SimConfig::default(), |env| async move {
        let cluster = env.start_cluster(3, &[]).await;
        let http = api::client();
        let base = &cluster[0].url;
        let (ws, token) = workspace_and_editor(&http, base, &env.sim.base_url(), "queue").await;
        let url = format!("{base}/api/workspaces/{ws}/queue");
        api::call(&http, Method::PUT, &url, ADMIN, Some(hourly())).await.unwrap().expect(200);
        let started = Utc::now();

        let urls: Vec<String> = cluster.iter().map(|i| i.url.clone()).collect();
        let replies: Vec<(u16, Value)> = futures::stream::iter(0..ADDITIONS)
            .map(|i| {
                let (http, base, ws, token) = (&http, &urls[i % urls.len()], &ws, &token);
                let body = json!({"text": format!("queued {i:02}"), "platforms": ["twitter"], "queue": true});
                async move {
                    let reply = api::create_post(http, base, ws, token, body).await.expect("answered");
                    (reply.status, reply.body)
                }
            })
            .buffer_unordered(ADDITIONS)
            .collect()
            .await;
        assert!(replies.iter().all(|(s, b)| *s == 201 && b["queued"] == true), "{replies:?}");
        let mut times: Vec<DateTime<Utc>> =
            replies.iter().map(|(_, b)| b["schedule_at"].as_str().unwrap().parse().unwrap()).collect();
        times.sort();
        let distinct: HashSet<_> = times.iter().collect();
        assert_eq!(distinct.len(), ADDITIONS, "two additions shared a slot: {times:?}");
        // The first slot after the start (or the one after, if an hour began meanwhile).
        let first = started.duration_trunc(Duration::hours(1)).unwrap() + Duration::hours(1);
        assert!(times[0] == first || times[0] == first + Duration::hours(1), "{times:?}");
        let want: Vec<DateTime<Utc>> =
            (0..ADDITIONS as i64).map(|h| times[0] + Duration::hours(h)).collect();
        assert_eq!(times, want, "not the first free slots, in order");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_feed_polled_by_three_instances_gives_exactly_one_draft_per_item() {
    let test = "a_feed_polled_by_three_instances_gives_exactly_one_draft_per_item";
    scenario(test, false, SimConfig::default(), |env| async move {
        let vars = [
            ("HERALD_FEEDS_ALLOW_PRIVATE", "true".to_owned()),
            ("HERALD_FEED_INTERVAL_SECS", "1".to_owned()),
        ];
        let cluster = env.start_cluster(3, &vars).await;
        let http = api::client();
        let base = &cluster[1].url;
        let (ws, _) = workspace_and_editor(&http, base, &env.sim.base_url(), "feeds").await;
        let items = |n: usize| -> Vec<(String, String)> {
            (1..=n).rev().map(|i| (format!("guid-{i}"), format!("Story {i}"))).collect()
        };
        let doc = Arc::new(Mutex::new(rss(&items(5))));
        let feed_url = serve_feed(doc.clone()).await;
        let url = format!("{base}/api/workspaces/{ws}/feeds");
        let body = json!({"url": feed_url, "platforms": ["twitter"]});
        api::call(&http, Method::POST, &url, ADMIN, Some(body)).await.unwrap().expect(201);

        let wait = |n: usize| {
            let (http, base, ws) = (&http, base.clone(), ws.clone());
            async move {
                let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
                loop {
                    let posts = all_posts(http, &base, &ws).await;
                    if posts.len() >= n || tokio::time::Instant::now() > deadline {
                        return posts;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
        };
        assert_eq!(wait(5).await.len(), 5);
        *doc.lock().unwrap() = rss(&items(9));
        wait(9).await;
        // Several more polls by every instance: nothing is made twice.
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        let posts = all_posts(&http, base, &ws).await;
        let texts: HashSet<&str> = posts.iter().map(|p| p["text"].as_str().unwrap()).collect();
        assert_eq!((posts.len(), texts.len()), (9, 9), "{texts:?}");
        for i in 1..=9 {
            assert!(texts.contains(format!("Story {i} https://blog.example.com/guid-{i}").as_str()));
        }
    })
    .await;
}
