//! Specs of request-scoped version snapshots ([`Cache::scoped`]) on the Redis tier: one
//! round trip for every read of a scope, and no invalidation acknowledged before the
//! scope started is ever missed. They run without read leases (`lease.rs` has those):
//! snapshots are the mode an instance falls back to whenever it holds no lease. Skipped (with a notice) without `HERALD_TEST_REDIS_URL`.

use herald_cache::{Cache, CacheConfig, Source, Tier};
use std::time::Duration;

use crate::proxy::Proxy;
use crate::support::{eventually, redis_or_skip, tags, FillCount, Ns};

fn round_trips(cache: &Cache) -> u64 {
    cache.metrics().version_round_trips
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_resolves_every_read_in_one_round_trip() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, other) = (ns.cache_leased(Duration::ZERO).await, ns.cache_leased(Duration::ZERO).await);
    let fills = FillCount::default();
    let (one, two) = (tags(&["tokens"]), tags(&["content:1", "tokens"]));
    a.get_or_fill("token", &one, fills.fill("t")).await.unwrap();
    a.get_or_fill("view", &two, fills.fill("v")).await.unwrap();

    let before = round_trips(&a);
    let scope = tags(&["tokens", "content:1"]);
    let (token, view) = a
        .scoped(&scope, async {
            let token = a.get_or_fill("token", &one, fills.fill("unused")).await.unwrap();
            let view = a.get_or_fill("view", &two, fills.fill("unused")).await.unwrap();
            (token, view)
        })
        .await;
    assert_eq!((token.source, view.source), (Source::Hit, Source::Hit));
    assert_eq!(round_trips(&a), before + 1, "both reads in one round trip");
    assert_eq!(fills.get(), 2);

    // A tag the scope lacks, a spawned task, another instance: each resolves for itself.
    let (b, before_other) = (round_trips(&a), round_trips(&other));
    a.scoped(&scope, async {
        a.get_or_fill("x", &tags(&["users"]), fills.fill("x")).await.unwrap();
        let (a2, one2, f) = (a.clone(), one.clone(), fills.fill("unused"));
        tokio::spawn(async move { a2.get_or_fill("token", &one2, f).await.unwrap() })
            .await
            .unwrap();
        other.get_or_fill("token", &one, fills.fill("t")).await.unwrap();
    })
    .await;
    assert_eq!(round_trips(&a), b + 3, "the scope, the missing tag, the spawned task");
    assert_eq!(round_trips(&other), before_other + 1, "another instance's read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_read_sees_every_invalidation_acknowledged_before_its_scope() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (ns.cache_leased(Duration::ZERO).await, ns.cache_leased(Duration::ZERO).await);
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    for round in 0..20 {
        let value = format!("v{round}");
        let filled = b.get_or_fill("ws", &ws, fills.fill(&value)).await.unwrap();
        assert_eq!(filled.value.as_str(), value);
        let hit = b.scoped(&ws, b.get_or_fill("ws", &ws, fills.fill("unused"))).await.unwrap();
        assert_eq!((hit.value.as_str(), hit.source), (value.as_str(), Source::Hit));
        a.invalidate(&ws).await.unwrap(); // acknowledged: every scope from now on sees it
        let next = format!("v{round}'");
        let seen = b.scoped(&ws, b.get_or_fill("ws", &ws, fills.fill(&next))).await.unwrap();
        assert_eq!((seen.value.as_str(), seen.source), (next.as_str(), Source::Miss));
        a.invalidate(&ws).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_reads_its_own_invalidation_and_steps_aside_after_a_failure() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url.clone());
    let cache = ns.cache_leased(Duration::ZERO).await;
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    cache.get_or_fill("ws", &ws, fills.fill("v1")).await.unwrap();
    let own = cache
        .scoped(&ws, async {
            let hit = cache.get_or_fill("ws", &ws, fills.fill("unused")).await.unwrap();
            assert_eq!(hit.value.as_str(), "v1");
            cache.invalidate(&ws).await.unwrap();
            cache.get_or_fill("ws", &ws, fills.fill("v2")).await.unwrap()
        })
        .await;
    assert_eq!((own.value.as_str(), own.source), ("v2", Source::Miss), "its own write");

    let proxy = Proxy::start(&url).await;
    let cache = Cache::new(CacheConfig {
        redis_url: Some(proxy.url.clone()),
        read_lease: Duration::ZERO,
        ..ns.config()
    })
    .await;
    let before = cache.get_or_fill("ws", &ws, fills.fill("unused")).await.unwrap();
    assert_eq!(before.value.as_str(), "v2");
    cache
        .scoped(&ws, async {
            proxy.down();
            eventually("the outage", || cache.tier() == Tier::Redis { healthy: false }).await;
            let during = cache.get_or_fill("ws", &ws, fills.fill("during")).await.unwrap();
            assert_eq!(during.source, Source::Bypass, "a degraded instance never serves");
            proxy.up();
            eventually("recovery", || cache.tier() == Tier::Redis { healthy: true }).await;
            let after = cache.get_or_fill("ws", &ws, fills.fill("after")).await.unwrap();
            assert_eq!(
                (after.value.as_str(), after.source),
                ("after", Source::Miss),
                "the recovery's epoch bump is not skipped"
            );
        })
        .await;
    cache.shutdown().await;
}
