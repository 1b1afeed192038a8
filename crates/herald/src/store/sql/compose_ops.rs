//! [`compose_ops!`]: the [`Storage`](crate::store::Storage) operations of the compose
//! library (templates, hashtag groups, the media library, Herald's copy of a post's
//! media), the first link of the chain of operation macros; their statements and rows
//! are in [`compose`](super::compose).

/// Hands the compose operations, then `$more`, on to [`plan_ops!`](super::plan_ops)
/// as tokens.
macro_rules! compose_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::plan_ops!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(workspace = %n.workspace_id))]
        async fn create_named(
            &self,
            library: $crate::domain::library::Library,
            n: &$crate::domain::library::Named,
        ) -> Result<()> {
            sqlx::query($crate::store::sql::compose::named(library).insert)
                .bind(&n.id)
                .bind(&n.workspace_id)
                .bind(&n.name)
                .bind(&n.body)
                .bind(n.created_by.to_string())
                .bind(to_ms(n.created_at))
                .bind(to_ms(n.updated_at))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn named_list(
            &self,
            library: $crate::domain::library::Library,
            workspace_id: &str,
        ) -> Result<Vec<$crate::domain::library::Named>> {
            let rows: Vec<$crate::store::sql::compose::NamedRow> =
                sqlx::query_as($crate::store::sql::compose::named(library).list)
                    .bind(workspace_id)
                    .fetch_all(&self.$read)
                    .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn named(
            &self,
            library: $crate::domain::library::Library,
            workspace_id: &str,
            id: &str,
        ) -> Result<Option<$crate::domain::library::Named>> {
            let row: Option<$crate::store::sql::compose::NamedRow> =
                sqlx::query_as($crate::store::sql::compose::named(library).get)
                    .bind(workspace_id)
                    .bind(id)
                    .fetch_optional(&self.$read)
                    .await?;
            Ok(row.map(Into::into))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = %n.workspace_id))]
        async fn update_named(
            &self,
            library: $crate::domain::library::Library,
            n: &$crate::domain::library::Named,
        ) -> Result<bool> {
            let done = sqlx::query($crate::store::sql::compose::named(library).update)
                .bind(&n.workspace_id)
                .bind(&n.id)
                .bind(&n.name)
                .bind(&n.body)
                .bind(to_ms(n.updated_at))
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn delete_named(
            &self,
            library: $crate::domain::library::Library,
            workspace_id: &str,
            id: &str,
        ) -> Result<bool> {
            let done = sqlx::query($crate::store::sql::compose::named(library).delete)
                .bind(workspace_id)
                .bind(id)
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn media_library(
            &self,
            workspace_id: &str,
            after: Option<(DateTime<Utc>, String)>,
            limit: u32,
        ) -> Result<Vec<$crate::domain::library::LibraryMedia>> {
            let (at, id) = after.map_or((i64::MAX, String::new()), |(t, id)| (to_ms(t), id));
            let rows: Vec<$crate::store::sql::compose::LibraryRow> =
                sqlx::query_as($crate::store::sql::compose::MEDIA_LIBRARY)
                    .bind(workspace_id)
                    .bind(at)
                    .bind(&id)
                    .bind(i64::from(limit))
                    .fetch_all(&self.$read)
                    .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn delete_media(
            &self,
            workspace_id: &str,
            id: &str,
        ) -> Result<$crate::domain::library::MediaRemoval> {
            use $crate::domain::library::MediaRemoval;
            use $crate::store::sql::compose as c;
            let mut tx = self.$write.begin().await?;
            let users: Option<i64> = sqlx::query_scalar(c::MEDIA_LIVE_USERS)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            match users {
                None => return Ok(MediaRemoval::NotFound),
                Some(n) if n > 0 => return Ok(MediaRemoval::InUse(n)),
                Some(_) => {}
            }
            sqlx::query(c::DELETE_MEDIA_CHUNKS).bind(workspace_id).bind(id).execute(&mut *tx).await?;
            let bytes: Option<i64> = sqlx::query_scalar(c::DELETE_MEDIA_ROW)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(bytes) = bytes else { return Ok(MediaRemoval::NotFound) };
            sqlx::query(c::LOWER_MEDIA_USAGE).bind(workspace_id).bind(bytes).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(MediaRemoval::Removed)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn set_media_url(&self, workspace_id: &str, id: &str, url: &str) -> Result<()> {
            sqlx::query($crate::store::sql::compose::SET_MEDIA_URL)
                .bind(workspace_id)
                .bind(id)
                .bind(url)
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
        async fn media_url(&self, workspace_id: &str, id: &str) -> Result<Option<String>> {
            let url: Option<Option<String>> = sqlx::query_scalar($crate::store::sql::compose::MEDIA_URL)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(&self.$read)
                .await?;
            Ok(url.flatten())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn media_previews(
            &self,
            workspace_id: &str,
            urls: &[String],
        ) -> Result<std::collections::BTreeMap<String, String>> {
            let mut found = std::collections::BTreeMap::new();
            for url in urls {
                let own = $crate::store::sql::compose::own_media_id(workspace_id, url);
                let row: Option<(String, Option<String>)> =
                    sqlx::query_as($crate::store::sql::compose::MEDIA_BY_URL)
                        .bind(workspace_id)
                        .bind(url)
                        .bind(own.unwrap_or_default())
                        .fetch_optional(&self.$read)
                        .await?;
                if let Some((id, thumbnail)) = row {
                    let tail = if thumbnail.is_some() { "/thumbnail" } else { "" };
                    found.insert(url.clone(), format!("/media/{workspace_id}/{id}{tail}"));
                }
            }
            Ok(found)
        }
        $($more)*
        });
    };
}
pub(in crate::store) use compose_ops;
