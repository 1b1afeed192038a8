//! The SQL of outgoing webhooks (endpoints and their outbox) and their rows; their
//! operations are [`WebhookStore`](crate::storage::store::WebhookStore)'s.
//!
//! **Each message once per endpoint.** `UNIQUE (endpoint_id, source, event_type)`: the
//! feed consumer that derives messages from audit events inserts them `ON CONFLICT DO
//! NOTHING`, so deriving a range again (after a lapsed claim) adds none.
//!
//! **Each message held by one sender at a time, one post's in order.** A sender claims
//! pending rows due at `now` (`next_attempt_at`, which the claim moves to the lease's
//! end, counting the attempt), chosen as [`claim_mail_sql!`](super::claim_mail_sql)
//! chooses mail (PostgreSQL skips rows another claim locked). A row is chosen only if its
//! endpoint is enabled and no earlier message of the same post to the same endpoint is
//! still pending: a post's next event waits until its previous one was delivered or
//! given up. A sender that dies leaves its rows until the lease lapses; another sends them
//! again with the same `webhook-id` (at least once).

use crate::foundation::domain::model::from_ms;
use crate::foundation::domain::webhooks::{ClaimedDelivery, Delivery, Endpoint, EventType};
use crate::foundation::secret::Secret;
use crate::storage::store::{Result, StoreError};

macro_rules! endpoint_columns {
    () => {
        "id, workspace_id, url, events, secret, created_at, failing_since, disabled_at"
    };
}
macro_rules! delivery_columns {
    () => {
        "id, endpoint_id, event_type, status, attempts, last_status, last_error, \
         next_attempt_at, created_at"
    };
}

pub(in crate::storage::store) const INSERT_ENDPOINT: &str = concat!(
    "INSERT INTO webhook_endpoints (",
    endpoint_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)"
);
pub(in crate::storage::store) const WORKSPACE_ENDPOINTS: &str = concat!(
    "SELECT ",
    endpoint_columns!(),
    " FROM webhook_endpoints WHERE workspace_id = $1 ORDER BY created_at, id"
);
pub(in crate::storage::store) const ENDPOINT_BY_ID: &str = concat!(
    "SELECT ",
    endpoint_columns!(),
    " FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2"
);
pub(in crate::storage::store) const ENDPOINT_ANY_WORKSPACE: &str =
    concat!("SELECT ", endpoint_columns!(), " FROM webhook_endpoints WHERE id = $1");
/// The settings an admin changes: url, events, and (re-enabling) the failure record.
pub(in crate::storage::store) const UPDATE_ENDPOINT: &str =
    "UPDATE webhook_endpoints SET url = $3, \
    events = $4, failing_since = $5, disabled_at = $6 WHERE workspace_id = $1 AND id = $2";
/// Deletes the endpoint (its outbox rows go with it: `ON DELETE CASCADE`).
pub(in crate::storage::store) const DELETE_OUTBOX_OF: &str =
    "DELETE FROM webhook_outbox WHERE endpoint_id = $1";
pub(in crate::storage::store) const DELETE_ENDPOINT: &str =
    "DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2";

pub(in crate::storage::store) const INSERT_DELIVERY: &str = "INSERT INTO webhook_outbox (id, \
    endpoint_id, source, event_type, post_id, post_seq, body, status, attempts, \
    next_attempt_at, give_up_at, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, $8) \
    ON CONFLICT (endpoint_id, source, event_type) DO NOTHING";
pub(in crate::storage::store) const ENDPOINT_DELIVERIES: &str = concat!(
    "SELECT ",
    delivery_columns!(),
    " FROM webhook_outbox WHERE endpoint_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
);

