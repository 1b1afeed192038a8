//! [`LibraryStore`]: the compose library: templates, hashtag groups, the media library and
//! Herald's copies of a post's media.
//!
//! Implemented once, for [`SqlStore`] (both backends); the statements are in
//! `sql::<area>`, a transaction's steps in `sql::<area>_steps` where it has any.

use super::backend::{on_pool, on_tx, SqlStore};
use super::Result;
use crate::foundation::domain::library::{Library, LibraryMedia, MediaRemoval, Named};
use crate::foundation::domain::model::to_ms;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The compose library: templates, hashtag groups, the media library and Herald's copies of a post's media.
#[async_trait]
pub trait LibraryStore: Send + Sync + 'static {
    /// Stores a template or hashtag group; `Duplicate` of
    /// `<table>_workspace_id_name_key` when the workspace has one of that name.
    async fn create_named(&self, library: Library, named: &Named) -> Result<()>;
    /// The workspace's templates or hashtag groups, by name.
    async fn named_list(&self, library: Library, workspace_id: &str) -> Result<Vec<Named>>;
    async fn named(&self, library: Library, workspace_id: &str, id: &str) -> Result<Option<Named>>;
    /// Writes the name and body; false if the workspace has no such record; `Duplicate`
    /// as on create.
    async fn update_named(&self, library: Library, named: &Named) -> Result<bool>;
    /// False if the workspace has no such record.
    async fn delete_named(&self, library: Library, workspace_id: &str, id: &str) -> Result<bool>;
    /// The workspace's media, newest first, after `(created_at, id)`, at most `limit`,
    /// each with how many posts use it.
    async fn media_library(
        &self,
        workspace_id: &str,
        after: Option<(DateTime<Utc>, String)>,
        limit: u32,
    ) -> Result<Vec<LibraryMedia>>;
    /// Deletes the medium (its file, and its bytes from the workspace's total) unless a
    /// post still on its way uses it, in one transaction.
    async fn delete_media(&self, workspace_id: &str, id: &str) -> Result<MediaRemoval>;
    /// Records the URL the medium was given out as for `media_urls`.
    async fn set_media_url(&self, workspace_id: &str, id: &str, url: &str) -> Result<()>;
    /// The URL the medium was given out as, if recorded.
    async fn media_url(&self, workspace_id: &str, id: &str) -> Result<Option<String>>;
    /// Herald's own path of each of `urls` that is one of the workspace's media (its
    /// thumbnail, or the file when it has none), by URL.
    async fn media_previews(
        &self,
        workspace_id: &str,
        urls: &[String],
    ) -> Result<std::collections::BTreeMap<String, String>>;
}

