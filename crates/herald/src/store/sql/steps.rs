//! The steps of a post change inside its transaction, as a macro for the backend's
//! transaction type: write the row (insert, or update guarded by the version), tell why a
//! guarded update wrote nothing, record the event and bump the content version.

/// `insert_post_row`, `update_post_row` (both through `bind_post`), `refusal` and
/// `record`: the steps of a post change, in a transaction on `$db`, the event written
/// with `$dialect`'s feed position.
macro_rules! post_change_steps {
    ($db:ty, $dialect:expr) => {
        type Tx<'c> = sqlx::Transaction<'c, $db>;
        type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

        /// Binds `$1`…`$18` of [`INSERT_POST`] and [`UPDATE_POST`]: the columns a change
        /// writes, then the post's `id` and `workspace_id`.
        fn bind_post<'q>(query: Query<'q>, p: &'q Post, v: &'q PostValues) -> Query<'q> {
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

        async fn insert_post_row(tx: &mut Tx<'_>, p: &Post) -> Result<()> {
            let v = PostValues::of(p);
            let query = bind_post(sqlx::query(INSERT_POST), p, &v);
            query.bind(p.author.to_string()).bind(v.created_at).execute(&mut **tx).await?;
            Ok(())
        }

        /// Writes `p` if the stored post is still at `expected`; false if it is not.
        async fn update_post_row(tx: &mut Tx<'_>, expected: i64, p: &Post) -> Result<bool> {
            let v = PostValues::of(p);
            let query = bind_post(sqlx::query(UPDATE_POST), p, &v);
            let done = query.bind(expected).execute(&mut **tx).await?;
            Ok(done.rows_affected() == 1)
        }

        /// Why a guarded update of `p` wrote nothing: it moved on, or it does not exist.
        async fn refusal(tx: &mut Tx<'_>, p: &Post) -> Result<StoreError> {
            let current: Option<i64> = sqlx::query_scalar(POST_VERSION)
                .bind(&p.workspace_id)
                .bind(&p.id)
                .fetch_optional(&mut **tx)
                .await?;
            Ok(current
                .map_or(StoreError::NotFound, |current| StoreError::VersionConflict { current }))
        }

        /// Appends the change's event and bumps the workspace content version.
        async fn record(tx: &mut Tx<'_>, post: &Post, e: &NewEvent) -> Result<Committed> {
            let event = event_for(post, e);
            sqlx::query($dialect.insert_event)
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
                .execute(&mut **tx)
                .await?;
            let content_version: i64 = sqlx::query_scalar(BUMP_CONTENT_VERSION)
                .bind(&post.workspace_id)
                .fetch_one(&mut **tx)
                .await?;
            Ok(Committed { post: post.clone(), event, content_version })
        }
    };
}
pub(in crate::store) use post_change_steps;