/// [`Dialect::claim_webhooks`](super::Dialect::claim_webhooks): claims up to `$3` pending
/// messages due at `$1` until `$2` (see the module docs for which), returning them.
macro_rules! claim_webhooks_sql {
    ($open:literal, $close:literal) => {
        concat!(
            "UPDATE webhook_outbox SET next_attempt_at = $2, attempts = attempts + 1 WHERE ",
            $open,
            " FROM webhook_outbox d WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
             AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id \
             AND e.disabled_at IS NULL) \
             AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.endpoint_id = d.endpoint_id \
             AND p.post_id = d.post_id AND p.status = 'pending' AND p.post_seq < d.post_seq) \
             ORDER BY d.next_attempt_at, d.id LIMIT $3",
            $close,
            " RETURNING id, endpoint_id, body, attempts, give_up_at"
        )
    };
}
pub(in crate::storage::store) use claim_webhooks_sql;

/// Records attempt `$1`'s outcome (`$2`…`$5`) on a message still pending.
pub(in crate::storage::store) const RECORD_ATTEMPT: &str =
    "UPDATE webhook_outbox SET status = $2, \
    last_status = $3, last_error = $4, next_attempt_at = $5 WHERE id = $1 AND status = 'pending'";
pub(in crate::storage::store) const ENDPOINT_SUCCEEDED: &str =
    "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1";
pub(in crate::storage::store) const ENDPOINT_FAILED: &str =
    "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2) WHERE id = $1";
/// Disables endpoint `$1` at `$2` if it has failed since `$3` or earlier; returns it if so.
pub(in crate::storage::store) const DISABLE_ENDPOINT: &str = "UPDATE webhook_endpoints \
    SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL AND failing_since <= $3 \
    RETURNING id";
/// Makes message `$2` of endpoint `$1` pending again, due at `$3`, retried until `$4`.
pub(in crate::storage::store) const RETRY_DELIVERY: &str =
    "UPDATE webhook_outbox SET status = 'pending', \
    next_attempt_at = $3, give_up_at = $4 WHERE endpoint_id = $1 AND id = $2";

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct EndpointRow {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub created_at: i64,
    pub failing_since: Option<i64>,
    pub disabled_at: Option<i64>,
}

impl TryFrom<EndpointRow> for Endpoint {
    type Error = StoreError;
    fn try_from(r: EndpointRow) -> Result<Self> {
        let names: Vec<String> = serde_json::from_str(&r.events)
            .map_err(|e| StoreError::Corrupt(format!("webhook events: {e}")))?;
        let events = names.iter().filter_map(|n| n.parse::<EventType>().ok()).collect();
        Ok(Endpoint {
            id: r.id,
            workspace_id: r.workspace_id,
            url: r.url,
            events,
            secret: Secret::new(r.secret),
            created_at: from_ms(r.created_at),
            failing_since: r.failing_since.map(from_ms),
            disabled_at: r.disabled_at.map(from_ms),
        })
    }
}

/// The events of an endpoint as stored (a JSON array of names).
pub(in crate::storage::store) fn events_json(events: &[EventType]) -> String {
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())
}

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub status: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub created_at: i64,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> Result<Self> {
        let bad = |what: &str| StoreError::Corrupt(format!("unknown {what} in webhook_outbox"));
        Ok(Delivery {
            event_type: r.event_type.parse().map_err(|()| bad("event type"))?,
            status: r.status.parse().map_err(|()| bad("status"))?,
            id: r.id,
            endpoint_id: r.endpoint_id,
            attempts: r.attempts,
            last_status: r.last_status,
            last_error: r.last_error,
            next_attempt_at: from_ms(r.next_attempt_at),
            created_at: from_ms(r.created_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct ClaimedRow {
    pub id: String,
    pub endpoint_id: String,
    pub body: String,
    pub attempts: i64,
    pub give_up_at: i64,
}

impl ClaimedRow {
    /// The claimed message with its endpoint's address and secret.
    pub(in crate::storage::store) fn with(self, endpoint: &Endpoint) -> ClaimedDelivery {
        ClaimedDelivery {
            id: self.id,
            endpoint_id: self.endpoint_id,
            workspace_id: endpoint.workspace_id.clone(),
            url: endpoint.url.clone(),
            secret: endpoint.secret.clone(),
            body: self.body,
            attempts: self.attempts,
            give_up_at: from_ms(self.give_up_at),
        }
    }
}
