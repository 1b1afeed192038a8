//! The simulator's knobs: command-line/env options ([`SimArgs`]), the run-time
//! configuration they produce ([`SimConfig`]), the rate-limit spec, and the partial
//! update accepted by `POST /__sim/config`.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};

/// Options of `herald sim`, flattened into that subcommand by the `herald` crate.
/// Every flag also reads the environment variable named beside it. `Debug` never
/// shows the API key.
#[derive(clap::Args, Clone)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, env = "SIM_BIND", default_value = "127.0.0.1:8081")]
    pub bind: SocketAddr,
    /// Delay added before answering every `/api` call, in milliseconds.
    #[arg(long, env = "SIM_LATENCY_MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// How long a new post stays out of `GET /api/history` (Ayrshare's upstream cache).
    #[arg(long, env = "SIM_HISTORY_LAG_MS", default_value_t = 0)]
    pub history_lag_ms: u64,
    /// Probability (0..=1) that an authorised `/api` call fails with a simulated 500.
    #[arg(long, env = "SIM_ERROR_RATE", default_value_t = 0.0, value_parser = parse_error_rate)]
    pub error_rate: f64,
    /// Accepted calls per profile per window, as `N/SECS` (Ayrshare: 300 per 5 minutes).
    #[arg(long, env = "SIM_RATE_LIMIT", default_value = "300/300")]
    pub rate_limit: RateLimitSpec,
    /// Reject unknown `Profile-Key` values with 403 even when `--lenient`.
    #[arg(long, env = "SIM_STRICT_PROFILES")]
    pub strict_profiles: bool,
    /// Kinder than Ayrshare: unknown `Profile-Key`s create profiles, every network
    /// counts as linked, X credentials are not required and posts are not
    /// pre-validated (length, YouTube title, scheduled posts).
    #[arg(long, env = "SIM_LENIENT")]
    pub lenient: bool,
    /// The only API key accepted; when unset, any non-empty bearer token is accepted.
    #[arg(long, env = "SIM_API_KEY")]
    pub api_key: Option<String>,
}

impl fmt::Debug for SimArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimArgs").field("bind", &self.bind).field("config", &self.config()).finish()
    }
}

impl SimArgs {
    /// The run-time configuration these options describe.
    pub fn config(&self) -> SimConfig {
        SimConfig {
            latency: Duration::from_millis(self.latency_ms),
            history_lag: Duration::from_millis(self.history_lag_ms),
            error_rate: self.error_rate.clamp(0.0, 1.0),
            rate_limit: self.rate_limit,
            strict_profiles: self.strict_profiles,
            lenient: self.lenient,
            api_key: self.api_key.clone().filter(|k| !k.is_empty()),
            fail_platforms: Vec::new(),
        }
    }
}

/// Parses and validates `--error-rate`: a probability, so within `0..=1`.
fn parse_error_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text.trim().parse().map_err(|e| format!("not a number: {e}"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("must be between 0 and 1, got {rate}"))
    }
}

/// The simulator's behaviour knobs; can be changed while it runs
/// ([`crate::Simulator::update_config`] or `POST /__sim/config`). `Debug` says whether
/// an API key is set, never the key.
#[derive(Clone)]
pub struct SimConfig {
    /// Sleep before handling every `/api` call.
    pub latency: Duration,
    /// A post appears in `GET /api/history` only this long after it was created.
    pub history_lag: Duration,
    /// Probability of a simulated 500 on an authorised `/api` call (clamped to 0..=1).
    pub error_rate: f64,
    /// Per-profile sliding-window limit on accepted `/api` calls.
    pub rate_limit: RateLimitSpec,
    /// Unknown `Profile-Key` values get 403 even when `lenient` (strict mode always
    /// refuses them).
    pub strict_profiles: bool,
    /// `false` (the default): as strict as Ayrshare. `true`: unknown profile keys
    /// create profiles (unless `strict_profiles`), every network counts as linked, X
    /// credentials are not required, and neither tweet length, YouTube titles nor
    /// scheduled posts are pre-validated.
    pub lenient: bool,
    /// The only accepted API key, or `None` to accept any non-empty bearer token.
    pub api_key: Option<String>,
    /// Posts to these platforms fail with code 156 ("not linked").
    pub fail_platforms: Vec<String>,
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("latency", &self.latency)
            .field("history_lag", &self.history_lag)
            .field("error_rate", &self.error_rate)
            .field("rate_limit", &self.rate_limit)
            .field("strict_profiles", &self.strict_profiles)
            .field("lenient", &self.lenient)
            .field("api_key_set", &self.api_key.is_some())
            .field("fail_platforms", &self.fail_platforms)
            .finish()
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            latency: Duration::ZERO,
            history_lag: Duration::ZERO,
            error_rate: 0.0,
            rate_limit: RateLimitSpec::default(),
            strict_profiles: false,
            lenient: false,
            api_key: None,
            fail_platforms: Vec::new(),
        }
    }
}

impl SimConfig {
    /// Whether an unknown `Profile-Key` is refused (always, unless lenient).
    pub(crate) fn refuses_unknown_profiles(&self) -> bool {
        !self.lenient || self.strict_profiles
    }

