//! Sign-in, credentials and client addresses after the third outside review
//! (`security-3.md` N1, N3, N4, N9, N10, N11, N16, H3′) and the operations review (a
//! proxy in front of Herald): one test each, written against the code the reviews
//! attacked and seen failing there before the fix. Requests come from distinct loopback
//! addresses (127.0.0.x) where the client address matters.

use super::hardening::sim;
use crate::support::people::{Caller, PASSWORD};
use crate::support::process::{self, Herald};
use crate::support::*;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sqlx::Connection;
use std::net::IpAddr;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const MIB: u64 = 1024 * 1024;

/// An HTTP client whose connections come from `ip` (any 127.0.0.0/8 address is local).
fn from(ip: &str) -> reqwest::Client {
    let ip: IpAddr = ip.parse().expect("address");
    reqwest::Client::builder().local_address(ip).build().expect("client")
}

async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> StatusCode {
    let body = json!({"email": email, "password": password});
    let res = http.post(format!("{base}/api/auth/login")).json(&body).send().await;
    res.expect("request sent").status()
}

/// `herald user create` on the process's database, before it starts.
async fn create_user(dir: &std::path::Path, email: &str) {
    let mut cli = tokio::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["user", "create", "--email", email, "--name", "Camille"])
        .env("DATABASE_URL", dir.join("herald.db"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("herald user create");
    let mut stdin = cli.stdin.take().expect("stdin");
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).await.expect("password written");
    drop(stdin);
    assert!(cli.wait().await.expect("waited").success(), "user created");
}

/// A Herald process with one user (`email`, [`PASSWORD`]) and `env`.
async fn herald_with_user(
    dir: &tempfile::TempDir,
    sim: &ayrshare_sim::SimHandle,
    email: &str,
    env: &[(&str, String)],
) -> Herald {
    create_user(dir.path(), email).await;
    let herald = process::spawn_in(dir.path(), "herald", &sim.base_url(), env);
    herald.wait_ready().await;
    herald
}

// ---- N1: password hashing behind an admission gate ---------------------------------

#[tokio::test]
async fn n1_150_concurrent_sign_ins_from_150_addresses_keep_the_servers_memory_bounded() {
    let _turn = heavy::heavy().await;
    let (sim, dir) = (sim().await, tempfile::tempdir().unwrap());
    let herald = herald_with_user(&dir, &sim, "warm@example.com", &[]).await;
    let base = herald.url.clone();
    assert_eq!(login(&from("127.0.0.2"), &base, "warm@example.com", PASSWORD).await, 200);
    let before = herald.peak_rss_bytes();
    let attempts = (0..150).map(|i| {
        let base = base.clone();
        async move {
            let http = from(&format!("127.0.1.{}", i + 1));
            login(&http, &base, &format!("nobody-{i}@example.com"), "made-up guess 1").await
        }
    });
    let statuses = join_all(attempts).await;
    let grown = herald.peak_rss_bytes().saturating_sub(before);
    println!("150 concurrent sign-ins: peak RSS +{} MiB, {statuses:?}", grown / MIB);
    assert!(statuses.iter().all(|s| [401, 429].contains(&s.as_u16())), "{statuses:?}");
    assert!(grown < 160 * MIB, "the peak grew by {} MiB", grown / MIB);
}

// ---- N3: attempts are counted before they are checked --------------------------------

async fn n3_a_burst_of_60_guesses_for_one_account_is_checked_at_most_5_times(app: TestApp) {
    let ws = app.create_workspace("burst", true, "expire").await;
    let person = app.person(&ws, "editor").await;
    let guesses = (0..60).map(|i| {
        let (http, base, email) = (app.http.clone(), app.url.clone(), person.email.clone());
        let password = if i == 59 { PASSWORD.to_owned() } else { format!("Guessable-{i:04}") };
        async move { login(&http, &base, &email, &password).await }
    });
    let statuses = join_all(guesses).await;
    let checked = statuses.iter().filter(|s| [200, 401].contains(&s.as_u16())).count();
    assert!(checked <= 5, "{checked} guesses were checked: {statuses:?}");
}

crate::api::people::on_both_backends!(
    n3_a_burst_of_60_guesses_for_one_account_is_checked_at_most_5_times,
    n4_failures_for_a_person_from_another_client_never_lock_them_out,
    n4_a_browser_that_signed_in_before_signs_in_while_others_exhaust_the_account,
    n10_current_password_guesses_are_throttled_like_sign_ins,
);

// ---- N4: lockouts cannot be turned against people ------------------------------------

