//! Analytics refreshes across instances: three `herald serve` processes on PostgreSQL and
//! Redis with their refresh loops on, `HERALD_AYRSHARE_BUDGET=1500/10` (a read share of
//! 300 calls per 10 s) and a simulator enforcing 1,500 calls per 10 s per profile. 500
//! published posts of one profile come due for a refresh at once.
//!
//! Then: every post's figures are stored, the simulator answered exactly one
//! `/analytics/post` call per post (no post read twice by two instances), never a 429,
//! and in no 10 s window did Herald's analytics reads exceed the read share.

use crate::scaled::api::workspace_and_editor;
use crate::scaled::cluster::scenario;
use ayrshare_sim::{RateLimitSpec, SimConfig};
use chrono::{Duration, Utc};
use herald::foundation::domain::RefreshTarget;
use herald::storage::store::{MetricsStore, PgStore};
use std::io::Write;
use std::time::Duration as Wait;
use tokio::time::Instant;

const POSTS: usize = 500;
const READ_SHARE: u64 = 300;
const ROUTE: &str = "POST /api/analytics/post";

/// Posts `POSTS` facebook posts straight to the simulator (as if made outside Herald):
/// their refresh targets.
async fn posts_on_ayrshare(env: &crate::scaled::cluster::Env, ws: &str) -> Vec<RefreshTarget> {
    let client =
        ayrshare::Client::new(&env.sim.base_url(), crate::support::SIM_KEY, Wait::from_secs(5))
            .expect("client");
    let key = crate::scaled::api::profile_key("metrics");
    let posted_at = herald::foundation::domain::model::now_ms() - Duration::hours(1);
    let mut targets = Vec::with_capacity(POSTS);
    for i in 0..POSTS {
        let req = ayrshare::PostRequest {
            post: format!("post {i}"),
            platforms: vec!["facebook".into()],
            ..Default::default()
        };
        let reply = client.post(ayrshare::Profile::new(&key), &req).await.expect("posted");
        targets.push(RefreshTarget {
            workspace_id: ws.to_owned(),
            post_id: None,
            ayrshare_id: reply.body.id.expect("an Ayrshare id"),
            platform: "facebook".into(),
            posted_at,
        });
    }
    targets
}

fn calls(env: &crate::scaled::cluster::Env) -> u64 {
    env.sim.sim.stats().requests.get(ROUTE).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_refresh_500_posts_with_one_call_each_inside_the_budget() {
    let limit = RateLimitSpec { max: 1500, window: Wait::from_secs(10) };
    let sim = SimConfig { rate_limit: limit, ..SimConfig::default() };
    let test =
        "scaled::analytics::three_instances_refresh_500_posts_with_one_call_each_inside_the_budget";
    scenario(test, true, sim, |env| async move {
        let overrides = [("HERALD_ANALYTICS_INTERVAL_MS", "100".to_owned())];
        let cluster = env.start_cluster(3, &overrides).await;
        let http = crate::scaled::api::client();
        let (ws, _) = workspace_and_editor(&http, &cluster[0].url, &env.sim.base_url(), "metrics").await;
        let targets = posts_on_ayrshare(&env, &ws).await;
        let store = PgStore::open(&env.database_url, 4).await.expect("store");
        let started = Instant::now();
        store.schedule_refresh(&targets, Utc::now()).await.expect("due now");

        // Sample the call count while the cluster works (measurement, not synchronisation).
        let mut samples = vec![(started, 0u64)];
        let deadline = started + Wait::from_secs(60);
        let window = (Utc::now() - Duration::days(1), Utc::now() + Duration::days(1));
        loop {
            tokio::time::sleep(Wait::from_millis(250)).await;
            samples.push((Instant::now(), calls(&env)));
            let stored = store.post_metrics(&ws, window.0, window.1).await.expect("figures");
            if stored.len() == POSTS {
                break;
            }
            assert!(Instant::now() < deadline, "only {} of {POSTS} refreshed in 60 s", stored.len());
        }
        let took = started.elapsed();
        tokio::time::sleep(Wait::from_millis(500)).await;
        let stats = env.sim.sim.stats();
        assert_eq!(calls(&env), POSTS as u64, "exactly one call per post across the cluster");
        let rejected = stats.by_route_status.get(ROUTE).and_then(|s| s.get("429")).copied();
        assert_eq!(rejected.unwrap_or(0), 0, "the simulator never refused a read: {stats:?}");
        let busiest = samples
            .iter()
            .map(|(t, n)| {
                let later = samples.iter().rev().find(|(u, _)| *u <= *t + Wait::from_secs(10));
                later.map_or(0, |(_, m)| m - n)
            })
            .max()
            .unwrap_or(0);
        assert!(busiest <= READ_SHARE, "{busiest} reads in one 10 s window (share {READ_SHARE})");
        assert!(took >= Wait::from_secs(9), "500 reads need two windows of 300: took {took:?}");
        let _ = writeln!(
            std::io::stderr(),
            "analytics: {POSTS} posts refreshed by 3 instances in {:.1} s, {} calls, busiest 10 s window {busiest}",
            took.as_secs_f64(),
            calls(&env)
        );
        for mut instance in cluster {
            instance.kill().await;
        }
    })
    .await;
}
