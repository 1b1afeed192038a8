//! PostgreSQL unreachable: an instance reaches its database through a TCP proxy the test
//! controls. Once the proxy is cut (open connections closed, new ones refused), writes
//! answer 503 with the API's error body, `/readyz` says the database is unavailable, and
//! nothing of the refused writes is in the database. Once it is restored, the instance
//! is ready again and writes succeed.

use crate::scaled::api::{self, call, readyz, workspace_and_editor, Reply};
use crate::scaled::cluster::scenario;
use ayrshare_sim::SimConfig;
use reqwest::Method;
use serde_json::json;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};
use tokio::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_down_makes_writes_503_and_readyz_say_so() {
    scenario("postgres_down_makes_writes_503_and_readyz_say_so", false, SimConfig::default(), |env| async move {
        let mut url = url::Url::parse(&env.database_url).unwrap();
        let server = format!("{}:{}", url.host_str().unwrap_or("127.0.0.1"), url.port().unwrap_or(5432));
        let mut proxy = Proxy::start(server).await;
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(proxy.addr.port())).unwrap();
        let overrides = [("DATABASE_URL", url.to_string()), ("REDIS_URL", String::new())];
        let instance = env.start("solo", &overrides).await;
        let http = api::client();
        let (ws, token) = workspace_and_editor(&http, &instance.url, &env.sim.base_url(), "pgdown").await;
        let body = json!({"text": "written before the outage", "platforms": ["twitter"], "submit": false});
        let post = api::create_post(&http, &instance.url, &ws, &token, body).await.unwrap().expect(201);
        let mut db = env.sql().await;
        let before = footprint(&mut db, &ws).await;

        proxy.cut();
        let cut = Instant::now();
        let body = json!({"text": "written during the outage", "platforms": ["twitter"], "submit": false});
        let created = api::create_post(&http, &instance.url, &ws, &token, body).await.unwrap();
        let create_answered = cut.elapsed();
        let edit_url = format!("{}/api/workspaces/{ws}/posts/{}", instance.url, post["id"].as_str().unwrap());
        let edit = json!({"version": post["version"], "text": "edited during the outage"});
        let edited = call(&http, Method::PATCH, &edit_url, &token, Some(edit)).await.unwrap();
        let ready = readyz(&http, &instance.url).await.unwrap();
        let _ = writeln!(
            std::io::stderr(),
            "PostgreSQL cut: create answered {} in {create_answered:?}, edit {}, /readyz {} {}",
            created.status,
            edited.status,
            ready.status,
            ready.body
        );
        expect_unavailable(created, "create");
        expect_unavailable(edited, "edit");
        assert_eq!(ready.status, 503, "/readyz while the database is cut: {}", ready.body);
        assert_eq!(ready.body["database"], "unavailable", "/readyz body: {}", ready.body);
        assert_eq!(footprint(&mut db, &ws).await, before, "a refused write left something behind");

        proxy.restore().await;
        let deadline = Instant::now() + Duration::from_secs(20);
        while readyz(&http, &instance.url).await.map(|r| r.status).ok() != Some(200) {
            assert!(Instant::now() < deadline, "not ready again after PostgreSQL came back");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let body = json!({"text": "written after the outage", "platforms": ["twitter"], "submit": false});
        api::create_post(&http, &instance.url, &ws, &token, body).await.unwrap().expect(201);
        let (posts, events, _) = footprint(&mut db, &ws).await;
        assert_eq!((posts, events), (before.0 + 1, before.1 + 1), "exactly the write after the outage was added");
    })
    .await;
}

#[track_caller]
fn expect_unavailable(reply: Reply, what: &str) {
    assert_eq!(reply.status, 503, "{what} while the database is cut: {}", reply.body);
    let error = &reply.body["error"];
    assert_eq!(error["code"], "unavailable", "{what}: {}", reply.body);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {}", reply.body);
    assert!(error["details"].is_object(), "{what}: {}", reply.body);
}

/// Posts, events and content version of the workspace, read directly (not through Herald).
async fn footprint(db: &mut sqlx::PgConnection, ws: &str) -> (i64, i64, i64) {
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE workspace_id = $1")
        .bind(ws)
        .fetch_one(&mut *db)
        .await
        .unwrap();
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM post_events WHERE workspace_id = $1")
            .bind(ws)
            .fetch_one(&mut *db)
            .await
            .unwrap();
    let version: i64 = sqlx::query_scalar("SELECT content_version FROM workspaces WHERE id = $1")
        .bind(ws)
        .fetch_one(&mut *db)
        .await
        .unwrap();
    (posts, events, version)
}

/// A TCP relay to the database server that the test can cut (close every relayed
/// connection and stop listening, so new ones are refused) and restore (same port).
struct Proxy {
    addr: SocketAddr,
    server: String,
    relays: Arc<Mutex<Vec<AbortHandle>>>,
    accept: Option<JoinHandle<()>>,
}

impl Proxy {
    async fn start(server: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let addr = listener.local_addr().unwrap();
        let mut proxy = Proxy { addr, server, relays: Arc::default(), accept: None };
        proxy.accept = Some(proxy.serve(listener));
        proxy
    }

    fn serve(&self, listener: TcpListener) -> JoinHandle<()> {
        let (server, relays) = (self.server.clone(), self.relays.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let server = server.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut upstream) = TcpStream::connect(&server).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
                relays.lock().unwrap().push(relay.abort_handle());
            }
        })
    }

    fn cut(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        for relay in self.relays.lock().unwrap().drain(..) {
            relay.abort();
        }
    }

    async fn restore(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(e) => assert!(
                    Instant::now() < deadline,
                    "proxy cannot listen on {} again: {e}",
                    self.addr
                ),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        self.accept = Some(self.serve(listener));
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}
