-- Media in chunks, and each workspace's total (security review 3, N2 and N7). A file is
-- read a chunk of 256 KiB at a time (media_chunks), never whole per request; an upload
-- is counted against the workspace's quota in the transaction that stores it
-- (media_usage); an identical upload is found by its SHA-256. Files stored before this
-- migration move into chunks; media.data is kept empty.

CREATE TABLE media_chunks (
    media_id TEXT NOT NULL REFERENCES media (id),
    seq      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (media_id, seq)
);

CREATE TABLE media_usage (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id),
    -- the sum of media.bytes of the workspace
    bytes        INTEGER NOT NULL
);

-- 4,096 chunks of 256 KiB: 1 GiB, the largest HERALD_MEDIA_MAX_MB.
WITH RECURSIVE n (seq) AS (SELECT 0 UNION ALL SELECT seq + 1 FROM n WHERE seq < 4095)
INSERT INTO media_chunks (media_id, seq, data)
SELECT m.id, n.seq, substr(m.data, n.seq * 262144 + 1, 262144)
FROM media m JOIN n ON n.seq * 262144 < length(m.data);

UPDATE media SET data = X'';

INSERT INTO media_usage (workspace_id, bytes)
SELECT workspace_id, SUM(bytes) FROM media GROUP BY workspace_id;

CREATE INDEX media_by_sha256 ON media (workspace_id, sha256);
