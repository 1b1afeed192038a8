//! Decoding of `POST /post` and `PUT /post/retry` answers into [`PostOutcome`].
//!
//! Shapes handled (research note §3.2-§3.5): the unwrapped record, the
//! Profile-Key wrapper `{status, posts: [record, ..]}` (first record used), a
//! bare array (`arrayResponse`), and the error forms: flat
//! `{status: "error", message}`, `{posts: [{message}]}`,
//! `{posts: [{errors: [..]}]}` and the full envelope with `errors[]`.
//!
//! The central rule: when Ayrshare *created a post record* (HTTP 2xx or 400,
//! and the record has `postIds` entries or an `id` next to a post envelope),
//! the answer is `Ok` even with `status: "error"`, because the caller must
//! store the id (partial success, retry via `PUT /post/retry`). Everything
//! else that failed is an API error.

use serde_json::Value;

use super::{
    api_failure, arr, int_of, is_error_status, is_success, platform_errors, platform_posts, str_of,
    timestamp, Failure,
};
use crate::error::IDEMPOTENCY_REUSED_CODE;
use crate::types::{PlatformError, PostOutcome};

/// Decodes a post answer; see the module docs for the rules.
pub(crate) fn post_outcome(status: u16, body: &Value) -> Result<PostOutcome, Failure> {
    let record = post_record(body);
    if let Some(rec) = record {
        if (is_success(status) || status == 400) && has_record(rec) {
            let outcome = outcome_from(rec, body, status);
            // A reused idempotency key creates nothing new, even if an id is echoed.
            if !(outcome.post_ids.is_empty() && is_reuse(&api_failure(body))) {
                return Ok(outcome);
            }
        }
    }
    if !is_success(status) || is_error_status(body) || record.is_some_and(is_error_status) {
        return Err(api_failure(body));
    }
    match record {
        Some(rec) => Ok(outcome_from(rec, body, status)),
        None => Err(Failure::Decode("post answer is not a JSON object".into())),
    }
}

/// The post record: `posts[0]` of the wrapper, `[0]` of a bare array, or the body.
fn post_record(body: &Value) -> Option<&Value> {
    let first = match body {
        Value::Array(items) => items.first(),
        Value::Object(_) => arr(body, "posts").first().or(Some(body)),
        _ => None,
    };
    first.filter(|v| v.is_object())
}

/// Whether Ayrshare created a record we must hand back.
///
/// `postIds` entries always count. An `id` counts unless the record is a
/// request-level error (`status: "error"` with neither `postIds` nor
/// `errors` array), which some endpoints answer with an echoed id.
fn has_record(rec: &Value) -> bool {
    if !arr(rec, "postIds").is_empty() {
        return true;
    }
    if str_of(rec, "id").is_none() {
        return false;
    }
    let envelope = rec.get("postIds").is_some_and(Value::is_array)
        || rec.get("errors").is_some_and(Value::is_array);
    !is_error_status(rec) || envelope
}

fn is_reuse(f: &Failure) -> bool {
    match f {
        Failure::Api { code, message } => {
            *code == Some(IDEMPOTENCY_REUSED_CODE)
                || message.to_ascii_lowercase().contains("idempotency")
        }
        Failure::Decode(_) => false,
    }
}

