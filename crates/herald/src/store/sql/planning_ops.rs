//! [`planning_ops!`]: the [`Storage`](crate::store::Storage) operations of planning (due
//! posts per workspace, the calendar, overdue approvals), first link of the chain of
//! operation macros that ends in [`storage_impl!`](super::storage_impl).

/// Hands the planning operations, then `$more`, on to
/// [`notify_ops!`](super::notify_ops) as tokens: `#[async_trait]` must see every method
/// of the impl, so they cannot be a macro call inside it.
macro_rules! planning_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::notify_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all)]
        async fn due_by_workspace(
            &self,
            now: DateTime<Utc>,
            limit: u32,
        ) -> Result<Vec<(String, u32)>> {
            let rows: Vec<(String, i64)> = sqlx::query_as(DUE_BY_WORKSPACE)
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .fetch_all(&self.$read)
                .await?;
            Ok(rows.into_iter().map(|(ws, n)| (ws, count(n))).collect())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn due_posts(
            &self,
            workspace_id: &str,
            now: DateTime<Utc>,
            limit: u32,
        ) -> Result<Vec<Post>> {
            let rows: Vec<PostRow> = sqlx::query_as(WORKSPACE_DUE_POSTS)
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .bind(workspace_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(Post::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn calendar(
            &self,
            workspace_id: &str,
            from: DateTime<Utc>,
            to: DateTime<Utc>,
            limit: u32,
        ) -> Result<Vec<Post>> {
            let rows: Vec<PostRow> = sqlx::query_as(CALENDAR)
                .bind(workspace_id)
                .bind(to_ms(from))
                .bind(to_ms(to))
                .bind(i64::from(limit))
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(Post::try_from).collect()
        }

        #[tracing::instrument(level = "debug", skip_all, fields(limit = limit))]
        async fn claim_overdue(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Post>> {
            let rows: Vec<PostRow> = sqlx::query_as($dialect.claim_overdue)
                .bind(to_ms(now))
                .bind(i64::from(limit))
                .fetch_all(&self.$write)
                .await?;
            let mut posts = rows.into_iter().map(Post::try_from).collect::<Result<Vec<_>>>()?;
            posts.sort_by(|a, b| (a.schedule_at, &a.id).cmp(&(b.schedule_at, &b.id)));
            Ok(posts)
        }

        $($more)*
        });
    };
}
pub(in crate::store) use planning_ops;
