//! The writer's side of the read lease: acknowledgements heard from lease holders, and
//! the wait of an invalidation for every holder to apply it or lose its lease.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use tokio::time::Instant;

/// Acknowledgements kept before the map is emptied (one per instance ever heard).
const MAX_HOLDERS: usize = 10_000;

/// A lease holder as an invalidation script saw it: its id and the score (end of its
/// registration) of its last grant. The score tells a later grant from that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub id: String,
    pub score: String,
}

/// The highest number each holder acknowledged, and a tick for every new one.
pub(crate) struct Acks {
    seen: Mutex<HashMap<String, u64>>,
    tick: watch::Sender<u64>,
}

impl Default for Acks {
    fn default() -> Self {
        Self { seen: Mutex::default(), tick: watch::channel(0).0 }
    }
}

impl Acks {
    /// Holder `who` has applied every numbered event up to `seq`.
    pub fn record(&self, who: String, seq: u64) {
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() >= MAX_HOLDERS && !seen.contains_key(&who) {
                seen.clear(); // forgetting an ack only makes a writer wait longer
            }
            let known = seen.entry(who).or_insert(0);
            *known = (*known).max(seq);
        }
        self.tick.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Forgets every acknowledgement (a Redis failure: its numbers may start again lower,
    /// and an old acknowledgement must not pass for a new one). Forgetting only makes a
    /// writer wait longer.
    pub fn forget(&self) {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn acknowledged(&self, who: &str, seq: u64) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(who).is_some_and(|acked| *acked >= seq)
    }

    /// Waits until each of `holders` acknowledged `seq`, or `deadline`; returns those that
    /// did not (their leases granted before the invalidation have ended by then).
    pub async fn wait(&self, seq: u64, mut holders: Vec<Holder>, deadline: Instant) -> Vec<Holder> {
        let mut ticks = self.tick.subscribe();
        loop {
            holders.retain(|h| !self.acknowledged(&h.id, seq));
            if holders.is_empty() {
                return holders;
            }
            tokio::select! {
                changed = ticks.changed() => if changed.is_err() { return holders },
                () = tokio::time::sleep_until(deadline) => {
                    holders.retain(|h| !self.acknowledged(&h.id, seq));
                    return holders;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn holder(id: &str) -> Holder {
        Holder { id: id.to_owned(), score: "1".to_owned() }
    }

    #[tokio::test]
    async fn a_writer_waits_for_every_holder_to_acknowledge_its_number() {
        let acks = Arc::new(Acks::default());
        acks.record("a".into(), 7);
        let deadline = Instant::now() + Duration::from_secs(30);
        let waiting = {
            let acks = acks.clone();
            tokio::spawn(
                async move { acks.wait(7, vec![holder("a"), holder("b")], deadline).await },
            )
        };
        tokio::task::yield_now().await;
        acks.record("b".into(), 6);
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "b acknowledged an older number only");
        acks.record("b".into(), 8);
        assert_eq!(waiting.await.unwrap(), vec![], "a later number covers the earlier ones");
    }

    #[tokio::test(start_paused = true)]
    async fn a_holder_that_never_answers_is_waited_for_until_the_deadline_only() {
        let acks = Acks::default();
        let deadline = Instant::now() + Duration::from_secs(2);
        let left = acks.wait(3, vec![holder("frozen")], deadline).await;
        assert_eq!(left, vec![holder("frozen")]);
        assert!(Instant::now() >= deadline);
    }
}
