//! The nginx site of `deploy/` for real (Debian's nginx), in front of two `herald serve`
//! processes on PostgreSQL and Redis: the site file is rendered with the test's ports and a
//! self-signed certificate made here (`openssl`), and everything goes through it over
//! HTTPS: the redirect from plain HTTP, sign-in with a password, an event stream that
//! receives an event caused by a write through the other instance, and a rolling restart
//! (SIGTERM one instance, start it again, then the other) under looping readers, every
//! answer counted by status. Without nginx it says `skipped: no nginx`.

use crate::scaled::api::{client, workspace_and_editor};
use crate::scaled::cluster::{scenario, skipped, Env, Instance, ADMIN};
use crate::support::events::Events;
use crate::support::people::{invitation_token, PASSWORD};
use crate::support::process::free_port;
use ayrshare_sim::SimConfig;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TEST: &str =
    "the_deploy_nginx_site_serves_two_instances_over_https_through_a_rolling_restart";
/// Looping readers during the rolling restart.
const READERS: usize = 4;

/// Debian's nginx binary, if installed.
pub(super) fn nginx_binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// An nginx master process in the foreground, stopped (SIGQUIT, then waited for) on drop.
pub(super) struct Nginx {
    child: std::process::Child,
    dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = std::process::Command::new("kill").args(["-QUIT", &pid]).status();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

/// A test CA and a server certificate it signed for 127.0.0.1 and localhost: (CA,
/// certificate, key) paths.
pub(super) fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let p = |name: &str| dir.join(name).display().to_string();
    let openssl = |args: &[&str]| {
        let made = std::process::Command::new("openssl").args(args).output().expect("openssl runs");
        assert!(
            made.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&made.stderr)
        );
    };
    let (ca, ca_key, csr) = (p("ca.pem"), p("ca.key"), p("server.csr"));
    let (cert, key, ext) = (p("server.pem"), p("server.key"), p("server.ext"));
    std::fs::write(&ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
        .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=Herald test CA",
        "-keyout",
        &ca_key,
        "-out",
        &ca,
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &key,
        "-out",
        &csr,
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca,
        "-CAkey",
        &ca_key,
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        &ext,
        "-out",
        &cert,
    ]);
    (ca.into(), cert.into(), key.into())
}

/// Ports of one run.
pub(super) struct Ports {
    pub https: u16,
    pub http: u16,
    pub a: u16,
    pub b: u16,
}

/// `deploy/nginx/herald.conf` with the test's ports and certificate; every replaced text
/// must be in the file (so the test follows the file, and says so when it changes).
pub(super) fn render_site(ports: &Ports, cert: &Path, key: &Path) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx/herald.conf");
    let mut site = std::fs::read_to_string(&path).expect("deploy/nginx/herald.conf");
    let replacements = [
        ("server 127.0.0.1:8081 ", format!("server 127.0.0.1:{} ", ports.a)),
        ("server 127.0.0.1:8082 ", format!("server 127.0.0.1:{} ", ports.b)),
        ("    listen 80;\n", format!("    listen 127.0.0.1:{};\n", ports.http)),
        ("    listen [::]:80;\n", String::new()),
        (
            "    listen 443 ssl http2;\n",
            format!("    listen 127.0.0.1:{} ssl http2;\n", ports.https),
        ),
        ("    listen [::]:443 ssl http2;\n", String::new()),
        ("/etc/letsencrypt/live/herald.example.com/fullchain.pem", cert.display().to_string()),
        ("/etc/letsencrypt/live/herald.example.com/privkey.pem", key.display().to_string()),
    ];
    for (from, to) in replacements {
        assert!(site.contains(from), "deploy/nginx/herald.conf no longer has `{from}`");
        site = site.replace(from, &to);
    }
    site
}

/// nginx with the rendered site, its own pid file, logs and temp paths in `dir`; waits
/// until the HTTPS port accepts.
pub(super) async fn start_nginx(binary: &Path, dir: &Path, site: &str, https: u16) -> Nginx {
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let d = dir.display();
    let temp: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|t| format!("  {t}_temp_path {d}/{t};\n"))
        .collect();
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n{}\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n{temp}  include {d}/site.conf;\n}}\n",
        if root { "user root;\n" } else { "" }
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = std::process::Command::new(binary)
        .args(["-e", &format!("{d}/error.log"), "-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx { child, dir: dir.to_owned() };
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", https)).await.is_ok() {
            return nginx;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not listen; its log:\n{}", nginx.error_log());
}

/// An instance on a fixed port (nginx's upstream), trusting nginx's forwarded headers.
pub(super) async fn instance(env: &Env, name: &str, port: u16) -> Instance {
    let overrides = [
        ("HERALD_BIND", format!("127.0.0.1:{port}")),
        ("HERALD_TRUSTED_PROXIES", "127.0.0.1/32".to_owned()),
    ];
    env.start(name, &overrides).await
}

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
        let dir = tempfile::tempdir().unwrap();
        let ports = Ports { https: free_port(), http: free_port(), a: free_port(), b: free_port() };
        let (ca, cert, key) = certificates(dir.path());
        let mut a = instance(&env, "a", ports.a).await;
        let mut b = instance(&env, "b", ports.b).await;
        let nginx =
            start_nginx(&binary, dir.path(), &render_site(&ports, &cert, &key), ports.https).await;
        let base = format!("https://127.0.0.1:{}", ports.https);
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
