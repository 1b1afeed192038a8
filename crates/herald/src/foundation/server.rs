//! The HTTP server: the accept loop and the connections, with the limits a public
//! service needs against slow or idle clients (security review H3, "slowloris"):
//!
//! - a **header-read timeout**: a request whose headers are not complete within it, and
//!   a keep-alive connection that sends no next request within it, is closed (hyper's
//!   HTTP/1 timer, started as soon as the connection is accepted);
//! - an **idle timeout**: a connection on which no byte moves either way for that long
//!   is closed ([`Idle`]; an open event stream sends a keep-alive well within it);
//! - a **connection limit**, overall and per client address: connections over it are
//!   closed as soon as they are accepted, so they cost neither a task nor a request;
//! - a **minimum send rate** (security review N2): once a write finds the socket full,
//!   the client must take the response at [`SendRate::bytes_per_sec`] on average, with
//!   [`SendRate::grace`] of allowance, or the connection is closed ([`Pace`]). A client
//!   reading 4 KB every 10 s is cut off within about half a minute, so it cannot hold a
//!   response's memory open; a phone on a slow link (2G is 5-25 KB/s) is not. Chosen over
//!   a total write deadline, which would cut a large answer on a slow link and every
//!   event stream, and which a reader could still fill by asking again: the rate only
//!   counts while the server waits on the client, so an event stream that sends a line
//!   now and then, or a keep-alive connection between requests, is never timed.
//!
//! HTTP/1.1 only (what browsers speak to a plain-HTTP origin, and what proxies forward);
//! axum's `serve` could not set these limits. On shutdown, connections finish their
//! requests (graceful) for at most [`DRAIN`].

use crate::foundation::client_ip::TrustedProxies;
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
    pub send_rate: SendRate,
}

/// The least a client must take of a response while the server waits on it.
#[derive(Debug, Clone, Copy)]
pub struct SendRate {
    /// Bytes per second on average; 0: no minimum.
    pub bytes_per_sec: u64,
    /// The allowance: how long a client may take nothing, and the most credit it banks.
    pub grace: Duration,
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
        limit_unsent(&stream);
        let app = app.clone();
        let service = TowerToHyperService::new(tower::service_fn(
            move |mut req: hyper::Request<Incoming>| {
                // Handlers learn the client address (the rate limits key on it).
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            },
        ));
        let io = TokioIo::new(Idle::new(stream, limits.idle_timeout, limits.send_rate));
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(io, service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop((slot, seat));
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the drain period; closing them");
    }
    Ok(())
}

/// What the kernel may hold of a response that the client has not been sent yet.
const NOTSENT_LOWAT: u32 = 16 << 10;

/// Keeps at most [`NOTSENT_LOWAT`] unsent bytes in the kernel (`TCP_NOTSENT_LOWAT`), so a
/// write finds room as soon as the client has taken about that much. Without it the
/// kernel wakes a writer only once a third of its send buffer, autotuned up to megabytes,
/// has drained: a client taking 256 KB/s saw no write for more than 3 s and was cut off
/// by a minimum of 16 KB/s. It also keeps a slow client's backlog out of kernel memory.
fn limit_unsent(stream: &TcpStream) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = socket2::SockRef::from(stream).set_tcp_notsent_lowat(NOTSENT_LOWAT) {
        tracing::debug!(error = %e, "TCP_NOTSENT_LOWAT not set");
    }
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
/// way for `limit`, or once the client takes a response more slowly than its [`Pace`].
struct Idle {
    inner: TcpStream,
    limit: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    pace: Pace,
    /// Fires at the pace's deadline while the server waits on the client.
    pace_timer: Pin<Box<tokio::time::Sleep>>,
}

impl Idle {
    fn new(inner: TcpStream, limit: Duration, rate: SendRate) -> Self {
        Self {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            pace: Pace::new(rate),
            pace_timer: Box::pin(tokio::time::sleep(rate.grace)),
        }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(tokio::time::Instant::now() + self.limit);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }

    /// Accounts a write's outcome to the pace: an error once the client is too slow.
    fn paced(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<std::io::Result<usize>>,
    ) -> Poll<std::io::Result<usize>> {
        let now = tokio::time::Instant::now();
        match written {
            Poll::Ready(Ok(n)) if n > 0 => {
                self.moved();
                self.pace.wrote(now, n);
                Poll::Ready(Ok(n))
            }
            Poll::Pending => match self.pace.blocked(now) {
                Some(deadline) => {
                    if self.pace_timer.deadline() != deadline {
                        self.pace_timer.as_mut().reset(deadline);
                    }
                    match self.pace_timer.as_mut().poll(cx) {
                        Poll::Ready(()) => Poll::Ready(Err(too_slow())),
                        Poll::Pending => Poll::Pending,
                    }
                }
                None => Poll::Pending,
            },
            other => other,
        }
    }
}

