//! What travels on the `{ns}:events` pub/sub channel, as JSON objects told apart by
//! their fields: `{"tags":[..],"versions":[..],"seq":n}`, `{"epoch":e,"seq":n}`,
//! `{"ack":instance,"seq":n}`, `{"filled":key}`, `{"clear":prefix}`,
//! `{"topic":..,"payload":..}`. Invalidations and epoch moves carry the sequence number
//! the invalidation script gave them and the versions it set (see the `lease` module);
//! an invalidation from an instance that predates read leases has neither. A message's payload is the JSON its sender serialised,
//! copied into the event as it is and read back as the same text on every instance.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::types::Message;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// These tags' versions were bumped to `versions` (sent by the invalidation script
    /// itself, numbered `seq`). Empty `versions` and no `seq`: sent without Redis, or by an
    /// instance that predates read leases.
    Invalidated { tags: Vec<String>, versions: Vec<u64>, seq: Option<u64> },
    /// The epoch moved on to `epoch` (a recovery), numbered `seq` like invalidations.
    Epoch { epoch: u64, seq: u64 },
    /// Instance `ack` has applied every numbered event up to `seq`.
    Ack { ack: String, seq: u64 },
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
    versions: Option<Vec<u64>>,
    seq: Option<u64>,
    epoch: Option<u64>,
    ack: Option<String>,
    filled: Option<String>,
    clear: Option<String>,
    topic: Option<String>,
    #[serde(borrow)]
    payload: Option<&'a RawValue>,
}

impl Event {
    pub fn encode(&self) -> String {
        match self {
            Event::Invalidated { tags, versions, seq: Some(seq) } => {
                json!({ "tags": tags, "versions": versions, "seq": seq }).to_string()
            }
            Event::Invalidated { tags, .. } => json!({ "tags": tags }).to_string(),
            Event::Epoch { epoch, seq } => json!({ "epoch": epoch, "seq": seq }).to_string(),
            Event::Ack { ack, seq } => json!({ "ack": ack, "seq": seq }).to_string(),
            Event::Filled { filled } => json!({ "filled": filled }).to_string(),
            Event::Cleared { clear } => json!({ "clear": clear }).to_string(),
            Event::Broadcast(Message { topic, payload }) => {
                // `payload` is already JSON: it goes in as it is, not as a string.
                format!(r#"{{"topic":{},"payload":{payload}}}"#, Value::from(&**topic))
            }
        }
    }

    /// The start of an invalidation's JSON, `{"tags":[..]`, to which the invalidation
    /// script appends the versions it set and its number.
    pub fn invalidation_prefix(tags: &[String]) -> String {
        let mut prefix = json!({ "tags": tags }).to_string();
        prefix.pop(); // the closing brace
        prefix
    }

    /// Parses a channel payload; foreign or malformed payloads are logged and ignored.
    pub fn decode(payload: &[u8]) -> Option<Event> {
        let wire: Wire = serde_json::from_slice(payload)
            .inspect_err(|e| tracing::warn!(error = %e, "ignoring an unreadable cache event"))
            .ok()?;
        let event = match wire {
            Wire { tags: Some(tags), versions, seq, .. } => {
                let versions = versions.filter(|v| v.len() == tags.len()).unwrap_or_default();
                let seq = seq.filter(|_| !versions.is_empty() || tags.is_empty());
                Event::Invalidated { tags, versions, seq }
            }
            Wire { epoch: Some(epoch), seq: Some(seq), .. } => Event::Epoch { epoch, seq },
            Wire { ack: Some(ack), seq: Some(seq), .. } => Event::Ack { ack, seq },
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
            (
                Event::Invalidated { tags: vec!["a".into()], versions: vec![], seq: None },
                json!({"tags": ["a"]}),
            ),
            (
                Event::Invalidated { tags: vec!["a".into()], versions: vec![4], seq: Some(9) },
                json!({"tags": ["a"], "versions": [4], "seq": 9}),
            ),
            (Event::Epoch { epoch: 7, seq: 10 }, json!({"epoch": 7, "seq": 10})),
            (Event::Ack { ack: "i1".into(), seq: 10 }, json!({"ack": "i1", "seq": 10})),
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
    fn an_invalidation_as_the_script_writes_it_is_read_with_its_versions_and_number() {
        // The script appends `,"versions":[..],"seq":n}` to the prefix the client sent.
        let prefix = Event::invalidation_prefix(&["a".into(), "b\"c".into()]);
        let wire = format!(r#"{prefix},"versions":[3,12],"seq":41}}"#);
        let event = Event::decode(wire.as_bytes());
        let tags = vec!["a".to_owned(), "b\"c".to_owned()];
        assert_eq!(event, Some(Event::Invalidated { tags, versions: vec![3, 12], seq: Some(41) }));
    }

    #[test]
    fn an_invalidation_whose_versions_do_not_match_its_tags_carries_no_number() {
        let wire = br#"{"tags":["a","b"],"versions":[3],"seq":41}"#;
        let tags = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            Event::decode(wire),
            Some(Event::Invalidated { tags, versions: vec![], seq: None })
        );
    }

    #[test]
    fn foreign_payloads_are_ignored() {
        for foreign in [&b"not json"[..], b"[1]", b"{}", br#"{"payload":1}"#] {
            assert_eq!(Event::decode(foreign), None);
        }
    }
}
