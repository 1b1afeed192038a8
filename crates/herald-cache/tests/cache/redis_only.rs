//! Specs of the Redis tier between instances: two `Cache` values on one namespace are
//! two instances. Each test is skipped (with a notice) without `HERALD_TEST_REDIS_URL`.

use std::time::Duration;

use herald_cache::{Cache, CacheConfig, Source, Tier, Unshared};

use crate::proxy::Proxy;
use crate::support::{eventually, gated, reaches, redis_or_skip, tags, within, FillCount, Ns};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_fill() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (ns.cache().await, ns.cache().await);
    let ws = tags(&["workspace:1"]);
    let (fill, mut gate) = gated(Ok("from a"));
    let first = {
        let (a, ws) = (a.clone(), ws.clone());
        tokio::spawn(async move { a.get_or_fill("history", &ws, fill).await })
    };
    gate.started().await;
    let fills = FillCount::default();
    let on_b: Vec<_> = (0..20)
        .map(|_| {
            let (b, ws, fill) = (b.clone(), ws.clone(), fills.fill("from b"));
            tokio::spawn(async move { b.get_or_fill("history", &ws, fill).await })
        })
        .collect();
    eventually("b to wait on a's lease", || b.metrics().lease_waits == 1).await;
    gate.release();

    let first = within(first).await.unwrap().unwrap();
    for read in on_b {
        let read = within(read).await.unwrap().unwrap();
        assert_eq!(
            (read.value.as_str(), read.stamp, read.source),
            ("from a", first.stamp, Source::Hit)
        );
    }
    assert_eq!(fills.get(), 0, "b never filled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidation_on_one_instance_is_seen_by_the_next_read_on_another() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (ns.cache().await, ns.cache().await);
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    let filled = a.get_or_fill("history", &ws, fills.fill("v1")).await.unwrap();
    let seen = b.get_or_fill("history", &ws, fills.fill("unused")).await.unwrap();
    assert_eq!((seen.value.as_str(), seen.source, seen.stamp), ("v1", Source::Hit, filled.stamp));

    a.invalidate(&ws).await.unwrap();
    let next = b.get_or_fill("history", &ws, fills.fill("v2")).await.unwrap();
    assert_eq!(
        (next.value.as_str(), next.source),
        ("v2", Source::Miss),
        "b's local copy of v1 is not served"
    );
    assert_eq!(fills.get(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidations_fan_out_to_subscribers_of_other_instances() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (ns.cache().await, ns.cache().await);
    let (mut on_a, mut on_b) = (a.subscribe(), b.subscribe());
    a.invalidate(&tags(&["workspace:1", "profile:2"])).await.unwrap();
    for rx in [&mut on_a, &mut on_b] {
        assert_eq!(within(rx.recv()).await.unwrap().tags, tags(&["workspace:1", "profile:2"]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_messages_reach_other_instances() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (ns.cache().await, ns.cache().await);
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Published {
        id: u64,
    }
    let (mut on_b, mut elsewhere) = (b.messages("post.published"), b.messages("post.failed"));
    a.broadcast("post.published", &Published { id: 3 }).await.unwrap();
    let message = within(on_b.recv()).await.unwrap();
    assert_eq!(&*message.topic, "post.published");
    assert_eq!(message.decode::<Published>().unwrap(), Published { id: 3 });
    assert!(elsewhere.try_recv().is_err(), "another topic's receiver hears nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_bypasses_and_recovery_bumps_the_epoch() {
    starting_with_redis_unreachable_every_read_bypasses().await;
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url.clone());
    let proxy = Proxy::start(&url).await;
    let cache = Cache::new(CacheConfig { redis_url: Some(proxy.url.clone()), ..ns.config() }).await;
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    let before = cache.get_or_fill("history", &ws, fills.fill("before")).await.unwrap();
    let epoch = ns.epoch();

    proxy.down();
    eventually("the outage to be noticed", || cache.tier() == Tier::Redis { healthy: false }).await;
    let during = cache.get_or_fill("history", &ws, fills.fill("during")).await.unwrap();
    assert_eq!((during.value.as_str(), during.source), ("during", Source::Bypass));

    proxy.up();
    eventually("recovery", || cache.tier() == Tier::Redis { healthy: true }).await;
    assert!(ns.epoch() > epoch, "recovery moves the epoch on");
    let after = cache.get_or_fill("history", &ws, fills.fill("after")).await.unwrap();
    assert_eq!(
        (after.value.as_str(), after.source),
        ("after", Source::Miss),
        "nothing from before the outage"
    );
    assert_ne!(after.stamp, before.stamp);
    assert_eq!(fills.get(), 3);
    cache.shutdown().await;
}

async fn starting_with_redis_unreachable_every_read_bypasses() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("redis://{closed}");
    let cache = Cache::new(CacheConfig { redis_url: Some(url), ..CacheConfig::default() }).await;
    assert_eq!(cache.tier(), Tier::Redis { healthy: false });
    let (ws, fills) = (tags(&["workspace:1"]), FillCount::default());
    for _ in 0..2 {
        let read = cache.get_or_fill("history", &ws, fills.fill("direct")).await.unwrap();
        assert_eq!(read.source, Source::Bypass);
    }
    let mut invalidations = cache.subscribe();
    assert_eq!(cache.invalidate(&ws).await, Err(Unshared), "no other instance can know");
    assert_eq!(within(invalidations.recv()).await.unwrap().tags, ws, "delivered locally");
    assert!(!cache.shared_tier_reachable().await);
    let m = cache.metrics();
    assert_eq!((fills.get(), m.bypasses, m.hits + m.misses), (2, 2, 0));
    cache.shutdown().await;
}

/// The stale reads the baseline suite caught after a Redis restart: instance B, still
/// degraded because its supervisor had not re-subscribed yet, acknowledged a change it
/// applied only locally, while instance A, healthy, kept serving entries from before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_degraded_instance_invalidates_through_redis_as_soon_as_redis_answers() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url.clone());
    let proxy = Proxy::start(&url).await;
    let a = ns.cache().await;
    let b = Cache::new(CacheConfig {
        redis_url: Some(proxy.url.clone()),
        reconnect_every: Duration::from_secs(3600), // once degraded, b stays so
        ..ns.config()
    })
    .await;
    assert_eq!(b.tier(), Tier::Redis { healthy: true });
    let (tokens, fills) = (["tokens"], FillCount::default());
    let before = a.get_or_fill("token:1", &tokens, fills.fill("active")).await.unwrap();

    proxy.down(); // Redis restarts, as far as b can tell
    eventually("b to notice the outage", || b.tier() == Tier::Redis { healthy: false }).await;
    assert!(!b.shared_tier_reachable().await);
    assert_eq!(b.invalidate(&tokens).await, Err(Unshared), "b says it reached no one");
    let unseen = a.get_or_fill("token:1", &tokens, fills.fill("unused")).await.unwrap();
    assert_eq!(unseen.stamp, before.stamp, "the limit that Unshared reports");

    proxy.up(); // Redis is back; b's subscription is not, for the rest of the test
    reaches("b's command connection to answer", || b.shared_tier_reachable()).await;
    assert_eq!(b.tier(), Tier::Redis { healthy: false }, "b is still degraded");
    let shared = b.invalidate(&tokens).await;
    let after = a.get_or_fill("token:1", &tokens, fills.fill("revoked")).await.unwrap();
    assert_eq!(
        (after.value.as_str(), after.source),
        ("revoked", Source::Miss),
        "a must not serve its entry from before b's invalidation"
    );
    assert_eq!(shared, Ok(()), "b's invalidation reached Redis although b is degraded");
    let mine = b.get_or_fill("token:1", &tokens, fills.fill("revoked")).await.unwrap();
    assert_eq!(mine.source, Source::Bypass, "b itself reads around the cache until it recovers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_share_one_rate_window() {
    let Some(url) = redis_or_skip() else { return };
    let ns = Ns::new(url);
    let (a, b) = (ns.cache().await, ns.cache().await);
    let period = Duration::from_secs(30);
    let takers = (0..8).map(|i| {
        let cache = if i % 2 == 0 { a.clone() } else { b.clone() };
        tokio::spawn(async move { cache.take_slots("profile", 20, 60, period).await })
    });
    let mut granted = 0;
    for taker in takers {
        let slots = within(taker).await.unwrap();
        assert!(slots.shared);
        granted += slots.granted;
    }
    assert_eq!(granted, 60, "eight takers of 20 on two instances share one limit of 60");
}
