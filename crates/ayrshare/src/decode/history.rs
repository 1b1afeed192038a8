//! Decoding of `GET /history` and `GET /history/{id}` answers.
//!
//! `/history` is an object `{history: [..], count, refId, lastUpdated?,
//! nextUpdate?}` in current docs and a bare array in older ones. An empty
//! history is *not* `[]`: Ayrshare answers HTTP 400 with
//! `{history: {code: 221, ..}}`, which decodes to an empty [`History`].
//! Items carry `scheduleDate` as a string or a Firestore timestamp object;
//! both become a UTC ISO string (research note §4).

use serde_json::Value;

use super::{
    api_failure, arr, int_of, is_error_status, is_success, platform_errors, platform_posts, str_of,
    strings, timestamp, Failure,
};
use crate::types::{History, HistoryItem};

/// Ayrshare's "history: nothing found" code.
const EMPTY_HISTORY_CODE: i64 = 221;

/// Decodes `GET /history`.
pub(crate) fn history(status: u16, body: &Value) -> Result<History, Failure> {
    if is_empty_history(body) {
        return Ok(History { ref_id: str_of(body, "refId"), ..History::default() });
    }
    if is_success(status) {
        let list = match body {
            Value::Array(items) => Some(items.as_slice()),
            Value::Object(_) => body
                .get("history")
                .or_else(|| body.get("posts"))
                .and_then(Value::as_array)
                .map(Vec::as_slice),
            _ => None,
        };
        if let Some(items) = list {
            return Ok(History {
                items: items.iter().filter_map(history_item).collect(),
                last_updated: str_of(body, "lastUpdated"),
                next_update: str_of(body, "nextUpdate"),
                ref_id: str_of(body, "refId"),
            });
        }
    }
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    Err(Failure::Decode("history answer has no history array".into()))
}

/// Decodes `GET /history/{id}`: the record itself, or the first of a list.
///
/// A record's own `status` may be `"error"` (the post failed): that is still a
/// record, so a 2xx body with an `id` is always decoded as an item.
pub(crate) fn history_by_id(status: u16, body: &Value) -> Result<HistoryItem, Failure> {
    if is_success(status) {
        let record = match body {
            Value::Array(items) => items.first(),
            Value::Object(_) if str_of(body, "id").is_some() => Some(body),
            Value::Object(_) => arr(body, "history").first().or_else(|| arr(body, "posts").first()),
            _ => None,
        };
        if let Some(item) = record.and_then(history_item) {
            return Ok(item);
        }
    }
    if !is_success(status) || is_error_status(body) {
        return Err(api_failure(body));
    }
    Err(Failure::Decode("history answer holds no post record".into()))
}

/// Body is Ayrshare's empty-history error (code 221, nested under `history` or top-level).
fn is_empty_history(body: &Value) -> bool {
    let nested = body.get("history").filter(|h| h.is_object()).and_then(|h| int_of(h, "code"));
    nested.or_else(|| int_of(body, "code")) == Some(EMPTY_HISTORY_CODE)
}

/// One history record; `None` for non-objects.
pub(crate) fn history_item(v: &Value) -> Option<HistoryItem> {
    if !v.is_object() {
        return None;
    }
    Some(HistoryItem {
        id: str_of(v, "id").unwrap_or_default(),
        post: post_text(v.get("post")),
        platforms: strings(v, "platforms"),
        post_ids: platform_posts(v),
        errors: platform_errors(v),
        status: str_of(v, "status").unwrap_or_default(),
        kind: str_of(v, "type"),
        created: v.get("created").and_then(timestamp),
        schedule_date: v.get("scheduleDate").and_then(timestamp),
        notes: str_of(v, "notes"),
        media_urls: strings(v, "mediaUrls"),
    })
}

