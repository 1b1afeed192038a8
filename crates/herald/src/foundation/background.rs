//! Background loops (the scheduler, notifications, analytics refreshes): each runs a
//! pass every interval — or sooner when woken — and is owned by a [`LoopHandle`];
//! stopping (or dropping) the handle ends the loop after the pass in progress, so
//! shutdown never cuts a pass in half.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Owns a background loop.
pub struct LoopHandle {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

/// Runs `pass` every `interval`, and sooner whenever `wake` (if any) is notified; a zero
/// interval means no loop (the handle owns nothing).
pub fn spawn_loop<P, PF>(interval: Duration, pass: P, wake: Option<Arc<Notify>>) -> LoopHandle
where
    P: Fn() -> PF + Send + 'static,
    PF: Future<Output = ()> + Send,
{
    let stop = CancellationToken::new();
    let token = stop.clone();
    let task = (!interval.is_zero()).then(|| {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = token.cancelled() => break,
                    _ = ticker.tick() => {}
                    _ = woken(wake.as_deref()) => {}
                }
                pass().await;
            }
        })
    });
    LoopHandle { stop, task }
}

/// Resolves when `wake` is notified; never without one (a loop on its interval only).
async fn woken(wake: Option<&Notify>) {
    match wake {
        Some(wake) => wake.notified().await,
        None => std::future::pending().await,
    }
}

impl LoopHandle {
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LoopHandle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
