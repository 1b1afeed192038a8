//! The nginx site of `deploy/` for real (Debian's nginx), in front of two `herald serve`
//! processes on PostgreSQL and Redis: the site file is rendered with the test's ports and a
//! self-signed certificate made here (`openssl`), and everything goes through it over
//! HTTPS: the redirect from plain HTTP, sign-in with a password, an event stream that
//! receives an event caused by a write through the other instance, and a rolling restart
//! (SIGTERM one instance, start it again, then the other) under looping readers, every
//! answer counted by status. Without nginx it says `skipped: no nginx`.

use super::deployment::{deploy, instance, nginx_binary, Deployment};
use crate::scaled::api::{client, workspace_and_editor};
use crate::scaled::cluster::{scenario, skipped, ADMIN};
use crate::support::events::Events;
use crate::support::people::{invitation_token, PASSWORD};
use ayrshare_sim::SimConfig;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TEST: &str =
    "the_deploy_nginx_site_serves_two_instances_over_https_through_a_rolling_restart";
/// Looping readers during the rolling restart.
const READERS: usize = 4;

/// GETs of the post list answered by the instance at `base` (from its `/metrics`).
async fn list_reads(base: &str) -> u64 {
    let text = reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap();
    text.lines()
        .filter(|l| {
            l.starts_with(
                "herald_http_requests_total{method=\"GET\",route=\"/api/workspaces/{ws}/posts\"",
            )
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// Waits until nginx sends readers to the (restarted) instance at `base` again.
async fn until_nginx_uses(base: &str) {
    for _ in 0..400 {
        if list_reads(base).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("nginx never sent a request to {base} after its restart");
}

type Counts = Arc<Mutex<BTreeMap<String, usize>>>;

/// Reads the post list through nginx until `stop`, counting every answer by status.
fn reader(
    http: reqwest::Client,
    url: String,
    token: String,
    stop: Arc<AtomicBool>,
    counts: Counts,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            let key = match http.get(&url).bearer_auth(&token).send().await {
                Ok(res) => {
                    let status = res.status().as_u16().to_string();
                    match res.bytes().await {
                        Ok(_) => status,
                        Err(e) => format!("{status} with a broken body: {e}"),
                    }
                }
                Err(e) => format!("connection error: {e}"),
            };
            *counts.lock().unwrap().entry(key).or_default() += 1;
        }
    })
}

/// A person invited through nginx who then signs in with their password: the cookie.
async fn sign_in(http: &reqwest::Client, base: &str, ws: &str) -> String {
    let email = format!("editor-{}@example.com", uuid::Uuid::new_v4().simple());
    let invite = http
        .post(format!("{base}/api/workspaces/{ws}/invitations"))
        .bearer_auth(ADMIN)
        .json(&json!({"email": email, "role": "editor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(invite.status(), 201);
    let token = invitation_token(&invite.json::<Value>().await.unwrap());
    let accept = json!({"token": token, "name": "Eddie", "password": PASSWORD});
    let res =
        http.post(format!("{base}/api/invitations/accept")).json(&accept).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "sign-in with a password through nginx");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("herald_session="))
        .expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_deploy_nginx_site_serves_two_instances_over_https_through_a_rolling_restart() {
    let Some(binary) = nginx_binary() else {
        return skipped(TEST, "no nginx");
    };
    scenario(TEST, true, SimConfig::default(), move |env| async move {
        let Deployment { dir: _dir, ports, ca, mut a, mut b, nginx, base } =
            deploy(&binary, &env).await;
        let pem = std::fs::read(&ca).unwrap();
        let https = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();

        let plain =
            https.get(format!("http://127.0.0.1:{}/healthz", ports.http)).send().await.unwrap();
        assert_eq!(plain.status(), 301, "plain HTTP is redirected");
        let (ws, editor) =
            workspace_and_editor(&https, &base, &env.sim.base_url(), "Proxied").await;
        let cookie = sign_in(&https, &base, &ws).await;

        // Two streams through nginx (round robin: one on each instance), a write straight
        // to instance a: both streams see it, so one saw a write made through the other.
        let mut streams = Vec::new();
        for _ in 0..2 {
            let res = https
                .get(format!("{base}/api/workspaces/{ws}/events"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            streams.push(Events::of(res));
        }
        let text = "Through the other instance";
        let post = json!({"text": text, "platforms": ["twitter"], "submit": false});
        let created = client()
            .post(format!("{}/api/workspaces/{ws}/posts", a.url))
            .bearer_auth(&editor)
            .json(&post)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        for stream in &mut streams {
            let seen =
                stream.wait_for("post", Duration::from_secs(10), |p| p["text"] == text).await;
            assert!(
                seen.is_some(),
                "a stream through nginx missed the event; nginx log:\n{}",
                nginx.error_log()
            );
        }
        drop(streams);

        // The rolling restart, under looping readers.
        let (stop, counts) = (Arc::new(AtomicBool::new(false)), Counts::default());
        let url = format!("{base}/api/workspaces/{ws}/posts?limit=5");
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                reader(https.clone(), url.clone(), editor.clone(), stop.clone(), counts.clone())
            })
            .collect();
        until_nginx_uses(&a.url).await;
        a.terminate().await;
        let a = instance(&env, "a", ports.a).await;
        until_nginx_uses(&a.url).await;
        b.terminate().await;
        let b = instance(&env, "b", ports.b).await;
        until_nginx_uses(&b.url).await;
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            r.await.unwrap();
        }
        let counts = counts.lock().unwrap().clone();
        println!("rolling restart through nginx, {READERS} readers, answers by status: {counts:?}");
        let bad: Vec<_> = counts.iter().filter(|(status, _)| status.as_str() != "200").collect();
        assert!(
            bad.is_empty(),
            "answers other than 200: {bad:?} of {counts:?}; nginx log:\n{}",
            nginx.error_log()
        );
        assert!(counts.get("200").copied().unwrap_or(0) > 0);
        drop((a, b, nginx));
    })
    .await;
}

/// `deploy/` file `name`.
fn deploy_file(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy").join(name))
        .unwrap_or_else(|e| panic!("deploy/{name}: {e}"))
}

#[test]
fn the_deploy_files_agree_on_the_upload_size_and_trust_only_the_local_proxy() {
    let site = deploy_file("nginx/herald.conf");
    let env = deploy_file("herald.env.example");
    let number_after = |text: &str, key: &str| -> u64 {
        let rest = text.split(key).nth(1).unwrap_or_else(|| panic!("no {key}"));
        rest.trim_start().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
    };
    let body_mb = number_after(&site, "client_max_body_size");
    let media_mb = number_after(&env, "\nHERALD_MEDIA_MAX_MB=");
    assert_eq!(
        body_mb,
        media_mb + 1,
        "nginx takes an upload of HERALD_MEDIA_MAX_MB and its envelope"
    );
    assert!(env.contains("\nHERALD_TRUSTED_PROXIES=127.0.0.1/32\n"));
    let unit = deploy_file("systemd/herald@.service");
    for hardening in [
        "User=herald",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "Restart=on-failure",
        "LimitNOFILE=",
    ] {
        assert!(unit.contains(hardening), "the unit lacks {hardening}");
    }
}
