//! The PostgreSQL store, for the scaled mode: one pool shared by any number of Herald
//! instances, migrations embedded and run at open.
//!
//! Semantics are the SQLite store's, statement for statement; what differs is how
//! concurrency is handled. Every post change is one transaction guarded by the post's
//! `version`, and `claim_due` locks the rows it claims with `FOR UPDATE SKIP LOCKED`, so
//! instances claiming at once each get different posts instead of waiting on each other.
//! sqlx errors map to [`StoreError`] through the same `From` as SQLite's: a refused
//! connection surfaces as a pool timeout, that is [`StoreError::Unavailable`].

use super::rows::{
    event_for, EventRow, PostRow, PostValues, TokenRow, WorkspaceRow, EVENT_COLUMNS, POST_COLUMNS,
    TOKEN_COLUMNS, WS_COLUMNS,
};
use super::{
    ClaimFn, Committed, Counts, Cursor, ListQuery, NewEvent, Page, Result, Storage, StoreError,
    TokenRecord,
};
use crate::domain::model::to_ms;
use crate::domain::{Event, Post, Workspace};
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};
use std::time::Duration;

/// How long an operation waits for a pooled connection (or for the server to accept a
/// new one) before it fails as unavailable, which the API answers with 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://…`) with a pool of at most
    /// `max_connections` and migrates it. Several instances may open it at once: sqlx
    /// serialises migrations with an advisory lock.
    pub async fn open(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .context("migrating the PostgreSQL database")?;
        Ok(Self { pool })
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn insert_post_row(tx: &mut Transaction<'_, Postgres>, p: &Post) -> Result<()> {
    let v = PostValues::of(p);
    let sql = format!(
        "INSERT INTO posts ({POST_COLUMNS}) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)"
    );
    sqlx::query(&sql)
        .bind(&p.id)
        .bind(&p.workspace_id)
        .bind(&p.text)
        .bind(v.platforms)
        .bind(v.media_urls)
        .bind(p.status.as_str())
        .bind(v.schedule_at)
        .bind(p.version)
        .bind(&p.author)
        .bind(v.created_at)
        .bind(v.updated_at)
        .bind(v.published_at)
        .bind(&p.ayrshare_id)
        .bind(v.platform_results)
        .bind(v.lease_until)
        .bind(&p.publish.key)
        .bind(p.publish.attempts)
        .bind(v.publish_targets)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Updates the post row if it is still at `expected`; false if it is not.
async fn update_post_row(
    tx: &mut Transaction<'_, Postgres>,
    expected: i64,
    p: &Post,
) -> Result<bool> {
    let v = PostValues::of(p);
    let done = sqlx::query(
        "UPDATE posts SET text=$1, platforms=$2, media_urls=$3, status=$4, schedule_at=$5, version=$6, \
         updated_at=$7, published_at=$8, ayrshare_id=$9, platform_results=$10, lease_until=$11, \
         publish_key=$12, publish_attempts=$13, publish_targets=$14 \
         WHERE id=$15 AND workspace_id=$16 AND version=$17",
    )
    .bind(&p.text)
    .bind(v.platforms)
    .bind(v.media_urls)
    .bind(p.status.as_str())
    .bind(v.schedule_at)
    .bind(p.version)
    .bind(v.updated_at)
    .bind(v.published_at)
    .bind(&p.ayrshare_id)
    .bind(v.platform_results)
    .bind(v.lease_until)
    .bind(&p.publish.key)
    .bind(p.publish.attempts)
    .bind(v.publish_targets)
    .bind(&p.id)
    .bind(&p.workspace_id)
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends the event and bumps the workspace content version; returns the commit record.
async fn record(
    tx: &mut Transaction<'_, Postgres>,
    post: &Post,
    e: &NewEvent,
) -> Result<Committed> {
    let event = event_for(post, e);
    let sql =
        format!("INSERT INTO post_events ({EVENT_COLUMNS}, workspace_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)");
    sqlx::query(&sql)
        .bind(&event.id)
        .bind(&event.post_id)
        .bind(&event.actor)
        .bind(event.action.as_str())
        .bind(&event.comment)
        .bind(event.from.map(|s| s.as_str()))
        .bind(event.to.as_str())
        .bind(event.version)
        .bind(to_ms(event.at))
        .bind(&post.workspace_id)
        .execute(&mut **tx)
        .await?;
    let content_version: i64 = sqlx::query_scalar(
        "UPDATE workspaces SET content_version = content_version + 1 WHERE id = $1 RETURNING content_version",
    )
    .bind(&post.workspace_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Committed { post: post.clone(), event, content_version })
}

#[async_trait]
impl Storage for PgStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_workspace(&self, ws: &Workspace) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO workspaces ({WS_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
        ))
        .bind(&ws.id)
        .bind(&ws.name)
        .bind(ws.profile_key.expose())
        .bind(&ws.timezone)
        .bind(ws.requires_approval)
        .bind(ws.late_approval.as_str())
        .bind(ws.content_version)
        .bind(to_ms(ws.created_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn workspace(&self, id: &str) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WS_COLUMNS} FROM workspaces WHERE id = $1");
        let row: Option<WorkspaceRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(Workspace::try_from).transpose()
    }

    async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WS_COLUMNS} FROM workspaces WHERE name = $1");
        let row: Option<WorkspaceRow> =
            sqlx::query_as(&sql).bind(name).fetch_optional(&self.pool).await?;
        row.map(Workspace::try_from).transpose()
    }

    async fn workspaces(&self) -> Result<Vec<Workspace>> {
        let sql = format!("SELECT {WS_COLUMNS} FROM workspaces ORDER BY created_at, id");
        let rows: Vec<WorkspaceRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(Workspace::try_from).collect()
    }

    async fn update_workspace(&self, ws: &Workspace) -> Result<()> {
        let done = sqlx::query(
            "UPDATE workspaces SET name=$1, profile_key=$2, timezone=$3, requires_approval=$4, late_approval=$5 \
             WHERE id=$6",
        )
        .bind(&ws.name)
        .bind(ws.profile_key.expose())
        .bind(&ws.timezone)
        .bind(ws.requires_approval)
        .bind(ws.late_approval.as_str())
        .bind(&ws.id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn content_version(&self, workspace_id: &str) -> Result<i64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT content_version FROM workspaces WHERE id = $1")
                .bind(workspace_id)
                .fetch_optional(&self.pool)
                .await?;
        v.ok_or(StoreError::NotFound)
    }

    async fn create_token(&self, t: &TokenRecord) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,NULL)"
        ))
        .bind(&t.id)
        .bind(&t.workspace_id)
        .bind(t.role.as_str())
        .bind(&t.name)
        .bind(&t.hash)
        .bind(to_ms(t.created_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1");
        let row: Option<TokenRow> =
            sqlx::query_as(&sql).bind(hash).fetch_optional(&self.pool).await?;
        row.map(TokenRecord::try_from).transpose()
    }

    async fn tokens(&self, workspace_id: &str) -> Result<Vec<TokenRecord>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE workspace_id = $1 ORDER BY created_at, id"
        );
        let rows: Vec<TokenRow> =
            sqlx::query_as(&sql).bind(workspace_id).fetch_all(&self.pool).await?;
        rows.into_iter().map(TokenRecord::try_from).collect()
    }

    async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND workspace_id = $3 AND revoked_at IS NULL",
        )
        .bind(to_ms(Utc::now()))
        .bind(id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
        let mut tx = self.pool.begin().await?;
        insert_post_row(&mut tx, post).await?;
        let committed = record(&mut tx, post, event).await?;
        tx.commit().await?;
        Ok(committed)
    }

    async fn save_post(&self, expected: i64, post: &Post, event: &NewEvent) -> Result<Committed> {
        let mut tx = self.pool.begin().await?;
        if !update_post_row(&mut tx, expected, post).await? {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM posts WHERE id=$1 AND workspace_id=$2")
                    .bind(&post.id)
                    .bind(&post.workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match current {
                Some(current) => StoreError::VersionConflict { current },
                None => StoreError::NotFound,
            });
        }
        let committed = record(&mut tx, post, event).await?;
        tx.commit().await?;
        Ok(committed)
    }

    async fn post(&self, workspace_id: &str, id: &str) -> Result<Option<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE id = $1 AND workspace_id = $2");
        let row: Option<PostRow> =
            sqlx::query_as(&sql).bind(id).bind(workspace_id).fetch_optional(&self.pool).await?;
        row.map(Post::try_from).transpose()
    }

    async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE ayrshare_id = $1");
        let row: Option<PostRow> =
            sqlx::query_as(&sql).bind(ayrshare_id).fetch_optional(&self.pool).await?;
        row.map(Post::try_from).transpose()
    }

    async fn events(&self, post_id: &str) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM post_events WHERE post_id = $1 ORDER BY version, at"
        );
        let rows: Vec<EventRow> = sqlx::query_as(&sql).bind(post_id).fetch_all(&self.pool).await?;
        rows.into_iter().map(Event::try_from).collect()
    }

    async fn posts(&self, workspace_id: &str, q: &ListQuery) -> Result<Page> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE workspace_id = $1 \
             AND ($2::text IS NULL OR status = $2) \
             AND ($3::bigint IS NULL OR created_at < $3 OR (created_at = $3 AND id < $4)) \
             ORDER BY created_at DESC, id DESC LIMIT $5"
        );
        let status = q.status.map(|s| s.as_str());
        let (c_ms, c_id) = q
            .cursor
            .as_ref()
            .map(|c| (Some(c.created_at_ms), Some(c.id.as_str())))
            .unwrap_or_default();
        let rows: Vec<PostRow> = sqlx::query_as(&sql)
            .bind(workspace_id)
            .bind(status)
            .bind(c_ms)
            .bind(c_id)
            .bind(i64::from(q.limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut posts = rows.into_iter().map(Post::try_from).collect::<Result<Vec<_>>>()?;
        let next = if posts.len() > q.limit as usize {
            posts.truncate(q.limit as usize);
            posts.last().map(|p| Cursor { created_at_ms: to_ms(p.created_at), id: p.id.clone() })
        } else {
            None
        };
        Ok(Page { posts, next })
    }

    async fn counts(&self, workspace_id: &str) -> Result<Counts> {
        let by_status: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, COUNT(*) FROM posts WHERE workspace_id = $1 GROUP BY status",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        let by_platform: Vec<(String, i64)> = sqlx::query_as(
            "SELECT p.value, COUNT(*) FROM posts, jsonb_array_elements_text(posts.platforms::jsonb) AS p(value) \
             WHERE workspace_id = $1 GROUP BY p.value",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Counts {
            total: by_status.iter().map(|(_, n)| n).sum(),
            by_status: by_status.into_iter().collect(),
            by_platform: by_platform.into_iter().collect(),
        })
    }

    /// The due rows are locked `FOR UPDATE SKIP LOCKED` in the transaction that writes the
    /// claims: a concurrent claimer skips them rather than waiting, and one that read them
    /// before this commit finds them no longer due when it re-checks the locked row.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        claim: ClaimFn<'_>,
    ) -> Result<Vec<Committed>> {
        let mut tx = self.pool.begin().await?;
        // NULLS FIRST: SQLite's order, so both backends claim in the same order.
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE (status = 'scheduled' AND schedule_at <= $1) \
             OR (status = 'publishing' AND lease_until < $1) ORDER BY schedule_at NULLS FIRST, id LIMIT $2 \
             FOR UPDATE SKIP LOCKED"
        );
        let rows: Vec<PostRow> = sqlx::query_as(&sql)
            .bind(to_ms(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
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

    async fn first_delivery(&self, hook_id: &str, at: DateTime<Utc>) -> Result<bool> {
        let done =
            sqlx::query("INSERT INTO webhook_deliveries (hook_id, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(hook_id)
                .bind(to_ms(at))
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
