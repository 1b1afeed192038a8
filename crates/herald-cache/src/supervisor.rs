//! The one background task of a Redis-backed `Cache`: it keeps the pub/sub
//! subscription (applying every event to this instance), notices outages, and
//! recovers from them (epoch bump, local flush) before reads use the cache again.
//! The task is owned by [`Tasks`], which stops it on `shutdown` or drop.

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use redis::aio::{PubSubSink, PubSubStream};
use redis::{RedisError, RedisResult};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::timeout;

use crate::core::Core;
use crate::events::Event;
use crate::remote::{timed_out, Health, Remote, CONNECT_TIMEOUT, RESPONSE_TIMEOUT};

/// How often a healthy subscription is pinged (a silent dead connection is an outage).
const PING_EVERY: Duration = Duration::from_secs(1);

/// A live subscription to `{ns}:events`.
pub(crate) struct Link {
    sink: PubSubSink,
    stream: PubSubStream,
}

/// Owns the background tasks (the subscription, and the read-lease holder when leases
/// are on); stops them on `shutdown` or when dropped.
pub(crate) struct Tasks {
    stop: watch::Sender<bool>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

impl Tasks {
    /// No background work (local-only caches).
    pub fn none() -> Self {
        Self { stop: watch::channel(false).0, handles: Mutex::new(Vec::new()) }
    }

    /// Connects once (so a healthy start is subscribed before `Cache::new` returns),
    /// then hands the connection to the background task.
    pub async fn start(core: &Arc<Core>) -> Self {
        let first = match connect(core).await {
            Ok(link) => Some(link),
            Err(e) => {
                core.redis_failed("connect", &e);
                None
            }
        };
        let (stop, stopped) = watch::channel(false);
        let mut handles = vec![tokio::spawn(run(core.clone(), first, stopped.clone()))];
        if core.lease.enabled() {
            handles.push(tokio::spawn(crate::lease::holder::run(core.clone(), stopped)));
        }
        Self { stop, handles: Mutex::new(handles) }
    }

    pub async fn shutdown(&self) {
        self.stop.send_replace(true);
        let handles = std::mem::take(&mut *self.handles.lock().unwrap_or_else(|e| e.into_inner()));
        for handle in handles {
            let _ = handle.await;
        }
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        for handle in self.handles.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
            handle.abort();
        }
    }
}

/// Resolves once `Tasks` asks the tasks to stop (or is gone).
pub(crate) async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    while !*stopped.borrow_and_update() {
        if stopped.changed().await.is_err() {
            return;
        }
    }
}

fn remote(core: &Core) -> &Remote {
    core.remote.as_ref().expect("the supervisor runs only with a Redis tier")
}

async fn run(core: Arc<Core>, first: Option<Link>, mut stopped: watch::Receiver<bool>) {
    let mut link = first;
    loop {
        if let Some(live) = link.take() {
            if pump(&core, live, &mut stopped).await.is_break() {
                return;
            }
        }
        tokio::select! {
            _ = stop_requested(&mut stopped) => return,
            _ = tokio::time::sleep(core.config.reconnect_every) => {}
        }
        link = connect(&core).await.inspect_err(|e| core.redis_failed("reconnect", e)).ok();
    }
}

/// Opens the command connection and the subscription, then (after an outage) moves the
/// epoch on and flushes the local tier, and only then marks the instance healthy.
async fn connect(core: &Core) -> RedisResult<Link> {
    let remote = remote(core);
    let snapshot = remote.health.snapshot();
    remote.connect().await?;
    let link = subscribe(remote).await?;
    remote.init_epoch().await?;
    if Health::has_failed(snapshot) {
        let epoch = remote.bump_epoch(core.lease.lease * 2).await?;
        core.local.flush();
        tracing::info!(epoch, "redis is back; epoch bumped, local tier flushed");
    }
    if !remote.health.recover(snapshot) {
        return Err(RedisError::from((redis::ErrorKind::IoError, "failed again while recovering")));
    }
    Ok(link)
}

async fn subscribe(remote: &Remote) -> RedisResult<Link> {
    let pubsub = timeout(CONNECT_TIMEOUT, remote.client()?.get_async_pubsub()).await;
    let mut pubsub = pubsub.map_err(|_| timed_out("pub/sub connect"))??;
    let subscribed = timeout(RESPONSE_TIMEOUT, pubsub.subscribe(remote.names.channel())).await;
    subscribed.map_err(|_| timed_out("subscribe"))??;
    let (sink, stream) = pubsub.split();
    Ok(Link { sink, stream })
}

/// Applies events until the subscription dies, a ping fails, another part of the
/// instance marks it degraded (`Continue`), or the task is stopped (`Break`).
async fn pump(core: &Core, link: Link, stopped: &mut watch::Receiver<bool>) -> ControlFlow<()> {
    let remote = remote(core);
    let Link { mut sink, mut stream } = link;
    let mut pings = tokio::time::interval(PING_EVERY);
    loop {
        tokio::select! {
            _ = stop_requested(stopped) => return ControlFlow::Break(()),
            message = stream.next() => match message {
                Some(message) => {
                    if let Some(event) = Event::decode(message.get_payload_bytes()) {
                        core.apply(event);
                    }
                }
                None => {
                    core.redis_failed("subscription", &"pub/sub connection lost");
                    return ControlFlow::Continue(());
                }
            },
            _ = remote.health.changed.notified() => {
                if remote.health.is_degraded() {
                    return ControlFlow::Continue(());
                }
            }
            _ = pings.tick() => {
                let pong = timeout(RESPONSE_TIMEOUT, sink.ping::<redis::Value>()).await;
                if let Err(e) = pong.map_err(|_| timed_out("ping")).and_then(|r| r) {
                    core.redis_failed("subscription ping", &e);
                    return ControlFlow::Continue(());
                }
            }
        }
    }
}
