//! Revocation across instances (API.md "People…"): removing a member or logging out on
//! one instance ends that person's event streams on another within a second, and their
//! next request there is refused — and an instance that has lost Redis refuses (503) to
//! acknowledge a removal the others could not learn of. Two in-process Heralds share a
//! SQLite file and a Redis namespace; A reaches Redis through a proxy the test can cut.

use super::hardening::{instance, sim};
use crate::support::people::{ends_within, invitation_token, PASSWORD};
use crate::support::proxy::Proxy;
use crate::support::*;
use serde_json::{json, Value};
use std::time::Duration;

/// A person signed in on `base`: (user id, cookie, CSRF token).
async fn person(
    http: &reqwest::Client,
    base: &str,
    ws: &str,
    email: &str,
) -> (String, String, String) {
    let invited: Value = http
        .post(format!("{base}/api/workspaces/{ws}/invitations"))
        .bearer_auth(ADMIN)
        .json(&json!({"email": email, "role": "viewer"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = json!({"token": invitation_token(&invited), "name": "Viv", "password": PASSWORD});
    let res = http.post(format!("{base}/api/invitations/accept")).json(&body).send().await.unwrap();
    let cookie =
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let accepted: Value = res.json().await.unwrap();
    let id = accepted["user"]["id"].as_str().unwrap().to_owned();
    (id, cookie, accepted["csrf_token"].as_str().unwrap().to_owned())
}

async fn stream(http: &reqwest::Client, base: &str, ws: &str, cookie: &str) -> reqwest::Response {
    let res = http
        .get(format!("{base}/api/workspaces/{ws}/events"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_removal_or_logout_on_one_instance_ends_the_persons_streams_on_another_and_is_refused_without_redis(
) {
    let test = "a_removal_or_logout_on_one_instance_ends_the_persons_streams_on_another";
    let Some(redis) = test_redis_url(test) else { return };
    let sim = sim().await;
    let db = tempfile::tempdir().unwrap();
    let namespace = format!("herald-test-{}", uuid::Uuid::new_v4().simple());
    let proxy =
        Proxy::start(redis.trim_start_matches("redis://").trim_end_matches('/').to_owned()).await;
    let a = instance(&sim, &db, &proxy.url(), &namespace).await;
    let b = instance(&sim, &db, &redis, &namespace).await;
    let http = reqwest::Client::new();
    sim_profile(&http, &sim.base_url(), "revoke", "PROFILE-revoke-0123456789abcdef").await;
    let body = json!({"name": "revoke", "ayrshare_profile_key": "PROFILE-revoke-0123456789abcdef"});
    let ws: Value = http
        .post(format!("{a}/api/workspaces"))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ws = ws["id"].as_str().unwrap().to_owned();

    // Removed on A while A cannot reach Redis: refused, and B keeps serving the member.
    let (user, cookie, _) = person(&http, &a, &ws, "viv@example.com").await;
    let read_on_b =
        || http.get(format!("{b}/api/workspaces/{ws}")).header("cookie", &cookie).send();
    assert_eq!(read_on_b().await.unwrap().status(), 200, "B knows the member");
    let on_b = stream(&http, &b, &ws, &cookie).await;
    proxy.cut();
    let remove =
        || http.delete(format!("{a}/api/workspaces/{ws}/members/{user}")).bearer_auth(ADMIN).send();
    assert_eq!(
        remove().await.unwrap().status(),
        503,
        "a removal B cannot learn of was acknowledged"
    );
    proxy.restore();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while remove().await.unwrap().status() == 503 {
        assert!(tokio::time::Instant::now() < deadline, "A never recovered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        ends_within(on_b, Duration::from_millis(1200)).await,
        "B's stream outlived the removal"
    );
    assert_eq!(read_on_b().await.unwrap().status(), 404, "and B refuses the former member at once");

    // Logging out on A ends the streams on B, and the session is unknown everywhere.
    let (_, cookie, csrf) = person(&http, &a, &ws, "wes@example.com").await;
    let on_b = stream(&http, &b, &ws, &cookie).await;
    let out = http
        .post(format!("{a}/api/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(ends_within(on_b, Duration::from_millis(1200)).await, "B's stream outlived the logout");
    let me = http.get(format!("{b}/api/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(me.status(), 401, "the session is gone on B too");
}
