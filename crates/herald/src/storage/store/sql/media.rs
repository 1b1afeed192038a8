//! The SQL of media, shared by both stores like the rest of [`super`]: a medium is read
//! by its workspace and id together, so another workspace's id reads as absent. The file
//! is stored in chunks (`media_chunks`, [`CHUNK_BYTES`](crate::foundation::domain::media::CHUNK_BYTES)
//! each) and read one chunk per statement; `media.data` stays empty. Each workspace's
//! total is kept in `media_usage`, raised in the transaction that stores a medium only
//! while it stays within the quota: the conditional update takes the row's lock, so
//! concurrent uploads to one workspace are counted one after the other (on PostgreSQL
//! the second re-reads the total the first committed) and never pass the quota together.

macro_rules! media_meta_columns {
    () => {
        "id, workspace_id, file_name, content_type, bytes, width, height, sha256, \
         thumbnail_type, created_by, created_at"
    };
}

pub(in crate::storage::store) const INSERT_MEDIA: &str = concat!(
    "INSERT INTO media (",
    media_meta_columns!(),
    ", data, thumbnail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
);
pub(in crate::storage::store) const INSERT_MEDIA_CHUNK: &str =
    "INSERT INTO media_chunks (media_id, seq, data) VALUES ($1, $2, $3)";
/// Creates the workspace's total at 0 if it has none yet.
pub(in crate::storage::store) const START_MEDIA_USAGE: &str =
    "INSERT INTO media_usage (workspace_id, bytes) \
    VALUES ($1, 0) ON CONFLICT (workspace_id) DO NOTHING";
/// Adds `$2` bytes to the workspace's total unless it would then pass `$3`.
pub(in crate::storage::store) const RAISE_MEDIA_USAGE: &str =
    "UPDATE media_usage SET bytes = bytes + $2 \
    WHERE workspace_id = $1 AND bytes + $2 <= $3";
pub(in crate::storage::store) const MEDIA_USAGE: &str =
    "SELECT bytes FROM media_usage WHERE workspace_id = $1";
pub(in crate::storage::store) const MEDIA_META: &str =
    concat!("SELECT ", media_meta_columns!(), " FROM media WHERE workspace_id = $1 AND id = $2");
pub(in crate::storage::store) const MEDIA_BY_SHA256: &str = concat!(
    "SELECT ",
    media_meta_columns!(),
    " FROM media WHERE workspace_id = $1 AND sha256 = $2 ORDER BY created_at, id LIMIT 1"
);
pub(in crate::storage::store) const MEDIA_CHUNK: &str = "SELECT c.data FROM media_chunks c \
    JOIN media m ON m.id = c.media_id WHERE m.workspace_id = $1 AND m.id = $2 AND c.seq = $3";
pub(in crate::storage::store) const MEDIA_THUMBNAIL: &str =
    "SELECT thumbnail_type, thumbnail FROM media \
    WHERE workspace_id = $1 AND id = $2 AND thumbnail IS NOT NULL";
