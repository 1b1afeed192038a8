//! What travels on the `{ns}:events` pub/sub channel, as JSON objects told apart by
//! their fields: `{"tags":[..]}`, `{"filled":key}`, `{"clear":prefix}`,
//! `{"topic":..,"payload":..}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Event {
    /// These tags' versions were bumped (sent by the invalidation script itself).
    Invalidated { tags: Vec<String> },
    /// An entry (full Redis key) was stored, or its lease released: wake its waiters.
    Filled { filled: String },
    /// Entries whose keys start with this prefix were cleared.
    Cleared { clear: String },
    /// An application message (`Cache::broadcast`).
    Broadcast { topic: String, payload: serde_json::Value },
}

impl Event {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("events are plain JSON")
    }

    /// Parses a channel payload; foreign or malformed payloads are logged and ignored.
    pub fn decode(payload: &[u8]) -> Option<Event> {
        match serde_json::from_slice(payload) {
            Ok(event) => Some(event),
            Err(e) => {
                tracing::warn!(error = %e, "ignoring an unreadable cache event");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_event_round_trips_through_its_json_shape() {
        let cases = [
            (Event::Invalidated { tags: vec!["a".into()] }, json!({"tags": ["a"]})),
            (Event::Filled { filled: "k".into() }, json!({"filled": "k"})),
            (Event::Cleared { clear: "p".into() }, json!({"clear": "p"})),
            (
                Event::Broadcast { topic: "t".into(), payload: json!({"tags": 1}) },
                json!({"topic": "t", "payload": {"tags": 1}}),
            ),
        ];
        for (event, shape) in cases {
            assert_eq!(serde_json::to_value(&event).unwrap(), shape);
            assert_eq!(Event::decode(event.encode().as_bytes()), Some(event));
        }
    }
}
