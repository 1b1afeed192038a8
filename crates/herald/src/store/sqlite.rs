//! The SQLite store: one file in WAL mode, migrations embedded and run at open.
//!
//! SQLite allows one writer at a time, so writes go through a pool of exactly one
//! connection (transactions queue in the pool instead of failing with "database is
//! locked") and reads through a separate pool that WAL lets run beside the writer.

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
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and migrates it.
    pub async fn open(url: &str, max_readers: u32) -> anyhow::Result<Self> {
        let url =
            if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(max_readers.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self { write, read })
    }

    /// Closes both pools, waiting for connections in use.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

async fn insert_post_row(tx: &mut Transaction<'_, Sqlite>, p: &Post) -> Result<()> {
    let v = PostValues::of(p);
    let sql =
        format!("INSERT INTO posts ({POST_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
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
    tx: &mut Transaction<'_, Sqlite>,
    expected: i64,
    p: &Post,
) -> Result<bool> {
    let v = PostValues::of(p);
    let done = sqlx::query(
        "UPDATE posts SET text=?, platforms=?, media_urls=?, status=?, schedule_at=?, version=?, \
         updated_at=?, published_at=?, ayrshare_id=?, platform_results=?, lease_until=?, \
         publish_key=?, publish_attempts=?, publish_targets=? \
         WHERE id=? AND workspace_id=? AND version=?",
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
async fn record(tx: &mut Transaction<'_, Sqlite>, post: &Post, e: &NewEvent) -> Result<Committed> {
    let event = event_for(post, e);
    sqlx::query(&format!(
        "INSERT INTO post_events ({EVENT_COLUMNS}, workspace_id) VALUES (?,?,?,?,?,?,?,?,?,?)"
    ))
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
        "UPDATE workspaces SET content_version = content_version + 1 WHERE id = ? RETURNING content_version",
    )
    .bind(&post.workspace_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Committed { post: post.clone(), event, content_version })
}

#[async_trait]
impl Storage for SqliteStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    async fn create_workspace(&self, ws: &Workspace) -> Result<()> {
        sqlx::query(&format!("INSERT INTO workspaces ({WS_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)"))
            .bind(&ws.id)
            .bind(&ws.name)
            .bind(ws.profile_key.expose())
            .bind(&ws.timezone)
            .bind(ws.requires_approval)
            .bind(ws.late_approval.as_str())
            .bind(ws.content_version)
            .bind(to_ms(ws.created_at))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn workspace(&self, id: &str) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WS_COLUMNS} FROM workspaces WHERE id = ?");
        let row: Option<WorkspaceRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(&self.read).await?;
        row.map(Workspace::try_from).transpose()
    }

    async fn workspace_by_name(&self, name: &str) -> Result<Option<Workspace>> {
        let sql = format!("SELECT {WS_COLUMNS} FROM workspaces WHERE name = ?");
        let row: Option<WorkspaceRow> =
            sqlx::query_as(&sql).bind(name).fetch_optional(&self.read).await?;
        row.map(Workspace::try_from).transpose()
    }

    async fn workspaces(&self) -> Result<Vec<Workspace>> {
        let sql = format!("SELECT {WS_COLUMNS} FROM workspaces ORDER BY created_at, id");
        let rows: Vec<WorkspaceRow> = sqlx::query_as(&sql).fetch_all(&self.read).await?;
        rows.into_iter().map(Workspace::try_from).collect()
    }

    async fn update_workspace(&self, ws: &Workspace) -> Result<()> {
        let done = sqlx::query(
            "UPDATE workspaces SET name=?, profile_key=?, timezone=?, requires_approval=?, late_approval=? WHERE id=?",
        )
        .bind(&ws.name)
        .bind(ws.profile_key.expose())
        .bind(&ws.timezone)
        .bind(ws.requires_approval)
        .bind(ws.late_approval.as_str())
        .bind(&ws.id)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn content_version(&self, workspace_id: &str) -> Result<i64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT content_version FROM workspaces WHERE id = ?")
                .bind(workspace_id)
                .fetch_optional(&self.read)
                .await?;
        v.ok_or(StoreError::NotFound)
    }

    async fn create_token(&self, t: &TokenRecord) -> Result<()> {
        sqlx::query(&format!("INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES (?,?,?,?,?,?,NULL)"))
            .bind(&t.id)
            .bind(&t.workspace_id)
            .bind(t.role.as_str())
            .bind(&t.name)
            .bind(&t.hash)
            .bind(to_ms(t.created_at))
            .execute(&self.write)
            .await?;
        Ok(())
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?");
        let row: Option<TokenRow> =
            sqlx::query_as(&sql).bind(hash).fetch_optional(&self.read).await?;
        row.map(TokenRecord::try_from).transpose()
    }

    async fn tokens(&self, workspace_id: &str) -> Result<Vec<TokenRecord>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE workspace_id = ? ORDER BY created_at, id"
        );
        let rows: Vec<TokenRow> =
            sqlx::query_as(&sql).bind(workspace_id).fetch_all(&self.read).await?;
        rows.into_iter().map(TokenRecord::try_from).collect()
    }

    async fn revoke_token(&self, workspace_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL",
        )
        .bind(to_ms(Utc::now()))
        .bind(id)
        .bind(workspace_id)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_post(&self, post: &Post, event: &NewEvent) -> Result<Committed> {
        let mut tx = self.write.begin().await?;
        insert_post_row(&mut tx, post).await?;
        let committed = record(&mut tx, post, event).await?;
        tx.commit().await?;
        Ok(committed)
    }

    async fn save_post(&self, expected: i64, post: &Post, event: &NewEvent) -> Result<Committed> {
        let mut tx = self.write.begin().await?;
        if !update_post_row(&mut tx, expected, post).await? {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM posts WHERE id=? AND workspace_id=?")
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
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE id = ? AND workspace_id = ?");
        let row: Option<PostRow> =
            sqlx::query_as(&sql).bind(id).bind(workspace_id).fetch_optional(&self.read).await?;
        row.map(Post::try_from).transpose()
    }

    async fn post_by_ayrshare_id(&self, ayrshare_id: &str) -> Result<Option<Post>> {
        let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE ayrshare_id = ?");
        let row: Option<PostRow> =
            sqlx::query_as(&sql).bind(ayrshare_id).fetch_optional(&self.read).await?;
        row.map(Post::try_from).transpose()
    }

    async fn events(&self, post_id: &str) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM post_events WHERE post_id = ? ORDER BY version, at"
        );
        let rows: Vec<EventRow> = sqlx::query_as(&sql).bind(post_id).fetch_all(&self.read).await?;
        rows.into_iter().map(Event::try_from).collect()
    }

    async fn posts(&self, workspace_id: &str, q: &ListQuery) -> Result<Page> {
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE workspace_id = ? \
             AND (? IS NULL OR status = ?) \
             AND (? IS NULL OR created_at < ? OR (created_at = ? AND id < ?)) \
             ORDER BY created_at DESC, id DESC LIMIT ?"
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
            .bind(status)
            .bind(c_ms)
            .bind(c_ms)
            .bind(c_ms)
            .bind(c_id)
            .bind(i64::from(q.limit) + 1)
            .fetch_all(&self.read)
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
            "SELECT status, COUNT(*) FROM posts WHERE workspace_id = ? GROUP BY status",
        )
        .bind(workspace_id)
        .fetch_all(&self.read)
        .await?;
        let by_platform: Vec<(String, i64)> = sqlx::query_as(
            "SELECT p.value, COUNT(*) FROM posts, json_each(posts.platforms) AS p WHERE workspace_id = ? GROUP BY p.value",
        )
        .bind(workspace_id)
        .fetch_all(&self.read)
        .await?;
        Ok(Counts {
            total: by_status.iter().map(|(_, n)| n).sum(),
            by_status: by_status.into_iter().collect(),
            by_platform: by_platform.into_iter().collect(),
        })
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        claim: ClaimFn<'_>,
    ) -> Result<Vec<Committed>> {
        let mut tx = self.write.begin().await?;
        let sql = format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE (status = 'scheduled' AND schedule_at <= ?) \
             OR (status = 'publishing' AND lease_until < ?) ORDER BY schedule_at, id LIMIT ?"
        );
        let now_ms = to_ms(now);
        let rows: Vec<PostRow> = sqlx::query_as(&sql)
            .bind(now_ms)
            .bind(now_ms)
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
        let done = sqlx::query("INSERT INTO webhook_deliveries (hook_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(hook_id)
            .bind(to_ms(at))
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
