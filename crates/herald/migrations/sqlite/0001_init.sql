-- Herald's first schema (SQLite). Times are epoch milliseconds (INTEGER), lists are JSON
-- text, enums are their API wire names.

CREATE TABLE workspaces (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    profile_key       TEXT NOT NULL,
    timezone          TEXT NOT NULL,
    requires_approval BOOLEAN NOT NULL,
    late_approval     TEXT NOT NULL,
    -- bumped in the same transaction as every change to one of the workspace's posts
    content_version   INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    role         TEXT NOT NULL,
    name         TEXT,
    -- SHA-256 of the token; the token itself is shown once and never stored
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

CREATE TABLE posts (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id),
    text             TEXT NOT NULL,
    platforms        TEXT NOT NULL,
    media_urls       TEXT NOT NULL,
    status           TEXT NOT NULL,
    schedule_at      INTEGER,
    version          INTEGER NOT NULL,
    author           TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    published_at     INTEGER,
    ayrshare_id      TEXT,
    platform_results TEXT NOT NULL,
    -- publishing bookkeeping: claim lease, idempotency key, attempts under that key,
    -- platforms of the current attempt
    lease_until      INTEGER,
    publish_key      TEXT,
    publish_attempts INTEGER NOT NULL DEFAULT 0,
    publish_targets  TEXT NOT NULL DEFAULT '[]'
);

CREATE INDEX posts_by_workspace ON posts (workspace_id, created_at DESC, id DESC);
CREATE INDEX posts_due ON posts (status, schedule_at);
CREATE INDEX posts_by_ayrshare_id ON posts (ayrshare_id);

CREATE TABLE post_events (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES posts (id),
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    comment      TEXT,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    at           INTEGER NOT NULL
);

CREATE INDEX post_events_by_post ON post_events (post_id, version);

-- Ayrshare webhook delivery ids already handled (delivery is at-least-once)
CREATE TABLE webhook_deliveries (
    hook_id     TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL
);
