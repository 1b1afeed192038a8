//! [`webhook_ops!`]: the [`Storage`](crate::store::Storage) operations of outgoing
//! webhooks, the first link of the chain of operation macros; their statements and rows
//! are in [`webhooks_out`](super::webhooks_out), which argues their guarantees.

/// Hands the outgoing-webhook operations, then `$more`, on to
/// [`planning_ops!`](super::planning_ops) as tokens.
macro_rules! webhook_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::planning_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(webhook = %e.id))]
        async fn create_webhook(&self, e: &$crate::domain::webhooks::Endpoint) -> Result<()> {
            sqlx::query(INSERT_ENDPOINT)
                .bind(&e.id)
                .bind(&e.workspace_id)
                .bind(&e.url)
                .bind(webhooks_out::events_json(&e.events))
                .bind(e.secret.expose())
                .bind(to_ms(e.created_at))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn webhooks(
            &self,
            workspace_id: &str,
        ) -> Result<Vec<$crate::domain::webhooks::Endpoint>> {
            let rows: Vec<webhooks_out::EndpointRow> = sqlx::query_as(WORKSPACE_ENDPOINTS)
                .bind(workspace_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(TryFrom::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(webhook = id))]
        async fn webhook(
            &self,
            workspace_id: &str,
            id: &str,
        ) -> Result<Option<$crate::domain::webhooks::Endpoint>> {
            let row: Option<webhooks_out::EndpointRow> = sqlx::query_as(ENDPOINT_BY_ID)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&self.$read)
                .await?;
            row.map(TryFrom::try_from).transpose()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(webhook = %e.id))]
        async fn update_webhook(&self, e: &$crate::domain::webhooks::Endpoint) -> Result<bool> {
            let done = sqlx::query(UPDATE_ENDPOINT)
                .bind(&e.workspace_id)
                .bind(&e.id)
                .bind(&e.url)
                .bind(webhooks_out::events_json(&e.events))
                .bind(e.failing_since.map(to_ms))
                .bind(e.disabled_at.map(to_ms))
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(webhook = id))]
        async fn delete_webhook(&self, workspace_id: &str, id: &str) -> Result<bool> {
            let mut tx = self.$write.begin().await?;
            let owned: Option<webhooks_out::EndpointRow> = sqlx::query_as(ENDPOINT_BY_ID)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if owned.is_none() {
                return Ok(false);
            }
            sqlx::query(DELETE_OUTBOX_OF).bind(id).execute(&mut *tx).await?;
            sqlx::query(DELETE_ENDPOINT).bind(workspace_id).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(count = messages.len()))]
        async fn enqueue_webhooks(
            &self,
            messages: &[$crate::domain::webhooks::NewDelivery],
        ) -> Result<u64> {
            let mut tx = self.$write.begin().await?;
            let mut added = 0;
            for m in messages {
                let done = sqlx::query(INSERT_DELIVERY)
                    .bind(&m.id)
                    .bind(&m.endpoint_id)
                    .bind(&m.source)
                    .bind(m.event_type.as_str())
                    .bind(&m.post_id)
                    .bind(m.post_seq)
                    .bind(&m.body)
                    .bind(to_ms(m.created_at))
                    .bind(to_ms(m.give_up_at))
                    .execute(&mut *tx)
                    .await?;
                added += done.rows_affected();
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
        ) -> Result<Vec<$crate::domain::webhooks::ClaimedDelivery>> {
            let rows: Vec<webhooks_out::ClaimedRow> = sqlx::query_as($dialect.claim_webhooks)
                .bind(to_ms(now))
                .bind(to_ms(lease_end(now, lease)))
                .bind(i64::from(limit))
                .fetch_all(&self.$write)
                .await?;
            let mut claimed = Vec::with_capacity(rows.len());
            for row in rows {
                let endpoint: Option<webhooks_out::EndpointRow> =
                    sqlx::query_as(ENDPOINT_ANY_WORKSPACE)
                        .bind(&row.endpoint_id)
                        .fetch_optional(&self.$read)
                        .await?;
                if let Some(endpoint) = endpoint {
                    let endpoint = $crate::domain::webhooks::Endpoint::try_from(endpoint)?;
                    claimed.push(row.with(&endpoint));
                }
            }
            Ok(claimed)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(delivery = %a.id))]
        async fn record_webhook_attempt(
            &self,
            a: &$crate::domain::webhooks::Attempt,
            disable_if_failing_since: DateTime<Utc>,
        ) -> Result<bool> {
            use $crate::domain::webhooks::DeliveryStatus;
            let mut tx = self.$write.begin().await?;
            sqlx::query(RECORD_ATTEMPT)
                .bind(&a.id)
                .bind(a.status.as_str())
                .bind(a.last_status)
                .bind(&a.last_error)
                .bind(to_ms(a.next_attempt_at))
                .execute(&mut *tx)
                .await?;
            let disabled = if a.status == DeliveryStatus::Delivered {
                sqlx::query(ENDPOINT_SUCCEEDED).bind(&a.endpoint_id).execute(&mut *tx).await?;
                false
            } else {
                sqlx::query(ENDPOINT_FAILED)
                    .bind(&a.endpoint_id)
                    .bind(to_ms(a.at))
                    .execute(&mut *tx)
                    .await?;
                let hit: Option<String> = sqlx::query_scalar(DISABLE_ENDPOINT)
                    .bind(&a.endpoint_id)
                    .bind(to_ms(a.at))
                    .bind(to_ms(disable_if_failing_since))
                    .fetch_optional(&mut *tx)
                    .await?;
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
        ) -> Result<Vec<$crate::domain::webhooks::Delivery>> {
            let rows: Vec<webhooks_out::DeliveryRow> = sqlx::query_as(ENDPOINT_DELIVERIES)
                .bind(endpoint_id)
                .bind(i64::from(limit))
                .fetch_all(&self.$read)
                .await?;
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
            let done = sqlx::query(RETRY_DELIVERY)
                .bind(endpoint_id)
                .bind(id)
                .bind(to_ms(now))
                .bind(to_ms(give_up_at))
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        $($more)*
        });
    };
}
pub(in crate::store) use webhook_ops;