async fn n4_failures_for_a_person_from_another_client_never_lock_them_out(app: TestApp) {
    let ws = app.create_workspace("victim", true, "expire").await;
    let victim = app.person(&ws, "editor").await;
    let attacker = from("127.0.0.5");
    for _ in 0..6 {
        login(&attacker, &app.url, &victim.email, "wrong wrong wrong").await;
    }
    let on_attacker = login(&attacker, &app.url, &victim.email, PASSWORD).await;
    assert_eq!(on_attacker, 429, "the guessing client stays held");
    let on_victim = login(&from("127.0.0.6"), &app.url, &victim.email, PASSWORD).await;
    assert_eq!(on_victim, 200, "the person signs in from their own client");
}

async fn n4_a_browser_that_signed_in_before_signs_in_while_others_exhaust_the_account(
    app: TestApp,
) {
    let ws = app.create_workspace("spread", true, "expire").await;
    let victim = app.person(&ws, "approver").await;
    let browser = from("127.0.0.7");
    let signed_in = browser
        .post(format!("{}/api/auth/login", app.url))
        .json(&json!({"email": victim.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let device = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("herald_device="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .expect("a browser that signs in is given a device proof");
    let guesses = (0..60).map(|i| {
        let (base, email) = (app.url.clone(), victim.email.clone());
        async move {
            let http = from(&format!("127.0.2.{}", i / 5 + 1));
            login(&http, &base, &email, &format!("spread guess {i}")).await
        }
    });
    let statuses = join_all(guesses).await;
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let new_browser = login(&from("127.0.0.8"), &app.url, &victim.email, PASSWORD).await;
    assert_eq!(new_browser, 429, "guessing spread over many clients is bounded per account");
    let known = browser
        .post(format!("{}/api/auth/login", app.url))
        .header("cookie", device)
        .json(&json!({"email": victim.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(known.status(), 200, "a browser the person signed in with before is not held");
}

#[tokio::test]
async fn n4_a_valid_token_is_served_from_an_address_that_sent_31_bogus_ones() {
    let app = spawn_app_with(Options { rate_limit_per_minute: 1200, ..Options::default() }).await;
    let ws = app.create_workspace("bearer", true, "expire").await;
    let viewer = app.token(&ws, "viewer").await;
    for i in 0..31 {
        let bogus = format!("hrld_bogus-{i}");
        app.call(Method::GET, "/api/workspaces", Some(&bogus), None).await;
    }
    let bogus = app.call(Method::GET, "/api/workspaces", Some("hrld_bogus-x"), None).await;
    assert_eq!(bogus.status, 429, "unknown tokens from the address are held");
    let path = format!("/api/workspaces/{ws}");
    app.call(Method::GET, &path, Some(&viewer), None).await.expect(200);
    app.call(Method::GET, "/api/workspaces", Some(ADMIN), None).await.expect(200);
}

// ---- Behind a proxy: the client address comes from trusted proxies only --------------

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_hold_only_that_client() {
    let (sim, dir) = (sim().await, tempfile::tempdir().unwrap());
    let env = [
        ("HERALD_TRUSTED_PROXIES", "127.0.0.1/32".to_owned()),
        ("HERALD_RATE_LIMIT_PER_MINUTE", "1200".to_owned()),
    ];
    let herald = herald_with_user(&dir, &sim, "editor@example.com", &env).await;
    let proxy = from("127.0.0.1");
    let via = |client: &'static str, email: String, password: &'static str| {
        let body = json!({"email": email, "password": password});
        let req = proxy.post(format!("{}/api/auth/login", herald.url));
        req.header("x-forwarded-for", client).json(&body).send()
    };
    for i in 0..31 {
        via("203.0.113.5", format!("made-up-{i}@example.com"), "made-up guess").await.unwrap();
    }
    let attacker = via("203.0.113.5", "editor@example.com".into(), PASSWORD).await.unwrap();
    assert_eq!(attacker.status(), 429, "the guessing client is held");
    let editor = via("198.51.100.7", "editor@example.com".into(), PASSWORD).await.unwrap();
    assert_eq!(editor.status(), 200, "another client behind the same proxy signs in");
    let cookie = editor.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap();
    let sessions = proxy.get(format!("{}/api/me/sessions", herald.url)).header("cookie", cookie);
    let sessions: serde_json::Value = sessions.send().await.unwrap().json().await.unwrap();
    assert_eq!(sessions[0]["signed_in_from"], "198.51.100.7", "the session says where from");

    // Straight to the instance, forged headers change nothing: the peer is the client.
    let direct = from("127.0.0.9");
    let mut last = StatusCode::OK;
    for i in 0..31 {
        let body = json!({"email": format!("forged-{i}@example.com"), "password": "guess guess"});
        let req = direct.post(format!("{}/api/auth/login", herald.url));
        let req = req.header("x-forwarded-for", format!("192.0.2.{i}"));
        last = req.json(&body).send().await.unwrap().status();
    }
    assert_eq!(last, 429, "a forged X-Forwarded-For buys a direct client nothing");
}

// ---- N9: the cron secret is not a failed credential ----------------------------------

#[tokio::test]
async fn n9_the_cron_secret_never_counts_as_a_failed_authentication() {
    let app = spawn_app_with(Options { rate_limit_per_minute: 1200, ..Options::default() }).await;
    for i in 0..35 {
        let res = app.call(Method::POST, "/api/scheduler/run", Some(CRON), None).await;
        assert_eq!(res.status, 200, "cron call {i}: {}", res.text);
    }
    app.call(Method::GET, "/api/workspaces", Some(ADMIN), None).await.expect(200);
}

// ---- N10: password-change guesses ---------------------------------------------------

async fn n10_current_password_guesses_are_throttled_like_sign_ins(app: TestApp) {
    let ws = app.create_workspace("pwchange", true, "expire").await;
    let person = app.person(&ws, "viewer").await;
    let caller = Caller::person(&person);
    let change = |current: &str| json!({"current_password": current, "password": "a much newer passphrase here"});
    let mut statuses = Vec::new();
    for i in 0..8 {
        let body = change(&format!("not it {i}"));
        statuses.push(app.call_as(Method::PATCH, "/api/me", &caller, Some(body)).await.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let right = app.call_as(Method::PATCH, "/api/me", &caller, Some(change(PASSWORD))).await;
    assert_eq!(right.status, 429, "the right guess after the limit is not checked");
}

// ---- N11: password policy ------------------------------------------------------------

#[tokio::test]
async fn n11_short_blank_and_common_passwords_are_refused_when_accepting_an_invitation() {
    let app = spawn_app().await;
    let ws = app.create_workspace("policy", true, "expire").await;
    for weak in ["password12", "1234567890ab", "            ", "short pass1", "qwertyuiop12"] {
        let invitation =
            app.invite(&ws, &format!("{}@example.com", uuid::Uuid::new_v4()), "viewer").await;
        let token = crate::support::people::invitation_token(&invitation);
        let body = json!({"token": token, "name": "Weak", "password": weak});
        let res = app.call(Method::POST, "/api/invitations/accept", None, Some(body)).await;
        assert_eq!(res.status, 422, "{weak:?} was accepted: {}", res.text);
        assert_eq!(res.body["error"]["details"]["field"], "password", "{}", res.text);
    }
}

// ---- N16: session hygiene ------------------------------------------------------------

#[tokio::test]
async fn n16_api_answers_are_never_stored() {
    let app = spawn_app().await;
    let ws = app.create_workspace("idle", true, "expire").await;
    let person = app.person(&ws, "viewer").await;
    let res = app
        .http
        .get(format!("{}/api/me", app.url))
        .header("cookie", &person.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store", "/api/me carries the CSRF token");
}

#[tokio::test]
async fn n16_a_session_unused_for_13_hours_has_ended_while_a_used_one_lives() {
    let app = spawn_app().await;
    let ws = app.create_workspace("idle", true, "expire").await;
    let person = app.person(&ws, "viewer").await;
    let caller = Caller::person(&person);
    app.call_as(Method::GET, "/api/me", &caller, None).await.expect(200);
    let (_, session, _) = app.login(&person.email, PASSWORD).await;
    let later = session.expect("signed in");
    let secret = later.cookie.trim_start_matches("herald_session=");
    let idle_since = (chrono::Utc::now() - chrono::Duration::hours(13)).timestamp_millis();
    let mut db =
        sqlx::SqliteConnection::connect(app.sqlite_path().to_str().unwrap()).await.unwrap();
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(idle_since)
        .bind(herald::gate::auth::hash_token(secret))
        .execute(&mut db)
        .await
        .unwrap();
    let me = app.call_as(Method::GET, "/api/me", &Caller::person(&later), None).await;
    assert_eq!(me.status, 401, "a session unused for 13 hours has ended: {}", me.text);
    app.call_as(Method::GET, "/api/me", &caller, None).await.expect(200);
}

// ---- H3′: the per-address connection cap is on by default ------------------------------

#[tokio::test]
async fn h3_one_address_holds_at_most_256_connections_by_default_while_others_are_served() {
    let sim = sim().await;
    let herald = process::start(&sim.base_url(), &[]).await;
    let mut held = Vec::new();
    for _ in 0..300 {
        held.push(tokio::net::TcpStream::connect(("127.0.0.1", herald.port)).await.unwrap());
    }
    let closed = super::hardening::closed_by_server(held, Duration::from_secs(2)).await;
    assert!(closed >= 40, "only {closed} of 300 idle connections from one address were closed");
    let other = from("127.0.0.3").get(format!("{}/healthz", herald.url)).send().await.unwrap();
    assert_eq!(other.status(), 200);
}
