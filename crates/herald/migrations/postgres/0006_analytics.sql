-- Analytics (PostgreSQL), as the SQLite migration: figures per post and network, and per
-- account and network, each with the time Ayrshare reported them (as_of), which never
-- goes back. Same conventions as 0001 (ids compared bytewise); metrics are a JSON object
-- of normalised metric name to number.

-- post_id is Herald's post, NULL for a post made outside Herald; posted_at is the post's
-- time, stored here because such a post has no row to join. A row may exist before its
-- first figures (a publish schedules the first refresh): then as_of is NULL.
CREATE TABLE post_metrics (
    ayrshare_id           TEXT NOT NULL,
    platform              TEXT NOT NULL,
    workspace_id          TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    post_id               TEXT COLLATE "C" REFERENCES posts (id),
    posted_at             BIGINT NOT NULL,
    metrics               TEXT NOT NULL,
    as_of                 BIGINT,
    -- NULL: no refresh planned
    next_refresh_at       BIGINT,
    refresh_claimed_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (ayrshare_id, platform)
);

CREATE INDEX post_metrics_by_time ON post_metrics (workspace_id, posted_at);
CREATE INDEX post_metrics_refresh ON post_metrics (next_refresh_at)
    WHERE next_refresh_at IS NOT NULL;

CREATE TABLE account_metrics (
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    platform     TEXT NOT NULL,
    metrics      TEXT NOT NULL,
    as_of        BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, platform)
);
