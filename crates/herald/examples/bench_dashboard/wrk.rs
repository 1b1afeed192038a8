//! The external load generator, `wrk`: finding it, running it, reading its report.

use std::process::Stdio;
use tokio::process::Command;

/// What one wrk run measured.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub rps: f64,
    /// Requests completed in the run.
    pub requests: u64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// Responses that were not 2xx/3xx (must be 0 for a valid run).
    pub errors: u64,
}

/// Fails with how to install wrk when it is missing.
pub async fn check() -> Result<String, String> {
    let mut probe = Command::new("wrk");
    probe.arg("--version").stdout(Stdio::piped()).stderr(Stdio::piped());
    match probe.output().await {
        // `wrk --version` prints its version and exits 1.
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            Ok(text.lines().next().unwrap_or("wrk").trim().to_owned())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err("wrk (the HTTP load generator) is not installed. Install it with \
             `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk` (macOS), then run \
             this program again."
                .to_owned())
        }
        Err(e) => Err(format!("wrk could not be started: {e}")),
    }
}

/// `wrk` against `url` for `seconds` with `connections` (and as many threads as cores,
/// at most one per connection), sending `headers`.
pub async fn run(url: &str, connections: usize, seconds: u64, headers: &[String]) -> Run {
    let threads = connections.clamp(1, 2);
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency");
    for h in headers {
        cmd.arg("-H").arg(h);
    }
    let out = cmd.arg(url).output().await.expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    parse(&text)
}

fn parse(text: &str) -> Run {
    let field = |prefix: &str| {
        text.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix)).map(str::trim)
    };
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let rps = field("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let p50_us = field("50%").map(micros).unwrap_or(f64::NAN);
    let p99_us = field("99%").map(micros).unwrap_or(f64::NAN);
    let errors = field("Non-2xx or 3xx responses:").and_then(|v| v.parse().ok()).unwrap_or(0)
        + field("Socket errors:").map_or(0, |_| 1);
    Run { rps, requests, p50_us, p99_us, errors }
}

/// `69.00us`, `1.20ms`, `2.00s` in microseconds.
fn micros(value: &str) -> f64 {
    let split = value.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.trim().parse().unwrap_or(f64::NAN);
    match unit.trim() {
        "us" => number,
        "ms" => number * 1e3,
        "s" => number * 1e6,
        _ => f64::NAN,
    }
}

/// The median of `values` (by requests/s).
pub fn median(mut values: Vec<Run>) -> Run {
    values.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    values[values.len() / 2]
}
