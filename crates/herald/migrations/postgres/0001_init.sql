-- Herald's first schema (PostgreSQL), the same tables as the SQLite one. Times are epoch
-- milliseconds (BIGINT), lists are JSON text (TEXT, so both backends share one row
-- mapping; queries cast to jsonb where they look inside), enums are their API wire names.
-- Ids compare bytewise (COLLATE "C"), as in SQLite, so listing order and cursor paging do
-- not depend on the cluster's locale.

CREATE TABLE workspaces (
    id                TEXT COLLATE "C" PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    profile_key       TEXT NOT NULL,
    timezone          TEXT NOT NULL,
    requires_approval BOOLEAN NOT NULL,
    late_approval     TEXT NOT NULL,
    -- bumped in the same transaction as every change to one of the workspace's posts
    content_version   BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL
);

CREATE TABLE tokens (
    id           TEXT COLLATE "C" PRIMARY KEY,
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    role         TEXT NOT NULL,
    name         TEXT,
    -- SHA-256 of the token; the token itself is shown once and never stored
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE posts (
    id               TEXT COLLATE "C" PRIMARY KEY,
    workspace_id     TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    text             TEXT NOT NULL,
    platforms        TEXT NOT NULL,
    media_urls       TEXT NOT NULL,
    status           TEXT NOT NULL,
    schedule_at      BIGINT,
    version          BIGINT NOT NULL,
    author           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    published_at     BIGINT,
    ayrshare_id      TEXT,
    platform_results TEXT NOT NULL,
    -- publishing bookkeeping: claim lease, idempotency key, attempts under that key,
    -- platforms of the current attempt
    lease_until      BIGINT,
    publish_key      TEXT,
    publish_attempts BIGINT NOT NULL DEFAULT 0,
    publish_targets  TEXT NOT NULL DEFAULT '[]'
);

CREATE INDEX posts_by_workspace ON posts (workspace_id, created_at DESC, id DESC);
CREATE INDEX posts_due ON posts (status, schedule_at);
CREATE INDEX posts_by_ayrshare_id ON posts (ayrshare_id);

CREATE TABLE post_events (
    id           TEXT COLLATE "C" PRIMARY KEY,
    post_id      TEXT COLLATE "C" NOT NULL REFERENCES posts (id),
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id),
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    comment      TEXT,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    version      BIGINT NOT NULL,
    at           BIGINT NOT NULL
);

CREATE INDEX post_events_by_post ON post_events (post_id, version);

-- Ayrshare webhook delivery ids already handled (delivery is at-least-once)
CREATE TABLE webhook_deliveries (
    hook_id     TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
