//! [`WebhookStore`]: outgoing webhooks: endpoints, their messages and deliveries.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::sql::*;
use super::Result;
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::webhooks::{
    Attempt, ClaimedDelivery, Delivery, Endpoint, NewDelivery,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Outgoing webhooks: endpoints, their messages and deliveries.
#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// Stores a webhook endpoint (with its whole secret); `NotFound` for an unknown
    /// workspace.
    async fn create_webhook(&self, endpoint: &Endpoint) -> Result<()>;
    /// The workspace's webhook endpoints, oldest first.
    async fn webhooks(&self, workspace_id: &str) -> Result<Vec<Endpoint>>;
    async fn webhook(&self, workspace_id: &str, id: &str) -> Result<Option<Endpoint>>;
    /// Writes the endpoint's url, events, `failing_since` and `disabled_at`; false if the
    /// workspace has no such endpoint.
    async fn update_webhook(&self, endpoint: &Endpoint) -> Result<bool>;
    /// Deletes the endpoint and its deliveries; false if the workspace has no such one.
    async fn delete_webhook(&self, workspace_id: &str, id: &str) -> Result<bool>;
    /// Writes those of `messages` not already there (one per endpoint, source and type),
    /// in one transaction; how many were written.
    async fn enqueue_webhooks(&self, messages: &[NewDelivery]) -> Result<u64>;
    /// Claims up to `limit` pending messages due at `now` to enabled endpoints, none
    /// behind an earlier pending message of the same post to the same endpoint: each
    /// held until `now + lease` by this caller alone, its attempts counted.
    async fn claim_webhooks(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>>;
    /// Records an attempt's outcome, and the endpoint's failure record; true if this
    /// failure disabled the endpoint (failing since `disable_if_failing_since` or before).
    async fn record_webhook_attempt(
        &self,
        attempt: &Attempt,
        disable_if_failing_since: DateTime<Utc>,
    ) -> Result<bool>;
    /// The endpoint's deliveries, newest first, at most `limit`.
    async fn webhook_deliveries(&self, endpoint_id: &str, limit: u32) -> Result<Vec<Delivery>>;
    /// Makes the endpoint's delivery pending again, due at `now`, retried until
    /// `give_up_at`; false if the endpoint has no such delivery.
    async fn retry_webhook(
        &self,
        endpoint_id: &str,
        id: &str,
        now: DateTime<Utc>,
        give_up_at: DateTime<Utc>,
    ) -> Result<bool>;
}

#[async_trait]
impl WebhookStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(webhook = %e.id))]
    async fn create_webhook(
        &self,
        e: &crate::foundation::domain::webhooks::Endpoint,
    ) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_ENDPOINT)
            .bind(&e.id)
            .bind(&e.workspace_id)
            .bind(&e.url)
            .bind(webhooks_out::events_json(&e.events))
            .bind(e.secret.expose())
            .bind(to_ms(e.created_at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn webhooks(
        &self,
        workspace_id: &str,
    ) -> Result<Vec<crate::foundation::domain::webhooks::Endpoint>> {
        let rows: Vec<webhooks_out::EndpointRow> =
            on_pool!(&self.read, |p| sqlx::query_as(WORKSPACE_ENDPOINTS)
                .bind(workspace_id)
                .fetch_all(p)
                .await?);
        rows.into_iter().map(TryFrom::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(webhook = id))]
    async fn webhook(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<Option<crate::foundation::domain::webhooks::Endpoint>> {
        let row: Option<webhooks_out::EndpointRow> =
            on_pool!(&self.read, |p| sqlx::query_as(ENDPOINT_BY_ID)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(p)
                .await?);
        row.map(TryFrom::try_from).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(webhook = %e.id))]
    async fn update_webhook(
        &self,
        e: &crate::foundation::domain::webhooks::Endpoint,
    ) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(UPDATE_ENDPOINT)
            .bind(&e.workspace_id)
            .bind(&e.id)
            .bind(&e.url)
            .bind(webhooks_out::events_json(&e.events))
            .bind(e.failing_since.map(to_ms))
            .bind(e.disabled_at.map(to_ms))
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(webhook = id))]
    async fn delete_webhook(&self, workspace_id: &str, id: &str) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let owned: Option<webhooks_out::EndpointRow> =
            on_tx!(tx, |c| sqlx::query_as(ENDPOINT_BY_ID)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(c)
                .await?);
        if owned.is_none() {
            return Ok(false);
        }
        on_tx!(tx, |c| sqlx::query(DELETE_OUTBOX_OF).bind(id).execute(c).await?.rows_affected());
        on_tx!(tx, |c| sqlx::query(DELETE_ENDPOINT)
            .bind(workspace_id)
            .bind(id)
            .execute(c)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(count = messages.len()))]
    async fn enqueue_webhooks(
        &self,
        messages: &[crate::foundation::domain::webhooks::NewDelivery],
    ) -> Result<u64> {
        let mut tx = self.write.begin().await?;
        let mut added = 0;
        for m in messages {
            let done = on_tx!(tx, |c| sqlx::query(INSERT_DELIVERY)
                .bind(&m.id)
                .bind(&m.endpoint_id)
                .bind(&m.source)
                .bind(m.event_type.as_str())
                .bind(&m.post_id)
                .bind(m.post_seq)
                .bind(&m.body)
                .bind(to_ms(m.created_at))
                .bind(to_ms(m.give_up_at))
                .execute(c)
                .await?
                .rows_affected());
            added += done;
        }
        tx.commit().await?;
        Ok(added)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
    async fn claim_webhooks(
        &self,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Vec<crate::foundation::domain::webhooks::ClaimedDelivery>> {
        let rows: Vec<webhooks_out::ClaimedRow> =
            on_pool!(&self.write, |p| sqlx::query_as(self.dialect().claim_webhooks)
                .bind(to_ms(now))
                .bind(to_ms(lease_end(now, lease)))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?);
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let endpoint: Option<webhooks_out::EndpointRow> =
                on_pool!(&self.read, |p| sqlx::query_as(ENDPOINT_ANY_WORKSPACE)
                    .bind(&row.endpoint_id)
                    .fetch_optional(p)
                    .await?);
            if let Some(endpoint) = endpoint {
                let endpoint = crate::foundation::domain::webhooks::Endpoint::try_from(endpoint)?;
                claimed.push(row.with(&endpoint));
            }
        }
        Ok(claimed)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(delivery = %a.id))]
    async fn record_webhook_attempt(
        &self,
        a: &crate::foundation::domain::webhooks::Attempt,
        disable_if_failing_since: DateTime<Utc>,
    ) -> Result<bool> {
        use crate::foundation::domain::webhooks::DeliveryStatus;
        let mut tx = self.write.begin().await?;
        on_tx!(tx, |c| sqlx::query(RECORD_ATTEMPT)
            .bind(&a.id)
            .bind(a.status.as_str())
            .bind(a.last_status)
            .bind(&a.last_error)
            .bind(to_ms(a.next_attempt_at))
            .execute(c)
            .await?
            .rows_affected());
        let disabled = if a.status == DeliveryStatus::Delivered {
            on_tx!(tx, |c| sqlx::query(ENDPOINT_SUCCEEDED)
                .bind(&a.endpoint_id)
                .execute(c)
                .await?
                .rows_affected());
            false
        } else {
            on_tx!(tx, |c| sqlx::query(ENDPOINT_FAILED)
                .bind(&a.endpoint_id)
                .bind(to_ms(a.at))
                .execute(c)
                .await?
                .rows_affected());
            let hit: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(DISABLE_ENDPOINT)
                .bind(&a.endpoint_id)
                .bind(to_ms(a.at))
                .bind(to_ms(disable_if_failing_since))
                .fetch_optional(c)
                .await?);
            hit.is_some()
        };
        tx.commit().await?;
        Ok(disabled)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(webhook = endpoint_id))]
    async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        limit: u32,
    ) -> Result<Vec<crate::foundation::domain::webhooks::Delivery>> {
        let rows: Vec<webhooks_out::DeliveryRow> =
            on_pool!(&self.read, |p| sqlx::query_as(ENDPOINT_DELIVERIES)
                .bind(endpoint_id)
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?);
        rows.into_iter().map(TryFrom::try_from).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(delivery = id))]
    async fn retry_webhook(
        &self,
        endpoint_id: &str,
        id: &str,
        now: DateTime<Utc>,
        give_up_at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(RETRY_DELIVERY)
            .bind(endpoint_id)
            .bind(id)
            .bind(to_ms(now))
            .bind(to_ms(give_up_at))
            .execute(p)
            .await?
            .rows_affected());
        Ok(done == 1)
    }
}