#[async_trait]
impl LibraryStore for SqlStore {
    #[tracing::instrument(level = "debug", skip_all, fields(workspace = %n.workspace_id))]
    async fn create_named(
        &self,
        library: crate::foundation::domain::library::Library,
        n: &crate::foundation::domain::library::Named,
    ) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(
            crate::storage::store::sql::compose::named(library).insert
        )
        .bind(&n.id)
        .bind(&n.workspace_id)
        .bind(&n.name)
        .bind(&n.body)
        .bind(n.created_by.to_string())
        .bind(to_ms(n.created_at))
        .bind(to_ms(n.updated_at))
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn named_list(
        &self,
        library: crate::foundation::domain::library::Library,
        workspace_id: &str,
    ) -> Result<Vec<crate::foundation::domain::library::Named>> {
        let rows: Vec<crate::storage::store::sql::compose::NamedRow> =
            on_pool!(&self.read, |p| sqlx::query_as(
                crate::storage::store::sql::compose::named(library).list
            )
            .bind(workspace_id)
            .fetch_all(p)
            .await?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn named(
        &self,
        library: crate::foundation::domain::library::Library,
        workspace_id: &str,
        id: &str,
    ) -> Result<Option<crate::foundation::domain::library::Named>> {
        let row: Option<crate::storage::store::sql::compose::NamedRow> = on_pool!(
            &self.read,
            |p| sqlx::query_as(crate::storage::store::sql::compose::named(library).get)
                .bind(workspace_id)
                .bind(id)
                .fetch_optional(p)
                .await?
        );
        Ok(row.map(Into::into))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = %n.workspace_id))]
    async fn update_named(
        &self,
        library: crate::foundation::domain::library::Library,
        n: &crate::foundation::domain::library::Named,
    ) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(
            crate::storage::store::sql::compose::named(library).update
        )
        .bind(&n.workspace_id)
        .bind(&n.id)
        .bind(&n.name)
        .bind(&n.body)
        .bind(to_ms(n.updated_at))
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn delete_named(
        &self,
        library: crate::foundation::domain::library::Library,
        workspace_id: &str,
        id: &str,
    ) -> Result<bool> {
        let done = on_pool!(&self.write, |p| sqlx::query(
            crate::storage::store::sql::compose::named(library).delete
        )
        .bind(workspace_id)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
    async fn media_library(
        &self,
        workspace_id: &str,
        after: Option<(DateTime<Utc>, String)>,
        limit: u32,
    ) -> Result<Vec<crate::foundation::domain::library::LibraryMedia>> {
        let (at, id) = after.map_or((i64::MAX, String::new()), |(t, id)| (to_ms(t), id));
        let rows: Vec<crate::storage::store::sql::compose::LibraryRow> = on_pool!(
            &self.read,
            |p| sqlx::query_as(crate::storage::store::sql::compose::MEDIA_LIBRARY)
                .bind(workspace_id)
                .bind(at)
                .bind(&id)
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?
        );
        Ok(rows.into_iter().map(Into::into).collect())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
    async fn delete_media(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<crate::foundation::domain::library::MediaRemoval> {
        use crate::foundation::domain::library::MediaRemoval;
        use crate::storage::store::sql::compose as c;
        let mut tx = self.write.begin().await?;
        let users: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(c::MEDIA_LIVE_USERS)
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(c)
            .await?);
        match users {
            None => return Ok(MediaRemoval::NotFound),
            Some(n) if n > 0 => return Ok(MediaRemoval::InUse(n)),
            Some(_) => {}
        }
        on_tx!(tx, |c| sqlx::query(c::DELETE_MEDIA_CHUNKS)
            .bind(workspace_id)
            .bind(id)
            .execute(c)
            .await?
            .rows_affected());
        let bytes: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(c::DELETE_MEDIA_ROW)
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(c)
            .await?);
        let Some(bytes) = bytes else { return Ok(MediaRemoval::NotFound) };
        on_tx!(tx, |c| sqlx::query(c::LOWER_MEDIA_USAGE)
            .bind(workspace_id)
            .bind(bytes)
            .execute(c)
            .await?
            .rows_affected());
        tx.commit().await?;
        Ok(MediaRemoval::Removed)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
    async fn set_media_url(&self, workspace_id: &str, id: &str, url: &str) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(crate::storage::store::sql::compose::SET_MEDIA_URL)
            .bind(workspace_id)
            .bind(id)
            .bind(url)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id, media = id))]
    async fn media_url(&self, workspace_id: &str, id: &str) -> Result<Option<String>> {
        let url: Option<Option<String>> = on_pool!(&self.read, |p| sqlx::query_scalar(
            crate::storage::store::sql::compose::MEDIA_URL
        )
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(p)
        .await?);
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
            let own = crate::storage::store::sql::compose::own_media_id(workspace_id, url);
            let row: Option<(String, Option<String>)> = on_pool!(&self.read, |p| sqlx::query_as(
                crate::storage::store::sql::compose::MEDIA_BY_URL
            )
            .bind(workspace_id)
            .bind(url)
            .bind(own.unwrap_or_default())
            .fetch_optional(p)
            .await?);
            if let Some((id, thumbnail)) = row {
                let tail = if thumbnail.is_some() { "/thumbnail" } else { "" };
                found.insert(url.clone(), format!("/media/{workspace_id}/{id}{tail}"));
            }
        }
        Ok(found)
    }
}
