//! The harness: a strict simulator requiring [`API_KEY`], whose primary profile and one
//! User Profile have every network linked, and a client pointed at it that sends X
//! credentials (as Herald does for a workspace that has them).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ayrshare::{Client, Platform, PostRequest, Profile, XCredentials};
use ayrshare_sim::{SimConfig, SimHandle, Simulator};

pub const API_KEY: &str = "TEST-API-KEY-0123456789";

/// A running simulator, a client, the User Profile's key and X credentials.
pub struct Fixture {
    pub sim: SimHandle,
    pub client: Client,
    pub key: String,
    pub x: XCredentials,
}

impl Fixture {
    /// The primary profile, with X credentials.
    pub fn primary(&self) -> Profile<'_> {
        Profile::primary().with_x(&self.x)
    }

    /// The User Profile, with X credentials.
    pub fn user(&self) -> Profile<'_> {
        Profile::new(&self.key).with_x(&self.x)
    }
}

/// A fixture whose client gives up after `timeout`.
pub async fn spawn(timeout: Duration) -> Fixture {
    spawn_with(timeout, SimConfig::default()).await
}

/// [`spawn`] with other simulator knobs (the API key is always [`API_KEY`]).
pub async fn spawn_with(timeout: Duration, config: SimConfig) -> Fixture {
    let config = SimConfig { api_key: Some(API_KEY.to_owned()), ..config };
    let sim = Simulator::spawn(config).await.expect("simulator starts");
    let key = sim.sim.create_profile("Client tests");
    for profile in ["", key.as_str()] {
        sim.sim.link(profile, &Platform::ALL, true).expect("known profile");
    }
    let client = Client::new(&sim.base_url(), API_KEY, timeout).expect("valid client config");
    let x = XCredentials::new("x-consumer-key-0123", "x-consumer-secret-4567");
    Fixture { sim, client, key, x }
}

/// A post with unique text (the simulator rejects repeated text as duplicate content).
pub fn post(platforms: &[&str]) -> PostRequest {
    static N: AtomicU32 = AtomicU32::new(0);
    PostRequest {
        post: format!("integration post {}", N.fetch_add(1, Ordering::Relaxed)),
        platforms: platforms.iter().map(ToString::to_string).collect(),
        notes: Some("from tests".into()),
        ..PostRequest::default()
    }
}