/// `post` is a string, or (old docs) a per-network object whose `default` wins.
fn post_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("default")
            .and_then(Value::as_str)
            .or_else(|| o.values().find_map(Value::as_str))
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item_json() -> Value {
        json!({
            "id": "8tNTr73VV8Y66bHwC2322", "post": "hello", "platforms": ["twitter", "linkedin"],
            "postIds": [{"status": "success", "id": 1858948421974925758_u64, "platform": "twitter",
                         "postUrl": "https://twitter.com/x/status/1"}],
            "errors": [{"platform": "linkedin", "code": 156, "message": "not linked"}],
            "status": "error", "type": "now", "created": "2024-11-19T19:00:14Z",
            "scheduleDate": {"_seconds": 1604578889, "_nanoseconds": 211000000, "utc": "2020-11-05T12:21:29Z"},
            "notes": "n1", "mediaUrls": ["https://img.ayrshare.com/012/gb.jpg"], "shortenLinks": false
        })
    }

    #[test]
    fn object_form_with_metadata() {
        let body = json!({"history": [item_json()], "count": 1, "refId": "r1",
                          "lastUpdated": "2026-01-01T00:00:00Z", "nextUpdate": "2026-01-01T00:01:00Z"});
        let h = history(200, &body).unwrap();
        assert_eq!(h.items.len(), 1);
        assert_eq!(h.ref_id.as_deref(), Some("r1"));
        assert_eq!(h.last_updated.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(h.next_update.as_deref(), Some("2026-01-01T00:01:00Z"));
        let it = &h.items[0];
        assert_eq!(it.id, "8tNTr73VV8Y66bHwC2322");
        assert_eq!(it.platforms, vec!["twitter", "linkedin"]);
        assert_eq!(it.post_ids[0].id, "1858948421974925758");
        assert_eq!(it.errors[0].code, Some(156));
        assert_eq!(it.status, "error");
        assert_eq!(it.kind.as_deref(), Some("now"));
        assert_eq!(it.schedule_date.as_deref(), Some("2020-11-05T12:21:29Z"));
        assert_eq!(it.notes.as_deref(), Some("n1"));
        assert_eq!(it.media_urls.len(), 1);
    }

    #[test]
    fn bare_array_form() {
        let h = history(200, &json!([item_json(), 7, {"id": "b"}])).unwrap();
        assert_eq!(h.items.len(), 2);
        assert_eq!(h.items[1].id, "b");
        assert_eq!(h.items[1].post, "");
        assert_eq!(h.ref_id, None);
    }

    #[test]
    fn empty_history_221_is_ok_empty() {
        let body =
            json!({"history": {"code": 221, "action": "get", "status": "error"}, "count": 0});
        let h = history(400, &body).unwrap();
        assert!(h.items.is_empty());
        let h =
            history(400, &json!({"status": "error", "code": 221, "message": "History not found"}))
                .unwrap();
        assert!(h.items.is_empty());
    }

    #[test]
    fn other_errors_stay_errors() {
        let body = json!({"status": "error", "code": 102, "message": "API Key not valid"});
        assert_eq!(
            history(401, &body).unwrap_err(),
            Failure::Api { code: Some(102), message: "API Key not valid".into() }
        );
        assert!(matches!(history(200, &json!({"count": 0})), Err(Failure::Decode(_))));
        assert!(matches!(history(500, &json!(null)), Err(Failure::Api { .. })));
    }

    #[test]
    fn schedule_date_string_object_and_object_without_utc() {
        let mut v = item_json();
        v["scheduleDate"] = json!("2026-07-08T12:30:00Z");
        assert_eq!(
            history_item(&v).unwrap().schedule_date.as_deref(),
            Some("2026-07-08T12:30:00Z")
        );
        v["scheduleDate"] = json!({"_seconds": 1604578889, "_nanoseconds": 211000000});
        assert_eq!(
            history_item(&v).unwrap().schedule_date.as_deref(),
            Some("2020-11-05T12:21:29Z")
        );
        v["scheduleDate"] = json!(null);
        assert_eq!(history_item(&v).unwrap().schedule_date, None);
    }

    #[test]
    fn per_network_post_object_uses_default() {
        let v = json!({"id": "a", "post": {"instagram": "ig", "default": "main"}});
        assert_eq!(history_item(&v).unwrap().post, "main");
    }

    #[test]
    fn by_id_accepts_record_with_error_status() {
        let item = history_by_id(200, &item_json()).unwrap();
        assert_eq!(item.id, "8tNTr73VV8Y66bHwC2322");
        let wrapped = history_by_id(200, &json!({"history": [item_json()]})).unwrap();
        assert_eq!(wrapped, item);
        let err = history_by_id(
            404,
            &json!({"status": "error", "code": 186, "message": "Post ID not found."}),
        );
        assert_eq!(
            err.unwrap_err(),
            Failure::Api { code: Some(186), message: "Post ID not found.".into() }
        );
        assert!(matches!(
            history_by_id(200, &json!({"status": "success"})),
            Err(Failure::Decode(_))
        ));
    }
}
