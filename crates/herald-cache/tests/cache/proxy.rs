//! A TCP proxy in front of the test Redis that can be switched off and on, to cause
//! a real outage (every connection cut, new ones refused) and a real recovery.

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Proxy {
    /// The Redis URL with the proxy's address in place of the server's.
    pub url: String,
    up: watch::Sender<bool>,
    accepting: JoinHandle<()>,
}

impl Proxy {
    pub async fn start(redis_url: &str) -> Proxy {
        let authority = host_port(redis_url);
        let target = match authority.contains(':') {
            true => authority.to_string(),
            false => format!("{authority}:6379"),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = redis_url.replacen(authority, &listener.local_addr().unwrap().to_string(), 1);
        let (up, up_rx) = watch::channel(true);
        let accepting = tokio::spawn(accept(listener, target, up_rx));
        Proxy { url, up, accepting }
    }

    /// Cuts every connection and refuses new ones.
    pub fn down(&self) {
        self.up.send_replace(false);
    }

    pub fn up(&self) {
        self.up.send_replace(true);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.down();
        self.accepting.abort();
    }
}

/// `host:port` of a `redis://[user:pass@]host:port[/db]` URL.
fn host_port(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    rest.split('/').next().unwrap()
}

async fn accept(listener: TcpListener, target: String, up: watch::Receiver<bool>) {
    while let Ok((client, _)) = listener.accept().await {
        if *up.borrow() {
            tokio::spawn(forward(client, target.clone(), up.clone()));
        }
    }
}

async fn forward(mut client: TcpStream, target: String, mut up: watch::Receiver<bool>) {
    let Ok(mut server) = TcpStream::connect(target).await else {
        return;
    };
    tokio::select! {
        _ = copy_bidirectional(&mut client, &mut server) => {}
        _ = goes_down(&mut up) => {}
    }
}

async fn goes_down(up: &mut watch::Receiver<bool>) {
    while *up.borrow_and_update() {
        if up.changed().await.is_err() {
            return;
        }
    }
}
