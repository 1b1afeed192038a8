//! Application messages by topic (mini-redis `Db::subscribe` / `publish`): one
//! `broadcast` channel per topic, created when someone subscribes to it and dropped
//! once nobody listens, so a busy topic never makes a quiet topic's receivers lag.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::types::Message;

/// Messages a topic's receivers may fall behind by before they get `Lagged`.
const TOPIC_BUFFER: usize = 256;
/// Topics the map may hold before it first drops the ones nobody listens to.
const FIRST_SWEEP: usize = 64;

#[derive(Default)]
pub(crate) struct Topics {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    senders: HashMap<Arc<str>, broadcast::Sender<Message>>,
    /// Size at which adding a topic first sweeps out topics without receivers; it
    /// doubles with the live topics, so sweeping costs O(1) per subscribe on average.
    sweep_at: usize,
}

impl Topics {
    /// A receiver of every message published to `topic` from now on.
    pub fn subscribe(&self, topic: &str) -> broadcast::Receiver<Message> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = state.senders.get(topic) {
            return sender.subscribe();
        }
        if state.senders.len() >= state.sweep_at {
            state.senders.retain(|_, sender| sender.receiver_count() > 0);
            state.sweep_at = (state.senders.len() * 2).max(FIRST_SWEEP);
        }
        let (sender, receiver) = broadcast::channel(TOPIC_BUFFER);
        state.senders.insert(topic.into(), sender);
        receiver
    }

    /// Hands `message` to its topic's receivers; forgets the topic if none is left.
    pub fn publish(&self, message: Message) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let topic = Arc::clone(&message.topic);
        let Some(sender) = state.senders.get(&topic) else {
            return;
        };
        if sender.send(message).is_err() {
            state.senders.remove(&topic);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).senders.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &str) -> Message {
        Message { topic: topic.into(), payload: payload.into() }
    }

    #[test]
    fn a_receiver_gets_only_its_own_topic() {
        let topics = Topics::default();
        let (mut a, mut b) = (topics.subscribe("a"), topics.subscribe("b"));
        topics.publish(message("b", "1"));
        topics.publish(message("a", "2"));
        assert_eq!(a.try_recv().unwrap(), message("a", "2"));
        assert!(a.try_recv().is_err());
        assert_eq!(b.try_recv().unwrap(), message("b", "1"));
    }

    #[test]
    fn topics_without_receivers_are_forgotten() {
        let topics = Topics::default();
        drop(topics.subscribe("gone"));
        topics.publish(message("gone", "1"));
        assert_eq!(topics.len(), 0, "dropped on the first message nobody hears");

        let mut kept = topics.subscribe("kept");
        for i in 0..10 * FIRST_SWEEP {
            drop(topics.subscribe(&format!("quiet:{i}")));
        }
        assert!(topics.len() <= 2 * FIRST_SWEEP, "swept on growth: {} topics", topics.len());
        topics.publish(message("kept", "1"));
        assert_eq!(kept.try_recv().unwrap(), message("kept", "1"), "a topic with a receiver stays");
    }
}
