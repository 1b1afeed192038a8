//! Freshness at zero round trips (G10) on three `herald serve` processes sharing a
//! `redis-server` of this test's own. First, at steady state, dashboard hits cost (almost)
//! no Redis command: the commands Redis counted (`INFO commandstats`) per hit stay under
//! 0.01. Then, under the freshness load, Redis's pub/sub connections are killed again and
//! again, and one instance is frozen (SIGSTOP) for longer than its lease: no read is
//! stale — the frozen instance's included, once it wakes — no write on the other
//! instances waits much longer than the lease, and the freshness monitor (sampling
//! every answer) counts no violation.

use crate::scaled::api::{self, cache_figures, call, history, workspace_and_editor};
use crate::scaled::cluster::{scenario, skipped, ADMIN};
use crate::scaled::load::{self, Load, Tally};
use crate::scaled::redis_server::RedisServer;
use ayrshare_sim::SimConfig;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

const LEASE: Duration = Duration::from_secs(2);
const RUN_FOR: Duration = Duration::from_secs(16);
/// Longer than the lease, shorter than the load.
const FROZEN_FOR: Duration = Duration::from_secs(6);
/// How late a timer may wake on two busy cores (debug build) after a wait's deadline.
const WAKE_MARGIN: Duration = Duration::from_millis(250);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_zero_round_trips_no_read_is_stale_while_subscriptions_die_and_an_instance_freezes() {
    const TEST: &str =
        "at_zero_round_trips_no_read_is_stale_while_subscriptions_die_and_an_instance_freezes";
    let sim = SimConfig {
        latency: Duration::from_millis(150),
        history_lag: Duration::from_secs(2),
        ..SimConfig::default()
    };
    scenario(TEST, true, sim, |mut env| async move {
        let Some(redis) = RedisServer::start().await else {
            return skipped(TEST, "redis-server not found on PATH");
        };
        env.redis_url = Some(redis.url());
        let overrides = [
            ("HERALD_CACHE_LEASE_MS", LEASE.as_millis().to_string()),
            ("HERALD_FRESHNESS_SAMPLE", "1".to_owned()),
        ];
        let cluster = env.start_cluster(3, &overrides).await;
        let http = api::client();
        let (ws, token) =
            workspace_and_editor(&http, &cluster[0].url, &env.sim.base_url(), "lease").await;
        let redis = redis::Client::open(redis.url()).unwrap();
        let mut redis = redis.get_multiplexed_async_connection().await.unwrap();

        // Steady state: every instance has learned the versions and holds its lease.
        for _ in 0..3 {
            for instance in &cluster {
                assert_eq!(history(&http, &instance.url, &ws, &token).await.unwrap().0, 200);
            }
        }
        let before = by_command(&mut redis).await;
        let started = std::time::Instant::now();
        let hits = read_hits(&http, &cluster, &ws, &token, 3000).await;
        let elapsed = started.elapsed();
        let after = by_command(&mut redis).await;
        let delta: Vec<(String, u64)> = after
            .iter()
            .map(|(name, n)| (name.clone(), n - before.get(name).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        let used = delta.iter().map(|(_, n)| n).sum::<u64>() - 1; // the second INFO itself
        // What the instances send with no read at all (lease renewals, subscription
        // pings), over a window as long as the reads took: a rate, not a cost per hit.
        let idle_before = commands(&mut redis).await;
        tokio::time::sleep(elapsed).await; // the measuring window
        let idle = commands(&mut redis).await - idle_before - 1;
        let per_hit = used.saturating_sub(idle) as f64 / hits as f64;
        let _ = writeln!(
            std::io::stderr(),
            "steady state: {used} Redis commands during {hits} dashboard hits in {elapsed:?}, {idle} in as long without reads; {per_hit:.4} per hit: {delta:?}"
        );
        assert!(hits >= 2900, "{hits} of 3000 reads were hits");
        assert!(per_hit <= 0.01, "{per_hit} Redis commands per hit ({used} for {hits}, {idle} idle)");

        // Chaos under load: pub/sub connections killed, then one instance frozen.
        let tally = Arc::new(Tally::default());
        let urls: Vec<String> = cluster.iter().map(|i| i.url.clone()).collect();
        let load = tokio::spawn(load::run(
            Load { urls, ws: ws.clone(), token: token.clone(), run_for: RUN_FOR },
            tally.clone(),
        ));
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(1200)).await; // pacing of the chaos
            let killed: u64 =
                redis::cmd("CLIENT").arg(&["KILL", "TYPE", "pubsub"]).query_async(&mut redis).await.unwrap();
            assert!(killed >= 1, "pub/sub connections to kill");
        }
        let frozen = &cluster[2];
        frozen.signal("STOP").await;
        tokio::time::sleep(FROZEN_FOR).await;
        frozen.signal("CONT").await;
        load.await.expect("load");

        let mut figures = String::new();
        let mut longest_waits = vec![];
        for instance in &cluster {
            let line = cache_figures(&http, &instance.url).await;
            longest_waits.push(figure(&line, "ack_wait_longest_seconds="));
            figures.push_str(&format!("\n  {}: {line}", instance.name));
        }
        let slowest = tally.slowest_write.lock().unwrap().clone();
        tally.report("three instances at zero round trips, subscriptions killed, one frozen", &format!("; slowest writes {slowest:?}{figures}"));
        let failures = tally.failures.lock().unwrap().clone();
        assert!(Tally::get(&tally.reads) > 200 && Tally::get(&tally.writes) > 20, "the load ran");
        assert_eq!(Tally::get(&tally.stale_reads), 0, "stale reads: {failures:#?}");
        // Reads the frozen instance had taken in when it stopped may run out of their
        // deadline while it is stopped (503, "try again"): never stale, never elsewhere.
        let failed_on = tally.failed_reads_on.lock().unwrap().clone();
        let failed_elsewhere: u64 =
            failed_on.iter().filter(|(url, _)| **url != cluster[2].url).map(|(_, n)| n).sum();
        assert_eq!(failed_elsewhere + Tally::get(&tally.failed_writes), 0, "failures: {failures:#?}");
        // No write on the instances that kept running waited for holders longer than the
        // lease (waiting out the frozen one would take FROZEN_FOR). Measured by each
        // instance from the invalidation script's answer to the end of its wait, so the
        // write's own work on a busy machine does not count; the margin is timer latency.
        for (instance, longest) in cluster[..2].iter().zip(&longest_waits) {
            let longest = Duration::from_secs_f64(*longest);
            assert!(
                longest <= LEASE + WAKE_MARGIN,
                "a write on {} waited {longest:?} for lease holders: longer than the lease ({LEASE:?}); slowest writes {slowest:?}",
                instance.name
            );
        }
        let timeouts: f64 =
            figures.lines().map(|line| figure(line, "ack_timeouts=")).sum();
        assert!(timeouts > 0.0, "writers stopped waiting for the frozen instance:{figures}");

        // The monitor, sampling every answer, saw no violation on any instance.
        for instance in &cluster {
            let url = format!("{}/api/ops/freshness", instance.url);
            let report = call(&http, reqwest::Method::GET, &url, ADMIN, None).await.unwrap();
            assert_eq!(report.status, 200, "{}", report.body);
            assert_eq!(report.body["violations"], 0, "{}: {}", instance.name, report.body);
            assert!(report.body["checked"].as_u64().unwrap() > 0, "{}: {}", instance.name, report.body);
        }
    })
    .await;
}

