//! The outgoing webhooks' API shapes: what is sent to create or change an endpoint, and
//! how endpoints and deliveries are answered (the secret only in [`CreatedWebhook`]).

use crate::foundation::domain::webhooks::{Delivery, DeliveryStatus, Endpoint, EventType};
use crate::foundation::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    pub url: String,
    /// Event type names (`post.created`, …, `comment.created`).
    pub events: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    /// `true` turns a disabled endpoint on again (its failure record cleared).
    pub enabled: Option<bool>,
}

/// An endpoint, as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<EventType>,
    pub enabled: bool,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// The first failed attempt since the last delivered one.
    #[serde(with = "crate::foundation::domain::model::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was disabled (by 24 h of failures, or by an admin).
    #[serde(with = "crate::foundation::domain::model::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub disabled_at: Option<DateTime<Utc>>,
}

impl WebhookView {
    pub fn of(e: &Endpoint) -> Self {
        Self {
            id: e.id.clone(),
            url: e.url.clone(),
            events: e.events.clone(),
            enabled: e.disabled_at.is_none(),
            created_at: e.created_at,
            failing_since: e.failing_since,
            disabled_at: e.disabled_at,
        }
    }
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    pub id: String,
    pub url: String,
    pub events: Vec<EventType>,
    /// `whsec_…`: the Standard Webhooks signing secret. Not shown again.
    #[serde(with = "crate::foundation::secret::exposed")]
    #[schema(value_type = String)]
    pub secret: Secret,
}

impl CreatedWebhook {
    pub fn of(e: &Endpoint) -> Self {
        Self {
            id: e.id.clone(),
            url: e.url.clone(),
            events: e.events.clone(),
            secret: e.secret.clone(),
        }
    }
}

/// A line of an endpoint's delivery log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Also the message's `webhook-id`.
    pub id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i64,
    /// The HTTP status of the last answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<i64>,
    /// Why the last attempt failed, or the start of its answer (at most 1 KB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When it is tried next (pending only).
    #[serde(
        with = "crate::foundation::domain::model::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::foundation::domain::model::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
}

impl DeliveryView {
    pub fn of(d: &Delivery) -> Self {
        let pending = d.status == DeliveryStatus::Pending;
        Self {
            id: d.id.clone(),
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error.clone(),
            next_attempt_at: pending.then_some(d.next_attempt_at),
            created_at: d.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_created_answer_carries_the_whole_secret_and_its_debug_only_a_hint() {
        let endpoint = Endpoint {
            id: "w1".into(),
            workspace_id: "ws".into(),
            url: "https://example.com/".into(),
            events: vec![EventType::PostCreated],
            secret: Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            created_at: Utc::now(),
            failing_since: None,
            disabled_at: None,
        };
        let created = CreatedWebhook::of(&endpoint);
        let json = serde_json::to_value(&created).unwrap();
        assert_eq!(json["secret"], "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assert!(!format!("{created:?} {endpoint:?}").contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        let listed = serde_json::to_string(&WebhookView::of(&endpoint)).unwrap();
        assert!(!listed.contains("MfKQ9r8G"), "{listed}");
    }
}