/// Whether a client takes what the server writes fast enough: while writes find the
/// socket full, each byte taken moves a deadline on by `1 / bytes_per_sec`, never more
/// than `grace` ahead; a write that finds room at once ends the wait. Only time spent
/// waiting on the client counts: between a write that went through and the next full
/// socket (the server working on the next answer) the clock stops.
#[derive(Debug)]
struct Pace {
    rate: SendRate,
    /// While the server waits on the client: when it must have taken enough.
    deadline: Option<tokio::time::Instant>,
    /// Between two waits on a client that is behind: what was left of its allowance.
    left: Option<Duration>,
    /// The last write found the socket full.
    blocked: bool,
}

impl Pace {
    fn new(rate: SendRate) -> Self {
        Self { rate, deadline: None, left: None, blocked: false }
    }

    /// A write found the socket full: the deadline to wait until, if there is a minimum.
    fn blocked(&mut self, now: tokio::time::Instant) -> Option<tokio::time::Instant> {
        if self.rate.bytes_per_sec == 0 {
            return None;
        }
        self.blocked = true;
        let left = self.left.unwrap_or(self.rate.grace);
        Some(*self.deadline.get_or_insert(now + left))
    }

    /// A write of `n` bytes went through.
    fn wrote(&mut self, now: tokio::time::Instant, n: usize) {
        if !std::mem::take(&mut self.blocked) {
            (self.deadline, self.left) = (None, None); // it found room at once: it keeps up
            return;
        }
        let credit = Duration::from_secs_f64(n as f64 / self.rate.bytes_per_sec.max(1) as f64);
        if let Some(deadline) = self.deadline.take() {
            let left = (deadline + credit).saturating_duration_since(now);
            self.left = Some(left.min(self.rate.grace));
        }
    }
}

fn too_slow() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "client reads too slowly")
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
        self.paced(cx, written)
    }

    /// Vectored writes pass through: without them hyper copies every response body into
    /// its own buffer before writing it (a 60 KB dashboard answer, per request).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.paced(cx, written)
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    fn pace() -> Pace {
        Pace::new(SendRate { bytes_per_sec: 2048, grace: Duration::from_secs(20) })
    }

    /// `pace` waiting on a client that takes `bytes` every `every`, for `rounds`: the
    /// deadline after each round, relative to the round's time.
    fn reader(pace: &mut Pace, bytes: usize, every: Duration, rounds: u32) -> Vec<Duration> {
        let start = Instant::now();
        (1..=rounds)
            .map(|i| {
                let now = start + every * i;
                pace.blocked(now - every);
                pace.wrote(now, bytes);
                let deadline = pace.blocked(now).unwrap();
                deadline.saturating_duration_since(now)
            })
            .collect()
    }

    #[test]
    fn a_client_taking_4_kb_every_10_s_runs_out_of_time_within_a_minute() {
        let left = reader(&mut pace(), 4096, Duration::from_secs(10), 6);
        assert!(left.iter().any(|d| d.is_zero()), "{left:?}");
    }

    #[test]
    fn a_client_at_5_kb_per_second_never_runs_out_however_long_the_answer() {
        let left = reader(&mut pace(), 5 << 10, Duration::from_secs(1), 600);
        assert!(left.iter().all(|d| *d >= Duration::from_secs(19)), "{:?}", left.last());
    }

    #[test]
    fn a_write_that_finds_room_at_once_ends_the_wait_and_no_minimum_never_waits() {
        let mut pace = pace();
        let now = Instant::now();
        pace.blocked(now);
        pace.wrote(now + Duration::from_secs(19), 1);
        pace.wrote(now + Duration::from_secs(19), 1);
        let later = now + Duration::from_secs(60);
        assert_eq!(pace.blocked(later), Some(later + Duration::from_secs(20)));
        let mut off = Pace::new(SendRate { bytes_per_sec: 0, grace: Duration::from_secs(1) });
        assert_eq!(off.blocked(now), None);
    }

    /// Seen failing before the fix: a wait ended by a write, then 30 s of the server's own
    /// work (the next pipelined answer), then a full socket again, closed the connection at
    /// once, because the deadline of the first wait was still running.
    #[test]
    fn time_the_server_spends_between_two_waits_is_not_counted_against_the_client() {
        let mut pace = pace();
        let now = Instant::now();
        pace.blocked(now);
        pace.wrote(now + Duration::from_secs(2), 2048);
        let later = now + Duration::from_secs(32);
        let deadline = pace.blocked(later).unwrap();
        assert_eq!(deadline, later + Duration::from_secs(19));
    }
}