/// The number after `name` (e.g. `"ack_timeouts="`) in a line of `cache_figures`.
fn figure(line: &str, name: &str) -> f64 {
    line.split_whitespace().find_map(|f| f.strip_prefix(name)?.parse().ok()).unwrap_or(0.0)
}

/// The commands Redis has run so far (every line of `INFO commandstats`, summed).
async fn commands(redis: &mut redis::aio::MultiplexedConnection) -> u64 {
    by_command(redis).await.values().sum()
}

/// `INFO commandstats` as command → calls.
async fn by_command(
    redis: &mut redis::aio::MultiplexedConnection,
) -> std::collections::BTreeMap<String, u64> {
    let info: String = redis::cmd("INFO").arg("commandstats").query_async(redis).await.unwrap();
    info.lines()
        .filter_map(|l| {
            let (name, rest) = l.strip_prefix("cmdstat_")?.split_once(":calls=")?;
            Some((name.to_owned(), rest.split(',').next()?.parse::<u64>().ok()?))
        })
        .collect()
}

/// Reads the dashboard `total` times from 32 tasks over every instance; returns the hits.
async fn read_hits(
    http: &reqwest::Client,
    cluster: &[crate::scaled::cluster::Instance],
    ws: &str,
    token: &str,
    total: usize,
) -> usize {
    let urls: Vec<String> = cluster.iter().map(|i| i.url.clone()).collect();
    let mut tasks = vec![];
    for n in 0..32 {
        let (http, urls, ws, token) = (http.clone(), urls.clone(), ws.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut hits = 0;
            for i in (n..total).step_by(32) {
                let (status, x_cache, _) =
                    history(&http, &urls[i % urls.len()], &ws, &token).await.unwrap();
                assert_eq!(status, 200);
                hits += usize::from(x_cache == "hit");
            }
            hits
        }));
    }
    let mut hits = 0;
    for task in tasks {
        hits += task.await.unwrap();
    }
    hits
}
