-- Plan (PostgreSQL): a workspace's posting queue (weekly slots in its zone), the posts that
-- took a slot from it, the keys that make an import row or a feed item one post once,
-- and the RSS / Atom feeds polled into drafts. Same conventions as 0001; ids compared bytewise (COLLATE "C").

-- slots: a JSON array of {"weekday", "time"}. claims: bumped by every queue addition
-- and every change of the queue, in their transaction: the row lock that serialises
-- them (`store::sql::plan`).
CREATE TABLE workspace_queues (
    workspace_id TEXT COLLATE "C" PRIMARY KEY REFERENCES workspaces (id),
    slots        TEXT NOT NULL,
    paused       BOOLEAN NOT NULL DEFAULT FALSE,
    claims       BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL
);

-- A post that took its time from the queue (held while the queue is paused).
CREATE TABLE queued_posts (
    post_id      TEXT COLLATE "C" PRIMARY KEY REFERENCES posts (id),
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id)
);
CREATE INDEX queued_posts_by_workspace ON queued_posts (workspace_id);

-- One post per (workspace, key): `import:<external_id>` or `feed:<feed id>:<item id>`.
-- Written before its post in the same transaction (hence no foreign key on post_id), so
-- a second writer of the same key finds it and skips.
CREATE TABLE post_keys (
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    key          TEXT NOT NULL,
    post_id      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (workspace_id, key)
);

-- platforms: a JSON array. claimed_until: the poller holding it (a lease).
CREATE TABLE feeds (
    id              TEXT COLLATE "C" PRIMARY KEY,
    workspace_id    TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    url             TEXT NOT NULL,
    platforms       TEXT NOT NULL,
    template        TEXT,
    created_at      BIGINT NOT NULL,
    last_checked_at BIGINT,
    last_error      TEXT,
    claimed_until   BIGINT
);
CREATE INDEX feeds_by_workspace ON feeds (workspace_id, created_at);
