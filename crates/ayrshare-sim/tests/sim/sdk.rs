//! Ayrshare's official Node SDK (npm `social-media-api` 1.3.0, unmodified) as an outside
//! client: `tests/sdk/drive.mjs` runs it against a strict simulator through the methods
//! Herald relies on and checks shapes and strict behaviours, one line per check.
//!
//! The SDK is installed by `.ci/ayrshare-sdk.sh` into `AYRSHARE_SDK_DIR` (default
//! `target/ayrshare-sdk` under the workspace root). Without `node` or the package the
//! test says `skipped: no Ayrshare SDK (<reason>)` on stderr and passes; CI treats that
//! line as a failure.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ayrshare_sim::{SimConfig, Simulator};

const API_KEY: &str = "SDK-TEST-API-KEY-0123";
/// The driver is quick (well under 10 s); this only bounds a hung `node`.
const DRIVER_LIMIT: Duration = Duration::from_secs(120);

/// Where the SDK was installed (`npm install --prefix <dir>`).
fn sdk_dir() -> PathBuf {
    match std::env::var_os("AYRSHARE_SDK_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ayrshare-sdk"),
    }
}

/// Says (on stderr, past libtest's capture, in one write) why the test did not run.
fn skipped(reason: &str) {
    let _ =
        std::io::stderr().write_all(format!("skipped: no Ayrshare SDK ({reason})\n").as_bytes());
}

/// The SDK's directory, or why it cannot be used.
fn sdk() -> Result<PathBuf, String> {
    let node = std::process::Command::new("node").arg("--version").output();
    match node {
        Ok(out) if out.status.success() => {}
        Ok(out) => return Err(format!("node --version failed: {}", out.status)),
        Err(e) => return Err(format!("node not found: {e}")),
    }
    let dir = sdk_dir();
    let package = dir.join("node_modules/social-media-api/package.json");
    if !package.is_file() {
        let dir = dir.display();
        return Err(format!("social-media-api not installed in {dir}; run .ci/ayrshare-sdk.sh"));
    }
    Ok(dir)
}

#[tokio::test]
async fn ayrshares_node_sdk_drives_the_strict_simulator() {
    let dir = match sdk() {
        Ok(dir) => dir,
        Err(reason) => return skipped(&reason),
    };
    let config = SimConfig { api_key: Some(API_KEY.into()), ..SimConfig::default() };
    let sim = Simulator::spawn(config).await.expect("simulator starts");
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/drive.mjs");
    let run = tokio::process::Command::new("node")
        .arg(&driver)
        .env("SIM_ROOT", sim.root_url())
        .env("API_KEY", API_KEY)
        .env("AYRSHARE_SDK_DIR", &dir)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(DRIVER_LIMIT, run)
        .await
        .expect("the SDK driver finishes")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}{stderr}");
    assert!(
        output.status.success(),
        "the SDK driver failed ({}):\n{stdout}{stderr}",
        output.status
    );
    assert!(stdout.contains("all SDK checks passed"), "{stdout}");
}
