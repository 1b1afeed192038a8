//! `GET /metrics`: counters and latency histograms in the Prometheus text format, kept
//! per application instance (no global recorder, so several apps in one test process
//! do not mix their figures). Cache counters are read from the cache at scrape time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

type Labels = Vec<(&'static str, String)>;

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, Labels), u64>>,
    histograms: Mutex<BTreeMap<(&'static str, Labels), Histogram>>,
}

impl Metrics {
    pub fn inc(&self, name: &'static str, labels: Labels) {
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        *counters.entry((name, labels)).or_default() += 1;
    }

    pub fn observe(&self, name: &'static str, labels: Labels, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut histograms = self.histograms.lock().unwrap_or_else(|p| p.into_inner());
        let h = histograms.entry((name, labels)).or_default();
        for (slot, bound) in h.counts.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *slot += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The value of a counter (for tests and benchmarks).
    pub fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        let counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        counters
            .iter()
            .filter(|((n, l), _)| {
                *n == name
                    && labels.iter().all(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v))
            })
            .map(|(_, v)| *v)
            .sum()
    }

    /// The exposition text, with `extra` (already formatted) appended.
    pub fn render(&self, extra: &str) -> String {
        let mut out = String::new();
        let counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        let mut last = "";
        for ((name, labels), value) in counters.iter() {
            if *name != last {
                let _ = writeln!(out, "# TYPE {name} counter");
                last = name;
            }
            let _ = writeln!(out, "{name}{} {value}", fmt_labels(labels, None));
        }
        drop(counters);
        let histograms = self.histograms.lock().unwrap_or_else(|p| p.into_inner());
        for ((name, labels), h) in histograms.iter() {
            if *name != last {
                let _ = writeln!(out, "# TYPE {name} histogram");
                last = name;
            }
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {count}",
                    fmt_labels(labels, Some(&bound.to_string()))
                );
            }
            let _ = writeln!(out, "{name}_bucket{} {}", fmt_labels(labels, Some("+Inf")), h.count);
            let _ = writeln!(out, "{name}_sum{} {}", fmt_labels(labels, None), h.sum);
            let _ = writeln!(out, "{name}_count{} {}", fmt_labels(labels, None), h.count);
        }
        out.push_str(extra);
        out
    }
}

fn fmt_labels(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> =
        labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Formats plain counters (e.g. the cache's) as exposition text.
pub fn counters_text(prefix: &str, values: &[(&str, u64)]) -> String {
    let mut out = String::new();
    for (name, value) in values {
        let _ =
            writeln!(out, "# TYPE {prefix}_{name}_total counter\n{prefix}_{name}_total {value}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.inc("herald_x_total", vec![("route", "/a".into())]);
        m.inc("herald_x_total", vec![("route", "/a".into())]);
        m.observe("herald_latency_seconds", vec![("route", "/a".into())], Duration::from_millis(3));
        let text = m.render("");
        assert!(text.contains("herald_x_total{route=\"/a\"} 2"), "{text}");
        assert!(
            text.contains("herald_latency_seconds_bucket{route=\"/a\",le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("herald_latency_seconds_bucket{route=\"/a\",le=\"0.0025\"} 0"),
            "{text}"
        );
        assert_eq!(m.counter("herald_x_total", &[("route", "/a")]), 2);
    }
}
