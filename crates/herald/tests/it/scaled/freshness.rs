//! The freshness contract across instances: three `herald serve` processes on one
//! PostgreSQL and one Redis, against a slow simulator (150 ms latency, 2 s history
//! lag). Writers and readers spread round-robin over the instances for ~10 s: no read
//! that starts after a write was acknowledged, on any instance, misses it, and Ayrshare
//! history is fetched at most once per change that touched Ayrshare, across all three.
//! An event of a write on one instance reaches a client connected to another.

use crate::scaled::api::{self, history, history_fetches, workspace_and_editor, Events};
use crate::scaled::cluster::scenario;
use crate::scaled::load::{self, Load, Tally};
use ayrshare_sim::SimConfig;
use serde_json::json;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

const RUN_FOR: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_serve_no_stale_read_and_one_history_fetch_per_change() {
    let sim = SimConfig {
        latency: Duration::from_millis(150),
        history_lag: Duration::from_secs(2),
        ..SimConfig::default()
    };
    scenario(
        "three_instances_serve_no_stale_read_and_one_history_fetch_per_change",
        true,
        sim,
        |env| async move {
            let cluster = env.start_cluster(3, &[]).await;
            let http = api::client();
            let (a, c) = (&cluster[0], &cluster[2]);
            let (ws, token) =
                workspace_and_editor(&http, &a.url, &env.sim.base_url(), "scaled").await;

            // A client of instance C hears about a write made on instance A.
            let mut events = Events::connect(&c.url, &ws, &token).await;
            let body =
                json!({"text": "made on A, heard on C", "platforms": ["twitter"], "submit": false});
            let post =
                api::create_post(&http, &a.url, &ws, &token, body).await.unwrap().expect(201);
            let id = post["id"].as_str().unwrap().to_owned();
            let heard = events
                .wait_for("post", Duration::from_secs(5), |data| data["id"] == id.as_str())
                .await;
            assert!(
                heard.is_some(),
                "the `post` event of a write on {} never reached a client of {}",
                a.name,
                c.name
            );

            for instance in &cluster {
                let (status, _, _) = history(&http, &instance.url, &ws, &token).await.unwrap();
                assert_eq!(status, 200, "warm-up read on {}", instance.name);
            }
            let before = history_fetches(&env.sim.sim.stats());
            let tally = Arc::new(Tally::default());
            let urls = cluster.iter().map(|i| i.url.clone()).collect();
            load::run(Load { urls, ws, token, run_for: RUN_FOR }, tally.clone()).await;
            let fetches = history_fetches(&env.sim.sim.stats()) - before;

            tally.report(
                "3 instances, one PostgreSQL, one Redis",
                &format!(", {fetches} history fetches"),
            );
            let mut figures = String::new();
            for instance in &cluster {
                figures.push_str(&format!(
                    "\n  instance {}: {}",
                    instance.name,
                    api::cache_figures(&http, &instance.url).await
                ));
            }
            let _ = writeln!(std::io::stderr(), "{}", figures.trim_start_matches('\n'));
            let failures = tally.failures.lock().unwrap().clone();
            let changes = Tally::get(&tally.upstream_changes);
            assert!(Tally::get(&tally.reads) > 200, "the load ran");
            assert!(changes > 5, "the load touched Ayrshare");
            assert_eq!(
                Tally::get(&tally.failed_reads) + Tally::get(&tally.failed_writes),
                0,
                "failures: {failures:#?}"
            );
            assert_eq!(Tally::get(&tally.stale_reads), 0, "stale reads: {failures:#?}");
            assert!(
                fetches <= changes,
                "{fetches} Ayrshare history fetches for {changes} changes; per instance:{figures}"
            );
        },
    )
    .await;
}
