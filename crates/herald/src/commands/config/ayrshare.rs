//! Ayrshare: the API, its budget and integration ([`AyrshareArgs`]), and publishing
//! ([`PublishArgs`]).

use crate::foundation::secret::Secret;
use clap::Args;
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct AyrshareArgs {
    /// Ayrshare API key; unset = sandbox mode on the built-in simulator.
    #[arg(long, env = "AYRSHARE_API_KEY", hide_env_values = true)]
    pub ayrshare_api_key: Option<Secret>,
    #[arg(long, env = "AYRSHARE_BASE_URL", default_value = "https://api.ayrshare.com/api")]
    pub ayrshare_base_url: String,
    /// Secret Ayrshare signs webhooks with.
    #[arg(long, env = "AYRSHARE_WEBHOOK_SECRET", hide_env_values = true)]
    pub ayrshare_webhook_secret: Option<Secret>,
    /// Timeout of one Ayrshare call.
    #[arg(long, env = "HERALD_AYRSHARE_TIMEOUT_MS", default_value_t = 15_000)]
    pub ayrshare_timeout_ms: u64,
    /// X (Twitter) OAuth1 API key sent with every Ayrshare call of workspaces without
    /// their own (Ayrshare refuses X calls without it, code 419).
    #[arg(long, env = "AYRSHARE_X_API_KEY", hide_env_values = true, requires = "x_api_secret")]
    pub x_api_key: Option<Secret>,
    /// The secret that goes with `AYRSHARE_X_API_KEY`.
    #[arg(long, env = "AYRSHARE_X_API_SECRET", hide_env_values = true, requires = "x_api_key")]
    pub x_api_secret: Option<Secret>,
    /// Ayrshare calls per profile per window, across all instances: `CALLS/SECONDS`.
    /// Keep it at or under Ayrshare's own limit (300 per 5 minutes).
    #[arg(long, env = "HERALD_AYRSHARE_BUDGET", default_value = "300/300")]
    pub ayrshare_budget: crate::coherence::gateway::Budget,
    /// The domain of your Ayrshare integration, for the social-account linking page
    /// (`POST /api/workspaces/{ws}/connect`).
    #[arg(long, env = "AYRSHARE_DOMAIN")]
    pub ayrshare_domain: Option<String>,
    /// The private key file (PEM) of your Ayrshare integration, for the linking page.
    #[arg(long, env = "AYRSHARE_PRIVATE_KEY_FILE")]
    pub ayrshare_private_key_file: Option<std::path::PathBuf>,
}

impl AyrshareArgs {
    /// The gateway's settings; reads the private key file (a missing file stops startup).
    pub fn gateway(&self) -> anyhow::Result<crate::coherence::gateway::Settings> {
        let global_x = match (&self.x_api_key, &self.x_api_secret) {
            (Some(key), Some(secret)) => Some(crate::foundation::domain::XCredentials {
                api_key: key.clone(),
                api_secret: secret.clone(),
            }),
            _ => None,
        };
        let linking = match (&self.ayrshare_domain, &self.ayrshare_private_key_file) {
            (Some(domain), Some(file)) => {
                let pem = std::fs::read_to_string(file).map_err(|e| {
                    anyhow::anyhow!(
                        "AYRSHARE_PRIVATE_KEY_FILE {} cannot be read: {e}",
                        file.display()
                    )
                })?;
                Some(crate::coherence::gateway::Linking {
                    domain: domain.clone(),
                    private_key: Secret::new(pem),
                })
            }
            _ => None,
        };
        Ok(crate::coherence::gateway::Settings { budget: self.ayrshare_budget, global_x, linking })
    }
}

#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// How long a publishing claim is owned before another instance may settle it.
    #[arg(long, env = "HERALD_PUBLISH_LEASE_SECS", default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub publish_lease_secs: u64,
    /// Attempts per claim for Ayrshare 429/5xx/timeouts.
    #[arg(long, env = "HERALD_PUBLISH_ATTEMPTS", default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub publish_attempts: u32,
    /// First retry backoff (doubled per attempt).
    #[arg(long, env = "HERALD_PUBLISH_BACKOFF_MS", default_value_t = 500)]
    pub publish_backoff_ms: u64,
}

impl PublishArgs {
    pub fn policy(&self) -> crate::coherence::publish::PublishPolicy {
        crate::coherence::publish::PublishPolicy {
            attempts: self.publish_attempts,
            backoff: Duration::from_millis(self.publish_backoff_ms),
            lease: Duration::from_secs(self.publish_lease_secs),
            ..Default::default()
        }
    }
}
