//! The `deploy/` site for tests: Debian's nginx with the site file rendered for the test's
//! ports and a certificate made here (`openssl`), in front of two `herald serve`
//! processes that trust it as their proxy ([`deploy`]).

use crate::scaled::cluster::{Env, Instance};
use crate::support::process::free_port;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    pub(super) fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

/// A test CA and a server certificate it signed for 127.0.0.1 and localhost: (CA,
/// certificate, key) paths.
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
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
fn render_site(ports: &Ports, cert: &Path, key: &Path) -> String {
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
async fn start_nginx(binary: &Path, dir: &Path, site: &str, https: u16) -> Nginx {
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

/// Two instances behind the rendered site, and where to reach it.
pub(super) struct Deployment {
    pub dir: tempfile::TempDir,
    pub ports: Ports,
    /// The test CA's certificate, for clients.
    pub ca: PathBuf,
    pub a: Instance,
    pub b: Instance,
    pub nginx: Nginx,
    /// `https://127.0.0.1:PORT`
    pub base: String,
}

/// Starts two instances and nginx in front of them with the site of `deploy/`.
pub(super) async fn deploy(binary: &Path, env: &Env) -> Deployment {
    let dir = tempfile::tempdir().unwrap();
    let ports = Ports { https: free_port(), http: free_port(), a: free_port(), b: free_port() };
    let (ca, cert, key) = certificates(dir.path());
    let a = instance(env, "a", ports.a).await;
    let b = instance(env, "b", ports.b).await;
    let nginx =
        start_nginx(binary, dir.path(), &render_site(&ports, &cert, &key), ports.https).await;
    let base = format!("https://127.0.0.1:{}", ports.https);
    Deployment { dir, ports, ca, a, b, nginx, base }
}

/// An instance on a fixed port (nginx's upstream), trusting nginx's forwarded headers.
pub(super) async fn instance(env: &Env, name: &str, port: u16) -> Instance {
    let overrides = [
        ("HERALD_BIND", format!("127.0.0.1:{port}")),
        ("HERALD_TRUSTED_PROXIES", "127.0.0.1/32".to_owned()),
    ];
    env.start(name, &overrides).await
}