    /// Whether posting to `platform` is configured to fail as "not linked".
    pub(crate) fn fails(&self, platform: &str) -> bool {
        self.fail_platforms.iter().any(|p| p.eq_ignore_ascii_case(platform))
    }

    /// The JSON form served by `GET /__sim/config` (the API key itself is never shown).
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "latency_ms": duration_ms(self.latency),
            "history_lag_ms": duration_ms(self.history_lag),
            "error_rate": self.error_rate,
            "rate_limit_max": self.rate_limit.max,
            "rate_limit_window_secs": self.rate_limit.window.as_secs_f64(),
            "fail_platforms": self.fail_platforms,
            "strict_profiles": self.strict_profiles,
            "lenient": self.lenient,
            "api_key_set": self.api_key.is_some(),
        })
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A rate limit of `max` accepted calls per sliding `window`; written `N/SECS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSpec {
    /// Calls accepted within one window.
    pub max: u32,
    /// Length of the sliding window.
    pub window: Duration,
}

impl Default for RateLimitSpec {
    /// Ayrshare's current limit: 300 calls per 5 minutes per profile.
    fn default() -> Self {
        RateLimitSpec { max: 300, window: Duration::from_secs(300) }
    }
}

impl FromStr for RateLimitSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (max, secs) = text
            .split_once('/')
            .ok_or_else(|| format!("expected N/SECS such as 300/300, got {text:?}"))?;
        let max: u32 = max.trim().parse().map_err(|e| format!("bad call count {max:?}: {e}"))?;
        let secs: u64 = secs.trim().parse().map_err(|e| format!("bad window {secs:?}: {e}"))?;
        if max == 0 || secs == 0 {
            return Err("both the call count and the window must be positive".to_string());
        }
        Ok(RateLimitSpec { max, window: Duration::from_secs(secs) })
    }
}

impl fmt::Display for RateLimitSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.max, self.window.as_secs())
    }
}

/// Body of `POST /__sim/config`: every field optional, absent means unchanged.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigPatch {
    latency_ms: Option<u64>,
    history_lag_ms: Option<u64>,
    error_rate: Option<f64>,
    rate_limit_max: Option<u32>,
    rate_limit_window_secs: Option<f64>,
    fail_platforms: Option<Vec<String>>,
    strict_profiles: Option<bool>,
    lenient: Option<bool>,
}

impl ConfigPatch {
    /// Checks every field before anything is applied, so a bad patch changes nothing.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(rate) = self.error_rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("error_rate must be between 0 and 1, got {rate}"));
            }
        }
        if self.rate_limit_max == Some(0) {
            return Err("rate_limit_max must be positive".to_string());
        }
        if let Some(secs) = self.rate_limit_window_secs {
            if !(secs.is_finite() && secs > 0.0 && secs < 1e9) {
                return Err(format!("rate_limit_window_secs must be positive, got {secs}"));
            }
        }
        Ok(())
    }

    /// Applies the present fields; call [`ConfigPatch::validate`] first.
    pub(crate) fn apply(self, config: &mut SimConfig) {
        if let Some(ms) = self.latency_ms {
            config.latency = Duration::from_millis(ms);
        }
        if let Some(ms) = self.history_lag_ms {
            config.history_lag = Duration::from_millis(ms);
        }
        if let Some(rate) = self.error_rate {
            config.error_rate = rate;
        }
        if let Some(max) = self.rate_limit_max {
            config.rate_limit.max = max;
        }
        if let Some(secs) = self.rate_limit_window_secs {
            config.rate_limit.window = Duration::from_secs_f64(secs);
        }
        if let Some(platforms) = self.fail_platforms {
            config.fail_platforms = platforms.into_iter().map(|p| p.to_ascii_lowercase()).collect();
        }
        if let Some(strict) = self.strict_profiles {
            config.strict_profiles = strict;
        }
        if let Some(lenient) = self.lenient {
            config.lenient = lenient;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_spec_round_trips() {
        let spec: RateLimitSpec = "10/60".parse().expect("valid spec");
        assert_eq!(spec, RateLimitSpec { max: 10, window: Duration::from_secs(60) });
        assert_eq!(spec.to_string(), "10/60");
    }

    #[test]
    fn rate_limit_spec_rejects_garbage() {
        for bad in ["", "300", "0/10", "10/0", "a/b", "-1/5"] {
            assert!(bad.parse::<RateLimitSpec>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn error_rate_must_be_a_probability() {
        assert!(parse_error_rate("0.5").is_ok());
        assert!(parse_error_rate("1.5").is_err());
        assert!(parse_error_rate("-0.1").is_err());
    }

    #[test]
    fn debug_never_shows_the_api_key() {
        let config =
            SimConfig { api_key: Some("SECRET-API-KEY-123".into()), ..SimConfig::default() };
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("SECRET-API-KEY-123") && shown.contains("api_key_set: true"),
            "{shown}"
        );
    }

    #[test]
    fn bad_patch_is_rejected_whole() {
        let patch = ConfigPatch { error_rate: Some(2.0), ..ConfigPatch::default() };
        assert!(patch.validate().is_err());
    }
}
