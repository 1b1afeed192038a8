//! Redis restarted under load: three instances share a `redis-server` this test starts
//! on a free port (never the shared one). While writers and readers run, that Redis is
//! killed, left down for a moment, and started again empty on the same port. Every read
//! answers 200 (the instances bypass the cache while Redis is away) and none is stale
//! (after Redis returns, nothing cached before the outage is served: the epoch moved on);
//! afterwards every instance reports its Redis tier healthy and reads are served from
//! the cache again.

use crate::scaled::api::{self, history, history_fetches, readyz, workspace_and_editor};
use crate::scaled::cluster::{scenario, skipped};
use crate::scaled::load::{self, Load, Tally};
use crate::scaled::redis_server::RedisServer;
use ayrshare_sim::SimConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

const RUN_FOR: Duration = Duration::from_secs(12);
/// When, into the load, Redis is killed, and for how long it stays down.
const KILL_AT: Duration = Duration::from_secs(3);
const DOWN_FOR: Duration = Duration::from_millis(1500);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_redis_restart_under_load_serves_no_stale_and_no_failed_read() {
    const TEST: &str = "a_redis_restart_under_load_serves_no_stale_and_no_failed_read";
    let sim = SimConfig {
        latency: Duration::from_millis(150),
        history_lag: Duration::from_secs(2),
        ..SimConfig::default()
    };
    scenario(TEST, true, sim, |mut env| async move {
        let Some(mut redis) = RedisServer::start().await else {
            return skipped(TEST, "redis-server not found on PATH");
        };
        env.redis_url = Some(redis.url());
        let cluster = env.start_cluster(3, &[]).await;
        let http = api::client();
        let (ws, token) = workspace_and_editor(&http, &cluster[0].url, &env.sim.base_url(), "restart").await;
        for instance in &cluster {
            assert_eq!(history(&http, &instance.url, &ws, &token).await.unwrap().0, 200, "warm-up read");
        }
        let before = history_fetches(&env.sim.sim.stats());

        let tally = Arc::new(Tally::default());
        let urls: Vec<String> = cluster.iter().map(|i| i.url.clone()).collect();
        let load = tokio::spawn(load::run(Load { urls, ws: ws.clone(), token: token.clone(), run_for: RUN_FOR }, tally.clone()));
        tokio::time::sleep(KILL_AT).await;
        redis.kill().await;
        let reads_at_kill = Tally::get(&tally.reads);
        tokio::time::sleep(DOWN_FOR).await;
        redis.restart().await;
        let (reads_at_return, hits_at_return) = (Tally::get(&tally.reads), Tally::get(&tally.hits));
        load.await.expect("load");
        let fetches = history_fetches(&env.sim.sim.stats()) - before;

        // Every instance recovers its Redis tier, and reads use the cache again.
        let deadline = Instant::now() + Duration::from_secs(15);
        for instance in &cluster {
            loop {
                let ready = readyz(&http, &instance.url).await.expect("readyz answers");
                if ready.status == 200 && ready.body["cache"]["redis"]["healthy"] == true {
                    break;
                }
                assert!(Instant::now() < deadline, "{} never recovered its Redis tier: {}", instance.name, ready.body);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let mut sources = vec![];
        for instance in cluster.iter().chain(&cluster) {
            let (status, x_cache, _) = history(&http, &instance.url, &ws, &token).await.unwrap();
            assert_eq!(status, 200, "read on {} after the restart", instance.name);
            sources.push(x_cache);
        }

        // Publish-now creates whose outcome is still unknown (Ayrshare answered 429).
        let unsettled: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE workspace_id = $1 AND status = 'publishing'")
            .bind(&ws)
            .fetch_one(&mut env.sql().await)
            .await
            .unwrap();
        let (reads, hits) = (Tally::get(&tally.reads), Tally::get(&tally.hits));
        tally.report(
            "Redis restarted under load",
            &format!(
                ", {fetches} history fetches, {unsettled} publishes left unsettled; reads before the kill {reads_at_kill}, while down {}, after {}; \
                 hits after {}; reads after recovery {sources:?}",
                reads_at_return - reads_at_kill,
                reads - reads_at_return,
                hits - hits_at_return
            ),
        );
        let failures = tally.failures.lock().unwrap().clone();
        assert_eq!(Tally::get(&tally.failed_reads), 0, "failed reads: {failures:#?}");
        assert_eq!(Tally::get(&tally.stale_reads), 0, "stale reads: {failures:#?}");
        assert_eq!(Tally::get(&tally.failed_writes), 0, "failed writes: {failures:#?}");
        assert!(reads_at_kill > 0 && reads - reads_at_return > 50, "the load ran before and after the restart");
        assert!(sources.iter().any(|s| s == "hit"), "after recovery the cache serves again: {sources:?}");
    })
    .await;
}
