//! Prints the cost of a cache hit: local-only, and (with `HERALD_TEST_REDIS_URL`)
//! through Redis, where every read resolves versions with one `MGET`.
//! Run with `cargo run --release -p herald-cache --example hit_latency`.

#![allow(clippy::unwrap_used)] // a benchmark program: a failure is a panic with its cause

use std::time::{Duration, Instant};

use herald_cache::{Cache, CacheConfig};

async fn hits(cache: &Cache, rounds: u32) -> Duration {
    let tags = ["workspace:1", "profile:1"];
    let fill = || async { Ok::<_, String>(vec![1u64; 64]) };
    cache.get_or_fill("history:1", &tags, fill).await.unwrap();
    let start = Instant::now();
    for _ in 0..rounds {
        let found = cache.get_or_fill("history:1", &tags, fill).await.unwrap();
        std::hint::black_box(found);
    }
    start.elapsed() / rounds
}

#[tokio::main]
async fn main() {
    let local = Cache::local(Duration::from_secs(120));
    println!("local hit: {:?} per read", hits(&local, 1_000_000).await);
    if let Ok(url) = std::env::var("HERALD_TEST_REDIS_URL") {
        let namespace = "herald-cache-bench".to_string(); // fixed: reruns reuse its keys
        let config = CacheConfig { redis_url: Some(url), namespace, ..CacheConfig::default() };
        let shared = Cache::new(config).await;
        println!("redis hit: {:?} per read ({:?})", hits(&shared, 10_000).await, shared.tier());
        shared.clear("").await;
        shared.shutdown().await;
    }
}
