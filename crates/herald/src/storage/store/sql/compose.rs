//! The SQL of the compose library, shared by both stores: templates and hashtag groups
//! (one shape, a name unique per workspace and a JSON body; a duplicate name is
//! `Duplicate` of `<table>_workspace_id_name_key`), media as listed with the posts that
//! use them, and the URL each upload was given out as.
//!
//! A post uses a medium when its `media_urls` JSON holds the medium's URL, or Herald's own
//! `/media/{ws}/{id}` path of it; counted by `LIKE` on the JSON text (a URL is stored
//! quoted, so `"…url"` ends exactly where the URL does). Deleting a medium checks and
//! deletes in one transaction.

use crate::foundation::domain::library::Library;

/// How many posts of `m`'s workspace in `$statuses` carry medium `m` (SQL expression).
macro_rules! used_by {
    ($filter:literal) => {
        concat!(
            "(SELECT COUNT(*) FROM posts p WHERE p.workspace_id = m.workspace_id AND ",
            $filter,
            " AND (p.media_urls LIKE '%\"' || m.url || '\"%' OR p.media_urls LIKE ",
            "'%/media/' || m.workspace_id || '/' || m.id || '\"%'))"
        )
    };
}

/// Newest first, after the cursor (`$2` created_at, `$3` id), at most `$4`.
pub(in crate::storage::store) const MEDIA_LIBRARY: &str = concat!(
    "SELECT m.id, m.workspace_id, m.file_name, m.content_type, m.bytes, m.width, m.height, \
     m.sha256, m.thumbnail_type, m.created_by, m.created_at, m.url, ",
    used_by!("p.status <> 'deleted'"),
    " AS used_by FROM media m WHERE m.workspace_id = $1 \
     AND (m.created_at < $2 OR (m.created_at = $2 AND m.id < $3)) \
     ORDER BY m.created_at DESC, m.id DESC LIMIT $4"
);
/// Posts still on their way that use medium `$2`.
pub(in crate::storage::store) const MEDIA_LIVE_USERS: &str = concat!(
    "SELECT ",
    used_by!(
        "p.status NOT IN ('published', 'partially_published', 'failed', 'cancelled', 'deleted')"
    ),
    " FROM media m WHERE m.workspace_id = $1 AND m.id = $2"
);
pub(in crate::storage::store) const DELETE_MEDIA_CHUNKS: &str = "DELETE FROM media_chunks \
    WHERE media_id = (SELECT id FROM media WHERE workspace_id = $1 AND id = $2)";
pub(in crate::storage::store) const DELETE_MEDIA_ROW: &str =
    "DELETE FROM media WHERE workspace_id = $1 AND id = $2 RETURNING bytes";
pub(in crate::storage::store) const LOWER_MEDIA_USAGE: &str =
    "UPDATE media_usage SET bytes = bytes - $2 WHERE workspace_id = $1";
pub(in crate::storage::store) const SET_MEDIA_URL: &str =
    "UPDATE media SET url = $3 WHERE workspace_id = $1 AND id = $2";
pub(in crate::storage::store) const MEDIA_URL: &str =
    "SELECT url FROM media WHERE workspace_id = $1 AND id = $2";
/// The medium a URL names: the URL it was given out as (`$2`), or its id (`$3`).
pub(in crate::storage::store) const MEDIA_BY_URL: &str = "SELECT id, thumbnail_type FROM media \
    WHERE workspace_id = $1 AND (url = $2 OR id = $3) ORDER BY created_at LIMIT 1";

/// The statements of one kind of named record.
pub(in crate::storage::store) struct NamedSql {
    pub insert: &'static str,
    pub list: &'static str,
    pub get: &'static str,
    pub update: &'static str,
    pub delete: &'static str,
}

macro_rules! named_sql {
    ($table:literal, $body:literal) => {
        NamedSql {
            insert: concat!(
                "INSERT INTO ",
                $table,
                " (id, workspace_id, name, ",
                $body,
                ", created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ),
            list: concat!(
                "SELECT id, workspace_id, name, ",
                $body,
                " AS body, created_by, created_at, updated_at FROM ",
                $table,
                " WHERE workspace_id = $1 ORDER BY name, id"
            ),
            get: concat!(
                "SELECT id, workspace_id, name, ",
                $body,
                " AS body, created_by, created_at, updated_at FROM ",
                $table,
                " WHERE workspace_id = $1 AND id = $2"
            ),
            update: concat!(
                "UPDATE ",
                $table,
                " SET name = $3, ",
                $body,
                " = $4, updated_at = $5 WHERE workspace_id = $1 AND id = $2"
            ),
            delete: concat!("DELETE FROM ", $table, " WHERE workspace_id = $1 AND id = $2"),
        }
    };
}

const TEMPLATES: NamedSql = named_sql!("templates", "body");
const HASHTAG_GROUPS: NamedSql = named_sql!("hashtag_groups", "tags");

/// The statements of `library`'s records.
pub(in crate::storage::store) fn named(library: Library) -> &'static NamedSql {
    match library {
        Library::Templates => &TEMPLATES,
        Library::HashtagGroups => &HASHTAG_GROUPS,
    }
}

/// A stored template or hashtag group.
#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct NamedRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub body: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<NamedRow> for crate::foundation::domain::library::Named {
    fn from(r: NamedRow) -> Self {
        use crate::foundation::domain::model::from_ms;
        Self {
            id: r.id,
            workspace_id: r.workspace_id,
            name: r.name,
            body: r.body,
            created_by: r.created_by.into(),
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
        }
    }
}

/// A medium as the library lists it.
#[derive(sqlx::FromRow)]
pub(in crate::storage::store) struct LibraryRow {
    #[sqlx(flatten)]
    pub meta: crate::storage::store::rows::MediaRow,
    pub url: Option<String>,
    pub used_by: i64,
}

impl From<LibraryRow> for crate::foundation::domain::library::LibraryMedia {
    fn from(r: LibraryRow) -> Self {
        Self { meta: r.meta.into(), url: r.url, used_by: r.used_by }
    }
}

/// The medium id of Herald's own URL of one of the workspace's media
/// (`…/media/{ws}/{id}`), if `url` is one.
pub(in crate::storage::store) fn own_media_id(workspace_id: &str, url: &str) -> Option<String> {
    let path = url::Url::parse(url).ok()?.path().to_owned();
    let rest = path.strip_prefix("/media/")?.strip_prefix(workspace_id)?.strip_prefix('/')?;
    Some(rest.trim_end_matches('/').to_owned()).filter(|id| !id.is_empty() && !id.contains('/'))
}
