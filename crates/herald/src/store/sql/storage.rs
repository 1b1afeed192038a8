//! [`sql_storage_impl!`]: `impl Storage` for a SQL backend, from the shared statements
//! of [`super`] and the backend's pools and [`Dialect`](super::Dialect).
//!
//! `#[async_trait]` must see every method of the impl, so the operations kept in other
//! files reach it as tokens, through a chain of macros each adding its own and handing
//! the lot to the next: [`compose_ops!`](super::compose_ops) →
//! [`plan_ops!`](super::plan_ops) →
//! [`review_ops!`](super::review_ops) →
//! [`webhook_ops!`](super::webhook_ops) →
//! [`planning_ops!`](super::planning_ops) →
//! [`notify_ops!`](super::notify_ops) → [`media_ops!`](super::media_ops) →
//! [`metrics_ops!`](super::metrics_ops) → [`people_ops!`](super::people_ops) →
//! [`storage_impl!`], which writes the impl with the post, workspace and token
//! operations here.

/// Implements `Storage` for `$store` with the shared statements: reads on pool
/// `self.$read`, writes and transactions on `self.$write` (the same pool is fine), the
/// differing statements from `$dialect`.
macro_rules! sql_storage_impl {
    ($store:ty, db: $db:ty, read: $read:ident, write: $write:ident, dialect: $dialect:expr) => {
        // A block, so the imports and helpers stay private to this expansion.
        const _: () = {
            use chrono::{DateTime, Utc};
            use $crate::domain::model::to_ms;
            use $crate::domain::people::normal_email;
            use $crate::domain::{AccountMetrics, Blob, MediaMeta, MediaRecord};
            use $crate::domain::{Event, Invitation, Member, Membership, Post, Role};
            use $crate::domain::{NewMail, NewNotification, Notification, OutboxMail};
            use $crate::domain::{PostMetrics, RefreshTarget};
            use $crate::domain::{SessionRecord, User, UserRecord, Workspace};
            use $crate::store::rows::{event_for, metrics_json, parsed, PostValues};
            use $crate::store::rows::{AccountMetricsRow, MediaRow, PostMetricsRow, RefreshRow};
            use $crate::store::rows::{EventRow, PostRow, TokenRow, WorkspaceRow};
            use $crate::store::rows::{FeedRow, MailRow, NotificationRow};
            use $crate::store::rows::{InvitationRow, MemberRow, MembershipRow};
            use $crate::store::rows::{SessionRow, UserRecordRow};
            use $crate::store::sql::review;
            use $crate::store::sql::search::{posts_page, Arg};
            use $crate::store::sql::webhooks_out;
            use $crate::store::sql::*;
            use $crate::store::TokenRecord;
            use $crate::store::{Acceptance, Accepted, ClaimFn, Committed, Counts, Cursor};
            use $crate::store::{ClaimToken, DueQuery, EventClaim, FeedEvent};
            use $crate::store::{ListQuery, NewEvent, Page, Result, Storage, StoreError};

            $crate::store::sql::post_change_steps!($db, $dialect);
            $crate::store::sql::people_steps!($db, $dialect);
            $crate::store::sql::notify_steps!($db, $dialect);
            $crate::store::sql::media_steps!($db);
            $crate::store::sql::metrics_steps!($db);
            $crate::store::sql::compose_ops!($store, $read, $write, $dialect, {});
        };
    };
}
pub(in crate::store) use sql_storage_impl;

