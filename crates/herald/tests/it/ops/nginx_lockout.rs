//! Sign-in throttling through the `deploy/` nginx site (the operations review's lockout:
//! behind a proxy every person was the proxy's address, so one client's 30 bad sign-ins
//! made everyone's correct sign-in answer 429, on every instance). With
//! `HERALD_TRUSTED_PROXIES` naming nginx, each client is its own address again. Seen
//! failing before `HERALD_TRUSTED_PROXIES` existed: the editor's sign-in was 429.

use super::deployment::{deploy, nginx_binary};
use crate::scaled::api::workspace_and_editor;
use crate::scaled::cluster::{scenario, skipped, ADMIN};
use crate::support::people::{invitation_token, PASSWORD};
use ayrshare_sim::SimConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::time::Duration;

const TEST: &str = "through_nginx_one_clients_failed_sign_ins_never_lock_out_another_client";

/// An HTTPS client trusting the test CA, its connections from loopback address `ip`.
fn client_from(ca: &std::path::Path, ip: &str) -> reqwest::Client {
    let pem = std::fs::read(ca).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .local_address(ip.parse::<IpAddr>().unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> StatusCode {
    let body = json!({"email": email, "password": password});
    http.post(format!("{base}/api/auth/login")).json(&body).send().await.unwrap().status()
}

#[tokio::test]
async fn through_nginx_one_clients_failed_sign_ins_never_lock_out_another_client() {
    let Some(binary) = nginx_binary() else {
        return skipped(TEST, "no nginx");
    };
    scenario(TEST, true, SimConfig::default(), move |env| async move {
        let deployment = deploy(&binary, &env).await;
        let (ca, base) = (&deployment.ca, deployment.base.clone());
        let (editor, attacker) = (client_from(ca, "127.0.0.32"), client_from(ca, "127.0.0.31"));
        let (ws, _) = workspace_and_editor(&editor, &base, &env.sim.base_url(), "Lockout").await;
        let email = format!("editor-{}@example.com", uuid::Uuid::new_v4().simple());
        let invitation = editor
            .post(format!("{base}/api/workspaces/{ws}/invitations"))
            .bearer_auth(ADMIN)
            .json(&json!({"email": email, "role": "editor"}))
            .send()
            .await
            .unwrap();
        let token = invitation_token(&invitation.json::<Value>().await.unwrap());
        let accept = json!({"token": token, "name": "Eddie", "password": PASSWORD});
        let accepted = editor.post(format!("{base}/api/invitations/accept")).json(&accept);
        assert_eq!(accepted.send().await.unwrap().status(), 200);

        let mut last = StatusCode::OK;
        for i in 0..31 {
            last = login(&attacker, &base, &format!("made-up-{i}@example.com"), "guess").await;
        }
        assert_eq!(last, 429, "the guessing client is held");
        assert_eq!(login(&attacker, &base, &email, PASSWORD).await, 429, "on both instances");
        let signed_in = login(&editor, &base, &email, PASSWORD).await;
        assert_eq!(signed_in, 200, "another client behind the same nginx signs in");
        drop(deployment);
    })
    .await;
}
