-- Media (SQLite): files a workspace uploaded, with an optional thumbnail. Same
-- conventions as 0001.

CREATE TABLE media (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    bytes          INTEGER NOT NULL,
    width          INTEGER,
    height         INTEGER,
    -- SHA-256 of data, lowercase hex
    sha256         TEXT NOT NULL,
    data           BLOB NOT NULL,
    thumbnail      BLOB,
    thumbnail_type TEXT,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    CHECK ((thumbnail IS NULL) = (thumbnail_type IS NULL))
);

CREATE INDEX media_by_workspace ON media (workspace_id, created_at);
