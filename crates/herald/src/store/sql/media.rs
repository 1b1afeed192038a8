//! The SQL of media, shared by both stores like the rest of [`super`]: a medium is read
//! by its workspace and id together, so another workspace's id reads as absent.

macro_rules! media_meta_columns {
    () => {
        "id, workspace_id, file_name, content_type, bytes, width, height, sha256, \
         thumbnail_type, created_by, created_at"
    };
}

pub(in crate::store) const INSERT_MEDIA: &str = concat!(
    "INSERT INTO media (",
    media_meta_columns!(),
    ", data, thumbnail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
);
pub(in crate::store) const MEDIA_META: &str =
    concat!("SELECT ", media_meta_columns!(), " FROM media WHERE workspace_id = $1 AND id = $2");
pub(in crate::store) const MEDIA_DATA: &str =
    "SELECT content_type, data FROM media WHERE workspace_id = $1 AND id = $2";
pub(in crate::store) const MEDIA_THUMBNAIL: &str = "SELECT thumbnail_type, thumbnail FROM media \
    WHERE workspace_id = $1 AND id = $2 AND thumbnail IS NOT NULL";
