//! Exactly-once publishing on N instances with a crash: 1,000 posts come due at the same
//! moment while the scheduler loop runs in three instances; one instance is killed
//! (SIGKILL) while publishing is under way, leaving its claims behind. After their lease
//! expires the survivors re-claim them and settle them from Ayrshare's history (or send
//! them, under the same idempotency key, if they never left). In the end the network
//! shows every post exactly once, and no post is left `scheduled` or `publishing`.
//!
//! The posts are created through the API (all three instances) scheduled an hour ahead;
//! then the test moves their `schedule_at` to now in one statement, as the clock would,
//! so all 1,000 become due at the same instant however long creating them took.
//!
//! The simulator's per-profile rate limit (Ayrshare's 300 calls / 5 min) is raised to
//! 100,000 / 5 min here: 1,000 posts of one profile in seconds is the point of the test.

use crate::scaled::api::{self, posts_sent, sim_feed, sim_history, workspace_and_editor};
use crate::scaled::cluster::scenario;
use ayrshare_sim::{RateLimitSpec, SimConfig};
use chrono::{SecondsFormat, Utc};
use futures::StreamExt;
use serde_json::json;
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::time::Duration;
use tokio::time::Instant;

const POSTS: usize = 1000;
/// Publishing claims of the survivors expire after this long…
const LEASE_SECS: u64 = 4;
/// …and the victim's after this long, so that for their first two seconds its claims are
/// the ones whose lease ends more than `LEASE_SECS` ahead: the test kills it while it
/// holds some (a kill between two of its batches would leave nothing to recover).
const VICTIM_LEASE_SECS: u64 = 6;
/// The instance is killed once Ayrshare has received this many posts…
const KILL_AFTER_SENT: u64 = 250;
/// …and it holds at least this many claims it has not settled.
const VICTIM_CLAIMS: i64 = 10;
const HISTORY_LAG: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_due_posts_with_an_instance_killed_are_each_published_once() {
    let sim = SimConfig {
        latency: Duration::from_millis(150),
        history_lag: HISTORY_LAG,
        rate_limit: RateLimitSpec { max: 100_000, window: Duration::from_secs(300) },
        ..SimConfig::default()
    };
    scenario("a_thousand_due_posts_with_an_instance_killed_are_each_published_once", true, sim, |env| async move {
        let lease = |secs: u64| [("HERALD_PUBLISH_LEASE_SECS", secs.to_string())];
        let (short, long) = (lease(LEASE_SECS), lease(VICTIM_LEASE_SECS));
        let (a, b, c) = futures::join!(env.start("a", &short), env.start("b", &long), env.start("c", &short));
        let mut cluster = [a, b, c];
        let http = api::client();
        let (ws, token) = workspace_and_editor(&http, &cluster[0].url, &env.sim.base_url(), "due").await;

        // 1,000 posts, created through all three instances, then all due at once.
        let created = Instant::now();
        let later = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
        let urls: Vec<String> = cluster.iter().map(|i| i.url.clone()).collect();
        let statuses: Vec<(u16, String)> = futures::stream::iter(0..POSTS)
            .map(|i| {
                let (http, base, ws, token) = (&http, &urls[i % urls.len()], &ws, &token);
                let body = json!({"text": format!("due post {i:04}"), "platforms": ["twitter"], "schedule_at": later});
                async move {
                    let reply = api::create_post(http, base, ws, token, body).await.expect("create answered");
                    (reply.status, reply.body["status"].as_str().unwrap_or_default().to_owned())
                }
            })
            .buffer_unordered(24)
            .collect()
            .await;
        let creation = created.elapsed();
        assert!(statuses.iter().all(|s| *s == (201, "scheduled".to_owned())), "not all created as scheduled: {statuses:?}");
        let mut db = env.sql().await;
        let due = sqlx::query("UPDATE posts SET schedule_at = $2 WHERE workspace_id = $1 AND status = 'scheduled'")
            .bind(&ws)
            .bind(Utc::now().timestamp_millis())
            .execute(&mut db)
            .await
            .expect("the clock moves on");
        assert_eq!(due.rows_affected(), POSTS as u64);

        // Kill instance B while publishing is under way and it holds claims.
        let deadline = Instant::now() + Duration::from_secs(60);
        let victim_claims = loop {
            if posts_sent(&env.sim.sim.stats()) >= KILL_AFTER_SENT {
                let horizon = Utc::now().timestamp_millis() + LEASE_SECS as i64 * 1000;
                let held: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE workspace_id = $1 AND status = 'publishing' AND lease_until > $2")
                    .bind(&ws)
                    .bind(horizon)
                    .fetch_one(&mut db)
                    .await
                    .unwrap();
                if held >= VICTIM_CLAIMS {
                    break held;
                }
            }
            assert!(Instant::now() < deadline, "publishing never got under way with claims on {}", cluster[1].name);
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        cluster[1].kill().await;
        let killed = Instant::now();
        let sent_at_kill = posts_sent(&env.sim.sim.stats());

        // Wait until nothing is left to publish.
        let drain_deadline = killed + Duration::from_secs(90);
        loop {
            let counts = status_counts(&mut db, &ws).await;
            if counts.keys().all(|s| s != "scheduled" && s != "publishing") {
                break;
            }
            assert!(Instant::now() < drain_deadline, "still not drained after the kill: {counts:?}\n{}", cluster[0].log_tail(30));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let drained = killed.elapsed();

        // What Ayrshare holds, once its history has caught up.
        tokio::time::sleep(HISTORY_LAG + Duration::from_millis(500)).await;
        let counts = status_counts(&mut db, &ws).await;
        let reclaimed: i64 = sqlx::query_scalar("SELECT count(DISTINCT post_id) FROM post_events WHERE workspace_id = $1 AND action = 'reclaim'")
            .bind(&ws)
            .fetch_one(&mut db)
            .await
            .unwrap();
        let herald_ids: Vec<Option<String>> =
            sqlx::query_scalar("SELECT ayrshare_id FROM posts WHERE workspace_id = $1").bind(&ws).fetch_all(&mut db).await.unwrap();
        let feed = sim_feed(&env.sim, "due", "twitter").await;
        let texts: Vec<&str> = feed.iter().filter_map(|p| p["post"].as_str()).collect();
        let distinct: HashSet<&str> = texts.iter().copied().collect();
        let history = sim_history(&env.sim, "due").await;
        let sent = posts_sent(&env.sim.sim.stats());
        let _ = writeln!(
            std::io::stderr(),
            "1,000 due posts on 3 instances, one killed: creation {creation:?}, killed after {sent_at_kill} posts sent \
             holding {victim_claims} claims, drained {drained:?} after the kill (its lease {VICTIM_LEASE_SECS} s); network shows {} posts ({} distinct texts, {} duplicates); \
             Ayrshare history {}; POST /api/post calls {sent}; posts re-claimed {reclaimed}; Herald statuses {counts:?}",
            texts.len(),
            distinct.len(),
            texts.len() - distinct.len(),
            history.len(),
        );

        assert_eq!(counts.get("published"), Some(&(POSTS as i64)), "statuses: {counts:?}");
        assert_eq!(texts.len(), POSTS, "posts on the network");
        assert_eq!(distinct.len(), POSTS, "distinct posts on the network");
        assert!((0..POSTS).all(|i| distinct.contains(format!("due post {i:04}").as_str())), "a post is missing on the network");
        let upstream_ids: HashSet<&str> = history.iter().filter_map(|p| p["id"].as_str()).collect();
        let herald_ids: HashSet<&str> = herald_ids.iter().flatten().map(String::as_str).collect();
        assert_eq!((history.len(), upstream_ids.len()), (POSTS, POSTS), "Ayrshare history holds each post once");
        assert_eq!(herald_ids, upstream_ids, "Herald's posts are settled with the Ayrshare posts that exist");
        assert!(reclaimed > 0, "the claims of the killed instance were not re-claimed");
        let extra = sent.saturating_sub(POSTS as u64);
        assert!(sent >= POSTS as u64 && extra <= reclaimed as u64, "{sent} POST /api/post calls for {POSTS} posts and {reclaimed} re-claims");
    })
    .await;
}

async fn status_counts(db: &mut PgConnection, ws: &str) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM posts WHERE workspace_id = $1 GROUP BY status",
    )
    .bind(ws)
    .fetch_all(db)
    .await
    .expect("count posts by status");
    rows.into_iter().collect()
}
