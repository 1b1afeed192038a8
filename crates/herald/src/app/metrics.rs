//! `/metrics` (OpenMetrics text, `prometheus-client`): requests and their latency by
//! method, route and status; Ayrshare calls by method, endpoint and status; the cache's
//! counters. One registry per application (no global recorder), so several apps in one
//! test process keep their own figures.
//!
//! Every label value comes from a closed set (security review H1): the method is one of
//! the standard ones or `other`, the route is a template of Herald's route table or
//! `unmatched`, the status a code Herald answered, the Ayrshare endpoint a path Herald
//! itself calls. Requests the rate limiter refuses are counted like any other.

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use herald_cache::Cache;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// An HTTP method as a label: the standard ones, or `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodLabel(&'static str);

impl MethodLabel {
    pub fn of(method: &Method) -> Self {
        const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
        Self(KNOWN.into_iter().find(|m| *m == method.as_str()).unwrap_or("other"))
    }
}

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CallLabels {
    method: String,
    endpoint: String,
    status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EndpointLabels {
    method: String,
    endpoint: String,
}

type Latencies<L> = Family<L, Histogram, fn() -> Histogram>;

fn histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The cache's counters, copied in at scrape time.
#[derive(Default)]
struct CacheCounters {
    hits: Counter,
    misses: Counter,
    fills: Counter,
    fill_errors: Counter,
    stale_fills_rejected: Counter,
    invalidations: Counter,
    bypasses: Counter,
    lease_waits: Counter,
    redis_errors: Counter,
    version_round_trips: Counter,
    lease_reads: Counter,
    ack_waits: Counter,
    ack_timeouts: Counter,
    /// The longest an invalidation waited for lease holders (G10 bounds it by the lease).
    ack_wait_longest: Gauge<f64, std::sync::atomic::AtomicU64>,
}

/// The application's metrics. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_latency: Latencies<RouteLabels>,
    calls: Family<CallLabels, Counter>,
    call_latency: Latencies<EndpointLabels>,
    cache: CacheCounters,
    freshness: crate::gate::dashboard::monitor::Counts,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let request_latency: Latencies<RouteLabels> = Family::new_with_constructor(histogram);
        let calls = Family::<CallLabels, Counter>::default();
        let call_latency: Latencies<EndpointLabels> = Family::new_with_constructor(histogram);
        registry.register("herald_http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "herald_http_request_duration_seconds",
            "HTTP request latency",
            request_latency.clone(),
        );
        registry.register("herald_ayrshare_calls", "Calls to Ayrshare", calls.clone());
        registry.register(
            "herald_ayrshare_call_duration_seconds",
            "Ayrshare call latency",
            call_latency.clone(),
        );
        let cache = CacheCounters::default();
        let named = [
            ("hits", &cache.hits, "reads answered from a cache tier"),
            ("misses", &cache.misses, "reads answered by a fill"),
            ("fills", &cache.fills, "fills run"),
            ("fill_errors", &cache.fill_errors, "fills that failed"),
            ("stale_fills_rejected", &cache.stale_fills_rejected, "fills refused as stale"),
            ("invalidations", &cache.invalidations, "invalidations"),
            ("bypasses", &cache.bypasses, "reads that bypassed the cache"),
            ("lease_waits", &cache.lease_waits, "reads that waited for another instance"),
            ("redis_errors", &cache.redis_errors, "failed Redis commands"),
            (
                "version_round_trips",
                &cache.version_round_trips,
                "Redis round trips resolving versions (one per request that reads the cache)",
            ),
            ("lease_reads", &cache.lease_reads, "reads resolved under the read lease, no Redis"),
            ("ack_waits", &cache.ack_waits, "invalidations that waited for lease holders"),
            ("ack_timeouts", &cache.ack_timeouts, "lease holders a write stopped waiting for"),
        ];
        for (name, counter, help) in named {
            registry.register(format!("herald_cache_{name}"), help, counter.clone());
        }
        registry.register(
            "herald_cache_ack_wait_longest_seconds",
            "the longest an invalidation waited for lease holders",
            cache.ack_wait_longest.clone(),
        );
        let freshness = crate::gate::dashboard::monitor::Counts::default();
        let checks =
            ("herald_freshness_checks", "dashboard answers re-checked against the database");
        registry.register(checks.0, checks.1, freshness.checks.clone());
        let violations = ("herald_freshness_violations", "re-checked answers found stale");
        registry.register(violations.0, violations.1, freshness.violations.clone());
        let inner =
            Inner { registry, requests, request_latency, calls, call_latency, cache, freshness };
        Self { inner: Arc::new(inner) }
    }

    /// The freshness monitor's counters (G11).
    pub fn freshness(&self) -> crate::gate::dashboard::monitor::Counts {
        self.inner.freshness.clone()
    }

    /// Counts one answered request.
    pub fn request(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let method = MethodLabel::of(method);
        let route = route.to_owned();
        let labels = RouteLabels { method, route: route.clone() };
        self.inner.request_latency.get_or_create(&labels).observe(elapsed.as_secs_f64());
        self.inner.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    }

    /// Counts one Ayrshare call (`status` `None`: no answer arrived).
    pub fn ayrshare_call(&self, call: &ayrshare::CallRecord) {
        let endpoint =
            EndpointLabels { method: call.method.clone(), endpoint: call.endpoint.clone() };
        self.inner.call_latency.get_or_create(&endpoint).observe(call.elapsed.as_secs_f64());
        let status = call.status.map_or_else(|| "none".to_owned(), |s| s.to_string());
        let labels = CallLabels { method: endpoint.method, endpoint: endpoint.endpoint, status };
        self.inner.calls.get_or_create(&labels).inc();
    }

    /// The exposition text, with the cache's counters as they are now.
    pub fn render(&self, cache: &Cache) -> String {
        let m = cache.metrics();
        let c = &self.inner.cache;
        let pairs = [
            (&c.hits, m.hits),
            (&c.misses, m.misses),
            (&c.fills, m.fills),
            (&c.fill_errors, m.fill_errors),
            (&c.stale_fills_rejected, m.stale_fills_rejected),
            (&c.invalidations, m.invalidations),
            (&c.bypasses, m.bypasses),
            (&c.lease_waits, m.lease_waits),
            (&c.redis_errors, m.redis_errors),
            (&c.version_round_trips, m.version_round_trips),
            (&c.lease_reads, m.lease_reads),
            (&c.ack_waits, m.ack_waits),
            (&c.ack_timeouts, m.ack_timeouts),
        ];
        for (counter, value) in pairs {
            counter.inner().store(value, std::sync::atomic::Ordering::Relaxed);
        }
        c.ack_wait_longest.set(m.ack_wait_longest_ms as f64 / 1000.0);
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.inner.registry).is_err() {
            tracing::error!("metrics could not be encoded");
        }
        out
    }
}

/// The middleware that counts every request and its latency (rate-limited ones too).
pub async fn record(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let response = next.run(req).await;
    let route = route.as_deref().unwrap_or("unmatched");
    metrics.request(&method, route, response.status().as_u16(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_outside_the_standard_ones_are_one_label() {
        let custom = Method::from_bytes(b"MMMMMMMMMMMMMMMMMMMM").expect("an extension method");
        assert_eq!(MethodLabel::of(&custom), MethodLabel("other"));
        assert_eq!(MethodLabel::of(&Method::PATCH), MethodLabel("PATCH"));
    }

    #[test]
    fn requests_and_cache_counters_are_rendered() {
        let metrics = Metrics::new();
        metrics.request(&Method::GET, "/a", 200, Duration::from_millis(3));
        metrics.request(&Method::GET, "/a", 200, Duration::from_millis(3));
        let text = metrics.render(&Cache::local(Duration::from_secs(1)));
        assert!(
            text.contains(
                "herald_http_requests_total{method=\"GET\",route=\"/a\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains("herald_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/a\"} 2") || text.contains("le=\"0.005\""), "{text}");
        assert!(text.contains("herald_cache_hits_total 0"), "{text}");
    }
}
