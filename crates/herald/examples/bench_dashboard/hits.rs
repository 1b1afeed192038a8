//! The hit ratios: for one tier, wrk against Herald's dashboard hit and against the
//! reference (the same bytes from memory) alternately, at 64 connections and at 1,
//! uncompressed and `br`, one table row each. On the Redis tier each row also says what
//! Herald's timed runs cost Redis (`meter.rs`): commands per 1,000 hits, and Herald's
//! own `version_round_trips` and `lease_reads` over those runs.

use crate::app::{self, Herald, Tier};
use crate::meter::{Meter, Tally};
use crate::wrk::{self, Run};
use herald::gate::dashboard::Strategy;

pub struct Setup {
    pub herald: Herald,
    pub ws: String,
    pub token: String,
}

/// Herald on a tier, with a 100-post workspace whose dashboard is cached.
pub async fn setup(tier: &Tier) -> Setup {
    let herald = app::instance(&app::shared(Default::default()).await, tier).await;
    let (ws, token) = herald.workspace("hits").await;
    for i in 0..100 {
        herald.post(&ws, &token, format!("benchmark post {i}"), i % 3 == 0).await;
    }
    Setup { herald, ws, token }
}

/// How long and how often each row runs.
#[derive(Clone, Copy)]
pub struct Timing {
    pub secs: u64,
    pub rounds: u64,
}

/// wrk against Herald (`a`, measured by `meter` if any) and the reference (`b`)
/// alternately, `rounds` times; the medians, and the sums of the meter over the timed
/// runs against Herald.
async fn interleaved(
    a: &str,
    b: &str,
    c: usize,
    timing: Timing,
    headers: &[String],
    meter: &mut Option<Meter>,
) -> (Run, Run, Tally) {
    wrk::run(a, c, 1, headers).await; // warm-up
    wrk::run(b, c, 1, headers).await;
    let (mut ra, mut rb, mut tally) = (vec![], vec![], Tally::default());
    for round in 0..timing.rounds {
        if round % 2 == 0 {
            rb.push(wrk::run(b, c, timing.secs, headers).await);
        }
        let run = wrk::run(a, c, timing.secs, headers);
        let run = match meter {
            Some(meter) => {
                let (run, t) = meter.around(run).await;
                tally.add(&t);
                run
            }
            None => run.await,
        };
        ra.push(run);
        if round % 2 == 1 {
            rb.push(wrk::run(b, c, timing.secs, headers).await);
        }
    }
    let (ma, mb) = (wrk::median(ra), wrk::median(rb));
    assert_eq!(ma.errors + mb.errors, 0, "every response was 2xx/3xx");
    (ma, mb, tally)
}

/// p50 of one `MGET` of 8 keys (what a request resolves) from this process, alone.
async fn redis_round_trip(url: &str) -> f64 {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = (0..8).map(|i| format!("herald-bench-rtt:{i}")).collect();
    let mut took = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let started = std::time::Instant::now();
        let _: Vec<Option<u64>> =
            redis::cmd("MGET").arg(&keys).query_async(&mut conn).await.unwrap();
        took.push(started.elapsed().as_secs_f64() * 1e6);
    }
    took.sort_by(f64::total_cmp);
    took[took.len() / 2]
}

/// The table's header.
pub fn header() {
    println!("| tier | connections | body | Herald req/s | p50 µs | p99 µs | reference req/s | p50 µs | p99 µs | ratio | compressed / raw bytes | compressed / raw Herald req/s | hits measured | Redis commands per 1,000 hits | version round trips | lease reads |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
}

/// A note spanning the table's rows.
fn note(text: &str) {
    println!("| | | {text} | | | | | | | | | | | | | |");
}

/// The rows of one tier: in-process (`redis` None) or Redis with the given lease.
pub async fn tier(name: &str, redis: Option<&str>, lease_ms: Option<u64>, timing: Timing) {
    let rtt = match (redis, lease_ms) {
        (Some(url), Some(0)) => Some(redis_round_trip(url).await),
        _ => None,
    };
    let cache = Tier { strategy: Strategy::Versioned, redis: redis.map(str::to_owned), lease_ms };
    let s = setup(&cache).await;
    let url = format!("{}/api/workspaces/{}/history", s.herald.url, s.ws);
    let raw = s.herald.body(&url, &s.token, "identity").await;
    let br = s.herald.body(&url, &s.token, "br").await;
    let reference = app::reference(raw.clone(), br.clone()).await;
    let mut meter = match redis {
        Some(url) => Some(Meter::new(url, s.herald.state.dashboard.cache().clone()).await),
        None => None,
    };
    let mut all = Tally::default();
    for c in [64, 1] {
        let mut plain_rps = f64::NAN;
        for compressed in [false, true] {
            let mut headers = vec![format!("Authorization: Bearer {}", s.token)];
            if compressed {
                headers.push("Accept-Encoding: br".to_owned());
            }
            let (h, r, t) = interleaved(&url, &reference, c, timing, &headers, &mut meter).await;
            let (body, extra) = match compressed {
                false => {
                    plain_rps = h.rps;
                    (format!("{} B", raw.len()), " | ".to_owned())
                }
                true => {
                    let bytes = br.len() as f64 / raw.len() as f64;
                    (
                        format!("{} B br", br.len()),
                        format!("{:.1} % | {:.2}", bytes * 100.0, h.rps / plain_rps),
                    )
                }
            };
            let cost = match meter {
                Some(_) => format!(
                    "{} | {:.2} | {} | {}",
                    t.hits,
                    t.per_thousand(),
                    t.version_round_trips,
                    t.lease_reads
                ),
                None => " | | | ".to_owned(),
            };
            println!(
                "| {name} | {c} | {body} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | **{:.2}** | {extra} | {cost} |",
                h.rps, h.p50_us, h.p99_us, r.rps, r.p50_us, r.p99_us, h.rps / r.rps
            );
            all.add(&t);
            // A bound only where every hit makes the round trip: leases off.
            if let (Some(rtt), 1, Some(0)) = (rtt, c, lease_ms) {
                let ceiling = r.p50_us / (r.p50_us + rtt);
                note(&format!("one Redis round trip from this program's client: p50 {rtt:.0} µs; the reference's p50 plus one such round trip would be a ratio of {ceiling:.2}"));
            }
        }
    }
    if let Some(meter) = &mut meter {
        let idle = meter.idle(timing.secs as f64).await;
        let foreign = meter.foreign.map_or("unknown (no /proc)".to_owned(), |n| n.to_string());
        note(&format!(
            "{name}, all timed runs: {} hits in {:.0} s, Redis commands {} ({}); with no load, Herald's Redis commands in {} s: {idle} ({:.1}/s); most clients of other programs connected to Redis after a run: {foreign}",
            all.hits, all.seconds, all.commands, all.commands_by_name(), timing.secs,
            idle as f64 / timing.secs as f64,
        ));
    }
    s.herald.stop().await;
}
