//! What travels on the `{ns}:events` pub/sub channel, as JSON objects told apart by
//! their fields: `{"tags":[..]}`, `{"filled":key}`, `{"clear":prefix}`,
//! `{"topic":..,"payload":..}`. A message's payload is the JSON its sender serialised,
//! copied into the event as it is and read back as the same text on every instance.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::types::Message;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// These tags' versions were bumped (sent by the invalidation script itself).
    Invalidated { tags: Vec<String> },
    /// An entry (full Redis key) was stored, or its lease released: wake its waiters.
    Filled { filled: String },
    /// Entries whose keys start with this prefix were cleared.
    Cleared { clear: String },
    /// An application message (`Cache::broadcast`).
    Broadcast(Message),
}

/// Any event, field by field: the first field present says which one it is.
#[derive(Deserialize)]
struct Wire<'a> {
    tags: Option<Vec<String>>,
    filled: Option<String>,
    clear: Option<String>,
    topic: Option<String>,
    #[serde(borrow)]
    payload: Option<&'a RawValue>,
}

impl Event {
    pub fn encode(&self) -> String {
        match self {
            Event::Invalidated { tags } => json!({ "tags": tags }).to_string(),
            Event::Filled { filled } => json!({ "filled": filled }).to_string(),
            Event::Cleared { clear } => json!({ "clear": clear }).to_string(),
            Event::Broadcast(Message { topic, payload }) => {
                // `payload` is already JSON: it goes in as it is, not as a string.
                format!(r#"{{"topic":{},"payload":{payload}}}"#, Value::from(&**topic))
            }
        }
    }

    /// Parses a channel payload; foreign or malformed payloads are logged and ignored.
    pub fn decode(payload: &[u8]) -> Option<Event> {
        let wire: Wire = serde_json::from_slice(payload)
            .inspect_err(|e| tracing::warn!(error = %e, "ignoring an unreadable cache event"))
            .ok()?;
        let event = match wire {
            Wire { tags: Some(tags), .. } => Event::Invalidated { tags },
            Wire { filled: Some(filled), .. } => Event::Filled { filled },
            Wire { clear: Some(clear), .. } => Event::Cleared { clear },
            Wire { topic: Some(topic), payload, .. } => {
                // serde reads a `null` payload as `None`: it is the message `null`.
                let payload = payload.map_or("null", RawValue::get);
                Event::Broadcast(Message { topic: topic.into(), payload: payload.into() })
            }
            _ => {
                tracing::warn!("ignoring a cache event of unknown shape");
                return None;
            }
        };
        Some(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_round_trips_through_its_json_shape() {
        let message = Message { topic: "t\"1".into(), payload: r#"{"tags":[1]}"#.into() };
        let null = Message { topic: "t".into(), payload: "null".into() };
        let cases = [
            (Event::Invalidated { tags: vec!["a".into()] }, json!({"tags": ["a"]})),
            (Event::Filled { filled: "k".into() }, json!({"filled": "k"})),
            (Event::Cleared { clear: "p".into() }, json!({"clear": "p"})),
            (Event::Broadcast(message), json!({"topic": "t\"1", "payload": {"tags": [1]}})),
            (Event::Broadcast(null), json!({"topic": "t", "payload": null})),
        ];
        for (event, shape) in cases {
            let encoded = event.encode();
            assert_eq!(serde_json::from_str::<Value>(&encoded).unwrap(), shape);
            assert_eq!(Event::decode(encoded.as_bytes()), Some(event));
        }
    }

    #[test]
    fn a_message_payload_arrives_as_the_text_it_was_sent_as() {
        let wire = br#"{"topic":"t","payload":{"b":1,"a":[true,null]}}"#;
        let Some(Event::Broadcast(message)) = Event::decode(wire) else { panic!("a message") };
        assert_eq!(&*message.payload, r#"{"b":1,"a":[true,null]}"#);
    }

    #[test]
    fn foreign_payloads_are_ignored() {
        for foreign in [&b"not json"[..], b"[1]", b"{}", br#"{"payload":1}"#] {
            assert_eq!(Event::decode(foreign), None);
        }
    }
}
