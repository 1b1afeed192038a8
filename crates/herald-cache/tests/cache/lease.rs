//! Specs of the read lease (G10) on the Redis tier: a hit under a lease needs no Redis
//! command; a write is acknowledged only once every lease holder applied it or its lease
//! ended; a holder that misses a message stops answering from memory within its lease;
//! a silent holder holds writes back for one lease at most, once. Skipped (with a
//! notice) without `HERALD_TEST_REDIS_URL`.

use std::time::Duration;

use herald_cache::{Cache, Source};
use tokio::time::Instant;

use crate::support::{eventually, redis_or_skip, tags, within, FillCount, Ns};

/// Short enough for quick specs, long enough for a busy test machine's scheduling.
const LEASE: Duration = Duration::from_millis(800);

async fn leased(ns: &Ns) -> Cache {
    let cache = ns.cache_leased(LEASE).await;
    eventually("the read lease granted", || cache.metrics().read_lease_held).await;
    cache
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_read_lease_a_hit_needs_no_redis_command() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, fills, ws) = (leased(&ns).await, FillCount::default(), tags(&["workspace:1"]));
    a.get_or_fill("ws", &ws, fills.fill("v1")).await.unwrap(); // learns the versions
    let before = a.metrics();
    let scope = a.scoped(&ws, async {
        for _ in 0..100 {
            let hit = a.get_or_fill("ws", &ws, fills.fill("unused")).await.unwrap();
            assert_eq!((hit.value.as_str(), hit.source), ("v1", Source::Hit));
        }
    });
    scope.await;
    let after = a.metrics();
    assert_eq!(after.version_round_trips, before.version_round_trips, "no MGET, no snapshot");
    assert!(after.lease_reads >= before.lease_reads + 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_is_acknowledged_only_after_every_lease_holder_applied_it() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (leased(&ns).await, leased(&ns).await);
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    for round in 0..50 {
        let value = format!("v{round}");
        let filled = b.get_or_fill("ws", &ws, fills.fill(&value)).await.unwrap();
        assert_eq!(filled.value.as_str(), value);
        a.invalidate(&ws).await.unwrap(); // acknowledged: b applied it, or lost its lease
        let next = format!("v{round}'");
        let seen = b.get_or_fill("ws", &ws, fills.fill(&next)).await.unwrap();
        assert_eq!(
            (seen.value.as_str(), seen.source),
            (next.as_str(), Source::Miss),
            "round {round}"
        );
        a.invalidate(&ws).await.unwrap();
    }
    let (ma, mb) = (a.metrics(), b.metrics());
    assert!(ma.ack_waits >= 100, "a waited for b: {ma:?}");
    assert_eq!(ma.ack_timeouts, 0, "b always answered: {ma:?}");
    assert!(mb.lease_reads > 0, "b answered from memory: {mb:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_that_missed_an_invalidation_stops_answering_from_memory_within_its_lease() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let b = leased(&ns).await;
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    b.get_or_fill("ws", &ws, fills.fill("old")).await.unwrap();
    // An invalidation whose message never reaches b: numbered and bumped, not published.
    let lost = redis::Script::new("redis.call('INCR', KEYS[1]) return redis.call('INCR', KEYS[2])");
    let client = redis::Client::open(ns.url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let (seq, tag) = (format!("{}:seq", ns.name), format!("{}:tag:workspace:1", ns.name));
    let _: u64 = lost.key(seq).key(tag).invoke_async(&mut conn).await.unwrap();
    // Its writer would acknowledge it only after waiting out b's lease.
    tokio::time::sleep(LEASE).await;
    let seen = b.get_or_fill("ws", &ws, fills.fill("new")).await.unwrap();
    assert_eq!((seen.value.as_str(), seen.source), ("new", Source::Miss));
    // b resynchronises and answers from memory again: the first read learns the versions.
    eventually("b leased again", || b.metrics().read_lease_held).await;
    let before = b.metrics().lease_reads;
    for _ in 0..2 {
        let hit = b.get_or_fill("ws", &ws, fills.fill("unused")).await.unwrap();
        assert_eq!((hit.value.as_str(), hit.source), ("new", Source::Hit));
    }
    assert!(b.metrics().lease_reads > before, "{:?}", b.metrics());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_holder_holds_writes_back_for_one_lease_at_most_and_once() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let a = leased(&ns).await;
    // A holder that registered and then froze: it never acknowledges anything.
    let (secs, micros): (u64, u64) = ns.run(&redis::cmd("TIME"));
    let until = secs * 1000 + micros / 1000 + 60_000;
    let _: u64 =
        ns.run(redis::cmd("ZADD").arg(format!("{}:holders", ns.name)).arg(until).arg("frozen"));
    let ws = tags(&["workspace:1"]);
    let started = Instant::now();
    within(a.invalidate(&ws)).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= LEASE && waited < LEASE + Duration::from_millis(500), "waited {waited:?}");
    assert_eq!(a.metrics().ack_timeouts, 1);
    let longest = Duration::from_millis(a.metrics().ack_wait_longest_ms);
    assert!(longest >= LEASE && longest <= waited, "longest wait {longest:?}, the call {waited:?}");
    let started = Instant::now();
    a.invalidate(&ws).await.unwrap();
    assert!(
        started.elapsed() < LEASE / 2,
        "the silent holder was dropped: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_that_shuts_down_leaves_and_no_write_waits_for_it() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (leased(&ns).await, leased(&ns).await);
    b.shutdown().await;
    let started = Instant::now();
    a.invalidate(&tags(&["workspace:1"])).await.unwrap();
    assert!(started.elapsed() < LEASE / 2, "waited {:?} for a stopped instance", started.elapsed());
    assert_eq!(a.metrics().ack_waits, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_a_whole_lease_while_redis_may_have_forgotten_holders() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let a = leased(&ns).await;
    let ws = tags(&["workspace:1"]);
    // A Redis that lost its data (no epoch, no holders) before any instance reconnected.
    let (epoch, holders) = (format!("{}:epoch", ns.name), format!("{}:holders", ns.name));
    let _: u64 = ns.run(redis::cmd("DEL").arg(&epoch).arg(&holders));
    let started = Instant::now();
    a.invalidate(&ws).await.unwrap();
    assert!(started.elapsed() >= LEASE, "waited {:?} with holders unknown", started.elapsed());
    // After an instance recovered: unsure for two leases, then writes go at once.
    let _: () = ns.run(redis::cmd("SET").arg(&epoch).arg(1));
    let unsure = format!("{}:unsure", ns.name);
    let _: () = ns.run(redis::cmd("SET").arg(&unsure).arg(1).arg("PX").arg(60_000));
    let started = Instant::now();
    a.invalidate(&ws).await.unwrap();
    assert!(started.elapsed() >= LEASE, "waited {:?} while unsure", started.elapsed());
    let _: u64 = ns.run(redis::cmd("DEL").arg(&unsure));
    let started = Instant::now();
    a.invalidate(&ws).await.unwrap();
    assert!(started.elapsed() < LEASE / 2, "waited {:?} once sure again", started.elapsed());
}