fn outcome_from(rec: &Value, top: &Value, http: u16) -> PostOutcome {
    let status = str_of(rec, "status")
        .or_else(|| str_of(top, "status"))
        .unwrap_or_else(|| if is_success(http) { "success" } else { "error" }.to_owned());
    let mut errors = platform_errors(rec);
    if errors.is_empty() && status.eq_ignore_ascii_case("error") {
        if let Some(message) = str_of(rec, "message") {
            errors.push(PlatformError { platform: None, code: int_of(rec, "code"), message });
        }
    }
    PostOutcome {
        id: str_of(rec, "id"),
        status,
        post_ids: platform_posts(rec),
        errors,
        ref_id: str_of(rec, "refId").or_else(|| str_of(top, "refId")),
        schedule_date: rec.get("scheduleDate").and_then(timestamp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::PlatformPost;
    use serde_json::json;

    fn pp(platform: &str, id: &str, url: Option<&str>) -> PlatformPost {
        PlatformPost {
            platform: platform.into(),
            id: id.into(),
            status: "success".into(),
            post_url: url.map(Into::into),
        }
    }

    fn api(code: Option<i64>, message: &str) -> Failure {
        Failure::Api { code, message: message.into() }
    }

    #[test]
    fn unwrapped_success_with_numeric_telegram_id() {
        let body = json!({
            "status": "success", "errors": [],
            "postIds": [
                {"status": "success", "id": "1288899996423983105", "platform": "twitter",
                 "postUrl": "https://twitter.com/handle/status/1288899996423983105"},
                {"status": "success", "id": "17878176260289172", "platform": "instagram",
                 "postUrl": "https://www.instagram.com/p/CP1dI9Hp_WO/", "usedQuota": 12},
                {"status": "success", "id": 635, "platform": "telegram", "postUrl": "https://t.me/c/1424847122/635"}
            ],
            "id": "RhrbDtYh7hdSMc67zC8H", "refId": "9abf1426", "post": "Today is a great day!"
        });
        let out = post_outcome(200, &body).unwrap();
        assert_eq!(out.id.as_deref(), Some("RhrbDtYh7hdSMc67zC8H"));
        assert_eq!(out.status, "success");
        assert_eq!(out.ref_id.as_deref(), Some("9abf1426"));
        assert!(out.errors.is_empty());
        assert_eq!(out.post_ids.len(), 3);
        assert_eq!(out.post_ids[2], pp("telegram", "635", Some("https://t.me/c/1424847122/635")));
    }

    #[test]
    fn wrapped_profile_key_answer_takes_first_post() {
        let body = json!({"status": "success", "posts": [{
            "status": "success", "errors": [], "id": "DQf4P4tBf0rpAibpt3Gm",
            "postIds": [{"status": "success", "id": "urn:li:share:1", "platform": "linkedin"}],
            "profileTitle": "Good Fun", "refId": "da19d0d2", "post": "I love to post"}]});
        let out = post_outcome(200, &body).unwrap();
        assert_eq!(out.id.as_deref(), Some("DQf4P4tBf0rpAibpt3Gm"));
        assert_eq!(out.post_ids, vec![pp("linkedin", "urn:li:share:1", None)]);
        assert_eq!(out.ref_id.as_deref(), Some("da19d0d2"));
    }

    #[test]
    fn bare_array_answer_is_accepted() {
        let body = json!([{"status": "success", "id": "A1", "postIds": []}]);
        assert_eq!(post_outcome(200, &body).unwrap().id.as_deref(), Some("A1"));
    }

    #[test]
    fn scheduled_answer_keeps_status_and_date() {
        let body = json!({"status": "scheduled", "scheduleDate": "2026-07-08T12:30:00Z",
                          "id": "S1", "refId": "r", "post": "later"});
        let out = post_outcome(200, &body).unwrap();
        assert_eq!(out.status, "scheduled");
        assert_eq!(out.schedule_date.as_deref(), Some("2026-07-08T12:30:00Z"));
        assert!(out.post_ids.is_empty());
    }

    #[test]
    fn partial_failure_400_with_post_ids_is_ok() {
        let body = json!({"status": "error",
            "errors": [{"action": "post", "status": "error", "code": 156,
                        "message": "LinkedIn is not linked", "platform": "linkedin"}],
            "postIds": [{"status": "success", "id": "123", "platform": "twitter"}],
            "id": "P1"});
        let out = post_outcome(400, &body).unwrap();
        assert_eq!(out.status, "error");
        assert_eq!(out.post_ids, vec![pp("twitter", "123", None)]);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].platform.as_deref(), Some("linkedin"));
        assert_eq!(out.errors[0].code, Some(156));
    }

    #[test]
    fn all_networks_failed_but_record_created_is_ok() {
        let body = json!({"status": "error", "postIds": [], "id": "6APU4qqI7XO7JM3BOy6B",
            "errors": [{"code": 110, "message": "Status is a duplicate.", "platform": "twitter"},
                       {"message": "no platform or code"}]});
        let out = post_outcome(400, &body).unwrap();
        assert_eq!(out.id.as_deref(), Some("6APU4qqI7XO7JM3BOy6B"));
        assert_eq!(
            out.errors[1],
            PlatformError { platform: None, code: None, message: "no platform or code".into() }
        );
    }

    #[test]
    fn flat_error_is_api_error() {
        let body = json!({"status": "error", "message": "Missing or incorrect post parameter."});
        assert_eq!(
            post_outcome(400, &body),
            Err(api(None, "Missing or incorrect post parameter."))
        );
        let body = json!({"status": "error", "code": 137, "message": "dup", "id": "echoed"});
        assert_eq!(post_outcome(400, &body), Err(api(Some(137), "dup")));
    }

    #[test]
    fn posts_message_and_posts_errors_are_api_errors() {
        let body = json!({"posts": [{"message": "Missing post parameter"}]});
        assert_eq!(post_outcome(400, &body), Err(api(None, "Missing post parameter")));
        let body = json!({"status": "error", "posts": [{"status": "error", "errors": [{"message": "bad media"}]}]});
        assert_eq!(post_outcome(200, &body), Err(api(None, "bad media")));
    }

    #[test]
    fn reused_idempotency_key_is_an_error_even_with_an_id() {
        let body = json!({"status": "error", "id": "OLD", "postIds": [],
            "errors": [{"code": IDEMPOTENCY_REUSED_CODE, "message": "Idempotency key already used"}]});
        let err = post_outcome(400, &body).unwrap_err();
        assert_eq!(err, api(Some(IDEMPOTENCY_REUSED_CODE), "Idempotency key already used"));
    }

    #[test]
    fn non_400_errors_are_api_errors_even_with_ids() {
        let body = json!({"status": "error", "id": "X", "postIds": [{"id": "1", "platform": "x"}]});
        assert!(matches!(post_outcome(500, &body), Err(Failure::Api { .. })));
        assert!(matches!(post_outcome(429, &json!({"status": "error"})), Err(Failure::Api { .. })));
    }

    #[test]
    fn odd_bodies_never_panic() {
        for body in [
            json!(null),
            json!(3),
            json!("x"),
            json!([]),
            json!([1]),
            json!({"posts": 5}),
            json!({"postIds": {"a": 1}, "errors": "x", "id": []}),
        ] {
            let _ = post_outcome(200, &body);
            let _ = post_outcome(400, &body);
        }
        assert!(matches!(post_outcome(200, &json!(null)), Err(Failure::Decode(_))));
        let out = post_outcome(200, &json!({"status": "success"})).unwrap();
        assert_eq!(out.id, None);
    }
}
