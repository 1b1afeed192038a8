//! The HTTP server: the accept loop and the connections, with the limits a public
//! service needs against slow or idle clients (security review H3, "slowloris"):
//!
//! - a **header-read timeout**: a request whose headers are not complete within it, and
//!   a keep-alive connection that sends no next request within it, is closed (hyper's
//!   HTTP/1 timer, started as soon as the connection is accepted);
//! - an **idle timeout**: a connection on which no byte moves either way for that long
//!   is closed ([`Idle`]; an open event stream sends a keep-alive well within it);
//! - a **connection limit**, overall and per client address: connections over it are
//!   closed as soon as they are accepted, so they cost neither a task nor a request.
//!
//! HTTP/1.1 only (what browsers speak to a plain-HTTP origin, and what proxies forward);
//! axum's `serve` could not set these limits. On shutdown, connections finish their
//! requests (graceful) for at most [`DRAIN`].

use crate::client_ip::TrustedProxies;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long shutdown waits for open connections to finish.
pub const DRAIN: Duration = Duration::from_secs(10);

/// The connection limits (see the module docs). `max_per_address` 0 = no per-address
/// limit; the `exempt` addresses (the trusted proxies) are not held by it.
#[derive(Debug, Clone)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub max_per_address: usize,
    pub exempt: TrustedProxies,
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_address: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a transient error: pause instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // over the limit: dropping the stream closes it
        };
        let max = if limits.exempt.contains(peer.ip()) { 0 } else { limits.max_per_address };
        let Some(seat) = Seat::take(&per_address, peer.ip(), max) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = TowerToHyperService::new(tower::service_fn(
            move |mut req: hyper::Request<Incoming>| {
                // Handlers learn the client address (the rate limits key on it).
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            },
        ));
        let io = TokioIo::new(Idle::new(stream, limits.idle_timeout));
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(io, service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop((slot, seat));
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the drain period; closing them");
    }
    Ok(())
}

/// One connection of a client address, counted while it lives.
struct Seat {
    map: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl Seat {
    fn take(map: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, max: usize) -> Option<Seat> {
        let mut counts = map.lock().unwrap_or_else(|p| p.into_inner());
        let n = counts.entry(ip).or_default();
        if max > 0 && *n >= max {
            return None;
        }
        *n += 1;
        Some(Seat { map: map.clone(), ip })
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut counts = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// A stream that fails (and so closes its connection) once no byte has moved either
/// way for `limit`.
struct Idle {
    inner: TcpStream,
    limit: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl Idle {
    fn new(inner: TcpStream, limit: Duration) -> Self {
        Self { inner, limit, deadline: Box::pin(tokio::time::sleep(limit)) }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(tokio::time::Instant::now() + self.limit);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "connection idle")
}

impl AsyncRead for Idle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Idle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        written
    }

    /// Vectored writes pass through: without them hyper copies every response body into
    /// its own buffer before writing it (a 60 KB dashboard answer, per request).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.moved();
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