/// `impl Storage for $store`: each operation one statement, or one transaction on
/// `self.$write`, and one `debug` span. The operations of the other files come as `$more`
/// from the chain's last link, [`people_ops!`](super::people_ops).
macro_rules! storage_impl {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        #[async_trait::async_trait]
        impl Storage for $store {
            #[tracing::instrument(level = "debug", skip_all)]
            async fn ping(&self) -> Result<()> {
                sqlx::query(PING).execute(&self.$read).await?;
                Ok(())
            }

            /// Closes the read pool, then the write pool, waiting for connections in use:
            /// on SQLite the last connection to close checkpoints the WAL. (PostgreSQL
            /// passes its one pool as both; closing a closed pool returns at once.)
            #[tracing::instrument(level = "debug", skip_all)]
            async fn close(&self) {
                self.$read.close().await;
                self.$write.close().await;
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = %ws.id))]
            async fn create_workspace(&self, ws: &Workspace) -> Result<()> {
                sqlx::query(INSERT_WORKSPACE)
                    .bind(&ws.id)
                    .bind(&ws.name)
                    .bind(ws.profile_key.expose())
                    .bind(&ws.timezone)
                    .bind(ws.requires_approval)
                    .bind(ws.late_approval.as_str())
                    .bind(ws.content_version)
                    .bind(to_ms(ws.created_at))
                    .bind(ws.x_credentials.as_ref().map(|x| x.api_key.expose()))
                    .bind(ws.x_credentials.as_ref().map(|x| x.api_secret.expose()))
                    .execute(&self.$write)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = id))]
            async fn workspace(&self, id: &str) -> Result<Option<Workspace>> {
                let row: Option<WorkspaceRow> =
                    sqlx::query_as(WORKSPACE_BY_ID).bind(id).fetch_optional(&self.$read).await?;
                row.map(Workspace::try_from).transpose()
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>> {
                let row: Option<WorkspaceRow> = sqlx::query_as(WORKSPACE_BY_NAME)
                    .bind(name)
                    .fetch_optional(&self.$read)
                    .await?;
                row.map(Workspace::try_from).transpose()
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn workspaces(&self) -> Result<Vec<Workspace>> {
                let rows: Vec<WorkspaceRow> =
                    sqlx::query_as(ALL_WORKSPACES).fetch_all(&self.$read).await?;
                rows.into_iter().map(Workspace::try_from).collect()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = %ws.id))]
            async fn update_workspace(&self, ws: &Workspace) -> Result<()> {
                let done = sqlx::query(UPDATE_WORKSPACE)
                    .bind(&ws.id)
                    .bind(&ws.name)
                    .bind(ws.profile_key.expose())
                    .bind(&ws.timezone)
                    .bind(ws.requires_approval)
                    .bind(ws.late_approval.as_str())
                    .bind(ws.x_credentials.as_ref().map(|x| x.api_key.expose()))
                    .bind(ws.x_credentials.as_ref().map(|x| x.api_secret.expose()))
                    .execute(&self.$write)
                    .await?;
                match done.rows_affected() {
                    0 => Err(StoreError::NotFound),
                    _ => Ok(()),
                }
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
            async fn content_version(&self, workspace_id: &str) -> Result<i64> {
                let version: Option<i64> = sqlx::query_scalar(CONTENT_VERSION)
                    .bind(workspace_id)
                    .fetch_optional(&self.$read)
                    .await?;
                version.ok_or(StoreError::NotFound)
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = %t.workspace_id))]
            async fn create_token(&self, t: &TokenRecord) -> Result<()> {
                sqlx::query(INSERT_TOKEN)
                    .bind(&t.id)
                    .bind(&t.workspace_id)
                    .bind(t.role.as_str())
                    .bind(&t.name)
                    .bind(&t.hash)
                    .bind(to_ms(t.created_at))
                    .bind(&t.created_by)
                    .bind(t.issued_by.as_ref().map(ToString::to_string))
                    .execute(&self.$write)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>> {
                let row: Option<TokenRow> =
                    sqlx::query_as(TOKEN_BY_HASH).bind(hash).fetch_optional(&self.$read).await?;
                row.map(TokenRecord::try_from).transpose()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
            async fn tokens(&self, workspace_id: &str) -> Result<Vec<TokenRecord>> {
                let rows: Vec<TokenRow> = sqlx::query_as(WORKSPACE_TOKENS)
                    .bind(workspace_id)
                    .fetch_all(&self.$read)
                    .await?;
                rows.into_iter().map(TokenRecord::try_from).collect()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
            async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool> {
                let mut tx = self.$write.begin().await?;
                let done = sqlx::query(REVOKE_TOKEN)
                    .bind(workspace_id)
                    .bind(id)
                    .bind(to_ms(Utc::now()))
                    .execute(&mut *tx)
                    .await?;
                withdraw_issued(&mut tx, workspace_id, &$crate::domain::Actor::token(id).to_string())
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            #[tracing::instrument(
                level = "debug", skip_all, fields(workspace = %post.workspace_id, post = %post.id)
            )]
            async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
                let mut tx = self.$write.begin().await?;
                insert_post_row(&mut tx, post).await?;
                let committed = record(&mut tx, post, event).await?;
                tx.commit().await?;
                Ok(committed)
            }

            #[tracing::instrument(
                level = "debug", skip_all, fields(workspace = %post.workspace_id, post = %post.id)
            )]
            async fn save_post(
                &self,
                expected_version: i64,
                post: &Post,
                event: &NewEvent,
            ) -> Result<Committed> {
                let mut tx = self.$write.begin().await?;
                if !update_post_row(&mut tx, expected_version, post).await? {
                    return Err(refusal(&mut tx, post).await?);
                }
                let committed = record(&mut tx, post, event).await?;
                tx.commit().await?;
                Ok(committed)
            }

            #[tracing::instrument(
                level = "debug", skip_all, fields(workspace = workspace_id, post = id)
            )]
            async fn post(&self, workspace_id: &str, id: &str) -> Result<Option<Post>> {
                let row: Option<PostRow> = sqlx::query_as(POST_BY_ID)
                    .bind(workspace_id)
                    .bind(id)
                    .fetch_optional(&self.$read)
                    .await?;
                row.map(Post::try_from).transpose()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(ayrshare = ayrshare_id))]
            async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>> {
                let row: Option<PostRow> = sqlx::query_as(POST_BY_AYRSHARE_ID)
                    .bind(ayrshare_id)
                    .fetch_optional(&self.$read)
                    .await?;
                row.map(Post::try_from).transpose()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(post = post_id))]
            async fn events(&self, post_id: &str) -> Result<Vec<Event>> {
                let rows: Vec<EventRow> =
                    sqlx::query_as(POST_EVENTS).bind(post_id).fetch_all(&self.$read).await?;
                rows.into_iter().map(Event::try_from).collect()
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
            async fn posts(&self, workspace_id: &str, q: &ListQuery) -> Result<Page> {
                let built =
                    posts_page(workspace_id, q, &$dialect.text_search, $dialect.has_platform)?;
                let mut query = sqlx::query_as::<_, PostRow>(&built.sql);
                for arg in built.args {
                    query = match arg {
                        Arg::Text(text) => query.bind(text),
                        Arg::Int(n) => query.bind(n),
                    };
                }
                let rows = query.fetch_all(&self.$read).await?;
                let mut posts = rows.into_iter().map(Post::try_from).collect::<Result<Vec<_>>>()?;
                let more = posts.len() > q.limit as usize;
                posts.truncate(q.limit as usize);
                let next = posts.last().filter(|_| more).map(|p| Cursor::after(q.sort, p));
                Ok(Page { posts, next })
            }

            #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
            async fn counts(&self, workspace_id: &str) -> Result<Counts> {
                let by_status: Vec<(String, i64)> = sqlx::query_as(STATUS_COUNTS)
                    .bind(workspace_id)
                    .fetch_all(&self.$read)
                    .await?;
                let by_platform: Vec<(String, i64)> = sqlx::query_as($dialect.platform_counts)
                    .bind(workspace_id)
                    .fetch_all(&self.$read)
                    .await?;
                Ok(Counts {
                    total: by_status.iter().map(|(_, n)| n).sum(),
                    by_status: by_status.into_iter().collect(),
                    by_platform: by_platform.into_iter().collect(),
                })
            }

            #[tracing::instrument(
                level = "debug", skip_all, fields(workspace = ?q.workspace_id, limit = q.limit)
            )]
            async fn claim_due(&self, q: &DueQuery, claim: ClaimFn<'_>) -> Result<Vec<Committed>> {
                let mut tx = self.$write.begin().await?;
                let due = if q.workspace_id.is_some() { WORKSPACE_DUE_POSTS } else { DUE_POSTS };
                let sql = format!("{due}{}", $dialect.claim_lock);
                let mut query =
                    sqlx::query_as::<_, PostRow>(&sql).bind(to_ms(q.now)).bind(i64::from(q.limit));
                if let Some(ws) = &q.workspace_id {
                    query = query.bind(ws.as_str());
                }
                let rows = query.fetch_all(&mut *tx).await?;
                let mut claimed = Vec::with_capacity(rows.len());
                for row in rows {
                    let post = Post::try_from(row)?;
                    let Some((next, event)) = claim(&post) else { continue };
                    if update_post_row(&mut tx, post.version, &next).await? {
                        claimed.push(record(&mut tx, &next, &event).await?);
                    }
                }
                tx.commit().await?;
                Ok(claimed)
            }

            #[tracing::instrument(level = "debug", skip_all)]
            async fn first_delivery(&self, hook_id: &str, at: DateTime<Utc>) -> Result<bool> {
                let done = sqlx::query(FIRST_DELIVERY)
                    .bind(hook_id)
                    .bind(to_ms(at))
                    .execute(&self.$write)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            #[tracing::instrument(
                level = "debug", skip_all, fields(workspace = workspace_id, platform = platform)
            )]
            async fn platform_load(
                &self,
                workspace_id: &str,
                platform: &str,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> Result<i64> {
                let [s5, s6, s7, s8] = LOAD_STATUSES.map(|s| s.as_str());
                let load: i64 = sqlx::query_scalar($dialect.platform_load)
                    .bind(workspace_id)
                    .bind(platform)
                    .bind(to_ms(from))
                    .bind(to_ms(to))
                    .bind(s5)
                    .bind(s6)
                    .bind(s7)
                    .bind(s8)
                    .fetch_one(&self.$read)
                    .await?;
                Ok(load)
            }

            $($more)*
        }
    };
}
pub(in crate::store) use storage_impl;
