//! Where uploads are worked on: hashing and image decoding are slow for a large file, so
//! they run on tokio's blocking pool, never on the async workers that answer requests.
//! Decoding also takes memory (up to 128 MiB per image, see [`super::thumbnail`]), so
//! at most [`CONCURRENT`] images decode at once per instance; an upload that finds no
//! free decoder within [`QUEUE_WAIT`] is refused 503 with `Retry-After` rather than
//! queued without end.

use crate::coherence::error::{AppError, AppResult};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Images decoded at once per instance.
pub const CONCURRENT: usize = 2;
/// How long an upload waits for a free decoder.
pub const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// No decoder freed in time.
#[derive(Debug, thiserror::Error)]
#[error("every image decoder stayed busy for {QUEUE_WAIT:?}")]
struct Busy;

/// The instance's decoders. Cheap to clone.
#[derive(Clone)]
pub struct Decoders {
    permits: Arc<Semaphore>,
}

impl Default for Decoders {
    fn default() -> Self {
        Self { permits: Arc::new(Semaphore::new(CONCURRENT)) }
    }
}

impl Decoders {
    /// `decode` on the blocking pool once a decoder is free (503 if none frees in time).
    pub async fn run<T: Send + 'static>(
        &self,
        decode: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let permit = tokio::time::timeout(QUEUE_WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::unavailable(Busy))?
            .map_err(AppError::internal)?;
        blocking(move || {
            let _held = permit;
            decode()
        })
        .await
    }
}

/// `work` on the blocking pool, without a decoder (hashing).
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn no_more_than_the_bound_decode_at_once() {
        let decoders = Decoders::default();
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let runs = (0..6).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            decoders.run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        });
        for done in futures::future::join_all(runs).await {
            done.expect("each runs");
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=CONCURRENT).contains(&most), "{most} decoded at once");
    }
}
