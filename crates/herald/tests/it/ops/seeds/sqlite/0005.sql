-- Rows 0005 adds: an uploaded image with its thumbnail.
INSERT INTO media (id, workspace_id, file_name, content_type, bytes, width, height, sha256, data,
    thumbnail, thumbnail_type, created_by, created_at)
VALUES ('up-media-1', 'up-ws', 'logo.png', 'image/png', 8, 1, 1,
    'seeded-sha256-of-logo', X'89504E470D0A1A0A', X'FFD8FF', 'image/jpeg', 'up-user-1',
    1700000004000);
