-- Media in chunks, and each workspace's total (PostgreSQL), as the SQLite migration.
-- Chunks are stored uncompressed out of line (images and video are compressed already),
-- so reading one reads only its own bytes.

CREATE TABLE media_chunks (
    media_id TEXT COLLATE "C" NOT NULL REFERENCES media (id),
    seq      BIGINT NOT NULL,
    data     BYTEA NOT NULL,
    PRIMARY KEY (media_id, seq)
);
ALTER TABLE media_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE media_usage (
    workspace_id TEXT COLLATE "C" PRIMARY KEY REFERENCES workspaces (id),
    -- the sum of media.bytes of the workspace
    bytes        BIGINT NOT NULL
);

INSERT INTO media_chunks (media_id, seq, data)
SELECT m.id, n.seq, substring(m.data FROM (n.seq * 262144 + 1)::int FOR 262144)
FROM media m
CROSS JOIN LATERAL generate_series(0::bigint, (length(m.data) - 1) / 262144) AS n (seq)
WHERE length(m.data) > 0;

UPDATE media SET data = '\x'::bytea;

INSERT INTO media_usage (workspace_id, bytes)
SELECT workspace_id, SUM(bytes) FROM media GROUP BY workspace_id;

CREATE INDEX media_by_sha256 ON media (workspace_id, sha256);
