-- Media (PostgreSQL), as the SQLite migration: files a workspace uploaded, with an
-- optional thumbnail. Same conventions as 0001.

CREATE TABLE media (
    id             TEXT COLLATE "C" PRIMARY KEY,
    workspace_id   TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    bytes          BIGINT NOT NULL,
    width          BIGINT,
    height         BIGINT,
    -- SHA-256 of data, lowercase hex
    sha256         TEXT NOT NULL,
    data           BYTEA NOT NULL,
    thumbnail      BYTEA,
    thumbnail_type TEXT,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    CONSTRAINT media_thumbnail_check CHECK ((thumbnail IS NULL) = (thumbnail_type IS NULL))
);

CREATE INDEX media_by_workspace ON media (workspace_id, created_at);
