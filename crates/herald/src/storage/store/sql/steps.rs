//! The steps of a post change inside its transaction: write the row (insert, or update
//! guarded by the version), tell why a guarded update wrote nothing, record the event and
//! bump the content version.

use super::*;
use crate::foundation::domain::model::to_ms;
use crate::foundation::domain::Post;
use crate::storage::store::backend::{on_tx, Tx};
use crate::storage::store::rows::*;
use crate::storage::store::Committed;
use crate::storage::store::{NewEvent, Result, StoreError};

/// A statement with its arguments, on backend `DB`.
pub(in crate::storage::store) type Query<'q, DB> =
    sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>;

/// Binds `$1`…`$18` of [`INSERT_POST`] and [`UPDATE_POST`]: the columns a change
/// writes, then the post's `id` and `workspace_id`.
fn bind_post<'q, DB>(query: Query<'q, DB>, p: &'q Post, v: &'q PostValues) -> Query<'q, DB>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(&p.text)
        .bind(&v.platforms)
        .bind(&v.media_urls)
        .bind(p.status.as_str())
        .bind(v.schedule_at)
        .bind(p.version)
        .bind(v.updated_at)
        .bind(v.published_at)
        .bind(&p.ayrshare_id)
        .bind(&v.platform_results)
        .bind(v.lease_until)
        .bind(&p.publish.key)
        .bind(p.publish.attempts)
        .bind(&v.publish_targets)
        .bind(p.waiting_for.map(|w| w.as_str()))
        .bind(&v.compose)
        .bind(&p.id)
        .bind(&p.workspace_id)
}

pub(in crate::storage::store) async fn insert_post_row(tx: &mut Tx, p: &Post) -> Result<()> {
    let v = PostValues::of(p);
    on_tx!(tx, |c| bind_post(sqlx::query(INSERT_POST), p, &v)
        .bind(p.author.to_string())
        .bind(v.created_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// Writes `p` if the stored post is still at `expected`; false if it is not.
pub(in crate::storage::store) async fn update_post_row(
    tx: &mut Tx,
    expected: i64,
    p: &Post,
) -> Result<bool> {
    let v = PostValues::of(p);
    let done = on_tx!(tx, |c| bind_post(sqlx::query(UPDATE_POST), p, &v)
        .bind(expected)
        .execute(c)
        .await?
        .rows_affected());
    Ok(done == 1)
}

/// Why a guarded update of `p` wrote nothing: it moved on, or it does not exist.
pub(in crate::storage::store) async fn refusal(tx: &mut Tx, p: &Post) -> Result<StoreError> {
    let current: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(POST_VERSION)
        .bind(&p.workspace_id)
        .bind(&p.id)
        .fetch_optional(c)
        .await?);
    Ok(current.map_or(StoreError::NotFound, |current| StoreError::VersionConflict { current }))
}

/// Appends the change's event and bumps the workspace content version.
pub(in crate::storage::store) async fn record(
    tx: &mut Tx,
    post: &Post,
    e: &NewEvent,
) -> Result<Committed> {
    let event = event_for(post, e);
    let insert_event = tx.dialect().insert_event;
    on_tx!(tx, |c| sqlx::query(insert_event)
        .bind(&event.id)
        .bind(&event.post_id)
        .bind(event.actor.to_string())
        .bind(event.action.as_str())
        .bind(&event.comment)
        .bind(event.from.map(|s| s.as_str()))
        .bind(event.to.as_str())
        .bind(event.version)
        .bind(to_ms(event.at))
        .bind(&post.workspace_id)
        .execute(c)
        .await?
        .rows_affected());
    let content_version: i64 = on_tx!(tx, |c| sqlx::query_scalar(BUMP_CONTENT_VERSION)
        .bind(&post.workspace_id)
        .fetch_one(c)
        .await?);
    Ok(Committed { post: post.clone(), event, content_version })
}
